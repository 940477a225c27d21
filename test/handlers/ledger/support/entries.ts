/** Hand-built ledger entries and raw records for the ledger tests (independent of the normaliser). */
import type { StoredEntry } from '../../../../handlers/ports';
import { severityRank } from '../../../../rules/severity';
import { type CloudTrailRecord, type DetectionHit, SEVERITIES, type Severity } from '../../../../rules/types';

export const ACCOUNT_A = '111122223333';
export const ACCOUNT_B = '444455556666';

export function entry(overrides: Partial<StoredEntry> & { eventId: string; eventTime: string }): StoredEntry {
  return {
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    accountId: ACCOUNT_A,
    region: 'us-east-1',
    actor: {
      type: 'IAMUser',
      arn: `arn:aws:iam::${ACCOUNT_A}:user/alice`,
      principalId: 'AIDAEXAMPLEALICE',
      name: 'alice',
      accountId: ACCOUNT_A,
    },
    result: 'success',
    automation: false,
    detections: [],
    severity: 'info',
    origin: 'replay',
    recordedAt: '2026-11-22T00:00:00.000Z',
    ...overrides,
  };
}

export function hit(id: string, severity: Severity): DetectionHit {
  return { id, severity, title: `${id} fired` };
}

export function rawOf(stored: StoredEntry, extra: Partial<CloudTrailRecord> = {}): CloudTrailRecord {
  return {
    eventVersion: '1.09',
    eventID: stored.eventId,
    eventTime: stored.eventTime,
    eventName: stored.eventName,
    eventSource: stored.eventSource,
    awsRegion: stored.region,
    recipientAccountId: stored.accountId,
    sourceIPAddress: stored.sourceIp ?? 'AWS Internal',
    userIdentity: { type: stored.actor.type, arn: stored.actor.arn, accountId: stored.actor.accountId },
    requestParameters: { userName: stored.target?.name ?? 'someone' },
    responseElements: null,
    ...extra,
  };
}

/** One entry with a target and a detection: what the persistence tests write, then read after a restart. */
export const PERSISTED = entry({
  eventId: 'persist-1',
  eventTime: '2026-11-20T14:03:11Z',
  target: { type: 'user', name: 'svc-deploy' },
  detections: [hit('iam-user-created', 'medium')],
  severity: 'medium',
});

const ssoRole = `arn:aws:iam::${ACCOUNT_B}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef`;
const ssoActor = (session: string): StoredEntry['actor'] => ({
  type: 'AssumedRole',
  arn: `arn:aws:sts::${ACCOUNT_B}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/${session}`,
  name: session,
  accountId: ACCOUNT_B,
  sessionIssuerArn: ssoRole,
  mfa: true,
});

export const SSO_ROLE_ARN = ssoRole;

/** A user or role of `account`, with its IAM ARN. */
const iamTarget = (type: 'user' | 'role', name: string, account = ACCOUNT_A): StoredEntry['target'] => ({
  type,
  name,
  arn: `arn:aws:iam::${account}:${type}/${name}`,
});

/** The detections that fired, and the entry's severity: the highest of theirs. */
function fired(...hits: DetectionHit[]): Pick<StoredEntry, 'detections' | 'severity'> {
  const severity = hits.reduce<Severity>(
    (top, h) => (severityRank(h.severity) > severityRank(top) ? h.severity : top),
    'info',
  );
  return { detections: hits, severity };
}

/** Nine entries over three days, two accounts, several actors, targets, IPs, detections and severities. */
export const SCENARIO: StoredEntry[] = [
  entry({
    eventId: 'e01',
    eventTime: '2026-11-18T09:00:00Z',
    target: iamTarget('user', 'bob'),
    sourceIp: '203.0.113.7',
    sourceIpKind: 'ipv4',
    ...fired(hit('iam-user-created', 'medium')),
  }),
  entry({
    eventId: 'e02',
    eventTime: '2026-11-18T10:00:00Z',
    eventName: 'CreateAccessKey',
    target: iamTarget('user', 'bob'),
    sourceIp: '203.0.113.7',
    ...fired(hit('iam-access-key-created-for-another-user', 'high')),
  }),
  entry({
    eventId: 'e03',
    eventTime: '2026-11-19T08:00:00Z',
    eventName: 'AttachRolePolicy',
    accountId: ACCOUNT_B,
    actor: ssoActor('alice@example.com'),
    target: iamTarget('role', 'deployer', ACCOUNT_B),
    policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    sourceIp: '198.51.100.9',
    via: 'console',
    ...fired(hit('iam-admin-policy-attached', 'high')),
  }),
  entry({
    eventId: 'e04',
    eventTime: '2026-11-19T12:00:00Z',
    accountId: ACCOUNT_B,
    actor: ssoActor('bob@example.com'),
    target: iamTarget('user', 'bob', ACCOUNT_B),
    sourceIp: '198.51.100.9',
    ...fired(hit('iam-user-created', 'medium')),
  }),
  entry({
    eventId: 'e05',
    eventTime: '2026-11-19T12:00:00.000Z',
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    actor: {
      type: 'Root',
      arn: `arn:aws:iam::${ACCOUNT_A}:root`,
      name: 'root',
      accountId: ACCOUNT_A,
      mfa: false,
    },
    sourceIp: '192.0.2.1',
    ...fired(hit('root-console-login', 'critical')),
  }),
  entry({
    eventId: 'e06',
    eventTime: '2026-11-20T07:30:00Z',
    eventName: 'DeleteUser',
    actor: {
      type: 'IAMUser',
      arn: `arn:aws:iam::${ACCOUNT_A}:user/carol`,
      name: 'carol',
      accountId: ACCOUNT_A,
    },
    target: iamTarget('user', 'bob'),
    sourceIp: '203.0.113.7',
    ...fired(hit('iam-user-deleted', 'low')),
  }),
  entry({
    eventId: 'e07',
    eventTime: '2026-11-20T08:00:00Z',
    eventName: 'PutUserPolicy',
    target: iamTarget('user', 'carol'),
    sourceIp: '203.0.113.8',
    ...fired(hit('iam-inline-policy-added', 'medium'), hit('iam-inline-admin-policy-added', 'critical')),
  }),
  entry({
    eventId: 'e08',
    eventTime: '2026-11-20T09:00:00Z',
    eventName: 'CreateRole',
    accountId: ACCOUNT_B,
    actor: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCOUNT_B}:assumed-role/cfn-exec/AWSCloudFormation`,
      name: 'AWSCloudFormation',
      sessionIssuerArn: `arn:aws:iam::${ACCOUNT_B}:role/cfn-exec`,
      invokedBy: 'cloudformation.amazonaws.com',
    },
    target: iamTarget('role', 'app', ACCOUNT_B),
    sourceIp: 'cloudformation.amazonaws.com',
    sourceIpKind: 'aws-service',
    automation: true,
    ...fired(hit('iam-change', 'info')),
  }),
  entry({
    eventId: 'e09',
    eventTime: '2026-11-20T10:00:00Z',
    eventName: 'UpdateLoginProfile',
    target: { type: 'user', name: 'dave' },
    sourceIp: '203.0.113.7',
    result: 'failure',
    errorCode: 'AccessDenied',
    ...fired(hit('iam-write-denied', 'medium')),
  }),
];

/** `count` entries spread over days, alternating accounts and cycling through the severities. */
export function manyEntries(count: number): StoredEntry[] {
  const start = Date.parse('2026-10-01T00:00:00Z');
  return Array.from({ length: count }, (_, index) => {
    const severity = SEVERITIES[index % SEVERITIES.length] ?? 'info';
    return entry({
      eventId: `bulk-${String(index).padStart(4, '0')}`,
      eventTime: new Date(start + index * 37 * 60_000).toISOString().replace('.000Z', 'Z'),
      accountId: index % 2 === 0 ? ACCOUNT_A : ACCOUNT_B,
      detections: severity === 'info' ? [] : [hit(`bulk-${severity}`, severity)],
      severity,
    });
  });
}
