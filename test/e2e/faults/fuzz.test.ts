/**
 * Seeded mutation fuzz through every way replay reads input: a JSON-lines file on the main thread
 * (alerting a local Slack), the same file through the reader threads, stdin, and CloudTrail log files
 * (plain, gzip, truncated gzip). Whatever the mutation, replay never crashes, never drops a record
 * silently, its counts reconcile, every invalid record is reported at its line, nothing it prints
 * carries a raw control or bidirectional character, and every Slack payload is escaped and within
 * Slack's limits.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, cli } from '../../handlers/cli/support';
import { expectNoInjectedMarkup, expectWithinSlackLimits, textsOf } from '../../handlers/notify/slack-limits';
import { type FakeSlack, startFakeSlack } from '../support/slack';
import { baseRecords, type FuzzLine, fuzzLines } from './support/mutate';

const SEED = 0x9_2026;
const COUNT = 120;
/** What must never reach a terminal raw (newlines only as line ends). */
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

let dir: string;
let lines: FuzzLine[];
let jsonl: string;
let slack: FakeSlack;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'iamwatch-fuzz-'));
  lines = fuzzLines(SEED, COUNT, baseRecords());
  jsonl = join(dir, 'fuzz.jsonl');
  writeFileSync(jsonl, `${lines.map((line) => line.text).join('\n')}\n`);
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack?.close();
  rmSync(dir, { recursive: true, force: true });
});

function summaryCount(run: CliRun, label: string): number {
  const match = new RegExp(`${label.replace(/[()]/g, '\\$&')}\\s+(\\d+)`).exec(run.stdout);
  if (!match) throw new Error(`no "${label}" in the summary:\n${run.stdout}`);
  return Number(match[1]);
}

/** Every record accounted for, every invalid one reported at its place, nothing unsafe printed. */
function expectReconciled(run: CliRun, expected: { read: number; invalidAt: string[] }): void {
  expect(run.code, run.stderr.slice(0, 2000)).toBe(3);
  const read = summaryCount(run, 'records read');
  const delivered = summaryCount(run, 'delivered by patterns');
  const notDelivered = summaryCount(run, 'not delivered');
  const invalid = summaryCount(run, 'invalid');
  expect(read).toBe(expected.read);
  expect(invalid).toBe(expected.invalidAt.length);
  expect(delivered + notDelivered + invalid).toBe(read);
  expect(summaryCount(run, 'recorded (new)') + summaryCount(run, 'already in ledger')).toBe(delivered);
  const reported = run.stderr.split('\n').filter((line) => line.startsWith('invalid input '));
  expect(reported).toHaveLength(expected.invalidAt.length);
  for (const place of expected.invalidAt) {
    expect(reported.some((line) => line.startsWith(`invalid input ${place}: `))).toBe(true);
  }
  for (const line of [...run.stderr.split('\n'), ...run.stdout.split('\n')]) {
    expect(UNSAFE.test(line), JSON.stringify(line.slice(0, 200))).toBe(false);
  }
}

function invalidLines(source: string): string[] {
  return lines.flatMap((line, index) => (line.expect === 'invalid' ? [`${source}:${index + 1}`] : []));
}

describe('mutation fuzz of real records (seeded)', () => {
  it('covers every mutation, valid and invalid records alike', () => {
    const mutations = new Set(lines.map((line) => line.mutation));
    expect(mutations.size).toBe(9);
    expect(lines.filter((line) => line.expect === 'invalid').length).toBeGreaterThan(10);
  });

  it('a JSON-lines file on the main thread: nothing lost, alerts escaped and within limits', async () => {
    const run = await cli(['replay', jsonl, '--store', 'memory', '--slack-webhook', slack.webhookUrl], {
      env: { IAMWATCH_READER_THREADS: '0' },
    });
    expectReconciled(run, { read: lines.length, invalidAt: invalidLines(jsonl) });
    const warned = lines.filter((line) => line.mutation === 'mistyped optional field').length;
    if (warned > 0) expect(run.stderr).toContain('; recorded without it');
    // Every Slack post is an alert or a burst follow-up listing the folded ones.
    const followUps = Number(/into (\d+) burst follow-up/.exec(run.stdout)?.[1] ?? 0);
    expect(summaryCount(run, 'alerts sent') + followUps).toBe(slack.accepted().length);
    expect(slack.accepted().length).toBeGreaterThan(10);
    for (const request of slack.requests) {
      const message = JSON.parse(request.body) as unknown;
      expectWithinSlackLimits(message);
      expectNoInjectedMarkup(message);
      // Line breaks and zero-width spaces are iamwatch's own layout and mrkdwn fencing.
      for (const text of textsOf(message)) expect(UNSAFE.test(text.replace(/[\n\u200b]/g, ''))).toBe(false);
    }
  });

  it('stdin: the same records, reported at their stdin lines', async () => {
    const run = await cli(['replay', '-', '--store', 'memory', '--no-alerts'], {
      stdin: lines.map((line) => line.text).join('\n'),
    });
    expectReconciled(run, { read: lines.length, invalidAt: invalidLines('<stdin>') });
  });

  it('through the reader threads: the same file and CloudTrail log files (plain, gzip, truncated gzip)', async () => {
    const valid = lines
      .filter((line) => line.expect === 'valid')
      .map((line) => JSON.parse(line.text) as unknown);
    const document = JSON.stringify({ Records: valid });
    const logs = join(dir, 'logs');
    mkdirSync(logs, { recursive: true });
    const truncated = join(logs, 'c.json.gz');
    writeFileSync(join(logs, 'a.json'), document);
    const gzip = gzipSync(document);
    writeFileSync(join(logs, 'b.json.gz'), gzip);
    writeFileSync(truncated, gzip.subarray(0, Math.floor(gzip.length / 2)));
    // One run, so the threads start once: their start-up is most of the cost of this test.
    const run = await cli(['replay', jsonl, logs, '--store', 'memory', '--no-alerts'], {
      env: { IAMWATCH_READER_THREADS: '1' },
    });
    expectReconciled(run, {
      read: lines.length + 2 * valid.length + 1,
      invalidAt: [...invalidLines(jsonl), truncated],
    });
    expect(run.stderr).toContain(`invalid input ${truncated}: not valid gzip`);
  });
});
