/**
 * The heartbeat function's wiring over real local components: heartbeat state in the ledger table
 * (dynalite), notices published with the real SNSClient to a local SNS endpoint, and the expected
 * accounts read from AWS Organizations served by moto (nested OUs, an account outside the targets,
 * the management account).
 */
import { DescribeOrganizationCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { PublishCommand } from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AccountDirectoryError,
  organizationsDirectory,
  staticDirectory,
} from '../../../handlers/heartbeat/accounts';
import { readHeartbeatConfig } from '../../../handlers/heartbeat/config';
import {
  createHeartbeatHandler,
  HEARTBEAT_DETAIL_TYPE,
  HEARTBEAT_SOURCE,
  type HeartbeatDeps,
} from '../../../handlers/heartbeat/handler';
import { DynamoHeartbeatStore, HEARTBEATS_PARTITION } from '../../../handlers/heartbeat/store';
import { ConfigurationError } from '../../../handlers/shared/env';
import { silentLogger } from '../../../handlers/shared/logger';
import { startFakeSns, TOPIC_ARN } from '../../e2e/support/sns';
import { createMotoOrganization, describeWithMoto, useMoto } from '../../support/moto';
import { useSuiteResource } from '../../support/suite';
import { startDynaliteLedger } from '../ledger/support/dynalite';

const MINUTE = 60_000;
const T0 = Date.parse('2026-12-02T12:00:00.000Z');

const ledger = useSuiteResource(startDynaliteLedger);
const sns = useSuiteResource(startFakeSns);

function heartbeat(account: string, region: string, minute: number) {
  return {
    version: '0',
    id: `hb-${account}-${region}-${minute}`,
    source: HEARTBEAT_SOURCE,
    'detail-type': HEARTBEAT_DETAIL_TYPE,
    account,
    region,
    time: new Date(T0 + minute * MINUTE).toISOString().replace('.000Z', 'Z'),
    resources: [],
    detail: { intervalMinutes: 15 },
  };
}

const scheduled = {
  source: 'aws.events',
  'detail-type': 'Scheduled Event',
  account: '222222222222',
  region: 'us-east-1',
};

describe('the heartbeat function over dynalite and a local SNS endpoint', () => {
  let now = T0;
  const deps = (): HeartbeatDeps => ({
    store: new DynamoHeartbeatStore(ledger.client, ledger.tableName),
    directory: staticDirectory([{ id: '111111111111', name: 'management' }, { id: '333333333333' }]),
    regions: ['us-east-1', 'eu-north-1'],
    lateAfterMs: 45 * MINUTE,
    clock: { now: () => new Date(now) },
    publish: async ({ subject, message }) => {
      await sns.client.send(new PublishCommand({ TopicArn: TOPIC_ARN, Subject: subject, Message: message }));
    },
    logger: silentLogger,
  });

  it('records heartbeats apart from entries, reports the one that stops, and its recovery', async () => {
    const handler = createHeartbeatHandler(deps());
    for (const account of ['111111111111', '333333333333']) {
      for (const region of ['us-east-1', 'eu-north-1']) {
        expect(await handler(heartbeat(account, region, 0))).toEqual({
          kind: 'recorded',
          accountId: account,
          region,
          at: new Date(T0).toISOString(),
        });
      }
    }
    // An older heartbeat delivered late does not move the clock back.
    await handler(heartbeat('111111111111', 'us-east-1', -30));
    expect(await handler(scheduled)).toMatchObject({ kind: 'checked', expected: 4, notices: [] });

    // 333333333333 / eu-north-1 stops; the rest keep beating.
    for (let minute = 15; minute <= 60; minute += 15) {
      for (const [account, region] of [
        ['111111111111', 'us-east-1'],
        ['111111111111', 'eu-north-1'],
        ['333333333333', 'us-east-1'],
      ] as const) {
        await handler(heartbeat(account, region, minute));
      }
    }
    now = T0 + 50 * MINUTE;
    const late = await handler(scheduled);
    expect(late).toMatchObject({
      kind: 'checked',
      notices: [{ kind: 'silent', reporter: { accountId: '333333333333', region: 'eu-north-1' } }],
    });
    expect(sns.published).toHaveLength(1);
    expect(sns.published[0]!.subject).toBe('iamwatch: 333333333333 / eu-north-1 silent');
    expect(sns.published[0]!.rawMessage).toContain(
      'account 333333333333 / region eu-north-1 silent since 2026-12-02T12:00:00.000Z',
    );

    now = T0 + 55 * MINUTE;
    expect(await handler(scheduled)).toMatchObject({ notices: [] });
    expect(sns.published).toHaveLength(1);

    await handler(heartbeat('333333333333', 'eu-north-1', 56));
    now = T0 + 60 * MINUTE;
    expect(await handler(scheduled)).toMatchObject({ notices: [{ kind: 'recovered' }] });
    expect(sns.published[1]!.subject).toBe('iamwatch: 333333333333 / eu-north-1 recovered');

    // Heartbeat items are not ledger entries: history finds nothing, and the items are kind=heartbeat.
    expect(await ledger.store.history({ since: '2026-12-01T00:00:00Z' })).toEqual([]);
    const states = await new DynamoHeartbeatStore(ledger.client, ledger.tableName).states();
    expect(states.find((s) => s.accountId === '111111111111' && s.region === 'us-east-1')!.lastSeenAt).toBe(
      new Date(T0 + 60 * MINUTE).toISOString(),
    );
    expect(ledger.commands).not.toContain('ScanCommand');
    expect(HEARTBEATS_PARTITION).toBe('HEARTBEATS');
  });

  it('drops a heartbeat it cannot attribute, and ignores other events', async () => {
    const handler = createHeartbeatHandler(deps());
    expect(
      await handler({ ...heartbeat('111111111111', 'us-east-1', 0), account: 'not-an-account' }),
    ).toMatchObject({ kind: 'ignored' });
    expect(await handler({ source: 'aws.iam', 'detail-type': 'AWS API Call via CloudTrail' })).toMatchObject({
      kind: 'ignored',
    });
  });

  it('refuses to conclude anything from an empty directory', async () => {
    const handler = createHeartbeatHandler({ ...deps(), directory: staticDirectory([]) });
    await expect(handler(scheduled)).rejects.toThrow(/no accounts/);
  });
});

describeWithMoto('expected accounts from AWS Organizations', () => {
  const moto = useMoto();
  const organization = useSuiteResource(() => createMotoOrganization(moto));
  let client: OrganizationsClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    client = organization.client;
    ids.management = (await client.send(new DescribeOrganizationCommand({}))).Organization!.MasterAccountId!;
    ids.root = organization.rootId;
    ids.workloads = await organization.createOrganizationalUnit('workloads');
    ids.prod = await organization.createOrganizationalUnit('prod', ids.workloads);
    ids.sandbox = await organization.createOrganizationalUnit('sandbox');
    ids.payments = await organization.createAccount('payments', ids.prod);
    ids.shared = await organization.createAccount('shared', ids.workloads);
    ids.play = await organization.createAccount('play', ids.sandbox);
  });

  it('lists every account under the target OUs, child OUs included, plus the management account', async () => {
    const directory = organizationsDirectory({
      client,
      targetIds: [ids.workloads!],
      managementAccountId: ids.management!,
    });
    const accounts = await directory.expectedAccounts();
    expect(accounts.map((a) => a.id).sort()).toEqual([ids.management, ids.payments, ids.shared].sort());
    expect(accounts.find((a) => a.id === ids.payments)).toEqual({ id: ids.payments, name: 'payments' });
  });

  it('targets the whole organization from the root', async () => {
    const directory = organizationsDirectory({
      client,
      targetIds: [ids.root!],
      managementAccountId: ids.management!,
    });
    const accounts = (await directory.expectedAccounts()).map((a) => a.id);
    expect(accounts).toEqual(expect.arrayContaining([ids.management, ids.payments, ids.shared, ids.play]));
    expect(new Set(accounts).size).toBe(accounts.length);
  });

  it('fails with the targets named when Organizations refuses', async () => {
    const directory = organizationsDirectory({
      client,
      targetIds: ['ou-zzzz-doesnotexist'],
      managementAccountId: ids.management!,
    });
    await expect(directory.expectedAccounts()).rejects.toThrow(AccountDirectoryError);
  });
});

describe('readHeartbeatConfig', () => {
  const valid = {
    IAMWATCH_TABLE_NAME: 'iamwatch-ledger',
    IAMWATCH_OPERATIONS_TOPIC_ARN: TOPIC_ARN,
    IAMWATCH_HEARTBEAT_REGIONS: '["us-east-1","eu-north-1"]',
    IAMWATCH_HEARTBEAT_TARGETS:
      '{"kind":"organization","targetIds":["r-a1b2"],"managementAccountId":"111111111111"}',
  };

  it('reads the contract the stack writes, defaulting lateness to 45 minutes', () => {
    expect(readHeartbeatConfig(valid)).toEqual({
      tableName: 'iamwatch-ledger',
      operationsTopicArn: TOPIC_ARN,
      regions: ['us-east-1', 'eu-north-1'],
      lateAfterMinutes: 45,
      targets: { kind: 'organization', targetIds: ['r-a1b2'], managementAccountId: '111111111111' },
    });
  });

  it('names the variable that is wrong', () => {
    expect(() => readHeartbeatConfig({ ...valid, IAMWATCH_HEARTBEAT_REGIONS: '[]' })).toThrow(
      /IAMWATCH_HEARTBEAT_REGIONS/,
    );
    expect(() => readHeartbeatConfig({ ...valid, IAMWATCH_HEARTBEAT_TARGETS: '{"kind":"ou"}' })).toThrow(
      ConfigurationError,
    );
    expect(() => readHeartbeatConfig({ ...valid, IAMWATCH_HEARTBEAT_LATE_MINUTES: 'soon' })).toThrow(
      /IAMWATCH_HEARTBEAT_LATE_MINUTES/,
    );
  });
});
