/**
 * The backfill Lambda that a Step Functions Distributed Map runs on each batch of trail-bucket objects
 * (S3 `ItemReader` listing, `ItemBatcher`). Every object takes the path replay takes: read → EventBridge
 * pattern match → normalise → detect → conditional put. Idempotent (a re-run of a window changes
 * nothing) and silent: entries are `backfill` entries, which notify does not announce unless the
 * execution asked for alerts.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { deliveredBy, derivePatterns } from '../../rules/eventbridge/derive';
import { CATALOG } from '../../rules/registry';
import type { Logger } from '../ports';
import { PolicyVersionMemory } from '../record/policy-diff';
import { originOf, type RecordDeps, recordValidated } from '../record/record';
import { s3Batches } from './batches';
import { objectWanted, type TrailFilter } from './layout';
import type { FetchOptions } from './source';
import { emptyTotals, type ReplayBatchResult } from './totals';

/** What the Distributed Map passes: the batch's items and the execution's shared input. */
interface ReplayBatchEvent {
  Items: { Key: string; Size?: number }[];
  BatchInput: {
    bucket: string;
    since?: string;
    until?: string;
    accounts?: string[];
    regions?: string[];
    /** Announce newly recorded entries (Slack/SNS) as a replay would; off by default. */
    alert?: boolean;
  };
}

/** The batch's counts: the Map Run's result writer keeps them per batch. */
export type { ReplayBatchResult } from './totals';

/** A batch whose event is not what the state machine sends. */
class InvalidBatchError extends Error {
  override readonly name = 'InvalidBatchError';
}

/** An object could not be read: the Map retries the batch, and counts it failed after the retries. */
export class ObjectsUnreadableError extends Error {
  override readonly name = 'ObjectsUnreadableError';
}

export interface ReplayHandlerDeps extends RecordDeps {
  s3: S3Client;
  /** The ledger's retention (`IAMWATCH_RETENTION_DAYS`): older events are not written. */
  retentionDays: number;
  concurrency: number;
  fetch?: FetchOptions;
}

export function createReplayBatchHandler(
  deps: ReplayHandlerDeps,
): (event: unknown) => Promise<ReplayBatchResult> {
  const isDelivered = deliveredBy(derivePatterns(CATALOG));
  const logger: Logger = deps.logger;
  return async (event) => {
    const batch = parseBatchEvent(event);
    const filter = filterOf(batch.BatchInput);
    const origin = batch.BatchInput.alert ? 'replay' : 'backfill';
    const result: ReplayBatchResult = { ...emptyTotals(), failedObjects: [] };
    const oldest = deps.clock.now().getTime() - deps.retentionDays * 86_400_000;
    const wanted = batch.Items.filter((item) => objectWanted(item.Key, filter));
    // The facet index is read eventually consistent: the batch remembers its own policy versions.
    const recordDeps: RecordDeps = { ...deps, policyVersions: new PolicyVersionMemory() };
    result.skipped = batch.Items.length - wanted.length;
    const objects = s3Batches(`s3://${batch.BatchInput.bucket}`, {
      client: deps.s3,
      filter,
      concurrency: deps.concurrency,
      isDelivered,
      keys: wanted.map((item) => ({ key: item.Key, size: item.Size ?? 0 })),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    for await (const object of objects) {
      result.objects++;
      if (!object.fetched) result.failedObjects.push(object.key);
      result.read += object.batch.read;
      result.notDelivered += object.batch.notDelivered;
      for (const item of object.batch.items) {
        if (!item.ok) {
          if (object.fetched) {
            result.invalid++;
            logger.warn('invalid record skipped', { location: item.location, error: item.error.message });
          }
          continue;
        }
        result.delivered++;
        if (Date.parse(item.record.eventTime) < oldest) {
          result.expired++;
          continue;
        }
        const recorded = await recordValidated(item.record, originOf(item.envelope, origin), recordDeps);
        if (recorded.outcome === 'inserted') result.inserted++;
        else result.duplicates++;
      }
    }
    logger.info('batch replayed', { ...result, failedObjects: result.failedObjects.length });
    if (result.failedObjects.length > 0) {
      throw new ObjectsUnreadableError(
        `${result.failedObjects.length} of ${result.objects} objects could not be read (the rest are recorded): ${result.failedObjects.slice(0, 5).join(', ')}`,
      );
    }
    return result;
  };
}

function parseBatchEvent(event: unknown): ReplayBatchEvent {
  const value = event as Partial<ReplayBatchEvent> | null;
  if (
    !value ||
    !Array.isArray(value.Items) ||
    !value.BatchInput ||
    typeof value.BatchInput.bucket !== 'string'
  ) {
    throw new InvalidBatchError(
      'expected a Distributed Map batch: { Items: [{ Key }], BatchInput: { bucket } }',
    );
  }
  for (const item of value.Items) {
    if (!item || typeof item.Key !== 'string') throw new InvalidBatchError('every item needs a string Key');
  }
  return value as ReplayBatchEvent;
}

function filterOf(input: ReplayBatchEvent['BatchInput']): TrailFilter {
  const filter: TrailFilter = {};
  const time = (text: string | undefined, name: string) => {
    if (text === undefined || text === '') return undefined;
    const at = new Date(text);
    if (Number.isNaN(at.getTime()))
      throw new InvalidBatchError(`BatchInput.${name} is not an ISO time: ${JSON.stringify(text)}`);
    return at;
  };
  const since = time(input.since, 'since');
  const until = time(input.until, 'until');
  if (since) filter.since = since;
  if (until) filter.until = until;
  if (input.accounts?.length) filter.accounts = input.accounts;
  if (input.regions?.length) filter.regions = input.regions;
  return filter;
}
