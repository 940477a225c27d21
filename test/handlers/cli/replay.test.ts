import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../../../rules/types';
import { LEDGER_ENTRY_FIELDS } from '../../support/contract';
import { cli, FIXTURES, jsonLines } from './support';

const fixture = (name: string) => join(FIXTURES, name);
/** `iamwatch replay` into a memory ledger, the entries printed as JSON lines. */
const replayToJsonl = (args: string[], options?: Parameters<typeof cli>[1]) =>
  cli(['replay', '--store', 'memory', '--format', 'jsonl', ...args], options);

describe('iamwatch replay --store memory', () => {
  it('delivers only IAM-relevant events and fills the ledger entry fields', async () => {
    const { code, stdout, stderr } = await replayToJsonl([
      fixture('create-user.json'),
      fixture('read-only-list-users.json'),
      fixture('non-iam-stop-instances.json'),
      fixture('attach-user-policy-admin.json'),
    ]);
    expect(code).toBe(0);
    const entries = jsonLines<LedgerEntry>(stdout);
    expect(entries.map((e) => e.eventName)).toEqual(['CreateUser', 'AttachUserPolicy']);
    const [created, attached] = entries;
    expect(created).toMatchObject({
      eventSource: 'iam.amazonaws.com',
      accountId: '111122223333',
      actor: { type: 'IAMUser', name: 'alice' },
      target: { type: 'user', name: 'bob' },
      result: 'success',
      severity: 'medium',
    });
    expect(created?.detections.map((d) => d.id)).toEqual(['iam-user-created']);
    expect(attached).toMatchObject({
      policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      target: { type: 'user', name: 'svc-backup' },
      severity: 'critical',
    });
    expect(stderr).toContain('not delivered         2');
  });

  it('prints entries with the keys in the contract order', async () => {
    const order: readonly string[] = LEDGER_ENTRY_FIELDS;
    const { stdout } = await replayToJsonl(['--no-alerts', FIXTURES]);
    for (const entry of jsonLines<LedgerEntry>(stdout)) {
      const keys = Object.keys(entry);
      expect(
        keys.every((key) => order.includes(key)),
        keys.join(),
      ).toBe(true);
      expect(keys).toEqual(order.filter((key) => keys.includes(key)));
    }
  });

  it('fires no false detection on a near miss: a user creating their own access key', async () => {
    const { stdout } = await replayToJsonl([fixture('create-access-key-own.json')]);
    const ids = jsonLines<LedgerEntry>(stdout).flatMap((e) => e.detections.map((d) => d.id));
    expect(ids).toContain('iam-access-key-created');
    expect(ids).not.toContain('iam-access-key-created-for-another-user');
  });

  it('reads log files (plain and gzipped), directories and stdin', async () => {
    const dir = await replayToJsonl(['--no-alerts', FIXTURES]);
    expect(dir.code).toBe(0);
    const names = jsonLines<LedgerEntry>(dir.stdout).map((e) => e.eventName);
    expect(names).toEqual(
      expect.arrayContaining(['AddUserToGroup', 'DeleteUser', 'UpdateAssumeRolePolicy', 'StopLogging']),
    );
    expect(names).not.toContain('GetUser');
    expect(names).not.toContain('DescribeInstances');

    const stdin = await replayToJsonl(['-'], {
      stdin: readFileSync(fixture('create-user.json'), 'utf8'),
    });
    expect(jsonLines<LedgerEntry>(stdin.stdout).map((e) => e.eventName)).toEqual(['CreateUser']);
  });

  it('exits 3 on invalid records, names file and record, and still processes the valid ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamwatch-replay-'));
    try {
      const good = JSON.parse(readFileSync(fixture('create-user.json'), 'utf8'));
      const { eventID: _dropped, ...missingId } = good;
      writeFileSync(join(dir, 'mixed.json'), JSON.stringify({ Records: [missingId, good] }));
      writeFileSync(join(dir, 'broken.json'), '{"Records": [');
      const { code, stdout, stderr } = await replayToJsonl([dir]);
      expect(code).toBe(3);
      expect(stderr).toMatch(/mixed\.json record 1: .*eventID/);
      expect(stderr).toContain('broken.json');
      expect(jsonLines<LedgerEntry>(stdout).map((e) => e.eventId)).toEqual([good.eventID]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replays the bundled demo with no path: alerts printed, then a summary', async () => {
    const { code, stdout } = await cli(['replay', '--store', 'memory']);
    expect(code).toBe(0);
    expect(stdout).toContain('[MEDIUM] IAM user svc-backup created by ci-deploy');
    expect(stdout).toContain('iam-admin-policy-attached');
    expect(stdout).toContain('root-console-login');
    expect(stdout).toMatch(/recorded \(new\)\s+\d+/);
  });

  it('--min-severity limits what is printed and alerted', async () => {
    const { stdout } = await replayToJsonl(['--min-severity', 'critical']);
    const entries = jsonLines<LedgerEntry>(stdout);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => e.severity === 'critical')).toBe(true);
  });

  it('rejects bad options with exit code 2', async () => {
    expect((await cli(['replay', '--store', 'cloud'])).code).toBe(2);
    expect((await cli(['replay', '--bogus'])).code).toBe(2);
    expect((await cli(['replay', '--store', 'dynamodb'])).stderr).toContain('--table');
    expect((await cli(['replay', '--min-severity', 'urgent'])).code).toBe(2);
  });
});

describe('iamwatch replay + history on the local store', () => {
  const home = mkdtempSync(join(tmpdir(), 'iamwatch-home-'));
  const env = { IAMWATCH_HOME: home };
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('replaying the same files twice leaves one ledger entry per event', async () => {
    const first = await cli(['replay', '--format', 'summary', '--no-alerts'], { env });
    expect(first.code).toBe(0);
    const inserted = Number(/recorded \(new\)\s+(\d+)/.exec(first.stdout)?.[1]);
    expect(inserted).toBeGreaterThan(10);
    const second = await cli(['replay', '--format', 'summary', '--no-alerts'], { env });
    expect(second.stdout).toMatch(/recorded \(new\)\s+0\n/);
    expect(second.stdout).toContain('Every event was already in the ledger');
    expect(Number(/already in ledger\s+(\d+)/.exec(second.stdout)?.[1])).toBe(inserted);

    const all = await cli(['history', '--format', 'json', '--limit', '1000'], { env });
    const entries = JSON.parse(all.stdout) as LedgerEntry[];
    expect(entries).toHaveLength(inserted);
    expect(new Set(entries.map((e) => e.eventId)).size).toBe(inserted);
  });

  it('answers by target, actor and account, newest first', async () => {
    const byTarget = JSON.parse(
      (await cli(['history', '--target', 'svc-backup', '--format', 'json'], { env })).stdout,
    ) as LedgerEntry[];
    expect(byTarget.length).toBeGreaterThanOrEqual(4);
    expect(byTarget.every((e) => e.target?.name === 'svc-backup')).toBe(true);
    const times = byTarget.map((e) => e.eventTime);
    expect([...times].sort().reverse()).toEqual(times);
    const created = byTarget.find((e) => e.eventName === 'CreateUser');
    expect(created).toMatchObject({ actor: { name: 'ci-deploy' }, sourceIp: '203.0.113.50' });

    const byActor = JSON.parse(
      (
        await cli(['history', '--actor', 'arn:aws:iam::111122223333:user/ci-deploy', '--format', 'json'], {
          env,
        })
      ).stdout,
    ) as LedgerEntry[];
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e) => e.actor.arn === 'arn:aws:iam::111122223333:user/ci-deploy')).toBe(true);

    const byAccount = JSON.parse(
      (
        await cli(['history', '--account', '111122223333', '--min-severity', 'high', '--format', 'json'], {
          env,
        })
      ).stdout,
    ) as LedgerEntry[];
    expect(byAccount.length).toBeGreaterThan(0);
    expect(byAccount.every((e) => ['high', 'critical'].includes(e.severity))).toBe(true);
  });

  it('prints CSV with a header and a readable table', async () => {
    const csv = await cli(['history', '--event', 'CreateUser', '--format', 'csv'], { env });
    const [header, ...rows] = csv.stdout.trim().split('\n');
    expect(header).toMatch(/^eventTime,eventId,accountId/);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0]).toContain('svc-backup');
    const table = await cli(['history', '--detection', 'iam-user-created'], { env });
    expect(table.stdout).toMatch(/^TIME\s+ACCOUNT\s+ACTOR/);
    expect(table.stdout).toContain('svc-backup');
    expect(table.stderr).toContain('1 entry');
  });

  it('rejects a bad time bound with exit code 2', async () => {
    const { code, stderr } = await cli(['history', '--since', 'last tuesday'], { env });
    expect(code).toBe(2);
    expect(stderr).toContain('last tuesday');
  });
});
