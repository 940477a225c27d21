/**
 * The record Lambda as a factory over its ports. EventBridge invokes it asynchronously with one event:
 * invalid input throws a typed error (after Lambda's bounded async retries it lands on the failure
 * destination), transient ledger errors propagate so Lambda retries.
 */
import { asEnvelope, originOf, type RecordDeps, type RecordResult, recordEnvelope } from './record';

export type RecordHandler = (event: unknown) => Promise<RecordResult>;

export function createRecordHandler(deps: RecordDeps): RecordHandler {
  return async (event) => {
    const envelope = asEnvelope(event);
    const result = await recordEnvelope(envelope, originOf(envelope, 'live'), deps);
    deps.logger.info(result.outcome === 'inserted' ? 'recorded' : 'duplicate delivery ignored', {
      eventId: result.entry.eventId,
      eventName: result.entry.eventName,
      accountId: result.entry.accountId,
      severity: result.entry.severity,
      detections: result.entry.detections.map((d) => d.id),
    });
    return result;
  };
}
