import { describe, expect, it } from 'vitest';
import { isSamePrincipal } from '../../../rules/target';
import type { Actor, Target } from '../../../rules/types';
import { ACCOUNT, role, user } from './support';

describe('isSamePrincipal', () => {
  const iamActor = (name: string, accountId = ACCOUNT): Actor => ({
    type: 'IAMUser',
    name,
    arn: `arn:aws:iam::${accountId}:user/${name}`,
    accountId,
  });
  const session = (roleName: string, sessionName: string): Actor => ({
    type: 'AssumedRole',
    name: sessionName,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${sessionName}`,
    sessionIssuerArn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`,
    accountId: ACCOUNT,
  });

  it('an IAM user is its own target, by ARN or by case-insensitive name', () => {
    expect(isSamePrincipal(iamActor('bob'), user('bob', `arn:aws:iam::${ACCOUNT}:user/bob`))).toBe(true);
    expect(isSamePrincipal(iamActor('bob'), user('BOB'))).toBe(true);
    expect(isSamePrincipal(iamActor('alice'), user('bob'))).toBe(false);
  });

  it('compares ARNs when both are known (same name in another account is someone else)', () => {
    expect(
      isSamePrincipal(iamActor('bob', '444455556666'), user('bob', `arn:aws:iam::${ACCOUNT}:user/bob`)),
    ).toBe(false);
  });

  it('an assumed-role session is never an IAM user, whatever its session name', () => {
    expect(isSamePrincipal(session('bob', 'bob'), user('bob'))).toBe(false);
  });

  it('a role target is the actor when the session was issued by that role', () => {
    expect(isSamePrincipal(session('deploy', 'ci-run-1'), role('deploy'))).toBe(true);
    expect(
      isSamePrincipal(session('deploy', 'ci-run-1'), role('deploy', `arn:aws:iam::${ACCOUNT}:role/deploy`)),
    ).toBe(true);
    expect(isSamePrincipal(session('deploy', 'ci-run-1'), role('admin'))).toBe(false);
    expect(isSamePrincipal(iamActor('deploy'), role('deploy'))).toBe(false);
  });

  it('the root user is only its own target', () => {
    const root: Actor = {
      type: 'Root',
      name: 'root',
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      accountId: ACCOUNT,
    };
    const rootTarget: Target = { type: 'user', name: 'root', arn: `arn:aws:iam::${ACCOUNT}:root` };
    expect(isSamePrincipal(root, rootTarget)).toBe(true);
    expect(isSamePrincipal(root, user('bob'))).toBe(false);
    expect(isSamePrincipal(iamActor('root'), rootTarget)).toBe(false);
  });
});
