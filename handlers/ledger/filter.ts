/**
 * History filter semantics, shared by every store: the memory store applies `matchesFilter` to all
 * entries, the DynamoDB store to what its chosen index returns. One predicate, so both stores agree.
 */
import { severitiesFrom, severityAtLeast } from '../../rules/severity';
import { SEVERITIES, type Severity, type TargetType } from '../../rules/types';
import type { HistoryFilter, StoredEntry } from '../ports';
import { InvalidHistoryFilterError } from './errors';
import { actorValues, targetInAccount, targetValues } from './facets';
import { canonicalTime, normaliseFacetValue } from './keys';
import { isTargetType } from './schema';

/** `--target` as typed: a name or ARN, or `type/name` (e.g. `user/bob`) to pin the kind of target. */
export type TargetQuery = { value: string } | { type: TargetType; name: string };

/** A validated filter: values normalised, times canonical, empty strings dropped. */
export interface ResolvedFilter extends Omit<HistoryFilter, 'target' | 'minSeverity'> {
  target?: TargetQuery;
  /** Absent when no constraint (including `info`, which every entry meets). */
  minSeverity?: Severity;
}

/** @throws InvalidHistoryFilterError for unparseable times, unknown severities or a bad limit. */
export function resolveFilter(filter: HistoryFilter): ResolvedFilter {
  const resolved: ResolvedFilter = {};
  const text = (value: string | undefined) => {
    const normalised = value === undefined ? '' : normaliseFacetValue(value);
    return normalised === '' ? undefined : normalised;
  };
  const actor = text(filter.actor);
  if (actor) resolved.actor = actor;
  const target = text(filter.target);
  if (target) resolved.target = parseTargetQuery(target);
  const account = text(filter.account);
  if (account) resolved.account = account;
  const eventName = text(filter.eventName);
  if (eventName) resolved.eventName = eventName;
  const detection = text(filter.detection);
  if (detection) resolved.detection = detection;
  const ip = text(filter.ip);
  if (ip) resolved.ip = ip;
  if (filter.minSeverity !== undefined) {
    if (!SEVERITIES.includes(filter.minSeverity)) {
      throw new InvalidHistoryFilterError(
        `unknown severity "${filter.minSeverity}"; use ${SEVERITIES.join(', ')}`,
      );
    }
    if (filter.minSeverity !== 'info') resolved.minSeverity = filter.minSeverity;
  }
  if (filter.since) resolved.since = timeBound(filter.since, 'since');
  if (filter.until) resolved.until = timeBound(filter.until, 'until');
  if (filter.limit !== undefined) {
    if (!Number.isInteger(filter.limit) || filter.limit < 1) {
      throw new InvalidHistoryFilterError(`limit must be a positive integer, got ${filter.limit}`);
    }
    resolved.limit = filter.limit;
  }
  return resolved;
}

function parseTargetQuery(normalised: string): TargetQuery {
  if (normalised.startsWith('arn:')) return { value: normalised };
  const slash = normalised.indexOf('/');
  const type = normalised.slice(0, slash);
  if (slash > 0 && isTargetType(type)) {
    const name = normalised.slice(slash + 1).trim();
    // No store indexes a blank name, so an empty one would match differently per store: refuse it.
    if (name === '') throw new InvalidHistoryFilterError(`target "${normalised}" names a kind but no name`);
    return { type, name };
  }
  return { value: normalised };
}

function timeBound(value: string, name: string): string {
  try {
    return canonicalTime(value);
  } catch (cause) {
    throw new InvalidHistoryFilterError(`${name} is not an ISO-8601 time: "${value}"`, { cause });
  }
}

/** Whether `entry` satisfies every constraint of `filter`. */
export function matchesFilter(entry: StoredEntry, filter: ResolvedFilter): boolean {
  const same = (value: string | undefined, wanted: string) =>
    value !== undefined && normaliseFacetValue(value) === wanted;
  if (filter.actor !== undefined) {
    const wanted = filter.actor;
    if (!actorValues(entry).some((value) => same(value, wanted))) return false;
  }
  if (filter.target !== undefined && !matchesTarget(entry, filter.target)) return false;
  if (filter.account !== undefined && !same(entry.accountId, filter.account)) return false;
  if (filter.eventName !== undefined && !same(entry.eventName, filter.eventName)) return false;
  if (filter.ip !== undefined && !same(entry.sourceIp, filter.ip)) return false;
  if (filter.detection !== undefined) {
    const wanted = filter.detection;
    if (!entry.detections.some((hit) => same(hit.id, wanted))) return false;
  }
  if (filter.minSeverity !== undefined && !severityAtLeast(entry.severity, filter.minSeverity)) {
    return false;
  }
  const time = Date.parse(entry.eventTime);
  if (filter.since !== undefined && time < Date.parse(filter.since)) return false;
  if (filter.until !== undefined && time > Date.parse(filter.until)) return false;
  return true;
}

function matchesTarget(entry: StoredEntry, query: TargetQuery): boolean {
  if ('value' in query)
    return targetValues(entry).some((value) => normaliseFacetValue(value) === query.value);
  return (
    entry.target?.type === query.type &&
    entry.target.name !== undefined &&
    normaliseFacetValue(entry.target.name) === query.name
  );
}

/** Position on the severity scale: info 0 … critical 4. */

/** Severities at or above `min`, excluding info (never indexed). */
export function indexedSeveritiesFrom(min: Severity): Severity[] {
  return severitiesFrom(min).filter((severity) => severity !== 'info');
}

/** The `target-in` facet value for a typed target query in a known account. */
export function typedTargetInAccount(query: TargetQuery, account: string | undefined): string | undefined {
  if ('value' in query || account === undefined) return undefined;
  return targetInAccount(account, query.type, query.name);
}
