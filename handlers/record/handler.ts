/**
 * The record Lambda as a factory over its ports. EventBridge invokes it asynchronously with one event:
 * invalid input throws a typed error (after Lambda's bounded async retries it lands on the failure
 * destination), transient ledger errors propagate so Lambda retries.
 */
import { InvalidRecordError } from '../../rules/cloudtrail/parse';
import type { DetectionContext } from '../../rules/types';
import type { CanaryArrivals } from '../heartbeat/store';
import type { Logger } from '../ports';
import { isSettled } from '../shared/delivery-state';
import {
  asEnvelope,
  InvalidEventError,
  originOf,
  type RecordDeps,
  type RecordResult,
  recordEnvelope,
} from './record';

export type RecordHandler = (event: unknown) => Promise<RecordResult>;

export interface RecordHandlerDeps extends RecordDeps {
  /**
   * The detection context per event (the organization snapshot over the configuration,
   * `handlers/organization/context.ts`); never rejects. `context` is used when absent.
   */
  contextOf?: () => Promise<DetectionContext>;
  /** Where the arrival of the end-to-end canary's write is noted for the heartbeat check. */
  canaryArrivals?: CanaryArrivals;
}

export function createRecordHandler(deps: RecordHandlerDeps): RecordHandler {
  return async (event) => {
    let result: RecordResult;
    try {
      const envelope = asEnvelope(event);
      const context = deps.contextOf ? await deps.contextOf() : deps.context;
      result = await recordEnvelope(envelope, originOf(envelope, 'live'), { ...deps, context });
    } catch (error) {
      throw rejection(error, event, deps.logger);
    }
    if (result.outcome === 'duplicate') await resumeDelivery(result.entry.eventId, deps);
    // After the entry is committed, so an arrival is never noted for a canary the ledger lacks; a
    // failure here propagates, and the retry (a duplicate) notes it again.
    if (result.entry.canary && deps.canaryArrivals) {
      await deps.canaryArrivals.recordCanary(result.entry.eventTime, result.entry.recordedAt);
    }
    deps.logger.info(result.outcome === 'inserted' ? 'recorded' : 'duplicate delivery ignored', {
      eventId: result.entry.eventId,
      eventName: result.entry.eventName,
      accountId: result.entry.accountId,
      severity: result.entry.severity,
      detections: result.entry.detections.map((d) => d.id),
      ...(result.entry.canary ? { canary: true } : {}),
    });
    return result;
  };
}

/**
 * How long after an entry was recorded a duplicate delivery may ask notify to deliver it again. Until
 * then the entry's own stream record is still being delivered (or retried) and a request would only
 * race it into a repeated post.
 */
export const REDELIVERY_GRACE_MS = 15 * 60 * 1000;

/**
 * A duplicate delivery of an event resumes its alerts: when a channel may not have delivered the entry
 * (a notify that crashed between post and bookkeeping, a stream record that expired), notify is asked
 * to deliver it again, and skips every channel already delivered. Entries whose recorded channels all
 * delivered or failed for good are left alone.
 */
async function resumeDelivery(eventId: string, deps: RecordDeps): Promise<void> {
  if (!deps.store.requestRedelivery) return;
  const stored = await deps.store.get(eventId);
  if (!stored) return;
  const now = deps.clock.now();
  if (now.getTime() - Date.parse(stored.recordedAt) < REDELIVERY_GRACE_MS) return;
  const states = Object.values(stored.delivery ?? {});
  if (states.length > 0 && states.every(isSettled)) return;
  await deps.store.requestRedelivery(eventId, now.toISOString());
  deps.logger.info('duplicate delivery: redelivery requested', { eventId });
}

/**
 * Invalid input is logged with the envelope's identifying fields (never the event) and its message
 * names the envelope, so a failure-destination message or a log line leads back to the event. Any
 * other error is returned untouched: it is transient or a bug, and the platform retries it.
 */
function rejection(error: unknown, event: unknown, logger: Logger): unknown {
  if (!(error instanceof InvalidEventError || error instanceof InvalidRecordError)) return error;
  const envelope = identify(event);
  const named =
    error instanceof InvalidRecordError
      ? new InvalidRecordError(`EventBridge event ${envelope.envelopeId ?? '(no id)'}: ${error.message}`, {
          field: error.field ? `detail.${error.field}` : 'detail',
          cause: error,
        })
      : error;
  logger.error('invalid event rejected', { ...envelope, error: named });
  return named;
}

function identify(event: unknown): { envelopeId?: string; source?: string; detailType?: string } {
  if (event === null || typeof event !== 'object') return {};
  const fields = event as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 256) : undefined);
  const identified: { envelopeId?: string; source?: string; detailType?: string } = {};
  const envelopeId = text(fields.id);
  const source = text(fields.source);
  const detailType = text(fields['detail-type']);
  if (envelopeId) identified.envelopeId = envelopeId;
  if (source) identified.source = source;
  if (detailType) identified.detailType = detailType;
  return identified;
}
