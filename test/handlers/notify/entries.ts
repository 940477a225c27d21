/** Ledger entries for notifier tests: an ordinary one and a hostile one. */
import type { LedgerEntry } from '../../../rules/types';

/** alice (IAMUser, no MFA) mints an access key for bob: one high detection. */
export function keyForAnotherUser(overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    eventId: '3c5bdbb4-8f11-4c43-9d3b-2f4f7e0c1a55',
    eventTime: '2026-11-20T14:03:11Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateAccessKey',
    accountId: '111122223333',
    accountName: 'prod-payments',
    region: 'us-east-1',
    actor: {
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/alice',
      principalId: 'AIDAEXAMPLEALICE',
      name: 'alice',
      accountId: '111122223333',
      accessKeyId: 'AKIAEXAMPLEALICE',
      mfa: false,
    },
    target: { type: 'user', name: 'bob', arn: 'arn:aws:iam::111122223333:user/bob' },
    sourceIp: '203.0.113.7',
    sourceIpKind: 'ipv4',
    userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64',
    via: 'cli',
    result: 'success',
    automation: false,
    detections: [
      {
        id: 'iam-access-key-created-for-another-user',
        severity: 'high',
        title: 'Access key created for bob by alice',
      },
    ],
    severity: 'high',
    ...overrides,
  };
}

/** An Identity Center user (AssumedRole via AWSReservedSSO_…) attaching AdministratorAccess to a role. */
export function ssoAdminAttach(overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return keyForAnotherUser({
    eventId: '0f5e7c2a-1111-4222-8333-944455556666',
    eventName: 'AttachRolePolicy',
    actor: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdminAccess_0123456789abcdef/carol@example.com',
      name: 'carol@example.com',
      accountId: '111122223333',
      sessionIssuerArn:
        'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdminAccess_0123456789abcdef',
      mfa: true,
    },
    target: { type: 'role', name: 'deploy', arn: 'arn:aws:iam::111122223333:role/deploy' },
    policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    vpcEndpointId: 'vpce-0a1b2c3d4e5f67890',
    via: 'console',
    userAgent: 'AWS Internal',
    detections: [
      { id: 'iam-admin-policy-attached', severity: 'high', title: 'Admin policy attached to role deploy' },
      { id: 'iam-policy-attached', severity: 'low', title: 'Policy attached to role deploy' },
    ],
    ...overrides,
  });
}

export const HOSTILE_NAME = '<!channel> *bold* <http://evil|x> &amp';
const HUGE = 100 * 1024;

/**
 * Everything an attacker controls set to mention/link/formatting injections, and the policy ARN and
 * user agent at 100 KB each.
 */
export function hostileEntry(): LedgerEntry {
  const huge = (prefix: string) => `${prefix}${'A'.repeat(HUGE)}`;
  return keyForAnotherUser({
    actor: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::111122223333:assumed-role/evil/${HOSTILE_NAME}`,
      name: `${HOSTILE_NAME} <@U024BE7LH> <#C024BE7LR> ~strike~ _it_ \`code\``,
      sessionIssuerArn: 'arn:aws:iam::111122223333:role/AWSReservedSSO_<!here>_0123456789abcdef',
      sourceIdentity: '<!subteam^S123|team>',
      mfa: undefined,
    },
    target: {
      type: 'user',
      name: `${HOSTILE_NAME}\nfake line`,
      arn: huge('arn:aws:iam::111122223333:user/<!channel>'),
    },
    policyArn: huge('arn:aws:iam::aws:policy/<!here>'),
    userAgent: huge('\u001b[31m<!everyone> '),
    result: 'failure',
    errorCode: '<!channel>AccessDenied',
    detections: [
      {
        id: 'iam-access-key-created-for-another-user',
        severity: 'high',
        title: `Access key created for ${HOSTILE_NAME}`,
      },
    ],
  });
}
