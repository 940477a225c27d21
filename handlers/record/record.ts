/**
 * The record path shared by the Lambda and the CLI: validate → normalise → judge → conditional put.
 * Pure decisions come from rules/; the I/O is the ledger put and, for policy changes, the bounded
 * lookup of the previous policy version (`policy-diff.ts`).
 */
import { parseRecord, type RecordWarning } from '../../rules/cloudtrail/parse';
import { judge } from '../../rules/engine';
import { normalise } from '../../rules/normalise';
import type { CloudTrailRecord, DetectionContext, EventBridgeEnvelope } from '../../rules/types';
import { fitEntry } from '../ledger/fit';
import type { Clock, EntryOrigin, LedgerStore, Logger, StoredEntry } from '../ports';
import { beginPolicyDiff, finishPolicyDiff, type PolicyVersionMemory } from './policy-diff';

export interface RecordDeps {
  store: LedgerStore;
  context: DetectionContext;
  clock: Clock;
  logger: Logger;
  /**
   * Replay and backfill: the policy versions seen earlier in the run, so a policy change is compared
   * with the version before it in the input even while that one's write is still in flight.
   */
  policyVersions?: PolicyVersionMemory;
}

export interface RecordResult {
  outcome: 'inserted' | 'duplicate';
  entry: StoredEntry;
  /** Detections that threw on this event (reported, never fatal). */
  detectionErrors: { detectionId: string; error: Error }[];
  /** Long text in the entry was cut and marked so the entry fits the ledger's item limit. */
  truncated: boolean;
}

/** An EventBridge envelope that is not a CloudTrail event iamwatch can record. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/**
 * Records one CloudTrail event delivered in an EventBridge envelope. Idempotent on eventID: a second
 * delivery returns `duplicate` and changes nothing. Invalid input throws `InvalidRecordError` /
 * `InvalidEventError`; ledger I/O errors propagate unchanged so the platform can retry.
 */
export async function recordEnvelope(
  envelope: EventBridgeEnvelope,
  origin: EntryOrigin,
  deps: RecordDeps,
): Promise<RecordResult> {
  const warnings: RecordWarning[] = [];
  const record = parseRecord(envelope.detail, warnings);
  for (const warning of warnings) {
    deps.logger.warn('malformed field recorded as absent', {
      eventId: record.eventID,
      eventName: record.eventName,
      field: `detail.${warning.field}`,
      reason: warning.message,
    });
  }
  return recordValidated(record, origin, deps);
}

/**
 * Records a CloudTrail record that `parseRecord` has already validated (replay validates every record
 * while reading, before the patterns decide; validating it again would cost on every delivered event).
 */
export async function recordValidated(
  record: CloudTrailRecord,
  origin: EntryOrigin,
  deps: RecordDeps,
): Promise<RecordResult> {
  const event = normalise(record, deps.context);
  const verdict = judge(event, deps.context);
  for (const failure of verdict.errors) {
    deps.logger.error('detection failed', {
      detectionId: failure.detectionId,
      eventId: record.eventID,
      eventName: record.eventName,
      error: failure.error,
    });
  }
  // Before the first await: replay starts record tasks in input order, and the run's policy memory
  // must be read and fed in that order.
  const pendingDiff = beginPolicyDiff(record, verdict.entry, deps.policyVersions);
  const policyDiff = pendingDiff ? await finishPolicyDiff(pendingDiff, verdict.entry, deps) : undefined;
  const { entry, truncated } = fitEntry<StoredEntry>({
    ...verdict.entry,
    ...(policyDiff ? { policyDiff } : {}),
    origin,
    recordedAt: deps.clock.now().toISOString(),
  });
  if (truncated) {
    deps.logger.warn('long text in the entry truncated to fit the ledger item limit', {
      eventId: record.eventID,
      eventName: record.eventName,
    });
  }
  const { outcome } = await deps.store.putIfAbsent(entry, record);
  return { outcome, entry, detectionErrors: verdict.errors, truncated };
}

/** Where an envelope came from: EventBridge archive replays carry `replay-name`. */
export function originOf(envelope: { 'replay-name'?: unknown }, fallback: EntryOrigin): EntryOrigin {
  return typeof envelope['replay-name'] === 'string' ? 'eventbridge-replay' : fallback;
}

/**
 * The event a Lambda received, checked to be an EventBridge envelope with a `detail` object; the
 * record inside is validated by `recordEnvelope`.
 *
 * @throws InvalidEventError saying what was received instead.
 */
export function asEnvelope(event: unknown): EventBridgeEnvelope {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new InvalidEventError(`Expected an EventBridge event object, got ${describeValue(event)}`);
  }
  const candidate = event as Partial<EventBridgeEnvelope>;
  if (
    typeof candidate['detail-type'] !== 'string' ||
    typeof candidate.detail !== 'object' ||
    !candidate.detail
  ) {
    throw new InvalidEventError('Expected an EventBridge event with "detail-type" and a "detail" object');
  }
  return candidate as EventBridgeEnvelope;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
