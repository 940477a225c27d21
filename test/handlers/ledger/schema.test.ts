import { describe, expect, it } from 'vitest';
import { copyIfValidEntry, storedEntrySchema } from '../../../handlers/ledger/schema';

const valid = {
  eventId: '5b9f7c9e-1d2a-4c8e-9f3b-0a1b2c3d4e5f',
  eventTime: '2026-11-20T14:03:11Z',
  eventSource: 'iam.amazonaws.com',
  eventName: 'CreateUser',
  accountId: '111122223333',
  accountName: 'prod-payments',
  region: 'us-east-1',
  actor: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', name: 'alice', mfa: true },
  target: { type: 'user', name: 'bob', arn: 'arn:aws:iam::111122223333:user/bob' },
  sourceIp: '203.0.113.7',
  sourceIpKind: 'ipv4',
  userAgent: 'aws-cli/2.15',
  via: 'cli',
  result: 'success',
  automation: false,
  detections: [{ id: 'iam-user-created', severity: 'medium', title: 'IAM user bob created by alice' }],
  severity: 'medium',
  origin: 'replay',
  recordedAt: '2026-11-20T14:03:12.000Z',
};

const POLICY_DIFF = {
  status: 'changed',
  kind: 'inline',
  previous: { eventId: 'e-0', eventTime: '2026-11-20T13:00:00Z', eventName: 'PutRolePolicy' },
  actionsAdded: { items: ['iam:PassRole'], total: 1 },
};

const mutations: [string, Record<string, unknown>][] = [
  ['empty eventId', { eventId: '' }],
  ['numeric eventId', { eventId: 7 }],
  ['bad eventTime', { eventTime: 'yesterday' }],
  ['bad recordedAt', { recordedAt: 'soon' }],
  ['missing region', { region: undefined }],
  ['numeric accountName', { accountName: 12 }],
  ['unknown result', { result: 'maybe' }],
  ['string automation', { automation: 'no' }],
  ['unknown severity', { severity: 'urgent' }],
  ['unknown sourceIpKind', { sourceIpKind: 'carrier-pigeon' }],
  ['unknown via', { via: 'telepathy' }],
  ['unknown origin', { origin: 'elsewhere' }],
  ['actor without type', { actor: { name: 'alice' } }],
  ['actor with numeric arn', { actor: { type: 'IAMUser', arn: 1 } }],
  ['actor with string mfa', { actor: { type: 'IAMUser', mfa: 'yes' } }],
  ['unknown target type', { target: { type: 'bucket', name: 'b' } }],
  ['target with numeric name', { target: { type: 'user', name: 5 } }],
  ['detections not an array', { detections: {} }],
  ['detection with bad severity', { detections: [{ id: 'x', severity: 'loud', title: 't' }] }],
  ['detection without id', { detections: [{ id: '', severity: 'low', title: 't' }] }],
  ['delivery state present', { delivery: { sns: { status: 'delivered', at: 'now', attempts: 1 } } }],
  ['an extra field', { riskScore: 7 }],
  ['a canary entry', { canary: true }],
  ['canary false', { canary: false }],
  ['canary as a string', { canary: 'yes' }],
  ['no target', { target: undefined }],
  ['no detections', { detections: [], severity: 'info' }],
  ['a policy diff', { policyDiff: POLICY_DIFF }],
  ['a policy diff of an unknown status', { policyDiff: { ...POLICY_DIFF, status: 'rewritten' } }],
  [
    'a policy diff with a negative total',
    { policyDiff: { ...POLICY_DIFF, actionsAdded: { items: [], total: -1 } } },
  ],
  ['a policy diff that is a string', { policyDiff: 'changed' }],
];

describe('copyIfValidEntry (the schema fast path)', () => {
  it('accepts a valid entry and returns a copy equal to what the schema returns', () => {
    const fast = copyIfValidEntry(valid);
    expect(fast).toEqual(storedEntrySchema.parse(valid));
    expect(fast).not.toBe(valid);
    expect(fast?.actor).not.toBe(valid.actor);
    expect(fast?.detections[0]).not.toBe(valid.detections[0]);
  });

  it('keeps a policy change on the fast path, its diff copied as the schema copies it', () => {
    const withDiff = { ...valid, policyDiff: POLICY_DIFF };
    const fast = copyIfValidEntry(withDiff);
    expect(fast).toEqual(storedEntrySchema.parse(withDiff));
    expect(fast?.policyDiff).not.toBe(POLICY_DIFF);
    expect(fast?.policyDiff?.actionsAdded?.items).not.toBe(POLICY_DIFF.actionsAdded.items);
  });

  it.each(mutations)('never accepts what the schema rejects: %s', (_name, change) => {
    const candidate = { ...valid, ...change };
    const fast = copyIfValidEntry(candidate);
    const slow = storedEntrySchema.safeParse(candidate);
    if (fast !== undefined) {
      expect(slow.success).toBe(true);
      expect(fast).toEqual(slow.data);
    }
  });

  it('defers to the schema on everything invalid', () => {
    const rejectedBySchema = mutations.filter(
      ([, change]) => !storedEntrySchema.safeParse({ ...valid, ...change }).success,
    );
    expect(rejectedBySchema.length).toBeGreaterThan(15);
    for (const [name, change] of rejectedBySchema) {
      expect(copyIfValidEntry({ ...valid, ...change }), name).toBeUndefined();
    }
  });
});
