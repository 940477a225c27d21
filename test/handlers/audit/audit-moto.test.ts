/**
 * `iamwatch inventory` and `iamwatch audit` against moto_server: two member accounts reached by
 * assuming a role (moto switches account on AssumeRole), a third whose AssumeRole is denied at the
 * wire, and a local (dynalite) ledger holding some of the users' creations.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteLoginProfileCommand,
  IAMClient,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { InventoryRow } from '../../../handlers/audit/inventory';
import type { AuditReport } from '../../../handlers/audit/run';
import { createAuditCommand } from '../../../handlers/cli/audit';
import { createInventoryCommand } from '../../../handlers/cli/inventory';
import { run } from '../../../handlers/cli/main';
import { assumeRoleIn, describeWithMoto, MOTO_CREDENTIALS, useMoto } from '../../support/moto';
import { iamRecord, runCommand, startDenyingSts } from './support';

const A = '111122223333';
const B = '444455556666';
const DENIED = '777788889999';
const ROLE = 'iamwatch-audit-read';

describeWithMoto('inventory and audit against moto', () => {
  const moto = useMoto();
  let sts: { endpoint: string; close(): Promise<void> };
  const home = mkdtempSync(join(tmpdir(), 'iamwatch-audit-'));
  const env = { IAMWATCH_HOME: home };
  const clients = new Map<string, IAMClient>();
  let bobKey = '';
  let deps: Parameters<typeof createInventoryCommand>[0];

  async function iamIn(accountId: string): Promise<IAMClient> {
    const known = clients.get(accountId);
    if (known) return known;
    const client = new IAMClient({
      ...moto.clientConfig(),
      credentials: await assumeRoleIn(moto, accountId, 'setup'),
    });
    clients.set(accountId, client);
    return client;
  }

  beforeAll(async () => {
    sts = await startDenyingSts(moto.endpoint, [DENIED]);
    const a = await iamIn(A);
    const b = await iamIn(B);
    // Account A: an old admin nobody recorded, then bob (a console user without MFA, with a key),
    // created by an SSO user as the ledger records.
    await a.send(new CreateUserCommand({ UserName: 'legacy-admin' }));
    // A customer managed policy: judged by its current document (GetPolicy + GetPolicyVersion).
    const admin = await a.send(
      new CreatePolicyCommand({
        PolicyName: 'BreakGlass',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        }),
      }),
    );
    await a.send(
      new AttachUserPolicyCommand({ UserName: 'legacy-admin', PolicyArn: admin.Policy?.Arn ?? '' }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const bob = await a.send(new CreateUserCommand({ UserName: 'bob' }));
    await a.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: 'Correct-Horse-9' }));
    const key = await a.send(new CreateAccessKeyCommand({ UserName: 'bob' }));
    bobKey = key.AccessKey?.AccessKeyId ?? '';
    await a.send(
      new PutUserPolicyCommand({
        UserName: 'bob',
        PolicyName: 'everything',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
        }),
      }),
    );
    await a.send(
      new CreateRoleCommand({
        RoleName: 'open-door',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
        }),
        MaxSessionDuration: 43200,
      }),
    );
    // Account B: carol, older than anything the ledger holds for B.
    await b.send(new CreateUserCommand({ UserName: 'carol' }));
    await b.send(new CreateAccessKeyCommand({ UserName: 'carol' }));

    const created = bob.User?.CreateDate?.toISOString() ?? new Date().toISOString();
    const later = new Date(Date.parse(created) + 5_000).toISOString();
    const records = [
      iamRecord(
        'CreateUser',
        A,
        created,
        { userName: 'bob' },
        {
          sso: 'jane@example.com',
          responseElements: { user: { userName: 'bob', path: '/', arn: `arn:aws:iam::${A}:user/bob` } },
        },
      ),
      iamRecord(
        'CreateLoginProfile',
        A,
        later,
        { userName: 'bob', passwordResetRequired: false },
        { sso: 'jane@example.com' },
      ),
      iamRecord(
        'CreateAccessKey',
        A,
        later,
        { userName: 'bob' },
        {
          userName: 'ops-admin',
          responseElements: { accessKey: { userName: 'bob', accessKeyId: bobKey, status: 'Active' } },
        },
      ),
      iamRecord(
        'AddUserToGroup',
        A,
        later,
        { userName: 'bob', groupName: 'developers' },
        { userName: 'ops-admin' },
      ),
      iamRecord('CreateUser', B, new Date(Date.parse(created) + 3_600_000).toISOString(), {
        userName: 'someone-else',
      }),
    ];
    const path = join(home, 'ledger.json');
    writeFileSync(path, JSON.stringify({ Records: records }));
    const replay = await run(['replay', '--no-alerts', path], {
      stdout: { write: () => true },
      stderr: { write: () => true },
      stdin: process.stdin,
      env,
      cwd: home,
    });
    expect(replay).toBe(0);
    deps = {
      sdk: {
        credentials: MOTO_CREDENTIALS,
        endpoint: moto.endpoint,
        stsEndpoint: sts.endpoint,
        maxAttempts: 1,
      },
      now: () => new Date(),
      reportPollMs: 0,
    };
  }, 60_000);

  afterAll(async () => {
    for (const client of clients.values()) client.destroy();
    await sts?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('lists every user of both accounts with its creator, or an honest "before the ledger", and reports the denied account', async () => {
    const inventory = createInventoryCommand(deps);
    const result = await runCommand(
      inventory,
      ['--accounts', `${A},${B},${DENIED}`, '--role-name', ROLE, '--format', 'json'],
      env,
    );
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toContain(`account ${DENIED} not read`);
    expect(result.stderr).toContain('AccessDenied');
    const { users, failures } = JSON.parse(result.stdout) as {
      users: InventoryRow[];
      failures: { accountId: string; code?: string }[];
    };
    expect(failures).toEqual([expect.objectContaining({ accountId: DENIED, code: 'AccessDenied' })]);
    expect(users.map((user) => `${user.accountId} ${user.userName}`)).toEqual([
      `${A} bob`,
      `${A} legacy-admin`,
      `${B} carol`,
    ]);
    const [bob, legacy, carol] = users;
    expect(bob).toMatchObject({
      creator: {
        status: 'ledger',
        by: { ssoUser: 'jane@example.com', via: 'cli', sourceIp: '198.51.100.7' },
      },
      passwordEnabled: true,
      mfaActive: false,
      passwordCreatedBy: { ssoUser: 'jane@example.com' },
      inlinePolicies: ['everything'],
    });
    expect(bob?.creator.by?.sessionIssuerArn).toContain('AWSReservedSSO_AdministratorAccess');
    expect(bob?.accessKeys).toEqual([
      expect.objectContaining({
        accessKeyId: bobKey,
        active: true,
        createdBy: expect.objectContaining({ name: 'ops-admin' }),
        byAnotherPrincipal: true,
      }),
    ]);
    expect(legacy?.creator.status).toBe('before-ledger');
    expect(legacy?.creator.note).toMatch(
      /^created \d{4}-\d\d-\d\d, before the ledger's history \(from \d{4}-\d\d-\d\d\)$/,
    );
    expect(legacy?.attachedPolicies).toEqual(['BreakGlass']);
    expect(carol?.creator.status).toBe('before-ledger');
    expect(carol?.accessKeys).toHaveLength(1);
  });

  it('writes a CSV a spreadsheet opens as is, to --output', async () => {
    const inventory = createInventoryCommand(deps);
    const result = await runCommand(
      inventory,
      ['--accounts', A, '--role-name', ROLE, '--format', 'csv', '--output', 'users.csv'],
      env,
      home,
    );
    expect(result.code, result.stderr).toBe(0);
    const csv = readFileSync(join(home, 'users.csv'), 'utf8');
    const [header, ...rows] = csv.trimEnd().split('\r\n');
    expect(header?.startsWith('accountId,accountName,userName,userArn,createdAt,creatorStatus')).toBe(true);
    expect(rows).toHaveLength(2);
    expect(rows.find((row) => row.includes(',bob,'))).toContain(
      'jane@example.com (AWSReservedSSO_AdministratorAccess_0123456789abcdef)',
    );
  });

  it('audits: findings with whom to contact, then new / fixed / open on the next run', async () => {
    const audit = createAuditCommand(deps);
    const auditBoth = () =>
      runCommand(audit, ['--accounts', `${A},${B}`, '--role-name', ROLE, '--format', 'json'], env);
    const first = await auditBoth();
    expect(first.code, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as AuditReport;
    const ids = report.findings.map((finding) => finding.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        `console-user-without-mfa:${A}:user/bob`,
        `user-admin:${A}:user/bob`,
        `user-admin:${A}:user/legacy-admin`,
        `user-direct-policy:${A}:user/legacy-admin`,
        `access-key-unused:${A}:access-key/bob/${bobKey.toLowerCase()}`,
        `password-policy-missing:${A}:password-policy/account password policy`,
        `role-long-session:${A}:role/open-door`,
        `role-trust-public:${A}:role/open-door/public`,
      ]),
    );
    const noMfa = report.findings.find((finding) => finding.check === 'console-user-without-mfa');
    expect(noMfa).toMatchObject({
      severity: 'high',
      status: 'new',
      contact: {
        createdBy: 'jane@example.com (AWSReservedSSO_AdministratorAccess_0123456789abcdef)',
      },
    });
    expect(
      report.findings.find((f) => f.id === `role-trust-public:${A}:role/open-door/public`)?.severity,
    ).toBe('critical');
    expect(report.previousRunAt).toBeUndefined();

    // bob's console password goes away; a new user appears in B.
    await (await iamIn(A)).send(new DeleteLoginProfileCommand({ UserName: 'bob' }));
    await (await iamIn(B)).send(new CreateUserCommand({ UserName: 'dave' }));
    await (await iamIn(B)).send(new CreateAccessKeyCommand({ UserName: 'dave' }));
    const second = await auditBoth();
    expect(second.code, second.stderr).toBe(0);
    const next = JSON.parse(second.stdout) as AuditReport;
    expect(next.previousRunAt).toBe(report.runAt);
    expect(next.fixed.map((finding) => finding.id)).toEqual([`console-user-without-mfa:${A}:user/bob`]);
    expect(next.findings.filter((finding) => finding.status === 'new').map((finding) => finding.id)).toEqual([
      expect.stringMatching(new RegExp(`^access-key-unused:${B}:access-key/dave/`)),
    ]);
    expect(next.counts.open).toBe(report.findings.length - 1);
    expect(second.stderr).toMatch(/1 new, 1 fixed/);

    const table = await runCommand(audit, ['--accounts', A, '--role-name', ROLE, '--dry-run'], env);
    expect(table.stdout).toMatch(/^SEVERITY\s+ACCOUNT\s+FINDING/);
    expect(table.stdout).toMatch(/CRITICAL\s+111122223333\s+Role open-door can be assumed by anyone/);
  });
});
