/**
 * The DynamoDB stream adapter of the notify Lambda: stream records → ledger entries → the delivery
 * core (`delivery.ts`). The same function is invoked by an EventBridge schedule, which only sends the
 * follow-ups of burst windows that have closed; every stream batch sends them too, first.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { eventIdOfItem, eventIdToNotify } from '../ledger/codec';
import { deliverEntry, flushBursts, type NotifyDeps } from './delivery';

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

/** The EventBridge scheduled event that asks for a flush of closed burst windows. */
export interface ScheduledEvent {
  source: 'aws.events';
  'detail-type': 'Scheduled Event';
}

export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

function isStreamEvent(event: StreamEvent | ScheduledEvent): event is StreamEvent {
  return Array.isArray((event as StreamEvent).Records);
}

/**
 * The notify Lambda as a factory. Records are handled in stream order; at the first transient failure
 * the handler stops and reports that record, so Lambda retries from there (bisecting as configured)
 * and already-delivered channels are skipped on the retry.
 */
export function createNotifyHandler(
  deps: NotifyDeps,
): (event: StreamEvent | ScheduledEvent) => Promise<BatchResponse> {
  return async (event) => {
    if (deps.bursts) await flushDueBursts(deps);
    if (!isStreamEvent(event)) return { batchItemFailures: [] };
    for (const record of event.Records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
      // INSERT of an entry, or a redelivery request (INSERT or MODIFY): see NOTIFY_STREAM_FILTERS.
      if (record.eventName === 'REMOVE' || !record.dynamodb?.NewImage) continue;
      let eventId: string | undefined;
      try {
        const image = unmarshall(record.dynamodb.NewImage as never);
        eventId = record.eventName === 'INSERT' ? eventIdToNotify(image) : redeliveryEventId(image);
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

/** A flush that fails must not hold back the batch's new alerts: it is logged and tried next time. */
async function flushDueBursts(deps: NotifyDeps): Promise<void> {
  try {
    await flushBursts(deps, deps.clock.now().toISOString());
  } catch (error) {
    deps.logger.error('burst follow-ups could not be flushed; the next invocation tries again', { error });
  }
}

/** A MODIFY reaches notify only for a redelivery request; delivery-state updates of entries do not count. */
function redeliveryEventId(image: Record<string, unknown>): string | undefined {
  return eventIdOfItem(image) === undefined ? eventIdToNotify(image) : undefined;
}
