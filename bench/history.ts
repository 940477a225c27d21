/** `iamwatch history` latency on local ledgers of a given size, for every filter, as whole processes. */
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { journalPaths } from '../handlers/ledger/journal-store';
import { openLedger } from '../handlers/ledger/open';
import type { StoredEntry } from '../handlers/ports';
import { median, versusBareNode } from './process';

export interface HistoryRow {
  filter: string;
  ms: number;
  bareMs: number;
  ratio: number;
}

/**
 * A local ledger of about `size` entries under `dir`, made once by `replay` (kept for later runs).
 * @param fill replays a corpus of `size` IAM changes into the home folder it is given.
 */
export async function ensureHistoryLedger(
  dir: string,
  size: number,
  fill: (home: string, size: number) => Promise<void>,
): Promise<string> {
  const home = join(dir, `ledger-${size}`);
  if (!existsSync(join(home, '.complete'))) {
    rmSync(home, { recursive: true, force: true });
    await fill(home, size);
    writeFileSync(join(home, '.complete'), String(size));
  }
  return home;
}

/** One value per filter, taken from entries the ledger holds, so every query finds something. */
async function filterArguments(home: string): Promise<[string, string[]][]> {
  const store = await openLedger({ kind: 'local', home });
  let recent: StoredEntry[];
  try {
    recent = await store.history({ limit: 200 });
  } finally {
    await store.close();
  }
  const pick = <T>(find: (entry: StoredEntry) => T | undefined): T => {
    for (const entry of recent) {
      const value = find(entry);
      if (value !== undefined) return value;
    }
    throw new Error('the bench ledger has no entry for a filter');
  };
  const newest = recent[0]?.eventTime ?? new Date().toISOString();
  const since = new Date(Date.parse(newest) - 6 * 3_600_000).toISOString();
  return [
    ['(none: newest 100)', []],
    ['--actor ARN', ['--actor', pick((e) => e.actor.arn)]],
    ['--target NAME', ['--target', pick((e) => e.target?.name)]],
    ['--account ID', ['--account', pick((e) => e.accountId)]],
    ['--event NAME', ['--event', pick((e) => e.eventName)]],
    ['--detection ID', ['--detection', pick((e) => e.detections.find((hit) => hit.id !== 'iam-change')?.id)]],
    ['--min-severity high', ['--min-severity', 'high']],
    ['--ip ADDRESS', ['--ip', pick((e) => e.sourceIp)]],
    ['--since (6 h before the newest)', ['--since', since]],
    ['--target NAME --since', ['--target', pick((e) => e.target?.name), '--since', since]],
  ];
}

export async function historyLatency(root: string, home: string, runs: number): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  for (const [filter, args] of await filterArguments(home)) {
    const figures = versusBareNode(
      [join(root, 'bin', 'iamwatch.mjs'), 'history', '--home', home, '--format', 'json', ...args],
      runs,
    );
    rows.push({ filter, ...figures });
  }
  return rows;
}

export interface OpenFigures {
  /** Median time to open (from the index) and close the ledger, in-process. */
  ms: number;
  /** Opening without an index: reading and parsing the whole journal, as every open did before it. */
  fullMs: number;
  /** Closing after that open: building and writing the index, once. */
  buildMs: number;
  journalBytes: number;
  indexBytes: number;
}

/**
 * In-process times to open the local ledger in `home`: once without its index (read whole, then the
 * index written at close), then `runs` times from the index (median).
 */
export async function openLatency(home: string, runs: number): Promise<OpenFigures> {
  const paths = journalPaths(home);
  rmSync(paths.index, { force: true });
  let started = process.hrtime.bigint();
  const scanned = await openLedger({ kind: 'local', home });
  const fullMs = Number(process.hrtime.bigint() - started) / 1e6;
  started = process.hrtime.bigint();
  await scanned.close();
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    started = process.hrtime.bigint();
    const store = await openLedger({ kind: 'local', home });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    await store.close();
  }
  return {
    ms: median(times),
    fullMs,
    buildMs,
    journalBytes: statSync(paths.journal).size,
    indexBytes: statSync(paths.index).size,
  };
}
