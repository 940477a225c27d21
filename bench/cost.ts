/**
 * What a million recorded IAM events cost in AWS, from the items the real codec writes for the bench
 * corpus's events (sizes as DynamoDB counts them) and list prices. The durations are assumptions
 * (stated in the output), not measurements: nothing here runs in AWS.
 */
import { encodeEntry } from '../handlers/ledger/codec';
import { MemoryLedgerStore } from '../handlers/ledger/memory-store';
import { itemSize } from '../handlers/ledger/size';
import { DEFAULT_RETENTION_DAYS, LEDGER_ATTRIBUTES } from '../handlers/ledger/table';
import { recordValidated } from '../handlers/record/record';
import { silentLogger } from '../handlers/shared/logger';
import { makeContext } from '../rules/context';
import { severityAtLeast } from '../rules/severity';
import type { CloudTrailRecord } from '../rules/types';

/** us-east-1 list prices, as published on the AWS pricing pages on PRICES_DATE. */
export const PRICES_DATE = '2026-12-02';
export const PRICES = {
  lambdaArmGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  dynamoWriteRequestUnit: 0.625 / 1e6,
  dynamoReadRequestUnit: 0.125 / 1e6,
  dynamoStorageGbMonth: 0.25,
  eventBridgeCrossAccountEvent: 1.0 / 1e6,
  snsPublish: 0.5 / 1e6,
  logsIngestGb: 0.5,
} as const;

/** Assumptions of the model (not measured here). */
export const ASSUMPTIONS = {
  recordMemoryMb: 512,
  recordDurationMs: 25,
  notifyMemoryMb: 256,
  notifyDurationMs: 150,
  notifyBatchSize: 10,
  /** Log bytes per record invocation: the `recorded` line plus Lambda's platform lines. */
  logBytesPerEvent: 900,
};

export interface CostLine {
  what: string;
  perMillion: number;
  basis: string;
}

/**
 * @param records delivered CloudTrail records (IAM changes), e.g. from the bench corpus.
 */
export async function costPerMillion(records: readonly CloudTrailRecord[]): Promise<{
  sample: number;
  lines: CostLine[];
  total: number;
}> {
  const store = new MemoryLedgerStore();
  const context = makeContext({});
  const clock = { now: () => new Date('2026-11-20T00:00:00Z') };
  let tableWru = 0;
  let gsiWru = 0;
  let storedBytes = 0;
  let alerted = 0;
  let paged = 0;
  let deliveryWru = 0;
  const facet = LEDGER_ATTRIBUTES.facet;
  for (const record of records) {
    const { entry } = await recordValidated(record, 'live', { store, context, clock, logger: silentLogger });
    const encoded = encodeEntry(entry, record, DEFAULT_RETENTION_DAYS);
    for (const item of [encoded.entryItem, encoded.rawItem, ...encoded.indexItems]) {
      const bytes = itemSize(item);
      storedBytes += bytes;
      tableWru += Math.ceil(bytes / 1024);
      // The facet index projects keys only: one unit per item that carries a facet.
      if (item[facet] !== undefined) gsiWru += 1;
    }
    const entryWru = Math.ceil(itemSize(encoded.entryItem) / 1024);
    if (severityAtLeast(entry.severity, 'low')) {
      alerted++;
      deliveryWru += entryWru;
    }
    if (severityAtLeast(entry.severity, 'high')) {
      paged++;
      deliveryWru += entryWru;
    }
  }
  const n = records.length || 1;
  const perEvent = (total: number) => (total / n) * 1e6;
  const gbSeconds = (mb: number, ms: number) => (mb / 1024) * (ms / 1000);
  const a = ASSUMPTIONS;
  const p = PRICES;
  const lines: CostLine[] = [
    {
      what: 'EventBridge cross-account delivery',
      perMillion: 1e6 * p.eventBridgeCrossAccountEvent,
      basis: 'one forwarded event per IAM event',
    },
    {
      what: 'record Lambda (arm64)',
      perMillion:
        1e6 * (p.lambdaRequest + gbSeconds(a.recordMemoryMb, a.recordDurationMs) * p.lambdaArmGbSecond),
      basis: `one invocation per event, ${a.recordMemoryMb} MB × ${a.recordDurationMs} ms assumed`,
    },
    {
      what: 'DynamoDB writes: entry, raw record, index items',
      perMillion: perEvent(tableWru) * p.dynamoWriteRequestUnit,
      basis: `${(tableWru / n).toFixed(1)} WRU per event (item sizes of the corpus)`,
    },
    {
      what: 'DynamoDB writes: facet index (keys only)',
      perMillion: perEvent(gsiWru) * p.dynamoWriteRequestUnit,
      basis: `${(gsiWru / n).toFixed(1)} WRU per event`,
    },
    {
      what: 'notify Lambda (arm64) and its reads and delivery marks',
      perMillion:
        (1e6 / a.notifyBatchSize) *
          (p.lambdaRequest + gbSeconds(a.notifyMemoryMb, a.notifyDurationMs) * p.lambdaArmGbSecond) +
        perEvent(alerted) * p.dynamoReadRequestUnit +
        perEvent(deliveryWru) * p.dynamoWriteRequestUnit,
      basis: `batches of ${a.notifyBatchSize}, ${a.notifyMemoryMb} MB × ${a.notifyDurationMs} ms assumed; ${((alerted / n) * 100).toFixed(0)}% alerted`,
    },
    {
      what: 'SNS publishes (≥ high)',
      perMillion: perEvent(paged) * p.snsPublish,
      basis: `${((paged / n) * 100).toFixed(0)}% of events`,
    },
    {
      what: 'CloudWatch Logs ingestion',
      perMillion: ((1e6 * a.logBytesPerEvent) / 1024 ** 3) * p.logsIngestGb,
      basis: `${a.logBytesPerEvent} bytes of log per event assumed`,
    },
    {
      what: 'DynamoDB storage, per month kept',
      perMillion: (perEvent(storedBytes) / 1024 ** 3) * p.dynamoStorageGbMonth,
      basis: `${Math.round(storedBytes / n).toLocaleString('en-US')} bytes per event; TTL keeps entries ${DEFAULT_RETENTION_DAYS} days`,
    },
  ];
  return { sample: records.length, lines, total: lines.reduce((sum, line) => sum + line.perMillion, 0) };
}
