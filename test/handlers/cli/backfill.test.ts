/**
 * `iamwatch backfill` end to end: the real CloudTrail (and STS) clients against a fake CloudTrail on
 * 127.0.0.1, the real record path and ledger, a virtual clock for the rate limiter, and the SDK's
 * standard retry strategy without backoff delays.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createBackfillCommand } from '../../../handlers/cli/backfill';
import { openLedger } from '../../../handlers/ledger/open';
import { deliverEntry } from '../../../handlers/notify/handler';
import type { Notifier } from '../../../handlers/ports';
import type { CloudTrailRecord, LedgerEntry } from '../../../rules/types';
import { fixture, iamCall, rootEc2Call } from '../backfill/support/events';
import {
  assumedKeyIdFor,
  type Call,
  errorReply,
  type FakeCloudTrail,
  startFakeCloudTrail,
} from '../backfill/support/fake-cloudtrail';
import { runCommand, virtualClock } from '../backfill/support/io';
import { cli, jsonLines } from './support';

const NOW = new Date('2025-03-20T00:00:00Z');
const WINDOW = ['--since', '2025-03-01', '--until', '2025-03-19'];
const epoch = (iso: string) => Date.parse(iso) / 1000;

let home: string;
let server: FakeCloudTrail | undefined;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'iamwatch-backfill-'));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(home, { recursive: true, force: true });
});

function command(clock = virtualClock(), sdk: { stsEndpoint?: string } = {}) {
  return createBackfillCommand({
    now: () => NOW,
    limiterClock: clock,
    sdk: {
      credentials: { accessKeyId: 'AKIDBACKFILLTEST', secretAccessKey: 'fake' },
      retryStrategy: new ConfiguredRetryStrategy(4, 0),
      ...sdk,
    },
  });
}

async function start(events: CloudTrailRecord[], options: Parameters<typeof startFakeCloudTrail>[0] = {}) {
  server = await startFakeCloudTrail({ events, ...options });
  return server;
}

/** The window, read from `fake` into a memory ledger under the test's home. */
const intoMemory = (fake: FakeCloudTrail) => [
  ...WINDOW,
  '--store',
  'memory',
  '--home',
  home,
  '--endpoint-url',
  fake.endpoint,
];
const lookups = (fake: FakeCloudTrail) => fake.callsOf('LookupEvents');
const attributeOf = (call: Call) =>
  (call.body.LookupAttributes as { AttributeKey: string; AttributeValue: string }[])[0];
const isIamLookup = (call: Call) => attributeOf(call)?.AttributeValue === 'iam.amazonaws.com';

describe('iamwatch backfill', () => {
  it('pages through LookupEvents, retries throttling, stays under 2 requests/s and records only delivered events', async () => {
    const createUsers = Array.from({ length: 70 }, (_, i) => iamCall('CreateUser', i));
    const readOnly = Array.from({ length: 40 }, (_, i) => iamCall('GetUser', i, { readOnly: true }));
    const clock = virtualClock();
    let lookupCount = 0;
    const fake = await start(
      [
        ...createUsers,
        ...readOnly,
        fixture('stop-logging.json'),
        fixture('root-console-login-no-mfa.json'),
        rootEc2Call(),
      ],
      {
        stamp: clock.now,
        fault: (call) =>
          call.operation === 'LookupEvents' && [2, 5].includes(++lookupCount)
            ? errorReply('ThrottlingException', 'Rate exceeded')
            : undefined,
      },
    );
    const run = await runCommand(command(clock), [
      ...WINDOW,
      '--home',
      home,
      '--endpoint-url',
      fake.endpoint,
    ]);
    expect(run.code, run.stderr).toBe(0);

    const calls = lookups(fake);
    const [first] = calls;
    expect(first?.target).toBe('CloudTrail_20131101.LookupEvents');
    expect(first?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(first?.region).toBe('us-east-1');
    expect(first?.body).toEqual({
      LookupAttributes: [{ AttributeKey: 'EventSource', AttributeValue: 'iam.amazonaws.com' }],
      StartTime: epoch('2025-03-01T00:00:00Z'),
      EndTime: epoch('2025-03-19T00:00:00Z'),
      MaxResults: 50,
    });
    for (const call of calls) {
      expect(call.body.LookupAttributes).toHaveLength(1);
      expect(call.body.MaxResults).toBe(50);
    }

    // 113 IAM events: pages of 50, 50, 13; the second request was throttled and sent again as is.
    const iam = calls.filter(isIamLookup);
    expect(iam).toHaveLength(4);
    expect(iam[0]?.body.NextToken).toBeUndefined();
    expect(iam[1]?.body).toEqual(iam[2]?.body);
    expect(iam[1]?.body.NextToken).toEqual(expect.any(String));
    expect(iam[3]?.body.NextToken).not.toEqual(iam[2]?.body.NextToken);

    // Every attempt, retries included, waited for the limiter: no second holds more than 2 requests.
    const times = calls.map((call) => call.at);
    for (let i = 2; i < times.length; i++)
      expect((times[i] ?? 0) - (times[i - 2] ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(clock.sleeps.length).toBeGreaterThan(0);

    expect(run.stdout).toMatch(/events read\s+114\n/);
    expect(run.stdout).toMatch(/not delivered\s+40 /);
    expect(run.stdout).toMatch(/found twice\s+1 /);
    expect(run.stdout).toMatch(/recorded \(new\)\s+73\n/);
    expect(run.stdout).toMatch(/already in ledger\s+0\n/);
    expect(run.stdout).toMatch(
      new RegExp(`API requests\\s+${calls.length}  \\(${calls.length - 2} pages, 2 retried\\)`),
    );
    expect(run.stdout).toMatch(/70\s+iam-user-created/);
    expect(run.stdout).toMatch(/root-activity/);
    expect(run.stdout).not.toContain('[MEDIUM]');

    const store = await openLedger({ kind: 'local', home });
    try {
      const created = await store.get(createUsers[0]?.eventID ?? '');
      expect(created).toMatchObject({
        origin: 'backfill',
        eventName: 'CreateUser',
        target: { name: 'user-000' },
      });
      expect(await store.get(readOnly[0]?.eventID ?? '')).toBeUndefined();
      // The notify path (the Lambda on the table's stream) leaves backfilled entries alone.
      const sent: string[] = [];
      const notifier: Notifier = {
        channel: 'spy',
        wants: () => true,
        send: async (e) => void sent.push(e.eventId),
      };
      const report = await deliverEntry(created ?? fail(), {
        store,
        notifiers: [notifier],
        clock: { now: () => NOW },
        logger: { debug() {}, info() {}, warn() {}, error() {} },
        alertOnReplay: false,
      });
      expect(report.skippedReason).toMatch(/backfill/);
      expect(sent).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('alerts on new entries only with --alert', async () => {
    const fake = await start([fixture('stop-logging.json'), iamCall('CreateUser', 1)]);
    const argv = intoMemory(fake);
    const quiet = await runCommand(command(), argv);
    expect(quiet.stdout).not.toContain('[CRITICAL]');
    const loud = await runCommand(command(), [...argv, '--alert', '--restart']);
    expect(loud.code, loud.stderr).toBe(0);
    expect(loud.stdout).toContain('[CRITICAL]');
    expect(loud.stdout).toMatch(/alerts sent\s+2\n/);
  });

  it('resumes an interrupted run from the saved NextToken and never fetches a finished window again', async () => {
    const users = Array.from({ length: 120 }, (_, i) => iamCall('CreateUser', i));
    let broken = true;
    const fake = await start(users, {
      fault: (call) =>
        broken && isIamLookup(call) && lookups(fake).filter(isIamLookup).length >= 3
          ? errorReply('InternalFailure', 'the fake failed on purpose', 500)
          : undefined,
    });
    const argv = [...WINDOW, '--home', home, '--endpoint-url', fake.endpoint, '--format', 'jsonl'];

    const first = await runCommand(command(), argv);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/✖ default us-east-1 EventSource=iam\.amazonaws\.com: .*progress is saved/);
    expect(jsonLines<LedgerEntry>(first.stdout)).toHaveLength(100);
    const checkpointPath = join(home, 'backfill', 'default-us-east-1-source-iam.amazonaws.com.json');
    const checkpoint = JSON.parse(readFileSync(checkpointPath, 'utf8'));
    const failing = lookups(fake).filter(isIamLookup).at(-1);
    expect(checkpoint.inProgress).toMatchObject({
      start: '2025-03-01T00:00:00Z',
      end: '2025-03-19T00:00:00Z',
      pages: 2,
      nextToken: failing?.body.NextToken,
    });
    expect(checkpoint.covered).toEqual([]);

    broken = false;
    const callsBefore = lookups(fake).length;
    const second = await runCommand(command(), argv);
    expect(second.code, second.stderr).toBe(0);
    const resumed = lookups(fake).slice(callsBefore).filter(isIamLookup);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]?.body.NextToken).toBe(checkpoint.inProgress.nextToken);
    expect(second.stderr).toContain('resuming 2025-03-01T00:00:00Z → 2025-03-19T00:00:00Z at page 3');
    expect(jsonLines<LedgerEntry>(second.stdout)).toHaveLength(20);
    expect(second.stderr).toMatch(/recorded \(new\)\s+20\n/);
    expect(second.stderr).toMatch(/already in ledger\s+0\n/);

    const history = await cli(['history', '--event', 'CreateUser', '--format', 'json', '--limit', '1000'], {
      env: { IAMWATCH_HOME: home },
    });
    const ids = (JSON.parse(history.stdout) as LedgerEntry[]).map((e) => e.eventId);
    expect(ids).toHaveLength(120);
    expect(new Set(ids)).toEqual(new Set(users.map((u) => u.eventID)));

    const callsDone = lookups(fake).length;
    const third = await runCommand(command(), argv);
    expect(third.code).toBe(0);
    expect(lookups(fake).length).toBe(callsDone);
    expect(third.stderr).toMatch(/lookups\s+37 {2}\(37 already backfilled/);

    // A later end fetches only the seconds after the saved window.
    const later = await runCommand(command(), [...argv, '--until', '2025-03-19T06:00:00Z']);
    expect(later.code, later.stderr).toBe(0);
    const extended = lookups(fake).slice(callsDone).filter(isIamLookup);
    expect(extended.map((c) => [c.body.StartTime, c.body.EndTime])).toEqual([
      [epoch('2025-03-19T00:00:01Z'), epoch('2025-03-19T06:00:00Z')],
    ]);
  });

  it('starts a window over when its saved NextToken is no longer accepted', async () => {
    const fake = await start(Array.from({ length: 60 }, (_, i) => iamCall('CreateUser', i)));
    const argv = intoMemory(fake);
    const path = join(home, 'backfill', 'default-us-east-1-source-iam.amazonaws.com.json');
    expect((await runCommand(command(), argv)).code).toBe(0);
    const saved = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(
      path,
      JSON.stringify({
        ...saved,
        covered: [],
        inProgress: { ...saved.covered[0], nextToken: 'expired', pages: 1 },
      }),
    );
    const run = await runCommand(command(), argv);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('the saved NextToken expired');
    expect(run.stdout).toMatch(/recorded \(new\)\s+60\n/);
  });

  it('keeps going past a damaged checkpoint, and --restart discards it', async () => {
    const fake = await start([iamCall('CreateUser', 1), fixture('stop-logging.json')]);
    const argv = intoMemory(fake);
    mkdirSync(join(home, 'backfill'), { recursive: true });
    writeFileSync(join(home, 'backfill', 'default-us-east-1-source-iam.amazonaws.com.json'), '{"version": 1');
    const damaged = await runCommand(command(), argv);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/✖ default us-east-1 EventSource=iam\.amazonaws\.com: .*--restart/);
    expect(damaged.stdout).toMatch(/recorded \(new\)\s+1\n/);
    expect(damaged.stdout).toMatch(/cloudtrail-logging-stopped/);
    const restarted = await runCommand(command(), [...argv, '--restart']);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stdout).toMatch(/recorded \(new\)\s+2\n/);
  });

  it('reports invalid events by EventId, records the rest and exits 3', async () => {
    const bad = { ...iamCall('CreateUser', 7), userIdentity: 'alice' } as unknown as CloudTrailRecord;
    const fake = await start([iamCall('CreateUser', 1), bad]);
    const run = await runCommand(command(), intoMemory(fake));
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`invalid event ${bad.eventID}`);
    expect(run.stderr).toContain('userIdentity');
    expect(run.stdout).toMatch(/recorded \(new\)\s+1\n/);
    expect(run.stdout).toMatch(/invalid\s+1\n/);
  });

  it('assumes a role per account, reads each account and region with its own credentials', async () => {
    const roles = [
      'arn:aws:iam::222233334444:role/iamwatch-read',
      'arn:aws:iam::333344445555:role/iamwatch-read',
    ];
    const login = {
      ...fixture('root-console-login-no-mfa.json'),
      awsRegion: 'eu-north-1',
      recipientAccountId: '333344445555',
    };
    const fake = await start([
      iamCall('CreateUser', 1, { account: '222233334444' }),
      iamCall('CreateUser', 2, { account: '333344445555' }),
      login,
    ]);
    const run = await runCommand(command(virtualClock(), { stsEndpoint: fake.endpoint }), [
      ...intoMemory(fake),
      ...roles.flatMap((role) => ['--role-arn', role]),
      '--region',
      'us-east-1',
      '--region',
      'eu-north-1',
      '--format',
      'jsonl',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const assumed = fake.callsOf('AssumeRole');
    expect(new Set(assumed.map((c) => c.body.RoleArn))).toEqual(new Set(roles));
    expect(assumed.every((c) => c.body.RoleSessionName === 'iamwatch-backfill')).toBe(true);
    expect(assumed.every((c) => c.accessKeyId === 'AKIDBACKFILLTEST')).toBe(true);
    const keys = new Set(lookups(fake).map((c) => c.accessKeyId));
    expect(keys).toEqual(new Set(roles.map(assumedKeyIdFor)));
    expect(lookups(fake).filter((c) => c.region === 'eu-north-1' && isIamLookup(c))).toEqual([]);
    const entries = jsonLines<LedgerEntry>(run.stdout);
    expect(entries.map((e) => `${e.accountId} ${e.region} ${e.eventName}`).sort()).toEqual([
      '222233334444 us-east-1 CreateUser',
      '333344445555 eu-north-1 ConsoleLogin',
      '333344445555 us-east-1 CreateUser',
    ]);
    expect(run.stderr).toMatch(/found twice\s+1 /);
    // Lanes run in parallel; each reports its own pages and events.
    expect(run.stderr).toContain('✔ 222233334444 eu-north-1: 35 lookups, 35 pages, 0 events');
    expect(run.stderr).toContain('✔ 333344445555 eu-north-1: 35 lookups, 35 pages, 2 events');
    expect(run.stderr).toContain('✔ 222233334444 us-east-1: 37 lookups, 37 pages, 1 event');
    expect(existsSync(join(home, 'backfill', '333344445555-eu-north-1-event-ConsoleLogin.json'))).toBe(true);
  });

  it('--dry-run lists the lookups and their progress without calling AWS', async () => {
    const fake = await start([]);
    const run = await runCommand(command(), [
      ...WINDOW,
      '--home',
      home,
      '--endpoint-url',
      fake.endpoint,
      '--dry-run',
      '--region',
      'eu-north-1',
    ]);
    expect(run.code).toBe(0);
    expect(fake.calls).toEqual([]);
    expect(run.stdout).toMatch(/^ACCOUNT\s+REGION\s+LOOKUP\s+PROGRESS/);
    expect(run.stdout).toContain('EventName=ConsoleLogin');
    expect(run.stdout).not.toContain('EventSource=iam.amazonaws.com');
    expect(run.stderr).toContain('add --region us-east-1');
  });

  it('rejects options it cannot honour with exit code 2', async () => {
    const usage = async (...argv: string[]) => (await runCommand(command(), ['--home', home, ...argv])).code;
    expect(await usage('--rate', '3')).toBe(2);
    expect(await usage('--rate', '0')).toBe(2);
    expect(await usage('--since', '2025-03-10', '--until', '2025-03-01')).toBe(2);
    expect(await usage('--since', '2024-01-01', '--until', '2024-02-01')).toBe(2);
    expect(await usage('--accounts', '111122223333,222233334444')).toBe(2);
    expect(await usage('--role-name', 'r')).toBe(2);
    expect(await usage('--endpoint-url', 'ftp://x')).toBe(2);
    expect(await usage('stray')).toBe(2);
  });

  it('is wired into the CLI with its own help', async () => {
    const help = await cli(['backfill', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: iamwatch backfill');
    expect(help.stdout).toContain('--role-name');
    expect((await cli(['--help'])).stdout).toMatch(/backfill\s+read the last 90 days/);
  });
});

function fail(): never {
  throw new Error('expected an entry');
}
