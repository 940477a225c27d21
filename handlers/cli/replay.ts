/**
 * `iamwatch replay`: CloudTrail input through exactly the path it takes in AWS — EventBridge pattern
 * match (derived patterns) → normalise → detect → record (conditional put) → notify.
 */
import { fileURLToPath } from 'node:url';
import type { ParsedItem } from '../../rules/cloudtrail/parse';
import { deliveredBy, derivePatterns } from '../../rules/eventbridge/derive';
import { CATALOG } from '../../rules/registry';
import { type DeliveredBatch, deliveredBatches } from '../input/reader-threads';
import { LedgerEncodingError } from '../ledger/errors';
import type { EntryOrigin } from '../ports';
import { PolicyVersionMemory } from '../record/policy-diff';
import { originOf, type RecordResult, recordValidated } from '../record/record';
import { isS3Url } from '../s3/layout';
import { silentLogger } from '../shared/logger';
import { printable } from '../shared/printable';
import { countVerdict, emptyVerdictCounts, type VerdictCounts, verdictLines } from '../shared/verdict-counts';
import { formatOption, parse, printHelp, severityOption } from './args';
import { loadDetectionContext } from './context';
import { EntryOutput } from './entry-output';
import { flags } from './flags';
import { type CliIo, EXIT } from './io';
import { alertOptions, notifiersFromOptions } from './notifiers';
import { applyOrganization, ORGANIZATION_HELP, organizationOptions } from './organization';
import { Progress } from './progress';
import { S3_HELP, s3InputBatches, s3InputFrom, s3Options } from './s3-input';
import { openStore, storeKindOf, storeOptions } from './store';
import { OrderedWindow } from './window';

/** Ledger writes in flight for a DynamoDB table. */
const LEDGER_WRITES_IN_FLIGHT = 16;
/**
 * For the local journal: its writes are group-committed, one fsync per batch, so the more writes in
 * flight, the fewer fsyncs per entry.
 */
const LOCAL_WRITES_IN_FLIGHT = 128;

export const DEMO_DIR = fileURLToPath(new URL('../../demo/cloudtrail', import.meta.url));

const HELP = `Usage: iamwatch replay [PATH|-|s3://BUCKET/PREFIX]... [options]

Replays CloudTrail input (single records, {"Records":[…]} log files (.json/.json.gz), EventBridge
envelopes, JSON lines, directories, "-" for stdin, a trail's S3 bucket) through the same path as in
AWS. With no path it replays the bundled demo events.

  --format summary|table|jsonl   alerts and a summary (default), a table of entries, or ledger entries as JSON lines
  --store local|memory|dynamodb  ledger: embedded store (a journal) under $IAMWATCH_HOME (default),
                                 throwaway memory, or a real table (--table) via the default AWS credentials
  --table NAME                   a real DynamoDB table (implies --store dynamodb)
  --home DIR                     folder of the local store (default $IAMWATCH_HOME or ./.iamwatch)
  --min-severity LEVEL           print and alert only entries at or above LEVEL (default: low for alerts)
  --slack-webhook URL            post alerts to this Slack incoming webhook (or IAMWATCH_SLACK_WEBHOOK)
  --sns-topic ARN                publish alerts to this SNS topic (or IAMWATCH_SNS_TOPIC_ARN)
  --sns-min-severity LEVEL       lowest severity published to SNS (default high)
  --no-alerts                    record only; send and print no alerts
  --no-fold                      post every alert on its own instead of folding bursts into follow-ups
  --config FILE                  detection context JSON (organization/trusted accounts, automation principals,
                                 account names); default $IAMWATCH_CONFIG or ./iamwatch.config.json when present

${S3_HELP}
Inputs of 8 MB or more are read and matched by two reader threads; IAMWATCH_READER_THREADS=0 keeps
everything on one thread, =1 forces the threads for any input.
${ORGANIZATION_HELP}`;

export interface ReplayCounts extends VerdictCounts {
  read: number;
  delivered: number;
  inserted: number;
  duplicates: number;
  notDelivered: number;
  invalid: number;
  /** Delivered records the ledger could not hold (reported like invalid ones). */
  unrecordable: number;
  /** Records kept with a malformed optional field treated as absent. */
  warned: number;
}

export function replayCommand(argv: string[], io: CliIo): Promise<number> {
  return runReplay(argv, io, { origin: 'replay' });
}

/**
 * Replay with the origin its new entries get: `replay` (announced) or `backfill` (silent in the notify
 * Lambda unless asked), for `iamwatch backfill --from-s3` which replays the trail bucket here.
 */
export async function runReplay(
  argv: string[],
  io: CliIo,
  options: { origin: Extract<EntryOrigin, 'replay' | 'backfill'> },
): Promise<number> {
  const { values, positionals } = parse(argv, {
    ...flags('format', 'min-severity', 'no-fold', 'config'),
    ...storeOptions,
    ...alertOptions,
    'no-alerts': { type: 'boolean' },
    ...organizationOptions,
    ...s3Options,
  });
  if (values.help) return printHelp(HELP, io);
  const format = formatOption(values.format, ['summary', 'table', 'jsonl']);
  const minSeverity = severityOption(values['min-severity']);
  const storeKind = storeKindOf(values);
  const { context } = await applyOrganization(await loadDetectionContext(values.config, io), values, io);
  const notifiers = values['no-alerts'] ? [] : notifiersFromOptions(values, { format, minSeverity }, io);
  const paths = positionals.length > 0 ? positionals : [DEMO_DIR];
  const s3 = s3InputFrom(paths, values, io, new Date());
  const patterns = derivePatterns(CATALOG);
  const store = await openStore(storeKind, values, io);
  const clock = { now: () => new Date() };
  const counts: ReplayCounts = {
    read: 0,
    delivered: 0,
    inserted: 0,
    duplicates: 0,
    notDelivered: 0,
    invalid: 0,
    unrecordable: 0,
    warned: 0,
    ...emptyVerdictCounts(),
  };
  const progress = new Progress(io.stderr);
  const output = new EntryOutput({
    format,
    io,
    notifiers,
    store,
    clock,
    beforeAlert: () => progress.clear(),
    foldBursts: values['no-fold'] !== true,
    ...(minSeverity ? { minSeverity } : {}),
  });
  const report = (line: string) => {
    progress.clear();
    io.stderr.write(`${printable(line)}\n`);
  };
  type Recorded = {
    /** Where the record was read; formatted only when there is something to report. */
    location: ItemLocation;
    result?: RecordResult;
    /** A record the ledger cannot hold costs that record, not the replay. */
    unrecordable?: LedgerEncodingError;
  };
  const taken = ({ location, result, unrecordable }: Recorded) => {
    const where = () => formatLocation(location);
    if (!result) {
      counts.unrecordable++;
      report(`cannot record ${where()}: ${unrecordable?.message ?? 'unknown error'}`);
      return;
    }
    for (const failure of result.detectionErrors) {
      report(`detection ${failure.detectionId} failed on ${where()}: ${failure.error.message}`);
    }
    if (result.truncated) report(`warning: ${where()}: long text cut to fit the ledger item limit (marked)`);
    if (result.outcome === 'inserted') {
      counts.inserted++;
      countVerdict(counts, result.entry);
    } else counts.duplicates++;
    return output.accept(result.entry, result.outcome);
  };
  // Ledgers behind I/O take several writes at once; results are still taken in input order.
  const depth = { memory: 1, local: LOCAL_WRITES_IN_FLIGHT, dynamodb: LEDGER_WRITES_IN_FLIGHT }[storeKind];
  const window = new OrderedWindow<Recorded>(depth, taken);
  // Writes overlap, so a policy change cannot count on the ledger showing the version just before it
  // in the input: the run remembers the versions it has seen, in input order (handlers/record/policy-diff.ts).
  // A memory store starts empty, so there the run's memory answers alone, without a ledger lookup.
  const policyVersions = new PolicyVersionMemory({ ledgerStartedEmpty: storeKind === 'memory' });
  const record = (item: Extract<ParsedItem, { ok: true }>): Promise<void> => {
    const { location } = item;
    if (item.warnings) {
      counts.warned++;
      for (const warning of item.warnings) report(`warning: ${formatLocation(location)}: ${warning.message}`);
    }
    return window.push(item.record.eventID, async () => {
      try {
        const result = await recordValidated(item.record, originOf(item.envelope, options.origin), {
          store,
          context,
          clock,
          logger: silentLogger,
          policyVersions,
        });
        return { location, result };
      } catch (error) {
        // Store I/O errors still end the replay.
        if (!(error instanceof LedgerEncodingError)) throw error;
        return { location, unrecordable: error };
      }
    });
  };
  try {
    const threads = io.env.IAMWATCH_READER_THREADS;
    const reading = {
      patterns,
      stdin: io.stdin,
      ...(threads === undefined ? {} : { worker: threads !== '0' }),
    };
    const consume = async (batch: DeliveredBatch): Promise<void> => {
      counts.read += batch.read;
      counts.notDelivered += batch.notDelivered;
      progress.tick(counts.read);
      for (const item of batch.items) {
        if (item.ok) {
          counts.delivered++;
          await record(item);
          continue;
        }
        counts.invalid++;
        report(`invalid input ${formatLocation(item.location)}: ${item.error.message}`);
      }
    };
    const localPaths = paths.filter((path) => !isS3Url(path));
    if (localPaths.length > 0) {
      for await (const batch of deliveredBatches(localPaths, reading)) await consume(batch);
    }
    if (s3) {
      const isDelivered = deliveredBy([...patterns]);
      const home = values.home ?? io.env.IAMWATCH_HOME ?? `${io.cwd}/.iamwatch`;
      const s3Progress = { objects: 0, bytes: 0 };
      for (const url of paths.filter(isS3Url)) {
        for await (const object of s3InputBatches(url, s3, home, isDelivered, io)) {
          s3Progress.objects++;
          s3Progress.bytes += object.bytes;
          progress.detail = `${s3Progress.objects} objects, ${formatBytes(s3Progress.bytes)}`;
          await consume(object.batch);
          // The object counts as recorded only once every entry of it is committed.
          await window.drain();
          await object.recorded();
        }
      }
    }
    await window.drain();
    await output.flush();
  } finally {
    await window.settle();
    progress.clear();
    s3?.client.destroy();
    await store.close();
  }
  output.finish();
  const summary = renderSummary(counts, output.alerts, storeKind);
  if (format === 'summary') io.stdout.write(summary);
  else io.stderr.write(summary);
  const mismatch = reconcile(counts);
  if (mismatch) {
    io.stderr.write(`iamwatch replay: ${mismatch}\n`);
    return EXIT.failure;
  }
  return counts.invalid + counts.unrecordable > 0 ? EXIT.invalidInput : EXIT.ok;
}

/**
 * Every record read is accounted for exactly once: delivered, not delivered or invalid; and every
 * delivered one recorded, found already recorded, or reported as unrecordable. A difference means a
 * record went missing between reading and recording, which must never pass as a clean run.
 */
export function reconcile(counts: ReplayCounts): string | undefined {
  const accounted = counts.delivered + counts.notDelivered + counts.invalid;
  if (counts.read !== accounted) {
    return `records unaccounted for: ${counts.read} read, but ${counts.delivered} delivered + ${counts.notDelivered} not delivered + ${counts.invalid} invalid = ${accounted}`;
  }
  const recorded = counts.inserted + counts.duplicates + counts.unrecordable;
  if (counts.delivered !== recorded) {
    return `records unaccounted for: ${counts.delivered} delivered, but ${counts.inserted} recorded + ${counts.duplicates} already in ledger + ${counts.unrecordable} unrecordable = ${recorded}`;
  }
  return undefined;
}

export function renderSummary(
  counts: ReplayCounts,
  alerts: {
    sent: number;
    failed: number;
    resumed?: number;
    suppressed?: number;
    folded?: number;
    followUps?: number;
  },
  storeKind: string,
): string {
  const sent = [
    alerts.resumed ? `${alerts.resumed} resumed from an earlier run` : '',
    alerts.failed ? `${alerts.failed} failed` : '',
  ].filter(Boolean);
  const lines = [
    '',
    `Replay summary (${storeKind} store)`,
    `  records read          ${counts.read}`,
    `  delivered by patterns ${counts.delivered}`,
    `  not delivered         ${counts.notDelivered}  (read-only or not IAM-relevant: EventBridge would not deliver them)`,
    `  recorded (new)        ${counts.inserted}`,
    `  already in ledger     ${counts.duplicates}`,
    `  invalid               ${counts.invalid}`,
    ...(counts.unrecordable ? [`  not recordable        ${counts.unrecordable}`] : []),
    ...(counts.warned ? [`  recorded with warnings ${counts.warned}`] : []),
    `  alerts sent           ${alerts.sent}${sent.length > 0 ? `  (${sent.join(', ')})` : ''}`,
    ...(alerts.suppressed ? [`  alerts suppressed     ${alerts.suppressed}`] : []),
    ...(alerts.folded
      ? [`  alerts folded         ${alerts.folded}  (into ${alerts.followUps} burst follow-up(s))`]
      : []),
    ...verdictLines(counts),
  ];
  if (counts.inserted === 0 && counts.duplicates > 0 && storeKind === 'local') {
    lines.push(
      '',
      'Every event was already in the ledger, so only alerts an earlier run had not delivered were sent.',
      'To start over, remove the local ledger ($IAMWATCH_HOME, default ./.iamwatch) or replay with',
      '--store memory.',
    );
  }
  return `${lines.join('\n')}\n`;
}

type ItemLocation = ParsedItem['location'];

function formatLocation(location: ItemLocation): string {
  if (location.line !== undefined) return `${location.source}:${location.line}`;
  if (location.record !== undefined) return `${location.source} record ${location.record}`;
  return location.source;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
