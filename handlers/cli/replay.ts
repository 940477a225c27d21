/**
 * `iamwatch replay`: CloudTrail input through exactly the path it takes in AWS — EventBridge pattern
 * match (derived patterns) → normalise → detect → record (conditional put) → notify.
 */
import { fileURLToPath } from 'node:url';
import type { ParsedItem } from '../../rules/cloudtrail/parse';
import { derivePatterns } from '../../rules/eventbridge/derive';
import { CATALOG } from '../../rules/registry';
import { SEVERITIES, type Severity } from '../../rules/types';
import { deliveredBatches } from '../input/delivered';
import { deliverEntry } from '../notify/handler';
import type { Notifier, StoredEntry } from '../ports';
import { originOf, recordValidated } from '../record/record';
import { silentLogger } from '../shared/logger';
import { oneOf, parse, severityOption } from './args';
import { loadDetectionContext } from './context';
import { ENTRY_HEADERS, entryRow, toContract } from './entries';
import { type CliIo, EXIT } from './io';
import { buildNotifiers } from './notifiers';
import { Progress } from './progress';
import { openStore, STORE_KINDS, storeOptions } from './store';
import { renderTable } from './table';

export const DEMO_DIR = fileURLToPath(new URL('../../demo/cloudtrail', import.meta.url));

const HELP = `Usage: iamwatch replay [PATH|-]... [options]

Replays CloudTrail input (single records, {"Records":[…]} log files (.json/.json.gz), EventBridge
envelopes, JSON lines, directories, "-" for stdin) through the same path as in AWS. With no path it
replays the bundled demo events.

  --format summary|table|jsonl   alerts and a summary (default), a table of entries, or ledger entries as JSON lines
  --store local|memory|dynamodb  ledger: embedded DynamoDB-compatible store under $IAMWATCH_HOME (default),
                                 throwaway memory, or a real table (--table) via the default AWS credentials
  --table NAME                   DynamoDB table for --store dynamodb
  --home DIR                     folder of the local store (default $IAMWATCH_HOME or ./.iamwatch)
  --min-severity LEVEL           print and alert only entries at or above LEVEL (default: low for alerts)
  --slack-webhook URL            post alerts to this Slack incoming webhook (or IAMWATCH_SLACK_WEBHOOK)
  --sns-topic ARN                publish alerts to this SNS topic (or IAMWATCH_SNS_TOPIC)
  --sns-min-severity LEVEL       lowest severity published to SNS (default high)
  --no-alerts                    record only; send and print no alerts
  --config FILE                  detection context JSON (organization/trusted accounts, automation principals,
                                 account names); default $IAMWATCH_CONFIG or ./iamwatch.config.json when present

Inputs of 8 MB or more are read and matched by two reader threads; IAMWATCH_READER_THREADS=0 keeps
everything on one thread, =1 forces the threads for any input.
`;

export interface ReplayCounts {
  read: number;
  delivered: number;
  inserted: number;
  duplicates: number;
  notDelivered: number;
  invalid: number;
  alerts: number;
  deliveryFailures: number;
  bySeverity: Record<Severity, number>;
  byDetection: Map<string, number>;
}

export async function replayCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    format: { type: 'string' },
    ...storeOptions,
    'min-severity': { type: 'string' },
    'slack-webhook': { type: 'string' },
    'sns-topic': { type: 'string' },
    'sns-min-severity': { type: 'string' },
    'no-alerts': { type: 'boolean' },
    config: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  const format = oneOf(values.format, ['summary', 'table', 'jsonl'] as const, '--format') ?? 'summary';
  const minSeverity = severityOption(values['min-severity']);
  const storeKind = oneOf(values.store, STORE_KINDS, '--store') ?? 'local';
  const context = await loadDetectionContext(values.config, io);
  const notifiers: Notifier[] = values['no-alerts']
    ? []
    : buildNotifiers(
        {
          slackWebhook: values['slack-webhook'] ?? io.env.IAMWATCH_SLACK_WEBHOOK,
          snsTopic: values['sns-topic'] ?? io.env.IAMWATCH_SNS_TOPIC,
          snsMinSeverity: severityOption(values['sns-min-severity'], '--sns-min-severity'),
          minSeverity,
          console: format === 'summary' ? io.stdout : undefined,
        },
        io,
      );
  const paths = positionals.length > 0 ? positionals : [DEMO_DIR];
  const patterns = derivePatterns(CATALOG);
  const store = await openStore(storeKind, values, io);
  const clock = { now: () => new Date() };
  const counts = emptyCounts();
  const progress = new Progress(io.stderr);
  const printedMin = SEVERITIES.indexOf(minSeverity ?? 'info');
  const tableRows: string[][] = [];
  const handle = async (item: Extract<ParsedItem, { ok: true }>): Promise<void> => {
    const result = await recordValidated(item.record, originOf(item.envelope, 'replay'), {
      store,
      context,
      clock,
      logger: silentLogger,
    });
    for (const failure of result.detectionErrors) {
      io.stderr.write(
        `detection ${failure.detectionId} failed on ${formatLocation(item.location)}: ${failure.error.message}\n`,
      );
    }
    tally(counts, result.entry, result.outcome);
    if (SEVERITIES.indexOf(result.entry.severity) >= printedMin) {
      if (format === 'jsonl') io.stdout.write(`${JSON.stringify(toContract(result.entry))}\n`);
      else if (format === 'table') tableRows.push(entryRow(result.entry));
    }
    if (result.outcome === 'inserted' && notifiers.length > 0) {
      progress.clear();
      const report = await deliverEntry(result.entry, {
        store,
        notifiers,
        clock,
        logger: silentLogger,
        alertOnReplay: true,
      });
      counts.alerts += report.delivered.length;
      for (const failure of [...report.permanentFailures, ...report.transientFailures]) {
        counts.deliveryFailures++;
        io.stderr.write(
          `alert for ${result.entry.eventId} not delivered to ${failure.channel}: ${failure.error.message}\n`,
        );
      }
    }
  };
  try {
    const threads = io.env.IAMWATCH_READER_THREADS;
    const reading = {
      patterns,
      stdin: io.stdin,
      ...(threads === undefined ? {} : { worker: threads !== '0' }),
    };
    for await (const batch of deliveredBatches(paths, reading)) {
      counts.read += batch.read;
      counts.notDelivered += batch.notDelivered;
      progress.tick(counts.read);
      for (const item of batch.items) {
        if (item.ok) {
          counts.delivered++;
          await handle(item);
          continue;
        }
        counts.invalid++;
        progress.clear();
        io.stderr.write(`invalid input ${formatLocation(item.location)}: ${item.error.message}\n`);
      }
    }
  } finally {
    progress.clear();
    await store.close();
  }
  if (format === 'table') {
    io.stdout.write(renderTable(ENTRY_HEADERS, tableRows, { maxWidth: 48 }));
  }
  const summary = renderSummary(counts, storeKind);
  if (format === 'summary') io.stdout.write(summary);
  else io.stderr.write(summary);
  return counts.invalid > 0 ? EXIT.invalidInput : EXIT.ok;
}

function emptyCounts(): ReplayCounts {
  return {
    read: 0,
    delivered: 0,
    inserted: 0,
    duplicates: 0,
    notDelivered: 0,
    invalid: 0,
    alerts: 0,
    deliveryFailures: 0,
    bySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 },
    byDetection: new Map(),
  };
}

function tally(counts: ReplayCounts, entry: StoredEntry, outcome: 'inserted' | 'duplicate'): void {
  if (outcome === 'duplicate') {
    counts.duplicates++;
    return;
  }
  counts.inserted++;
  counts.bySeverity[entry.severity]++;
  for (const hit of entry.detections)
    counts.byDetection.set(hit.id, (counts.byDetection.get(hit.id) ?? 0) + 1);
}

export function renderSummary(counts: ReplayCounts, storeKind: string): string {
  const lines = [
    '',
    `Replay summary (${storeKind} store)`,
    `  records read          ${counts.read}`,
    `  delivered by patterns ${counts.delivered}`,
    `  not delivered         ${counts.notDelivered}  (read-only or not IAM-relevant: EventBridge would not deliver them)`,
    `  recorded (new)        ${counts.inserted}`,
    `  already in ledger     ${counts.duplicates}`,
    `  invalid               ${counts.invalid}`,
    `  alerts sent           ${counts.alerts}${counts.deliveryFailures ? `  (${counts.deliveryFailures} failed)` : ''}`,
    `  by severity           ${[...SEVERITIES]
      .reverse()
      .map((s) => `${s} ${counts.bySeverity[s]}`)
      .join(', ')}`,
  ];
  const detections = [...counts.byDetection.entries()].sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
  );
  if (detections.length > 0) {
    lines.push('  detections');
    for (const [id, n] of detections) lines.push(`    ${String(n).padStart(5)}  ${id}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatLocation(location: { source: string; record?: number; line?: number }): string {
  if (location.line !== undefined) return `${location.source}:${location.line}`;
  if (location.record !== undefined) return `${location.source} record ${location.record}`;
  return location.source;
}
