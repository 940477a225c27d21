/**
 * Inventory and audit name a creator with the label the alerts use for the actor: a principal taken
 * from a ledger entry keeps what `actorLabel` reads.
 */
import { describe, expect, it } from 'vitest';
import { principalOf } from '../../../handlers/ledger/user-history';
import { actorLabel } from '../../../rules/detections/define';
import type { Actor } from '../../../rules/types';
import { ACCOUNT_A, entry } from '../ledger/support/entries';

const SSO_ISSUER = `arn:aws:iam::${ACCOUNT_A}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef`;

const ACTORS: { name: string; actor: Actor; label: string }[] = [
  {
    name: 'an Identity Center user',
    actor: {
      type: 'AssumedRole',
      name: 'jane@example.com',
      arn: `arn:aws:sts::${ACCOUNT_A}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/jane@example.com`,
      sessionIssuerArn: SSO_ISSUER,
    },
    label: 'jane@example.com (AWSReservedSSO_Admin_0123456789abcdef)',
  },
  {
    name: 'CloudFormation on behalf of a role',
    actor: { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' },
    label: 'cloudformation.amazonaws.com',
  },
  {
    name: 'an IAM user',
    actor: { type: 'IAMUser', name: 'alice', arn: `arn:aws:iam::${ACCOUNT_A}:user/alice` },
    label: 'alice',
  },
  { name: 'the root user', actor: { type: 'Root', arn: `arn:aws:iam::${ACCOUNT_A}:root` }, label: 'root' },
];

describe('a principal in a report', () => {
  it.each(ACTORS)('$name reads as the alert reads the actor', ({ actor, label }) => {
    const principal = principalOf(entry({ eventId: 'e-1', eventTime: '2026-11-20T14:00:00.000Z', actor }));

    expect(actorLabel(principal)).toBe(label);
    expect(actorLabel(actor)).toBe(label);
  });
});
