/**
 * `npm run bench`: measures replay against the cost of just reading the same CloudTrail files, plus
 * the pattern matcher and the embedded ledger, and writes the numbers to BENCHMARKS.md.
 *
 * Environment: BENCH_RECORDS (default 300000), BENCH_LOCAL_RECORDS (default 5000), BENCH_RUNS (default 5).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { run } from '../handlers/cli/main';
import { toEnvelope } from '../rules/cloudtrail/envelope';
import { deliveredBy, derivePatterns } from '../rules/eventbridge/derive';
import { CATALOG } from '../rules/registry';
import type { CloudTrailRecord } from '../rules/types';
import { generateCorpus } from './corpus';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 300_000);
const LOCAL_RECORDS = Number(process.env.BENCH_LOCAL_RECORDS ?? 5_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
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

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const stress = await compare(await ensureCorpus(RECORDS, 0.2), '20% IAM');
  const typical = await compare(await ensureCorpus(RECORDS, 0.02), '2% IAM');
  const single = await compare(await ensureCorpus(RECORDS, 0.2), '20% IAM, one thread', {
    IAMWATCH_READER_THREADS: '0',
  });
  const corpus = await ensureCorpus(RECORDS, 0.2);

  const sample = JSON.parse(
    gunzipSync(await readFile(join(corpus, '000000_CloudTrail_us-east-1.json.gz'))).toString(),
  ) as {
    Records: CloudTrailRecord[];
  };
  const envelopes = sample.Records.map(toEnvelope);
  const isDelivered = deliveredBy(derivePatterns(CATALOG));
  const matchRounds = 400;
  const matchStart = process.hrtime.bigint();
  let matched = 0;
  for (let round = 0; round < matchRounds; round++) for (const e of envelopes) if (isDelivered(e)) matched++;
  const matchNs = Number(process.hrtime.bigint() - matchStart) / (matchRounds * envelopes.length);

  const localCorpus = await ensureCorpus(LOCAL_RECORDS, 0.2);
  const home = mkdtempSync(join(tmpdir(), 'iamwatch-bench-'));
  const localStart = process.hrtime.bigint();
  const local = await replay([
    '--store',
    'local',
    '--home',
    home,
    '--format',
    'summary',
    '--no-alerts',
    localCorpus,
  ]);
  const localMs = Number(process.hrtime.bigint() - localStart) / 1e6;
  const localInserted = Number(/recorded \(new\)\s+(\d+)/.exec(local.out)?.[1] ?? 0);
  rmSync(home, { recursive: true, force: true });

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const rate = (ms: number) => `${Math.round(RECORDS / (ms / 1000)).toLocaleString('en-US')} records/s`;
  const ratio = (r: { replayMs: number; baseMs: number }) => `**${(r.replayMs / r.baseMs).toFixed(2)}×**`;
  const rows = [
    [
      '20% IAM (stress)',
      `${stress.baseMs.toFixed(0)} ms`,
      `${stress.replayMs.toFixed(0)} ms`,
      ratio(stress),
      `${stress.replayCpuMs.toFixed(0)} ms`,
      stress.delivered.toLocaleString('en-US'),
      rate(stress.replayMs),
    ],
    [
      '2% IAM (typical)',
      `${typical.baseMs.toFixed(0)} ms`,
      `${typical.replayMs.toFixed(0)} ms`,
      ratio(typical),
      `${typical.replayCpuMs.toFixed(0)} ms`,
      typical.delivered.toLocaleString('en-US'),
      rate(typical.replayMs),
    ],
    [
      '20% IAM, reader threads off',
      `${single.baseMs.toFixed(0)} ms`,
      `${single.replayMs.toFixed(0)} ms`,
      ratio(single),
      `${single.replayCpuMs.toFixed(0)} ms`,
      single.delivered.toLocaleString('en-US'),
      rate(single.replayMs),
    ],
  ];
  const other = [
    [
      'pattern match (deliveredBy), per event',
      `${matchNs.toFixed(0)} ns`,
      `${matched / matchRounds} of ${envelopes.length} sample events delivered`,
    ],
    [
      `replay --store local (dynalite), ${LOCAL_RECORDS.toLocaleString('en-US')} records`,
      `${localMs.toFixed(0)} ms`,
      `${localInserted} entries written, ${(localMs / Math.max(localInserted, 1)).toFixed(2)} ms per entry`,
    ],
  ];
  const markdown = `# Benchmarks

Written by \`npm run bench\` (bench/run.ts); numbers from the last run. Medians of ${RUNS} runs, baseline and
replay alternating.

- Machine: ${cpu}, ${cpus().length} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}
- Corpora: ${RECORDS.toLocaleString('en-US')} synthetic CloudTrail records each, in gzipped \`{"Records":[…]}\` files of 250
  (bench/corpus.ts): ordinary traffic (EC2/S3 reads, IAM/STS reads, RunInstances) with 20% IAM changes (a stress
  mix: every IAM change is normalised, judged and stored) or 2% (closer to a real trail, where IAM changes are rare).
- Inputs of 8 MB or more are read, gunzipped, parsed, validated and matched in a worker thread while the main
  thread records what it delivers (handlers/input/delivered.ts); the baseline is single-threaded.
- Replay runs the whole CLI path in-process: read, gunzip, parse, validate, envelope, EventBridge pattern match,
  normalise, every detection, conditional put into the memory ledger (entry + raw record), summary.

Replay with \`--store memory --no-alerts\` against the baseline of reading, gunzipping and \`JSON.parse\`-ing the same
files (budget: replay ≤ 2× the baseline's wall time):

| corpus | baseline | replay | replay / baseline | replay CPU (all threads) | recorded | replay rate |
| --- | --- | --- | --- | --- | --- | --- |
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

| what | time | note |
| --- | --- | --- |
${other.map((r) => `| ${r.join(' | ')} |`).join('\n')}

The local store figure is dominated by HTTP round trips to the embedded dynalite server and LevelDB writes
(one conditional put plus the index items per entry); a real DynamoDB table is used the same way by the
record Lambda, one event per invocation.
`;
  await writeFile(join(import.meta.dirname, '..', 'BENCHMARKS.md'), markdown);
  process.stdout.write(markdown);
}

await main();
