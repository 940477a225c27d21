/**
 * `npm run bench`: measures what a person feels — CLI start, `history` latency, replay into the local
 * and memory ledgers against the cost of just reading the same CloudTrail files, the Lambda bundles —
 * plus a cost model, and writes the numbers to BENCHMARKS.md. Each figure that has a baseline is
 * measured against it in the same run. Never part of `npm test`.
 *
 * Environment: BENCH_RECORDS (default 300000), BENCH_LOCAL_RECORDS (default 20000), BENCH_DYNALITE_RECORDS
 * (default 1000; 0 skips the dynalite comparison), BENCH_RUNS (default 5),
 * BENCH_START_RUNS (default 11), BENCH_HISTORY_SIZES (default 20000,100000), BENCH_SECTIONS (default all:
 * start,history,local,memory,lambdas,cost).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { run } from '../handlers/cli/main';
import { inputBytesAtLeast, WORKER_THRESHOLD_BYTES } from '../handlers/input/reader-threads';
import { toEnvelope } from '../rules/cloudtrail/envelope';
import { deliveredBy, derivePatterns } from '../rules/eventbridge/derive';
import { CATALOG } from '../rules/registry';
import type { CloudTrailRecord } from '../rules/types';
import { generateCorpus } from './corpus';
import { costPerMillion, PRICES, PRICES_DATE } from './cost';
import { ensureHistoryLedger, historyLatency, openLatency } from './history';
import { measureLambdas } from './lambdas';
import { median, versusBareNode } from './process';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 300_000);
const LOCAL_RECORDS = Number(process.env.BENCH_LOCAL_RECORDS ?? 20_000);
const DYNALITE_RECORDS = Number(process.env.BENCH_DYNALITE_RECORDS ?? 1_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const START_RUNS = Number(process.env.BENCH_START_RUNS ?? 11);
const HISTORY_SIZES = (process.env.BENCH_HISTORY_SIZES ?? '20000,100000').split(',').map(Number);
const SECTIONS = new Set(
  (process.env.BENCH_SECTIONS ?? 'start,history,local,memory,lambdas,cost').split(',').map((s) => s.trim()),
);
const ROOT = join(import.meta.dirname, '..');
const DATA = join(import.meta.dirname, '.data');

async function ensureCorpus(records: number, iamShare: number): Promise<string> {
  const dir = join(DATA, `corpus-${records}-${Math.round(iamShare * 100)}pct`);
  if (!existsSync(join(dir, '.complete'))) {
    rmSync(dir, { recursive: true, force: true });
    const made = await generateCorpus({ dir, records, recordsPerFile: 250, iamShare });
    await writeFile(join(dir, '.complete'), JSON.stringify(made));
    log(
      `generated ${made.records} records in ${made.files} files (${(made.bytes / 1e6).toFixed(1)} MB gzipped)`,
    );
  }
  return dir;
}

async function readOnly(dir: string): Promise<number> {
  let count = 0;
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json.gz')).sort()) {
    const parsed = JSON.parse(gunzipSync(await readFile(join(dir, name))).toString('utf8')) as {
      Records: unknown[];
    };
    count += parsed.Records.length;
  }
  return count;
}

async function replay(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await run(['replay', ...args], {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: () => true },
    stdin: Readable.from([]),
    env,
    cwd: process.cwd(),
  });
  return { code, out };
}

/**
 * Runs baseline and replay alternately, so drift on a shared machine hits both alike. CPU time is the
 * whole process's (reader threads included), so it shows the cost the reader threads spread over cores.
 */
async function compare(corpus: string, label: string, env: Record<string, string> = {}) {
  const base: number[] = [];
  const replayed: number[] = [];
  const replayCpu: number[] = [];
  let out = '';
  for (let i = 0; i < RUNS; i++) {
    let started = process.hrtime.bigint();
    await readOnly(corpus);
    base.push(Number(process.hrtime.bigint() - started) / 1e6);
    const cpu = process.cpuUsage();
    started = process.hrtime.bigint();
    out = (await replay(['--store', 'memory', '--format', 'summary', '--no-alerts', corpus], env)).out;
    replayed.push(Number(process.hrtime.bigint() - started) / 1e6);
    const used = process.cpuUsage(cpu);
    replayCpu.push((used.user + used.system) / 1000);
    log(
      `${label} run ${i + 1}/${RUNS}: baseline ${base[i]?.toFixed(0)} ms, replay ${replayed[i]?.toFixed(0)} ms`,
    );
  }
  const delivered = Number(/delivered by patterns\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { baseMs: median(base), replayMs: median(replayed), replayCpuMs: median(replayCpu), delivered };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const ms = (n: number) => `${fmt(n)} ms`;
const times = (n: number) => `${n.toFixed(2)}×`;
const verdict = (value: number, target: number) =>
  value <= target ? 'met' : `missed by ${times(value / target)}`;
const atLeast = (value: number, target: number) =>
  value >= target ? 'met' : `missed: ${times(target / value)} short`;
const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

async function startSection(): Promise<string> {
  log('CLI start');
  const bin = join(ROOT, 'bin', 'iamwatch.mjs');
  const help = versusBareNode([bin, '--help'], START_RUNS);
  const rules = versusBareNode([bin, 'rules', '--format', 'json'], START_RUNS);
  const replayHelp = versusBareNode([bin, 'replay', '--help'], START_RUNS);
  return `## CLI start

Whole processes, median of ${START_RUNS}, each alternating with a bare \`node -e ''\` (the baseline, measured in the
same run). The CLI runs its prebuilt bundle (dist/cli, built by \`npm ci\`); commands load only their own modules.

${table(
  ['command', 'bare node', 'iamwatch', 'ratio', 'target', ''],
  [
    [
      '`iamwatch --help`',
      ms(help.bareMs),
      ms(help.ms),
      `**${times(help.ratio)}**`,
      '≤ 3×',
      verdict(help.ratio, 3),
    ],
    ['`iamwatch replay --help`', ms(replayHelp.bareMs), ms(replayHelp.ms), times(replayHelp.ratio), '', ''],
    ['`iamwatch rules --format json`', ms(rules.bareMs), ms(rules.ms), times(rules.ratio), '', ''],
  ],
)}
`;
}

async function historySection(): Promise<string> {
  const parts: string[] = [];
  for (const size of HISTORY_SIZES) {
    log(`history on ${fmt(size)} entries`);
    const home = await ensureHistoryLedger(DATA, size, async (dir, count) => {
      const corpus = await ensureCorpus(count, 1);
      const filled = await replay(['--store', 'local', '--home', dir, '--no-alerts', corpus]);
      if (filled.code !== 0) throw new Error(`filling the history ledger failed (exit ${filled.code})`);
    });
    const runs = Math.max(3, Math.floor(START_RUNS / 2));
    const opened = await openLatency(home, runs);
    const rows = await historyLatency(ROOT, home, runs);
    parts.push(`### ${fmt(size)} entries

Opening the ledger in-process (\`openLedger\`) from its index (${fmt(opened.indexBytes / 1e6, 1)} MB beside a ${fmt(opened.journalBytes / 1e6, 1)} MB journal): **${ms(opened.ms)}**.
Without the index (reading and parsing the whole journal, as every open did before it): ${ms(opened.fullMs)}; building and
writing the index when that process closed: ${ms(opened.buildMs)}, once.

${table(
  ['filter', 'bare node', '`iamwatch history`', 'ratio', 'target ≤ 5×'],
  rows.map((r) => [r.filter, ms(r.bareMs), ms(r.ms), `**${times(r.ratio)}**`, verdict(r.ratio, 5)]),
)}`);
  }
  return `## \`history\` latency

Whole processes on the local ledger (the journal), \`--format json\`, default limit 100; median of
${Math.max(3, Math.floor(START_RUNS / 2))} against a bare \`node -e ''\` in the same run. Ledgers are filled once by \`replay\`
from corpora of IAM changes only and kept under bench/.data.

${parts.join('\n\n')}

\`history\` does not read the journal: a process that changed the ledger writes an index beside it when it closes
(\`journal/ledger.index\`, handlers/ledger/journal-index.ts): per entry, in time order, where its JSON is in the
journal, its event time, and a dictionary id for every value the filters compare (actor, target, account, event name,
detection, severity, source IP), one dictionary per kind of value. \`history\` reads the index's query part, parses
only the dictionaries its filter compares, walks the columns newest first and reads just the entries that match, by
byte range, until the limit; lines appended after the index was written (by a process that crashed, or an older
iamwatch) are read as before. The time above a bare node is mostly the CLI's own start; the open grows with the ledger
by the part of the index \`history\` reads (about 60 bytes per entry), not with the journal.
`;
}

/** `replay` into the embedded dynalite the local ledger used before the journal, as `--store dynamodb`. */
async function replayIntoDynalite(corpus: string): Promise<{ ms: number; inserted: number }> {
  const { startLocalLedger } = await import('../handlers/ledger/local');
  const ledger = await startLocalLedger({ persist: false });
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: ledger.endpoint,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
  });
  try {
    const started = process.hrtime.bigint();
    const result = await replay(['--store', 'dynamodb', '--table', 'iamwatch-ledger', '--no-alerts', corpus]);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.code !== 0) throw new Error(`replay into dynalite failed (exit ${result.code})`);
    return { ms, inserted: Number(/recorded \(new\)\s+(\d+)/.exec(result.out)?.[1] ?? 0) };
  } finally {
    process.env = saved;
    await ledger.close();
  }
}

async function localSection(): Promise<string> {
  log('local replay');
  const corpus = await ensureCorpus(LOCAL_RECORDS, 1);
  const runs = Math.max(1, Math.min(RUNS, 3));
  // One untimed run first, so neither store pays for loading the modules.
  await replay(['--store', 'memory', '--no-alerts', corpus]);
  const memoryRuns: number[] = [];
  const localRuns: number[] = [];
  let inserted = 0;
  for (let i = 0; i < runs; i++) {
    let started = process.hrtime.bigint();
    await replay(['--store', 'memory', '--no-alerts', corpus]);
    memoryRuns.push(Number(process.hrtime.bigint() - started) / 1e6);
    const home = mkdtempSync(join(tmpdir(), 'iamwatch-bench-'));
    started = process.hrtime.bigint();
    const local = await replay(['--store', 'local', '--home', home, '--no-alerts', corpus]);
    localRuns.push(Number(process.hrtime.bigint() - started) / 1e6);
    inserted = Number(/recorded \(new\)\s+(\d+)/.exec(local.out)?.[1] ?? 0);
    rmSync(home, { recursive: true, force: true });
    log(`local run ${i + 1}: memory ${ms(memoryRuns[i] ?? 0)}, local ${ms(localRuns[i] ?? 0)}`);
  }
  const memoryMs = median(memoryRuns);
  const localMs = median(localRuns);
  const rate = inserted / (localMs / 1000);
  let before = '';
  if (DYNALITE_RECORDS > 0) {
    log('replay into embedded dynalite (the local ledger before the journal)');
    const dynalite = await replayIntoDynalite(await ensureCorpus(DYNALITE_RECORDS, 1));
    before = `
Before the journal, the local ledger was embedded dynalite (a DynamoDB-compatible server on LevelDB in the CLI's
process). The same replay into it, as \`--store dynamodb\` against an in-memory dynalite (16 writes in flight), in this
run: ${fmt(dynalite.inserted)} entries of ${fmt(DYNALITE_RECORDS)} records in ${ms(dynalite.ms)}, **${fmt(dynalite.inserted / (dynalite.ms / 1000))} entries/s** — its
own CPU per entry (HTTP, the SDK, request validation, LevelDB, about a dozen items per entry) was the limit.
`;
  }
  return `## Replay into the local ledger

\`replay --store local\` (the journal, a fresh ledger each run) against \`replay --store memory\` on the same
${fmt(LOCAL_RECORDS)} records, all IAM changes (so every record becomes an entry), in-process, alternating, median of
${memoryRuns.length} after one untimed warm-up. The journal takes 128 writes in flight and commits them in batches, one
\`fdatasync\` of the raw file and one of the journal per batch; results are still taken in input order.

${table(
  ['what', 'value', 'target', ''],
  [
    ['entries written', fmt(inserted), '', ''],
    ['`--store memory`', ms(memoryMs), '', ''],
    ['`--store local`', ms(localMs), '', ''],
    ['memory entries/s', fmt(inserted / (memoryMs / 1000)), '', ''],
    ['local entries/s', `**${fmt(rate)}**`, '≥ 2,000', atLeast(rate, 2000)],
    ['local / memory', `**${times(localMs / memoryMs)}**`, '≤ 4×', verdict(localMs / memoryMs, 4)],
  ],
)}
${before}`;
}

async function memorySection(): Promise<string> {
  const corpus = await ensureCorpus(RECORDS, 0.2);
  const stress = await compare(corpus, '20% IAM');
  const typical = await compare(await ensureCorpus(RECORDS, 0.02), '2% IAM');
  // The other way round from what replay chose by size, so the table shows what the threads change.
  const threaded = await inputBytesAtLeast([corpus], WORKER_THRESHOLD_BYTES);
  const switched = await compare(corpus, `20% IAM, reader threads ${threaded ? 'off' : 'on'}`, {
    IAMWATCH_READER_THREADS: threaded ? '0' : '1',
  });
  const sample = JSON.parse(
    gunzipSync(await readFile(join(corpus, '000000_CloudTrail_us-east-1.json.gz'))).toString(),
  ) as { Records: CloudTrailRecord[] };
  const envelopes = sample.Records.map(toEnvelope);
  const isDelivered = deliveredBy(derivePatterns(CATALOG));
  const matchRounds = 400;
  const matchStart = process.hrtime.bigint();
  let matched = 0;
  for (let round = 0; round < matchRounds; round++) for (const e of envelopes) if (isDelivered(e)) matched++;
  const matchNs = Number(process.hrtime.bigint() - matchStart) / (matchRounds * envelopes.length);
  const rate = (t: number) => `${fmt(Math.round(RECORDS / (t / 1000)))} records/s`;
  const row = (label: string, r: Awaited<ReturnType<typeof compare>>, target?: number) => [
    label,
    ms(r.baseMs),
    ms(r.replayMs),
    `**${times(r.replayMs / r.baseMs)}**`,
    target ? `≤ ${target}× (${verdict(r.replayMs / r.baseMs, target)})` : '',
    ms(r.replayCpuMs),
    fmt(r.delivered),
    rate(r.replayMs),
  ];
  return `## Replay against the parse floor

\`replay --store memory --no-alerts\` against reading, gunzipping and \`JSON.parse\`-ing the same files (the floor),
alternating, median of ${RUNS}. Corpora: ${fmt(RECORDS)} synthetic CloudTrail records each, in gzipped \`{"Records":[…]}\`
files of 250 (bench/corpus.ts): ordinary traffic (EC2/S3 reads, IAM/STS reads, RunInstances) with 20% IAM changes (a
stress mix) or 2% (closer to a real trail). Inputs of ${fmt(WORKER_THRESHOLD_BYTES / 1024 / 1024)} MB or more are read, parsed, validated and matched by two reader
threads while the main thread records what they deliver; the floor is single-threaded. These corpora are
${threaded ? 'large enough: replay uses the reader threads' : 'smaller than that: replay reads them on the main thread'}, and the last row turns them ${threaded ? 'off' : 'on'}.

${table(
  [
    'corpus',
    'floor',
    'replay',
    'replay / floor',
    'target',
    'replay CPU (all threads)',
    'recorded',
    'replay rate',
  ],
  [
    row('2% IAM (typical)', typical, 1.25),
    row('20% IAM (stress)', stress, 1.5),
    row(`20% IAM, reader threads ${threaded ? 'off' : 'on'}`, switched),
  ],
)}

Pattern match (\`deliveredBy\`): ${fmt(matchNs)} ns per event (${matched / matchRounds} of ${envelopes.length} sample events delivered).

Where the time above the floor goes (profiled 2026-12-03, \`node --cpu-prof\`): reading costs a little more than the
floor — every record is validated, bounds-checked, put in its envelope and matched, not only parsed — and the rest
is recording, per delivered entry, on the main thread: normalising and judging, and the memory store's put, which
checks the entry against the ledger schema (a hand-written fast path, a policy change's diff through zod) and
copies it (about two fifths of the recording on the stress mix before the fast path took policy changes). A policy change's previous version comes from the run's own memory of
policy versions: a \`--store memory\` run starts on an empty ledger, so it no longer queries the ledger per policy
change. Reader threads start cold (their own heap, unoptimised code), about a third more CPU for the same records,
so they pay off only on large inputs and idle cores; run from source, each used to compile the TypeScript through
tsx on start (0.3–0.7 s), and now starts the prebuilt bundle when it is fresh.
`;
}

async function lambdaSection(): Promise<string> {
  log('Lambda bundles');
  const figures = await measureLambdas(ROOT, RUNS);
  const kb = (bytes: number) => `${fmt(bytes / 1024)} KB`;
  const top = (f: (typeof figures)[number]) =>
    f.packages
      .slice(0, 8)
      .map((p) => `${p.name} ${kb(p.bytes)}`)
      .join(', ');
  return `## Lambda bundles

Built as \`IamwatchFunction\` builds them (esbuild, minified ESM, AWS SDK inside, source map without embedded sources);
import time is a fresh \`node\` importing the bundle (its wiring block included), median of ${RUNS} rounds that take
the functions in turn. Contents from esbuild's metafile (stacks/constructs/lambda-bundle.ts).

${table(
  ['function', 'bundle', 'target ≤ 400 KB', 'source map', 'import', 'target ≤ 100 ms'],
  figures.map((f) => [
    f.name,
    `**${kb(f.bytes)}**`,
    verdict(f.bytes, 400 * 1024),
    kb(f.sourceMapBytes),
    `**${ms(f.importMs)}**`,
    verdict(f.importMs, 100),
  ]),
)}

${figures.map((f) => `- ${f.name}: ${top(f)}`).join('\n')}

What they leave out (tests read the metafile for each): zod classic, the SDK's default credential chain
beyond the environment (LAMBDA_ALIASES), detection examples (rules/detections/*.examples.ts), a second copy of
@smithy/core. audit and s3 miss the size target with the S3 client (about 100 KB) beside the others.
Import times here are on a shared, loaded machine; a Lambda cold start also reads the bundle from disk once.
`;
}

async function costSection(): Promise<string> {
  log('cost model');
  const corpus = await ensureCorpus(RECORDS, 0.2);
  const isDelivered = deliveredBy(derivePatterns(CATALOG));
  const delivered: CloudTrailRecord[] = [];
  const files = (await readdir(corpus)).filter((name) => name.endsWith('.json.gz')).sort();
  for (const name of files.slice(0, 20)) {
    const { Records } = JSON.parse(gunzipSync(await readFile(join(corpus, name))).toString()) as {
      Records: CloudTrailRecord[];
    };
    delivered.push(...Records.filter((record) => isDelivered(toEnvelope(record))));
  }
  const cost = await costPerMillion(delivered);
  const usd = (n: number) => `$${n.toFixed(2)}`;
  const unit = (n: number) => `$${Number(n.toPrecision(4))}`;
  return `## Cost per million IAM events

From the items the codec writes for ${cost.sample} delivered events of the stress corpus, at us-east-1 list prices of
${PRICES_DATE} (on-demand DynamoDB ${unit(PRICES.dynamoWriteRequestUnit * 1e6)}/M WRU and ${unit(PRICES.dynamoReadRequestUnit * 1e6)}/M RRU, ${usd(PRICES.dynamoStorageGbMonth)}/GB-month;
Lambda arm64 $${PRICES.lambdaArmGbSecond}/GB-s and ${usd(PRICES.lambdaRequest * 1e6)}/M requests; EventBridge cross-account
${usd(PRICES.eventBridgeCrossAccountEvent * 1e6)}/M; SNS ${usd(PRICES.snsPublish * 1e6)}/M; CloudWatch Logs ${usd(PRICES.logsIngestGb)}/GB). Free tiers left out.

${table(
  ['what', 'per million IAM events', 'basis'],
  [
    ...cost.lines.map((l) => [l.what, usd(l.perMillion), l.basis]),
    ['**total**', `**${usd(cost.total)}**`, ''],
  ],
)}
`;
}

async function main(): Promise<void> {
  const sections: string[] = [];
  if (SECTIONS.has('start')) sections.push(await startSection());
  if (SECTIONS.has('history')) sections.push(await historySection());
  if (SECTIONS.has('local')) sections.push(await localSection());
  if (SECTIONS.has('memory')) sections.push(await memorySection());
  if (SECTIONS.has('lambdas')) sections.push(await lambdaSection());
  if (SECTIONS.has('cost')) sections.push(await costSection());
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const markdown = `# Benchmarks

Written by \`npm run bench\` (bench/run.ts); numbers from the last run. Every ratio is against a baseline measured in
the same run. Machine: ${cpu}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average
${loadavg()[0]?.toFixed(1)} at the end of the run. The machine is shared, so absolute times drift; ratios hold better.

${sections.join('\n')}`;
  await writeFile(join(ROOT, 'BENCHMARKS.md'), markdown);
  process.stdout.write(markdown);
}

await main();
