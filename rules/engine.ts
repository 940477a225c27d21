/**
 * The engine: judges one normalised event against the catalog and builds its ledger entry.
 *
 * It runs on every delivered event (hundreds of thousands in a replay), so the catalog is indexed
 * once per (event source, event name) and a verdict allocates little more than the entry itself.
 * A detection that throws is reported and never stops the others (cdk-nag's lesson).
 */
import { isCanaryWrite } from './canary';
import { sourceFromEventSource } from './cloudtrail/envelope';
import { CATALOG } from './registry';
import { bySeverityDescending, lowerSeverity } from './severity';
import type {
  Detection,
  DetectionContext,
  DetectionHit,
  LedgerEntry,
  NormalisedEvent,
  Trigger,
} from './types';

/** The judged event: its ledger entry, and the detections that failed while judging it. */
export interface Verdict {
  entry: LedgerEntry;
  errors: { detectionId: string; error: Error }[];
}

/** Which step of a detection threw. */
export type DetectionPhase = 'match' | 'title' | 'severity';

/** A detection threw while judging an event; `cause` is what it threw. */
export class DetectionError extends Error {
  override readonly name = 'DetectionError';
  constructor(
    readonly detectionId: string,
    readonly phase: DetectionPhase,
    readonly eventId: string,
    options: { cause: unknown },
  ) {
    super(
      `detection ${detectionId} failed in ${phase} on event ${eventId}: ${describe(options.cause)}`,
      options,
    );
  }
}

/** The part of an event a trigger looks at. */
export type TriggerSubject = Pick<NormalisedEvent, 'eventSource' | 'eventName'> & {
  actor: Pick<NormalisedEvent['actor'], 'type'>;
};

/** Whether a trigger (or any trigger of a list) covers the event's source, name and identity type. */
export function triggerCovers(triggers: readonly Trigger[], event: TriggerSubject): boolean {
  const source = sourceFromEventSource(event.eventSource);
  return triggers.some(
    (one) => coversSourceAndName(one, source, event.eventName) && coversIdentity(one, event.actor.type),
  );
}

/**
 * Judges an event: evaluates every detection whose trigger covers it, then the `fallback` ones only
 * when nothing else fired; lowers every hit one step for automation; orders hits by severity.
 */
export function judge(
  event: NormalisedEvent,
  ctx: DetectionContext,
  catalog: readonly Detection[] = CATALOG,
): Verdict {
  const candidates = indexOf(catalog).candidates(event.eventSource, event.eventName);
  const hits: DetectionHit[] = [];
  const errors: Verdict['errors'] = [];
  evaluate(candidates.primary, event, ctx, hits, errors);
  if (hits.length === 0) evaluate(candidates.fallback, event, ctx, hits, errors);
  // Array.prototype.sort is stable: equal severities keep catalog order.
  if (hits.length > 1) hits.sort((a, b) => bySeverityDescending(a.severity, b.severity));
  const entry = toEntry(event, hits);
  if (ctx.canary && isCanaryWrite(event, ctx.canary)) entry.canary = true;
  return { entry, errors };
}

function evaluate(
  detections: readonly IndexedDetection[],
  event: NormalisedEvent,
  ctx: DetectionContext,
  hits: DetectionHit[],
  errors: Verdict['errors'],
): void {
  for (const { detection, checkIdentity } of detections) {
    if (checkIdentity && !triggerCovers(detection.trigger, event)) continue;
    let matched: boolean;
    try {
      matched = detection.match(event, ctx);
    } catch (cause) {
      errors.push(failure(detection, 'match', event, cause));
      continue;
    }
    if (!matched) continue;
    let severity = detection.severity;
    if (detection.severityOf) {
      try {
        severity = detection.severityOf(event, ctx);
      } catch (cause) {
        errors.push(failure(detection, 'severity', event, cause));
      }
    }
    let title: string;
    try {
      title = detection.title(event, ctx);
    } catch (cause) {
      // The match stands: losing an alert over a broken title would be worse than a plain one.
      errors.push(failure(detection, 'title', event, cause));
      title = `${detection.id}: ${event.eventName}`;
    }
    hits.push({ id: detection.id, severity: event.automation ? lowerSeverity(severity) : severity, title });
  }
}

function failure(
  detection: Detection,
  phase: DetectionPhase,
  event: NormalisedEvent,
  cause: unknown,
): { detectionId: string; error: Error } {
  return {
    detectionId: detection.id,
    error: new DetectionError(detection.id, phase, event.eventId, { cause }),
  };
}

/** Exactly the contract fields, optional ones only when present. */
/** The ledger entry, keys in the contract's order (JSON readers see the design's shape). */
function toEntry(event: NormalisedEvent, detections: DetectionHit[]): LedgerEntry {
  const entry: Partial<LedgerEntry> = {
    eventId: event.eventId,
    eventTime: event.eventTime,
    eventSource: event.eventSource,
    eventName: event.eventName,
    accountId: event.accountId,
  };
  if (event.accountName !== undefined) entry.accountName = event.accountName;
  if (event.ouPath !== undefined) entry.ouPath = event.ouPath;
  entry.region = event.region;
  entry.actor = event.actor;
  if (event.target !== undefined) entry.target = event.target;
  if (event.policyArn !== undefined) entry.policyArn = event.policyArn;
  if (event.accessKeyId !== undefined) entry.accessKeyId = event.accessKeyId;
  if (event.groupName !== undefined) entry.groupName = event.groupName;
  if (event.sourceIp !== undefined) entry.sourceIp = event.sourceIp;
  if (event.sourceIpKind !== undefined) entry.sourceIpKind = event.sourceIpKind;
  if (event.vpcEndpointId !== undefined) entry.vpcEndpointId = event.vpcEndpointId;
  if (event.userAgent !== undefined) entry.userAgent = event.userAgent;
  if (event.via !== undefined) entry.via = event.via;
  entry.result = event.result;
  if (event.errorCode !== undefined) entry.errorCode = event.errorCode;
  entry.automation = event.automation;
  entry.detections = detections;
  entry.severity = detections[0]?.severity ?? 'info';
  return entry as LedgerEntry;
}

interface IndexedDetection {
  detection: Detection;
  /** Some trigger restricts userIdentity.type, which the (source, name) index cannot decide. */
  checkIdentity: boolean;
}

interface Candidates {
  primary: readonly IndexedDetection[];
  fallback: readonly IndexedDetection[];
}

interface CatalogIndex {
  candidates(eventSource: string, eventName: string): Candidates;
}

/**
 * Distinct (source, name) pairs are bounded by the AWS API surface; the cap only guards against a
 * stream of invented event names growing the memo without limit.
 */
const MAX_MEMOISED_KEYS = 20_000;

const indexes = new WeakMap<readonly Detection[], CatalogIndex>();

function indexOf(catalog: readonly Detection[]): CatalogIndex {
  let index = indexes.get(catalog);
  if (!index) {
    index = buildIndex(catalog);
    indexes.set(catalog, index);
  }
  return index;
}

function buildIndex(catalog: readonly Detection[]): CatalogIndex {
  const entries = catalog.map((detection) => ({
    detection,
    triggers: detection.trigger,
    checkIdentity: detection.trigger.some((t) => t.userIdentityTypes !== undefined),
  }));
  const memo = new Map<string, Candidates>();
  return {
    candidates(eventSource, eventName) {
      const key = `${eventSource}\u0000${eventName}`;
      const known = memo.get(key);
      if (known) return known;
      const source = sourceFromEventSource(eventSource);
      const primary: IndexedDetection[] = [];
      const fallback: IndexedDetection[] = [];
      for (const { detection, triggers, checkIdentity } of entries) {
        if (!triggers.some((t) => coversSourceAndName(t, source, eventName))) continue;
        (detection.fallback ? fallback : primary).push({ detection, checkIdentity });
      }
      const found: Candidates = { primary, fallback };
      if (memo.size >= MAX_MEMOISED_KEYS) memo.clear();
      memo.set(key, found);
      return found;
    },
  };
}

function coversSourceAndName(trigger: Trigger, source: string, eventName: string): boolean {
  if (trigger.sources && !trigger.sources.includes(source)) return false;
  const { eventNames, eventNamePrefixes } = trigger;
  if (!eventNames && !eventNamePrefixes) return true;
  return (
    (eventNames?.includes(eventName) ?? false) ||
    (eventNamePrefixes?.some((prefix) => eventName.startsWith(prefix)) ?? false)
  );
}

function coversIdentity(trigger: Trigger, identityType: string): boolean {
  return !trigger.userIdentityTypes || trigger.userIdentityTypes.includes(identityType);
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
