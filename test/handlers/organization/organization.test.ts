/**
 * The organization at run time: read from Organizations (a local endpoint with AWS's wire shape for
 * 5,000 accounts, moto_server for the real API with role assumption), kept as a snapshot in the ledger
 * table (dynalite), and used by the record path: an account that joins stops being "external" once the
 * refresh its join event triggers has run, one that leaves becomes external again, and when
 * Organizations cannot be read the record path keeps the last snapshot and says so.
 */
import {
  type OrganizationsClient,
  RemoveAccountFromOrganizationCommand,
} from '@aws-sdk/client-organizations';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOrganizationContext } from '../../../handlers/organization/context';
import {
  createOrganizationsClient,
  listOrganizationAccounts,
  OrganizationUnreadableError,
} from '../../../handlers/organization/read';
import { createOrganizationRefresh, triggerOf } from '../../../handlers/organization/refresh';
import { withOrganization } from '../../../handlers/organization/snapshot';
import { DynamoSnapshotStore } from '../../../handlers/organization/store';
import type { StoredEntry } from '../../../handlers/ports';
import { createRecordHandler } from '../../../handlers/record/handler';
import { toEnvelope } from '../../../rules/cloudtrail/envelope';
import { makeContext } from '../../../rules/context';
import { iamCall, trustPolicy } from '../../../rules/examples';
import { type LogLine, recordingLogger } from '../../support/logs';
import {
  createMotoOrganization,
  describeWithMoto,
  MOTO_CREDENTIALS,
  MOTO_DEFAULT_ACCOUNT,
  useMoto,
} from '../../support/moto';
import { useSuiteResource } from '../../support/suite';
import { startDynaliteLedger } from '../ledger/support/dynalite';
import {
  type FakeAccount,
  type OrganizationsServer,
  startOrganizationsServer,
} from './support/organizations-server';

const NOW = new Date('2026-11-20T14:00:00.000Z');
const noDelay = () => new ConfiguredRetryStrategy(5, 0);

const logs: LogLine[] = [];

const ledger = useSuiteResource(startDynaliteLedger);

describe('an organization of 5,000 accounts', () => {
  let server: OrganizationsServer;
  const accounts: FakeAccount[] = Array.from({ length: 5000 }, (_, i) => ({
    id: String(200000000000 + i),
    name: `workload-${i}`,
    parentId: ['r-root', 'ou-root-prod', 'ou-root-dev', 'ou-root-payments'][i % 4]!,
  }));
  beforeAll(async () => {
    server = await startOrganizationsServer({
      rootId: 'r-root',
      units: [
        { id: 'ou-root-prod', name: 'Prod', parentId: 'r-root' },
        { id: 'ou-root-dev', name: 'Dev', parentId: 'r-root' },
        { id: 'ou-root-payments', name: 'Payments', parentId: 'ou-root-prod' },
      ],
      accounts,
      throttleFirst: 3,
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is read page by page through throttling, with OU paths, and stored past the 400 KB item limit', async () => {
    const client = createOrganizationsClient({
      endpoint: server.endpoint,
      credentials: MOTO_CREDENTIALS,
      retryStrategy: noDelay(),
    });
    const snapshot = await listOrganizationAccounts(client, NOW);
    client.destroy();
    expect(snapshot.accounts).toHaveLength(5000);
    expect(snapshot.organizationId).toBe('o-exampleorgid');
    // 1,250 accounts per parent, 20 per page: 63 pages each, one walk, no call per account.
    expect(server.calls.ListAccountsForParent).toBe(4 * 63);
    const byId = new Map(snapshot.accounts.map((a) => [a.id, a]));
    expect(byId.get('200000000000')).toMatchObject({ name: 'workload-0', ouPath: 'Root', status: 'ACTIVE' });
    expect(byId.get('200000000001')?.ouPath).toBe('Root/Prod');
    expect(byId.get('200000000003')?.ouPath).toBe('Root/Prod/Payments');

    const store = new DynamoSnapshotStore(ledger.client, ledger.tableName);
    const head = await store.save(snapshot);
    expect(head.accountCount).toBe(5000);
    const loaded = await store.load();
    expect(loaded?.snapshot.accounts).toEqual(snapshot.accounts);
    const context = withOrganization(
      makeContext({ accountNames: { '200000000002': 'named-in-config' } }),
      loaded?.snapshot,
    );
    expect(context.organizationAccountIds).toHaveLength(5000);
    expect(context.accountNames['200000000002']).toBe('named-in-config');
    expect(context.accountOuPaths['200000000003']).toBe('Root/Prod/Payments');

    // An unchanged organization rewrites only the head, and its age starts again.
    ledger.commands.length = 0;
    const again = await store.save({ ...snapshot, takenAt: '2026-11-20T15:00:00.000Z' });
    expect(again.snapshotId).toBe(head.snapshotId);
    expect(again.checkedAt).toBe('2026-11-20T15:00:00.000Z');
    expect(ledger.commands.filter((c) => c === 'PutCommand' || c === 'BatchWriteCommand')).toEqual([]);
  });
});

describeWithMoto('the organization at run time, with moto_server', () => {
  const READER_ROLE = `arn:aws:iam::${MOTO_DEFAULT_ACCOUNT}:role/iamwatch-organization-reader`;
  const moto = useMoto();
  const organization = useSuiteResource(() => createMotoOrganization(moto));
  let admin: OrganizationsClient;
  let workloadsOu: string;
  let store: DynamoSnapshotStore;
  let clock: Date;

  const reader = (roleArn = READER_ROLE) =>
    createOrganizationsClient({
      roleArn,
      endpoint: moto.endpoint,
      stsEndpoint: moto.endpoint,
      credentials: MOTO_CREDENTIALS,
      retryStrategy: noDelay(),
    });
  const refreshWith = (client: OrganizationsClient) =>
    createOrganizationRefresh({
      read: (now) => listOrganizationAccounts(client, now),
      store,
      clock: { now: () => clock },
      logger: recordingLogger(logs),
    });
  const entries: StoredEntry[] = [];
  const recordHandler = () =>
    createRecordHandler({
      store: ledger.store,
      context: makeContext({ trustedAccountIds: [] }),
      contextOf: createOrganizationContext({
        configured: makeContext({}),
        store,
        clock: { now: () => clock },
        logger: recordingLogger(logs),
        recheckMs: 0,
      }),
      clock: { now: () => clock },
      logger: recordingLogger(logs),
    });
  const trustTo = async (
    record: ReturnType<typeof createRecordHandler>,
    account: string,
    inAccount = MOTO_DEFAULT_ACCOUNT,
  ) => {
    const result = await record(
      toEnvelope(
        iamCall('UpdateAssumeRolePolicy', {
          accountId: inAccount,
          request: {
            roleName: 'app',
            policyDocument: trustPolicy({ AWS: `arn:aws:iam::${account}:root` }),
          },
        }),
      ),
    );
    entries.push(result.entry);
    return result.entry;
  };
  const fires = (entry: StoredEntry) =>
    entry.detections.some((d) => d.id === 'iam-role-trust-allows-external');

  beforeAll(async () => {
    admin = organization.client;
    workloadsOu = await organization.createOrganizationalUnit('Workloads');
    store = new DynamoSnapshotStore(ledger.client, 'iamwatch-ledger');
  }, 60_000);
  beforeEach(() => {
    logs.length = 0;
    clock = NOW;
  });

  it('an account that joins is inside the organization once its join event is processed; one that leaves is outside again', async () => {
    const client = reader();
    const refresh = refreshWith(client);
    await organization.createAccount('payments-prod', workloadsOu);
    await refresh(triggerOf({ source: 'aws.events', 'detail-type': 'Scheduled Event' }));
    const record = recordHandler();

    const joined = await organization.createAccount('brand-new', workloadsOu);
    clock = new Date(NOW.getTime() + 60_000);
    expect(fires(await trustTo(record, joined))).toBe(true);

    // The refresh the CreateAccountResult event triggers (the rule on the monitored bus).
    const refreshed = await refresh(triggerOf({ detail: { eventName: 'CreateAccountResult' } }));
    expect(refreshed.joined).toEqual([joined]);
    expect(logs.findLast((l) => l.message === 'organization snapshot refreshed')?.fields.trigger).toBe(
      'CreateAccountResult',
    );
    clock = new Date(NOW.getTime() + 120_000);
    const after = await trustTo(record, joined);
    expect(fires(after)).toBe(false);

    // Entries in a member account carry its name and OU path from the snapshot.
    const inMember = await trustTo(record, joined, joined);
    expect(inMember).toMatchObject({ accountName: 'brand-new', ouPath: 'Root/Workloads' });
    expect((await ledger.store.get(inMember.eventId))?.ouPath).toBe('Root/Workloads');

    await admin.send(new RemoveAccountFromOrganizationCommand({ AccountId: joined }));
    const left = await refresh(triggerOf({ detail: { eventName: 'RemoveAccountFromOrganization' } }));
    expect(left.left).toEqual([joined]);
    clock = new Date(NOW.getTime() + 180_000);
    expect(fires(await trustTo(record, joined))).toBe(true);
    client.destroy();
  });

  it('when Organizations cannot be read, keeps the last snapshot, notes the failure and never fails the record path', async () => {
    const good = reader();
    const member = await organization.createAccount('steady', workloadsOu);
    await refreshWith(good)('schedule');
    good.destroy();
    const record = recordHandler();
    expect(fires(await trustTo(record, member))).toBe(false);

    // A role in an account outside any organization: Organizations answers AWSOrganizationsNotInUseException.
    const outsider = reader('arn:aws:iam::210987654321:role/iamwatch-organization-reader');
    clock = new Date(NOW.getTime() + 3_600_000);
    await expect(refreshWith(outsider)('schedule')).rejects.toThrow(OrganizationUnreadableError);
    outsider.destroy();
    expect(logs.find((l) => l.level === 'error')?.message).toBe(
      'AWS Organizations unreadable: the last snapshot stays current',
    );
    const head = await store.head();
    expect(head?.lastError).toMatch(/DescribeOrganization failed/);
    expect(head?.lastErrorAt).toBe(clock.toISOString());

    logs.length = 0;
    clock = new Date(NOW.getTime() + 3_700_000);
    expect(fires(await trustTo(record, member))).toBe(false);
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'AWS Organizations unreadable at the last refresh: detections use the last snapshot and the configuration',
    ]);
  });

  it('records with the configuration alone when the snapshot itself cannot be read', async () => {
    const broken = new DynamoSnapshotStore(ledger.client, 'no-such-table');
    const record = createRecordHandler({
      store: ledger.store,
      context: makeContext({}),
      contextOf: createOrganizationContext({
        configured: makeContext({ organizationAccountIds: ['123123123123'] }),
        store: broken,
        clock: { now: () => clock },
        logger: recordingLogger(logs),
      }),
      clock: { now: () => clock },
      logger: recordingLogger(logs),
    });
    expect(fires(await trustTo(record, '123123123123'))).toBe(false);
    expect(fires(await trustTo(record, '321321321321'))).toBe(true);
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'organization snapshot unreadable: detections use the last snapshot and the configuration',
    ]);
  });
});
