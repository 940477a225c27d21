/**
 * `iamwatch inventory` over a local ledger filled by replaying the project's fixtures, the bundled
 * demo and a few records written here (a user later deleted, a deleted key, a user in another account).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryUser } from '../../../handlers/cli/inventory';
import { DEMO_DIR } from '../../../handlers/cli/replay';
import { cli, FIXTURES } from './support';

const OWN = '111122223333';
const OTHER = '444455556666';
const home = mkdtempSync(join(tmpdir(), 'iamwatch-inventory-'));
const env = { IAMWATCH_HOME: home };
const createUser = JSON.parse(readFileSync(join(FIXTURES, 'create-user.json'), 'utf8'));

function userCreated(userName: string, eventID: string, eventTime: string, account = OWN) {
  return {
    ...createUser,
    eventID,
    eventTime,
    recipientAccountId: account,
    userIdentity: {
      ...createUser.userIdentity,
      arn: `arn:aws:iam::${account}:user/alice`,
      accountId: account,
    },
    requestParameters: { userName },
    responseElements: {
      user: {
        ...createUser.responseElements.user,
        userName,
        arn: `arn:aws:iam::${account}:user/${userName}`,
      },
    },
  };
}

beforeAll(async () => {
  const extra = [
    // Created here, deleted by the DeleteUser in the fixture log file (13:03:45).
    userCreated('temp-contractor', '5d0e7a4c-6b1f-4c2e-9a8d-1f2e3d4c5b60', '2025-03-14T10:00:00Z'),
    userCreated('carol', '6e1f8b5d-7c2a-4d3f-8b9e-2a3f4e5d6c71', '2025-03-14T11:30:00Z', OTHER),
    {
      ...createUser,
      eventID: '7f2a9c6e-8d3b-4e4a-9caf-3b4a5f6e7d82',
      eventTime: '2025-03-14T11:00:00Z',
      eventName: 'DeleteAccessKey',
      requestParameters: { userName: 'bob', accessKeyId: 'AKIAJ2EXAMPLEBOB0002' },
      responseElements: null,
    },
  ];
  const path = join(home, 'extra.json');
  writeFileSync(path, JSON.stringify({ Records: extra }));
  const replay = await cli(['replay', '--no-alerts', FIXTURES, DEMO_DIR, path], { env });
  expect(replay.code, replay.stderr).toBe(0);
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function inventory(...argv: string[]): Promise<InventoryUser[]> {
  const run = await cli(['inventory', '--format', 'json', ...argv], { env });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as InventoryUser[];
}

describe('iamwatch inventory', () => {
  it('lists the users created and not deleted, with who created them and their credentials since', async () => {
    const users = await inventory();
    expect(users.map((u) => `${u.accountId} ${u.userName}`)).toEqual([
      `${OWN} bob`,
      `${OWN} svc-backup`,
      `${OTHER} carol`,
    ]);
    const [bob, svc] = users;
    expect(bob).toMatchObject({
      userArn: 'arn:aws:iam::111122223333:user/bob',
      createdAt: '2025-03-14T09:12:04Z',
      createdBy: { type: 'IAMUser', name: 'alice', via: 'cli', sourceIp: '192.0.2.10' },
      groups: ['admins'],
    });
    // bob minted his own key, and alice deleted it later.
    expect(bob?.accessKeys).toEqual([
      expect.objectContaining({
        accessKeyId: 'AKIAJ2EXAMPLEBOB0002',
        createdBy: expect.objectContaining({ name: 'bob' }),
        byAnotherPrincipal: false,
        deletedAt: '2025-03-14T11:00:00Z',
      }),
    ]);
    expect(bob?.loginProfile).toBeUndefined();

    expect(svc).toMatchObject({
      createdAt: '2025-03-14T13:04:10Z',
      createdBy: { name: 'ci-deploy', sourceIp: '203.0.113.50' },
      loginProfile: { createdBy: expect.objectContaining({ name: 'ci-deploy' }), byAnotherPrincipal: true },
    });
    // The key alice minted at 09:25 predates this user's creation: another incarnation, not listed.
    expect(svc?.accessKeys.map((k) => [k.accessKeyId, k.createdBy.name, k.byAnotherPrincipal])).toEqual([
      ['AKIAI44QH8DHBEXAMPLE', 'ci-deploy', true],
    ]);
  });

  it('lists deleted users with who deleted them when asked', async () => {
    const users = await inventory('--include-deleted');
    const temp = users.find((u) => u.userName === 'temp-contractor');
    expect(temp).toMatchObject({
      createdAt: '2025-03-14T10:00:00Z',
      deletedAt: '2025-03-14T13:03:45Z',
      deletedBy: { name: 'alice' },
    });
    expect(users.filter((u) => !u.deletedAt)).toHaveLength(3);
  });

  it('limits to one account', async () => {
    expect((await inventory('--account', OTHER)).map((u) => u.userName)).toEqual(['carol']);
    expect(await inventory('--account', '999988887777')).toEqual([]);
  });

  it('prints a readable table and CSV', async () => {
    const config = join(home, 'names.json');
    writeFileSync(config, JSON.stringify({ accountNames: { [OWN]: 'prod-payments' } }));
    const table = await cli(['inventory', '--config', config], { env });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ACCOUNT\s+USER\s+CREATED\s+CREATED BY/);
    expect(table.stdout).toMatch(
      /111122223333 \(prod-payments\)\s+svc-backup\s+2025-03-14T13:04:10Z\s+ci-deploy/,
    );
    expect(table.stdout).toMatch(/bob .*0 active \(1 deleted\)\s+none\s+admins/);
    expect(table.stdout).toContain('1 active by ci-deploy');
    expect(table.stderr).toContain('3 users');

    const csv = await cli(['inventory', '--format', 'csv'], { env });
    const [header, ...rows] = csv.stdout.trim().split('\n');
    expect(header?.split(',').slice(0, 5)).toEqual([
      'accountId',
      'accountName',
      'userName',
      'userArn',
      'createdAt',
    ]);
    expect(rows).toHaveLength(3);
    expect(rows.find((row) => row.includes('svc-backup'))).toContain('AKIAI44QH8DHBEXAMPLE');
  });

  it('rejects bad options with exit code 2 and has help', async () => {
    expect((await cli(['inventory', '--account', 'prod'], { env })).code).toBe(2);
    expect((await cli(['inventory', '--format', 'xml'], { env })).code).toBe(2);
    const help = await cli(['inventory', '--help']);
    expect(help.stdout).toContain('Usage: iamwatch inventory');
    expect((await cli(['--help'])).stdout).toMatch(/inventory\s+IAM users across the organization/);
  });
});
