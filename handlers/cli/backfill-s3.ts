/**
 * `iamwatch backfill --from-s3 s3://…`: history beyond the 90 days of LookupEvents, from the trail
 * bucket. Here (a replay of the bucket whose entries are `backfill` entries) or, with `--distributed`,
 * on the Step Functions Distributed Map that MonitorStack deploys when `backfill.enabled`.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import {
  type BackfillStateMachine,
  BackfillTargetError,
  type DistributedOutcome,
  executionInput,
  type MapRunCounts,
  resolveStateMachine,
  runDistributed,
} from '../s3/distributed';
import { parseS3Url } from '../s3/layout';
import { noPositionals, parse } from './args';
import { flags } from './flags';
import { type CliIo, EXIT, UsageError } from './io';
import { alertOptions } from './notifiers';
import { runReplay } from './replay';
import { s3InputFrom, s3Options } from './s3-input';
import { storeOptions } from './store';

export const FROM_S3_HELP = `
From the trail bucket (history older than LookupEvents' 90 days):

  iamwatch backfill --from-s3 s3://BUCKET/PREFIX [--since TIME] [--until TIME] [--accounts ID,…]
                    [--regions R,…] [--distributed [--state-machine ARN] [--resource-prefix P]]

  Without --distributed the bucket is replayed on this machine (see "iamwatch replay --help" for S3
  input: --concurrency, --restart, --store, --table, --home, --format, --config); entries are backfill
  entries and alert only with --alert.
  --distributed starts the S3 backfill state machine of the monitor (deployed with backfill.enabled;
  found by name <resource-prefix>-s3-backfill, default prefix "iamwatch", or --state-machine ARN), follows
  its Map Run until it ends, prints the totals, and exits 1 naming the objects of failed batches.
  Step Functions and S3 are called with the default AWS credential chain (AWS_ENDPOINT_URL_SFN /
  AWS_ENDPOINT_URL and AWS_REGION apply).
`;

export interface BackfillS3Deps {
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** Seconds between two readings of the execution (default 10). */
  pollSeconds?: number;
}

const DEFAULT_DEPS: BackfillS3Deps = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Whether a backfill command line asks for the trail bucket. */
export function wantsFromS3(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === '--from-s3' || arg.startsWith('--from-s3='));
}

export async function backfillFromS3(
  argv: string[],
  io: CliIo,
  deps: BackfillS3Deps = DEFAULT_DEPS,
): Promise<number> {
  const { values, positionals } = parse(argv, {
    'from-s3': { type: 'string' },
    distributed: { type: 'boolean' },
    'state-machine': { type: 'string' },
    'resource-prefix': { type: 'string' },
    ...flags('alert', 'no-fold', 'format', 'config', 'min-severity'),
    ...s3Options,
    ...storeOptions,
    ...alertOptions,
  });
  const url = values['from-s3'];
  if (!url) throw new UsageError('--from-s3 needs s3://BUCKET/PREFIX');
  noPositionals(positionals);
  if (!values.distributed) {
    for (const flag of ['state-machine', 'resource-prefix'] as const) {
      if (values[flag] !== undefined) throw new UsageError(`--${flag} goes with --distributed`);
    }
    return runReplay(localArgs(url, argv), io, { origin: 'backfill' });
  }
  const local = (['store', 'table', 'home', 'format', 'concurrency', 'restart'] as const).find(
    (flag) => values[flag] !== undefined,
  );
  if (local) throw new UsageError(`--${local} applies to a backfill on this machine, not --distributed`);
  const s3 = s3InputFrom([url], values, io, deps.now());
  if (!s3) throw new UsageError('--from-s3 needs s3://BUCKET/PREFIX');
  const { bucket, prefix } = parseS3Url(url);
  const endpoint = io.env.AWS_ENDPOINT_URL_SFN ?? io.env.AWS_ENDPOINT_URL;
  const sfn = new SFNClient({
    region: io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint } : {}),
  });
  try {
    let stateMachine: BackfillStateMachine;
    try {
      stateMachine = await resolveStateMachine(sfn, bucket, {
        ...(values['state-machine'] ? { explicit: values['state-machine'] } : {}),
        resourcePrefix: values['resource-prefix'] ?? 'iamwatch',
      });
    } catch (error) {
      if (error instanceof BackfillTargetError) {
        io.stderr.write(`iamwatch backfill: ${error.message}\n`);
        return EXIT.failure;
      }
      throw error;
    }
    const input = executionInput(prefix, s3.filter, values.alert === true);
    const name = `backfill-${deps.now().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${Math.random().toString(36).slice(2, 8)}`;
    io.stderr.write(`starting ${name} on ${stateMachine.arn}: s3://${bucket}/${input.prefix}\n`);
    const outcome = await runDistributed(
      stateMachine,
      input,
      {
        sfn,
        s3: s3.client,
        sleep: deps.sleep,
        pollMs: (deps.pollSeconds ?? 10) * 1000,
        progress: (counts) => {
          if (io.stderr.isTTY) io.stderr.write(`\r\u001b[2K${progressLine(counts)}`);
        },
      },
      name,
    );
    if (io.stderr.isTTY) io.stderr.write('\r\u001b[2K');
    io.stdout.write(renderOutcome(outcome));
    return outcome.status === 'SUCCEEDED' && outcome.failed.length === 0 ? EXIT.ok : EXIT.failure;
  } finally {
    sfn.destroy();
    s3.client.destroy();
  }
}

/** The replay command line of a backfill on this machine: the bucket, and every option but ours. */
function localArgs(url: string, argv: readonly string[]): string[] {
  const args: string[] = [url];
  let alert = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--from-s3') {
      i++;
      continue;
    }
    if (arg.startsWith('--from-s3=')) continue;
    if (arg === '--alert') {
      alert = true;
      continue;
    }
    args.push(arg);
  }
  if (!alert) args.push('--no-alerts');
  return args;
}

function progressLine(counts: MapRunCounts): string {
  const done = counts.succeeded + counts.failed + counts.timedOut + counts.aborted;
  return `${done}/${counts.total} objects done (${counts.running} running, ${counts.failed + counts.timedOut} failed)`;
}

/** The summary printed when the execution ends. */
function renderOutcome(outcome: DistributedOutcome): string {
  const counts = outcome.counts;
  const lines = [
    `Distributed backfill ${outcome.executionArn}`,
    `  status                ${outcome.status}`,
    ...(counts
      ? [
          `  objects               ${counts.total} listed, ${counts.succeeded} succeeded, ${counts.failed + counts.timedOut + counts.aborted} failed or stopped`,
        ]
      : []),
    `  log files read        ${outcome.totals.objects}  (${outcome.totals.skipped} outside the window or not log files)`,
    `  records read          ${outcome.totals.read}`,
    `  delivered by patterns ${outcome.totals.delivered}`,
    `  recorded (new)        ${outcome.totals.inserted}`,
    `  already in ledger     ${outcome.totals.duplicates}`,
    `  invalid               ${outcome.totals.invalid}`,
    `  older than retention  ${outcome.totals.expired}  (not written: the ledger's TTL would delete them at once)`,
  ];
  if (outcome.error) lines.push(`  error                 ${outcome.error}`);
  if (outcome.failed.length > 0) {
    lines.push('', 'Failed batches (run the same command again: recorded entries are not written twice):');
    for (const batch of outcome.failed) {
      lines.push(`  ${batch.error}`);
      for (const key of batch.keys) lines.push(`    ${key}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
