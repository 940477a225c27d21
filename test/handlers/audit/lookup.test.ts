import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinWithLedger } from '../../../handlers/audit/inventory';
import { cloudTrailCreationLookup } from '../../../handlers/audit/lookup';
import { MemoryLedgerStore } from '../../../handlers/ledger/memory-store';
import type { AccountSnapshot, UserState } from '../../../rules/audit/snapshot';
import type { CloudTrailRecord } from '../../../rules/types';
import { type FakeCloudTrail, startFakeCloudTrail } from '../backfill/support/fake-cloudtrail';
import { iamRecord } from './support';

const A = '111122223333';
const B = '444455556666';
const NOW = new Date('2026-11-30T12:00:00Z');
const ROLE = 'iamwatch-audit-read';

const user = (userName: string, createdAt: string): UserState => ({
  userName,
  createdAt,
  mfaDevices: [],
  accessKeys: [],
  attachedPolicies: [],
  inlinePolicies: [],
  groups: [],
});

const snapshot = (accountId: string, users: UserState[]): AccountSnapshot => ({
  accountId,
  readAt: NOW.toISOString(),
  source: 'iam',
  users,
  warnings: [],
});

describe('inventory --lookup: creators from CloudTrail event history (LookupEvents at the wire)', () => {
  let cloudtrail: FakeCloudTrail;

  beforeAll(async () => {
    const events = [
      iamRecord(
        'CreateUser',
        A,
        '2026-10-01T09:00:00Z',
        { userName: 'deploy-bot' },
        { sso: 'jane@example.com' },
      ),
      iamRecord('CreateUser', A, '2026-10-02T09:00:00Z', { userName: 'denied-one' }),
      iamRecord('CreateUser', B, '2026-11-01T09:00:00Z', { userName: 'carol' }, { userName: 'bob' }),
      // Older than event history's 90 days: LookupEvents does not return it.
      iamRecord('CreateUser', A, '2026-07-01T09:00:00Z', { userName: 'ancient' }),
    ];
    (events[1] as { errorCode?: string }).errorCode = 'AccessDenied';
    cloudtrail = await startFakeCloudTrail({ events: events as unknown as CloudTrailRecord[] });
  });
  afterAll(async () => {
    await cloudtrail?.close();
  });

  it('names the creator the ledger lacks, per account through the assumed role, and stays honest otherwise', async () => {
    const lookup = cloudTrailCreationLookup({
      sdk: {
        credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
        endpoint: cloudtrail.endpoint,
        stsEndpoint: cloudtrail.endpoint,
        maxAttempts: 1,
      },
      roleName: ROLE,
      now: () => NOW,
    });
    const store = new MemoryLedgerStore();
    try {
      const rows = await joinWithLedger(
        [
          snapshot(A, [
            user('deploy-bot', '2026-10-01T09:00:00Z'),
            user('denied-one', '2026-10-02T09:00:00Z'),
            user('ancient', '2026-07-01T09:00:00Z'),
          ]),
          snapshot(B, [user('carol', '2026-11-01T09:00:00Z')]),
        ],
        store,
        lookup.lookup,
      );
      const byName = Object.fromEntries(rows.map((row) => [row.userName, row.creator]));
      expect(byName['deploy-bot']).toMatchObject({
        status: 'cloudtrail',
        by: { ssoUser: 'jane@example.com', sourceIp: '198.51.100.7' },
      });
      expect(byName['deploy-bot']?.note).toBe(
        'created by jane@example.com (AWSReservedSSO_AdministratorAccess_0123456789abcdef) (CloudTrail event history)',
      );
      expect(byName.carol).toMatchObject({ status: 'cloudtrail', by: { name: 'bob' } });
      // A failed CreateUser created nothing; an event older than 90 days is not in event history.
      expect(byName['denied-one']?.status).toBe('no-ledger-history');
      expect(byName.ancient?.status).toBe('no-ledger-history');
    } finally {
      lookup.close();
      await store.close();
    }
    const lookups = cloudtrail.callsOf('LookupEvents');
    // One paged query per account, not one per user, each in us-east-1 as the assumed role.
    expect(lookups.map((call) => call.accessKeyId).sort()).toEqual([`ASIA${A}`, `ASIA${B}`]);
    expect(lookups.every((call) => call.region === 'us-east-1')).toBe(true);
    expect(lookups[0]?.body.LookupAttributes).toEqual([
      { AttributeKey: 'EventName', AttributeValue: 'CreateUser' },
    ]);
    expect(
      cloudtrail
        .callsOf('AssumeRole')
        .map((call) => call.body.RoleArn)
        .sort(),
    ).toEqual([`arn:aws:iam::${A}:role/${ROLE}`, `arn:aws:iam::${B}:role/${ROLE}`]);
  });

  it('reports an account whose event history cannot be read and goes on', async () => {
    const errors: string[] = [];
    const denied = await startFakeCloudTrail({
      fault: (call) =>
        call.operation === 'LookupEvents'
          ? { status: 400, body: JSON.stringify({ __type: 'AccessDeniedException', message: 'no' }) }
          : undefined,
    });
    const lookup = cloudTrailCreationLookup({
      sdk: {
        credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
        endpoint: denied.endpoint,
        maxAttempts: 1,
      },
      now: () => NOW,
      onError: (accountId, error) => errors.push(`${accountId}: ${error.name}`),
    });
    try {
      expect(await lookup.lookup(A, 'anyone')).toBeUndefined();
      expect(await lookup.lookup(A, 'someone-else')).toBeUndefined();
      expect(errors).toEqual([`${A}: AccessDeniedException`]);
    } finally {
      lookup.close();
      await denied.close();
    }
  });
});
