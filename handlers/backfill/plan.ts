/**
 * Which CloudTrail `LookupEvents` queries a backfill runs, derived from the detection catalog so the
 * backfill asks for what the deployed patterns deliver (the patterns still decide, event by event,
 * what is recorded: a query only has to return a superset).
 *
 * LookupEvents takes one lookup attribute per call and returns every management event that matches
 * it, read-only ones included, 50 per page, at 2 requests/s. The cost of a query is therefore the
 * number of pages of everything it matches, and the plan picks per event source:
 *
 * - `EventSource` for sources with open-ended triggers (verb prefixes such as `Create*`, or "every
 *   mutating call"): IAM, Organizations, Identity Center. Their event names cannot be enumerated, and
 *   one query returns them all.
 * - `EventName`, one query per name, for sources whose triggers name every call (sign-in, CloudTrail,
 *   EventBridge, Lambda, DynamoDB, SNS). Those services carry heavy read-only traffic (DynamoDB
 *   `DescribeTable` from auto scaling, Lambda `GetFunction`, CloudTrail `LookupEvents` from this very
 *   backfill) that an `EventSource` query would page through for a handful of writes; a name query
 *   costs one request when the call never happened.
 * - `Username` = `root` for a trigger that watches the root user on any source: root activity is rare,
 *   so this is one request in a quiet account, where `ReadOnly` = `false` would page through every
 *   write of every service.
 * - `ReadOnly` = `false` only for a trigger on any source and any principal (none today).
 *
 * IAM and Organizations are global services whose events CloudTrail records in us-east-1 only, so
 * they are queried there and not in the other regions of a run.
 */
import type { Detection, Trigger } from '../../rules/types';

type LookupAttributeKey = 'EventSource' | 'EventName' | 'Username' | 'ReadOnly';

/** One LookupEvents query: a single lookup attribute. */
export interface LookupQuery {
  attribute: LookupAttributeKey;
  value: string;
  /** Stable, file-name-safe key: checkpoints are stored under it. */
  key: string;
  /** Why this query is in the plan (for `--dry-run` and progress lines). */
  reason: string;
}

/** Event sources whose events CloudTrail records in us-east-1 only. */
export const GLOBAL_EVENT_SOURCES: ReadonlySet<string> = new Set([
  'iam.amazonaws.com',
  'organizations.amazonaws.com',
]);

/** The region global-service events are recorded in. */
export const GLOBAL_SERVICE_REGION = 'us-east-1';

/** How event history names the root user in its `Username` attribute. */
const ROOT_USERNAME = 'root';

interface SourceDemand {
  open: boolean;
  names: Set<string>;
  detections: Set<string>;
}

/**
 * The queries covering every trigger of the catalog, in a stable order: source queries, then name
 * queries, then the any-source ones. Deprecated detections are not backfilled (they are not deployed).
 */
export function planLookups(catalog: readonly Detection[]): LookupQuery[] {
  const bySource = new Map<string, SourceDemand>();
  let rootAnywhere = false;
  let anyoneAnywhere = false;
  for (const detection of catalog) {
    if (detection.status === 'deprecated') continue;
    for (const trigger of detection.trigger) {
      if (!trigger.sources || trigger.sources.length === 0) {
        if (isRootOnly(trigger)) rootAnywhere = true;
        else anyoneAnywhere = true;
        continue;
      }
      for (const source of trigger.sources) {
        const demand = bySource.get(source) ?? { open: false, names: new Set(), detections: new Set() };
        bySource.set(source, demand);
        demand.detections.add(detection.id);
        if (!trigger.eventNames?.length || trigger.eventNamePrefixes?.length) demand.open = true;
        for (const name of trigger.eventNames ?? []) demand.names.add(name);
      }
    }
  }
  const sources = [...bySource.entries()].sort(([a], [b]) => compare(a, b));
  const plan: LookupQuery[] = [];
  for (const [source, demand] of sources) {
    if (!demand.open) continue;
    const eventSource = eventSourceOf(source);
    plan.push({
      attribute: 'EventSource',
      value: eventSource,
      key: `source-${eventSource}`,
      reason: `every ${eventSource} call (${demand.detections.size} detections)`,
    });
  }
  const names = new Map<string, string[]>();
  for (const [source, demand] of sources) {
    if (demand.open) continue;
    for (const name of demand.names) names.set(name, [...(names.get(name) ?? []), eventSourceOf(source)]);
  }
  for (const [name, from] of [...names.entries()].sort(([a], [b]) => compare(a, b))) {
    plan.push({ attribute: 'EventName', value: name, key: `event-${name}`, reason: `${from.join(', ')}` });
  }
  if (anyoneAnywhere) {
    plan.push({
      attribute: 'ReadOnly',
      value: 'false',
      key: 'readonly-false',
      reason: 'every mutating call',
    });
  } else if (rootAnywhere) {
    plan.push({
      attribute: 'Username',
      value: ROOT_USERNAME,
      key: `user-${ROOT_USERNAME}`,
      reason: 'root user activity on any service',
    });
  }
  return plan;
}

/** Whether a query is worth running in a region (global services live in us-east-1 only). */
export function queryAppliesTo(query: LookupQuery, region: string): boolean {
  return (
    query.attribute !== 'EventSource' ||
    !GLOBAL_EVENT_SOURCES.has(query.value) ||
    region === GLOBAL_SERVICE_REGION
  );
}

/** `aws.iam` → `iam.amazonaws.com`, `aws.sso-directory` → `sso-directory.amazonaws.com`. */
export function eventSourceOf(eventBridgeSource: string): string {
  return `${eventBridgeSource.replace(/^aws\./, '')}.amazonaws.com`;
}

function isRootOnly(trigger: Trigger): boolean {
  const types = trigger.userIdentityTypes ?? [];
  return types.length > 0 && types.every((type) => type === 'Root');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
