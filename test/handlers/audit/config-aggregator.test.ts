/**
 * The Config aggregator path of `inventory` at the wire. moto does not serve
 * `SelectAggregateResourceConfig`, so a local server answers it as AWS documents it: awsJson1_1
 * (`X-Amz-Target: StarlingDoveService.SelectAggregateResourceConfig`), `Results` as JSON strings of
 * the selected fields, `QueryInfo.SelectFields`, and an opaque `NextToken` while more pages remain.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAggregator } from '../../../handlers/audit/config-aggregator';
import { createInventoryCommand } from '../../../handlers/cli/inventory';
import { UsageError } from '../../../handlers/cli/io';
import { runCommand } from './support';

const A = '111122223333';
const B = '444455556666';
const NOW = new Date('2026-11-30T12:00:00Z');
const TARGET = 'StarlingDoveService.SelectAggregateResourceConfig';

interface Request {
  target: string;
  body: {
    ConfigurationAggregatorName?: string;
    Expression?: string;
    MaxResults?: number;
    NextToken?: string;
  };
}

const userItem = (accountId: string, region: string, userName: string, configuration: object = {}) =>
  JSON.stringify({
    accountId,
    awsRegion: region,
    resourceId: `AIDA${accountId}${userName.toUpperCase()}`,
    resourceName: userName,
    resourceType: 'AWS::IAM::User',
    arn: `arn:aws:iam::${accountId}:user/${userName}`,
    resourceCreationTime: '2023-04-02T10:00:00.000Z',
    configuration: {
      userName,
      path: '/',
      createDate: '2023-04-02T10:00:00.000Z',
      groupList: [],
      attachedManagedPolicies: [],
      userPolicyList: [],
      ...configuration,
    },
  });

const USERS = [
  userItem(A, 'us-east-1', 'ops', {
    groupList: ['admins'],
    attachedManagedPolicies: [
      { policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess', policyName: 'AdministratorAccess' },
    ],
    userPolicyList: [
      {
        policyName: 'inline-all',
        policyDocument: '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D',
      },
    ],
  }),
  // IAM is global: an aggregator recording global resources in two regions returns the user twice.
  userItem(A, 'eu-west-1', 'ops'),
  userItem(A, 'us-east-1', 'ci-bot'),
  userItem(B, 'us-east-1', 'carol'),
  // Garbage a query can return (a result that is not an object, a bad account id) is skipped.
  'not json',
  JSON.stringify({ accountId: 'nope', resourceType: 'AWS::IAM::User', resourceName: 'x' }),
];

const ROLES = [
  JSON.stringify({
    accountId: B,
    awsRegion: 'us-east-1',
    resourceId: 'AROAEXAMPLEDEPLOY',
    resourceName: 'deploy',
    resourceType: 'AWS::IAM::Role',
    arn: `arn:aws:iam::${B}:role/deploy`,
    configuration: {
      roleName: 'deploy',
      createDate: '2024-01-05T00:00:00.000Z',
      maxSessionDuration: 43_200,
      assumeRolePolicyDocument: '%7B%22Version%22%3A%222012-10-17%22%7D',
      roleLastUsed: { lastUsedDate: '2026-11-20T08:00:00.000Z', region: 'us-east-1' },
    },
  }),
];

/** Pages of `size` results, the NextToken an index into them, as opaque to the client as AWS's. */
function page(results: readonly string[], token: string | undefined, size: number) {
  const start = token ? Number(Buffer.from(token, 'base64').toString('utf8')) : 0;
  const next = start + size;
  return {
    Results: results.slice(start, next),
    QueryInfo: {
      SelectFields: ['accountId', 'awsRegion', 'resourceId', 'resourceName', 'resourceType', 'arn'].map(
        (Name) => ({ Name }),
      ),
    },
    ...(next < results.length ? { NextToken: Buffer.from(String(next)).toString('base64') } : {}),
  };
}

describe('inventory from an AWS Config aggregator (SelectAggregateResourceConfig at the wire)', () => {
  const requests: Request[] = [];
  let server: Server;
  let endpoint = '';
  const home = mkdtempSync(join(tmpdir(), 'iamwatch-aggregator-'));

  beforeAll(async () => {
    server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const target = String(incoming.headers['x-amz-target'] ?? '');
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Request['body'];
        requests.push({ target, body });
        const reply = (status: number, payload: object) => {
          outgoing.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
          outgoing.end(JSON.stringify(payload));
        };
        if (target !== TARGET) {
          reply(400, { __type: 'UnknownOperationException', message: target });
          return;
        }
        if (body.ConfigurationAggregatorName !== 'org-aggregator') {
          reply(400, {
            __type: 'NoSuchConfigurationAggregatorException',
            message: `The configuration aggregator does not exist: ${body.ConfigurationAggregatorName}`,
          });
          return;
        }
        const expression = body.Expression ?? '';
        const results = expression.includes("'AWS::IAM::Role'") ? ROLES : USERS;
        // Two results per page, whatever MaxResults says, so that pagination is exercised.
        reply(200, page(results, body.NextToken, 2));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(home, { recursive: true, force: true });
  });

  const sdk = () => ({
    credentials: { accessKeyId: 'AKIAFAKE', secretAccessKey: 'fake' },
    endpoint,
    maxAttempts: 1,
  });

  it('reads every page, keeps each user once per account, and carries groups and policies', async () => {
    requests.length = 0;
    const pages: number[] = [];
    const snapshots = await readAggregator({
      aggregator: 'org-aggregator',
      region: 'us-east-1',
      resources: { users: true, roles: true },
      sdk: sdk(),
      now: () => NOW,
      onPage: (read) => pages.push(read),
    });

    const userPages = requests.filter((r) => r.body.Expression?.includes("'AWS::IAM::User'"));
    expect(userPages).toHaveLength(3);
    expect(userPages.map((r) => r.body.NextToken === undefined)).toEqual([true, false, false]);
    expect(userPages[0]?.body.Expression).toBe(
      "SELECT accountId, awsRegion, resourceId, resourceName, resourceType, arn, resourceCreationTime, configuration WHERE resourceType = 'AWS::IAM::User'",
    );
    expect(pages).toEqual([2, 4, 6, 1]);

    expect(snapshots.map((s) => s.accountId)).toEqual([A, B]);
    const [a, b] = snapshots;
    expect(a?.source).toBe('config-aggregator');
    expect(a?.readAt).toBe(NOW.toISOString());
    expect(a?.users.map((u) => u.userName)).toEqual(['ci-bot', 'ops']);
    expect(a?.users[1]).toMatchObject({
      arn: `arn:aws:iam::${A}:user/ops`,
      createdAt: '2023-04-02T10:00:00.000Z',
      groups: ['admins'],
      attachedPolicies: [{ arn: 'arn:aws:iam::aws:policy/AdministratorAccess', name: 'AdministratorAccess' }],
      inlinePolicies: [{ name: 'inline-all', document: expect.stringContaining('Statement') }],
      mfaDevices: [],
      accessKeys: [],
    });
    expect(a?.roles).toEqual([]);
    expect(b?.roles).toEqual([
      {
        roleName: 'deploy',
        arn: `arn:aws:iam::${B}:role/deploy`,
        createdAt: '2024-01-05T00:00:00.000Z',
        maxSessionDuration: 43_200,
        trustPolicy: '%7B%22Version%22%3A%222012-10-17%22%7D',
        lastUsedAt: '2026-11-20T08:00:00.000Z',
      },
    ]);
  });

  it('iamwatch inventory --aggregator lists the users, honest that an empty ledger knows no creator', async () => {
    const inventory = createInventoryCommand({ sdk: sdk(), now: () => NOW });
    const result = await runCommand(
      inventory,
      ['--aggregator', 'org-aggregator', '--endpoint-url', endpoint, '--format', 'json', '--store', 'memory'],
      { IAMWATCH_HOME: home },
    );
    expect(result.code, result.stderr).toBe(0);
    const { users } = JSON.parse(result.stdout) as {
      users: { accountId: string; userName: string; creator: { status: string; note?: string } }[];
    };
    expect(users.map((u) => `${u.accountId} ${u.userName}`)).toEqual([
      `${A} ci-bot`,
      `${A} ops`,
      `${B} carol`,
    ]);
    for (const user of users) {
      expect(user.creator).toMatchObject({
        status: 'no-ledger-history',
        note: expect.stringContaining('the ledger holds nothing for this account'),
      });
    }
  });

  it('a missing aggregator is a clear error, not an empty inventory', async () => {
    const inventory = createInventoryCommand({ sdk: sdk(), now: () => NOW });
    // The command throws; `iamwatch`'s main prints it as one error line and exits 1.
    await expect(
      runCommand(
        inventory,
        ['--aggregator', 'no-such', '--endpoint-url', endpoint, '--format', 'json', '--store', 'memory'],
        { IAMWATCH_HOME: home },
      ),
    ).rejects.toThrow(/NoSuchConfigurationAggregator|configuration aggregator does not exist: no-such/);
  });

  it('--aggregator excludes --accounts', async () => {
    const inventory = createInventoryCommand({ sdk: sdk(), now: () => NOW });
    await expect(
      runCommand(inventory, ['--aggregator', 'org-aggregator', '--accounts', A], { IAMWATCH_HOME: home }),
    ).rejects.toThrow(new UsageError('--aggregator goes without --accounts / --org'));
  });
});
