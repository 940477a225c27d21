import { describe, expect, it } from 'vitest';
import { entryRow } from '../../../handlers/cli/entries';
import { headline } from '../../../handlers/notify/describe';
import { ssoAdminAttach } from '../notify/entries';

const ACTOR_COLUMN = 2;
const SSO_LABEL = 'carol@example.com (AWSReservedSSO_AdminAccess_0123456789abcdef)';

describe('the actor label', () => {
  it('names a role session the way alert titles do: session name (role)', () => {
    expect(entryRow(ssoAdminAttach())[ACTOR_COLUMN]).toBe(SSO_LABEL);
  });

  it('is the same in the CLI table and in an alert without a detection title', () => {
    const entry = ssoAdminAttach({ detections: [] });
    expect(headline(entry)).toBe(`AttachRolePolicy by ${SSO_LABEL}`);
    expect(entryRow(entry)[ACTOR_COLUMN]).toBe(SSO_LABEL);
  });

  it('is the bare name for an IAM user (no role to name, near miss)', () => {
    expect(entryRow(ssoAdminAttach({ actor: { type: 'IAMUser', name: 'alice' } }))[ACTOR_COLUMN]).toBe(
      'alice',
    );
  });
});
