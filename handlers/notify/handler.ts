/**
 * The notify path: a committed ledger entry → every notifier whose routing wants it and that has not
 * already delivered it. Delivery state is written per channel, so a retry never repeats a channel that
 * already succeeded. Used by the notify Lambda (DynamoDB stream) and directly by the local runner,
 * which has no stream.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { LedgerEntry } from '../../rules/types';
import { eventIdOfItem } from '../ledger/codec';
import {
  type Clock,
  type LedgerStore,
  type Logger,
  type Notifier,
  PermanentDeliveryError,
  type StoredEntry,
} from '../ports';
import { describeError } from '../shared/logger';
import { classifyDeliveryFailure, type DeliveryMetrics } from './metrics';

export interface NotifyDeps {
  store: LedgerStore;
  notifiers: readonly Notifier[];
  clock: Clock;
  logger: Logger;
  /** Alert on EventBridge archive replays and backfilled entries too (off by default). */
  alertOnReplay: boolean;
  /** Where delivery failures are counted (the Lambda writes EMF metrics); none when absent. */
  metrics?: DeliveryMetrics;
}

export interface DeliveryReport {
  eventId: string;
  delivered: string[];
  alreadyDelivered: string[];
  permanentFailures: { channel: string; error: Error }[];
  transientFailures: { channel: string; error: Error }[];
  skippedReason?: string;
}

/**
 * Delivers one entry to every channel that wants it. Permanent failures are recorded and logged and
 * do not ask for a retry; transient ones are recorded and reported so the caller can retry.
 */
export async function deliverEntry(entry: StoredEntry, deps: NotifyDeps): Promise<DeliveryReport> {
  const report: DeliveryReport = {
    eventId: entry.eventId,
    delivered: [],
    alreadyDelivered: [],
    permanentFailures: [],
    transientFailures: [],
  };
  if (!deps.alertOnReplay && (entry.origin === 'backfill' || entry.origin === 'eventbridge-replay')) {
    report.skippedReason = `${entry.origin} entries do not alert`;
    return report;
  }
  const alert = alertOf(entry);
  for (const notifier of deps.notifiers) {
    if (!notifier.wants(alert)) continue;
    const previous = entry.delivery?.[notifier.channel];
    if (previous?.status === 'delivered') {
      report.alreadyDelivered.push(notifier.channel);
      continue;
    }
    if (previous?.status === 'failed' && previous.error?.startsWith('permanent:')) continue;
    const attempts = (previous?.attempts ?? 0) + 1;
    try {
      await notifier.send(alert);
      await deps.store.markDelivery(entry.eventId, notifier.channel, {
        status: 'delivered',
        at: deps.clock.now().toISOString(),
        attempts,
      });
      report.delivered.push(notifier.channel);
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      const permanent = error instanceof PermanentDeliveryError;
      const failure = classifyDeliveryFailure(error);
      deps.metrics?.deliveryFailed({ channel: notifier.channel, ...failure });
      // `not-configured:` is not `permanent:`, so a later try (`iamwatch resend`) sends it once the URL is stored.
      const marker =
        failure.kind === 'not-configured' ? NOT_CONFIGURED_MARKER : permanent ? 'permanent' : 'transient';
      await deps.store.markDelivery(entry.eventId, notifier.channel, {
        status: 'failed',
        at: deps.clock.now().toISOString(),
        attempts,
        error: `${marker}: ${error.message}`.slice(0, 1000),
      });
      deps.logger.error(permanent ? 'delivery failed permanently' : 'delivery failed, will retry', {
        eventId: entry.eventId,
        channel: notifier.channel,
        attempts,
        error: describeError(error),
      });
      (permanent ? report.permanentFailures : report.transientFailures).push({
        channel: notifier.channel,
        error,
      });
    }
  }
  return report;
}

/** Prefix of a channel's delivery error when its webhook was not configured yet. */
export const NOT_CONFIGURED_MARKER = 'not-configured';

/**
 * What channels see: the ledger entry contract without the ledger's bookkeeping. The delivery state in
 * particular changes between tries, and must not leak into, say, the JSON SQS subscribers receive.
 */
function alertOf(entry: StoredEntry): LedgerEntry {
  const { origin: _origin, recordedAt: _recordedAt, delivery: _delivery, ...alert } = entry;
  return alert;
}

/** The DynamoDB stream event shape the notify Lambda receives (only what it reads). */
export interface StreamEvent {
  Records: {
    eventName?: string;
    dynamodb?: {
      SequenceNumber?: string;
      Keys?: Record<string, unknown>;
      NewImage?: Record<string, unknown>;
    };
  }[];
}

export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * The notify Lambda as a factory. Records are handled in stream order; at the first transient failure
 * the handler stops and reports that record, so Lambda retries from there (bisecting as configured)
 * and already-delivered channels are skipped on the retry.
 */
export function createNotifyHandler(deps: NotifyDeps): (event: StreamEvent) => Promise<BatchResponse> {
  return async (event) => {
    for (const record of event.Records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
      if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
      let eventId: string | undefined;
      try {
        eventId = eventIdOfItem(unmarshall(record.dynamodb.NewImage as never));
      } catch (error) {
        // An image that cannot be read will not read better on a retry: log it and move on.
        deps.logger.error('unreadable stream image skipped', { sequenceNumber, error });
        continue;
      }
      if (!eventId) continue;
      try {
        const entry = await deps.store.get(eventId);
        if (!entry) {
          deps.logger.warn('stream record for an entry that is no longer in the ledger', { eventId });
          continue;
        }
        const report = await deliverEntry(entry, deps);
        if (report.transientFailures.length > 0)
          return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
      } catch (error) {
        deps.logger.error('notify failed', { eventId, error });
        return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
      }
    }
    return { batchItemFailures: [] };
  };
}
