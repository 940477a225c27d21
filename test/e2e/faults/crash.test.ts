/**
 * Crashes and outages in the middle of a replay, then a second run: a replay killed while Slack has
 * not answered (a real child process, killed by the test), the ledger's DynamoDB going away mid-run,
 * and a Slack asking for a pause with 429 and `Retry-After`. After the second run every alert was
 * delivered, none twice except the one event in flight at the crash, and the ledger holds every event
 * once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LocalLedger, startLocalLedger } from '../../../handlers/ledger/local';
import { DEFAULT_LEDGER_TABLE_NAME } from '../../../handlers/ledger/table';
import { cli } from '../../handlers/cli/support';
import { type LocalServer, type RecordedRequest, startLocalServer } from '../../handlers/notify/local-server';
import { fixtureRecord } from '../support/events';
import { SLACK_OK } from '../support/slack';

const BIN = fileURLToPath(new URL('../../../bin/iamwatch.mjs', import.meta.url));
const WEBHOOK_PATH = '/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'iamwatch-crash-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** `count` CreateUser records (each alerts once on Slack), as one JSON-lines file. */
function alertingInput(count: number): { path: string; eventIds: string[] } {
  const records = Array.from({ length: count }, () => fixtureRecord('create-user.json'));
  const path = join(dir, 'input.jsonl');
  writeFileSync(path, `${records.map((record) => JSON.stringify(record)).join('\n')}\n`);
  return { path, eventIds: records.map((record) => record.eventID) };
}

/** Posts for each eventId that Slack answered with 200. */
function acceptedPer(requests: readonly (RecordedRequest & { answered: boolean })[], eventIds: string[]) {
  return eventIds.map(
    (id) => requests.filter((request) => request.answered && request.body.includes(id)).length,
  );
}

/** Entries recorded now plus those found already in the ledger, from a replay summary. */
function newAndAlready(summary: string): number {
  const count = (label: RegExp) => Number(label.exec(summary)?.[1] ?? Number.NaN);
  return count(/recorded \(new\)\s+(\d+)\n/) + count(/already in ledger\s+(\d+)\n/);
}

async function exitOf(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.signalCode ?? child.exitCode;
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
}

describe('a replay that dies or loses a dependency midway, then runs again', () => {
  it('killed while Slack has not answered: the next run delivers the rest, repeating only the event in flight', async () => {
    const { path, eventIds } = alertingInput(5);
    const home = join(dir, 'home');
    const requests: (RecordedRequest & { answered: boolean })[] = [];
    let child: ChildProcess | undefined;
    let slackUp = false;
    const slack: LocalServer = await startLocalServer((request) => {
      // The third alert of the first run never gets an answer; the test kills the replay meanwhile.
      if (!slackUp && requests.length === 2) {
        requests.push({ ...request, answered: false });
        child?.kill('SIGKILL');
        return 'hang';
      }
      requests.push({ ...request, answered: true });
      return SLACK_OK;
    });
    try {
      const webhook = `${slack.url}${WEBHOOK_PATH}`;
      child = spawn(
        process.execPath,
        [BIN, 'replay', path, '--store', 'local', '--home', home, '--slack-webhook', webhook, '--no-fold'],
        { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH ?? '' } },
      );
      expect(await exitOf(child)).toBe('SIGKILL');
      expect(acceptedPer(requests, eventIds)).toEqual([1, 1, 0, 0, 0]);

      slackUp = true;
      // Five CreateUser calls by one actor are a burst; this test is about delivery, not folding.
      const args = [
        'replay',
        path,
        '--store',
        'local',
        '--home',
        home,
        '--slack-webhook',
        webhook,
        '--no-fold',
      ];
      const second = await cli(args);
      expect(second.code, second.stderr).toBe(0);
      // The local store pipelines its writes, so how many entries the first run committed before the
      // kill varies; every one of the five is in the ledger once, and the three unsent alerts are sent.
      expect(newAndAlready(second.stdout)).toEqual(5);
      expect(second.stdout).toMatch(/alerts sent\s+3\s+\([1-3] resumed from an earlier run\)/);
      // Every alert delivered exactly once; the one in flight at the kill was posted twice (once unanswered).
      expect(acceptedPer(requests, eventIds)).toEqual([1, 1, 1, 1, 1]);
      expect(requests.filter((request) => request.body.includes(eventIds[2] as string))).toHaveLength(2);

      const third = await cli(args);
      expect(third.stdout).toMatch(/alerts sent\s+0\n/);
      expect(requests).toHaveLength(6);
    } finally {
      child?.kill('SIGKILL');
      await slack.close();
    }
  });

  it('the ledger store stopping midway: reported, non-zero exit; the next run completes with nothing missing or repeated', async () => {
    const { path, eventIds } = alertingInput(5);
    const ledgerHome = join(dir, 'ledger');
    let ledger: LocalLedger | undefined = await startLocalLedger({ home: ledgerHome });
    const endpoint = ledger.endpoint;
    const requests: (RecordedRequest & { answered: boolean })[] = [];
    let stopped: Promise<void> | undefined;
    const slack = await startLocalServer((request) => {
      requests.push({ ...request, answered: true });
      // The ledger goes away while the second alert is being posted.
      if (requests.length === 2 && ledger) stopped = ledger.close();
      return SLACK_OK;
    });
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'us-east-1',
      AWS_MAX_ATTEMPTS: '1',
    });
    try {
      const args = ['replay', path, '--store', 'dynamodb', '--table', DEFAULT_LEDGER_TABLE_NAME, '--no-fold'];
      const webhook = `${slack.url}${WEBHOOK_PATH}`;
      const first = await cli([...args, '--slack-webhook', webhook]);
      expect(first.code).toBe(1);
      expect(first.stderr).toMatch(/^iamwatch replay: .+/m);
      await stopped;
      ledger = undefined;

      ledger = await startLocalLedger({ home: ledgerHome });
      process.env.AWS_ENDPOINT_URL_DYNAMODB = ledger.endpoint;
      const second = await cli([...args, '--slack-webhook', webhook]);
      expect(second.code, second.stderr).toBe(0);
      expect(newAndAlready(second.stdout)).toEqual(5);
      // The second alert was posted but its delivery never recorded: that one is repeated, no other.
      expect(acceptedPer(requests, eventIds)).toEqual([1, 2, 1, 1, 1]);
      const history = await cli([
        'history',
        '--store',
        'dynamodb',
        '--table',
        DEFAULT_LEDGER_TABLE_NAME,
        '--format',
        'json',
      ]);
      const ids = (JSON.parse(history.stdout) as { eventId: string }[]).map((entry) => entry.eventId);
      expect(ids.sort()).toEqual([...eventIds].sort());
    } finally {
      process.env = saved;
      await slack.close();
      await ledger?.close();
    }
  });

  it('Slack 429 with Retry-After: waited out, every alert delivered once', async () => {
    const { path, eventIds } = alertingInput(3);
    const requests: (RecordedRequest & { answered: boolean })[] = [];
    const slack = await startLocalServer((request) => {
      const limited = requests.length % 2 === 0;
      requests.push({ ...request, answered: !limited });
      return limited
        ? { status: 429, headers: { 'retry-after': '0', 'content-type': 'text/plain' }, body: 'rate_limited' }
        : SLACK_OK;
    });
    try {
      const run = await cli([
        'replay',
        path,
        '--store',
        'memory',
        '--slack-webhook',
        `${slack.url}${WEBHOOK_PATH}`,
      ]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/alerts sent\s+3\n/);
      expect(requests).toHaveLength(6);
      expect(acceptedPer(requests, eventIds)).toEqual([1, 1, 1]);
    } finally {
      await slack.close();
    }
  });
});
