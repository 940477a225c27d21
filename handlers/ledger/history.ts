/**
 * History queries over the facet index: turn a filter into a query plan (the most selective facet
 * partition the filter pins down, or the day partitions when it pins none), stream candidates newest
 * first across pages, fetch the entries, apply the rest of the filter, stop at the limit. Never Scan.
 *
 * The I/O is behind `HistoryReader`, so the plan and the paging logic do not depend on the SDK.
 */
import type { StoredEntry } from '../ports';
import { indexedSeveritiesFrom, matchesFilter, type ResolvedFilter, typedTargetInAccount } from './filter';
import { dayOf, facetKey, sortTimeFrom, sortTimeUntil } from './keys';

/** Sort-key bounds (inclusive) on the facet index. */
export interface SortRange {
  from?: string;
  until?: string;
}

/** How a filter is served. */
export type HistoryPlan =
  /** One facet partition, or several (one per severity) merged newest first. */
  | { kind: 'facets'; facets: string[]; range: SortRange }
  /** Org-wide: the day partitions listed in the day directory, newest day first. */
  | { kind: 'days'; fromDay?: string; untilDay?: string; range: SortRange };

/** An index hit: the entry it points to and its sort key (time, then eventId). */
export interface Candidate {
  eventId: string;
  time: string;
}

/** Opaque continuation of a paged query (DynamoDB's LastEvaluatedKey). */
export type PageKey = Record<string, unknown>;

export interface Page<T> {
  items: T[];
  next?: PageKey;
}

/** The queries a history run needs; the DynamoDB store implements them with Query and BatchGetItem. */
export interface HistoryReader {
  /** One page of a facet partition, newest first. */
  facetPage(facet: string, range: SortRange, limit: number, startKey?: PageKey): Promise<Page<Candidate>>;
  /** One page of the day directory (YYYY-MM-DD), newest first, within the bounds when given. */
  dayPage(
    fromDay: string | undefined,
    untilDay: string | undefined,
    limit: number,
    startKey?: PageKey,
  ): Promise<Page<string>>;
  /** The entries with these eventIds; missing ones (expired, not yet visible) are absent from the map. */
  entries(eventIds: readonly string[]): Promise<Map<string, StoredEntry>>;
}

/** DynamoDB's BatchGetItem takes at most 100 keys. */
const MAX_BATCH_GET = 100;

/**
 * Picks the partition(s) to read. Preference follows how few entries a value usually matches: a target
 * pinned to an account, an actor, a target, an IP, a detection, an event name, a severity floor, an
 * account; with none of those, every day in the time range.
 */
export function planHistory(filter: ResolvedFilter): HistoryPlan {
  const range: SortRange = {};
  if (filter.since) range.from = sortTimeFrom(filter.since);
  if (filter.until) range.until = sortTimeUntil(filter.until);
  const single = (facet: string): HistoryPlan => ({ kind: 'facets', facets: [facet], range });
  const targetInAccount = filter.target ? typedTargetInAccount(filter.target, filter.account) : undefined;
  if (targetInAccount) return single(facetKey('target-in', targetInAccount));
  if (filter.actor) return single(facetKey('actor', filter.actor));
  if (filter.target) {
    return single(facetKey('target', 'value' in filter.target ? filter.target.value : filter.target.name));
  }
  if (filter.ip) return single(facetKey('ip', filter.ip));
  if (filter.detection) return single(facetKey('detection', filter.detection));
  if (filter.eventName) return single(facetKey('event', filter.eventName));
  if (filter.minSeverity) {
    const facets = indexedSeveritiesFrom(filter.minSeverity).map((severity) =>
      facetKey('severity', severity),
    );
    return { kind: 'facets', facets, range };
  }
  if (filter.account) return single(facetKey('account', filter.account));
  const plan: HistoryPlan = { kind: 'days', range };
  if (filter.since) plan.fromDay = dayOf(filter.since);
  if (filter.until) plan.untilDay = dayOf(filter.until);
  return plan;
}

/**
 * Runs `filter` against `reader`: newest first, at most `filter.limit` entries (all matches when no
 * limit), reading `pageSize` index items per Query.
 */
export async function runHistory(
  filter: ResolvedFilter,
  reader: HistoryReader,
  pageSize: number,
): Promise<StoredEntry[]> {
  // DynamoDB rejects a BETWEEN whose bounds are reversed; an empty window simply has no entries.
  if (filter.since && filter.until && Date.parse(filter.since) > Date.parse(filter.until)) return [];
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  const batchSize = Math.min(MAX_BATCH_GET, pageSize);
  const results: StoredEntry[] = [];
  const seen = new Set<string>();
  let batch: string[] = [];
  const flush = async () => {
    const found = await reader.entries(batch);
    for (const eventId of batch) {
      const entry = found.get(eventId);
      if (entry && matchesFilter(entry, filter)) results.push(entry);
    }
    batch = [];
  };
  for await (const candidate of candidatesOf(planHistory(filter), reader, pageSize)) {
    if (seen.has(candidate.eventId)) continue;
    seen.add(candidate.eventId);
    batch.push(candidate.eventId);
    if (batch.length >= Math.min(batchSize, limit - results.length)) {
      await flush();
      if (results.length >= limit) break;
    }
  }
  if (batch.length > 0 && results.length < limit) await flush();
  return results.slice(0, limit);
}

/** Every index hit of the plan, newest first, read lazily page by page. */
function candidatesOf(plan: HistoryPlan, reader: HistoryReader, pageSize: number): AsyncGenerator<Candidate> {
  if (plan.kind === 'days') return dayCandidates(plan, reader, pageSize);
  const sources = plan.facets.map((facet) => facetCandidates(reader, facet, plan.range, pageSize));
  return sources.length === 1 && sources[0] ? sources[0] : mergeNewestFirst(sources);
}

async function* facetCandidates(
  reader: HistoryReader,
  facet: string,
  range: SortRange,
  pageSize: number,
): AsyncGenerator<Candidate> {
  let startKey: PageKey | undefined;
  do {
    const page = await reader.facetPage(facet, range, pageSize, startKey);
    yield* page.items;
    startKey = page.next;
  } while (startKey);
}

async function* dayCandidates(
  plan: Extract<HistoryPlan, { kind: 'days' }>,
  reader: HistoryReader,
  pageSize: number,
): AsyncGenerator<Candidate> {
  let startKey: PageKey | undefined;
  do {
    const page = await reader.dayPage(plan.fromDay, plan.untilDay, pageSize, startKey);
    // Days are disjoint in time, so reading them one after another keeps newest-first order.
    for (const day of page.items) yield* facetCandidates(reader, facetKey('day', day), plan.range, pageSize);
    startKey = page.next;
  } while (startKey);
}

/** k-way merge of newest-first streams into one newest-first stream. */
async function* mergeNewestFirst(sources: AsyncGenerator<Candidate>[]): AsyncGenerator<Candidate> {
  const heads = await Promise.all(sources.map((source) => source.next()));
  try {
    for (;;) {
      let newest: number | undefined;
      let newestTime = '';
      heads.forEach((head, index) => {
        if (!head.done && (newest === undefined || head.value.time > newestTime)) {
          newest = index;
          newestTime = head.value.time;
        }
      });
      const source = newest === undefined ? undefined : sources[newest];
      const head = newest === undefined ? undefined : heads[newest];
      if (newest === undefined || !source || !head || head.done) return;
      yield head.value;
      heads[newest] = await source.next();
    }
  } finally {
    await Promise.all(sources.map((source) => source.return(undefined)));
  }
}
