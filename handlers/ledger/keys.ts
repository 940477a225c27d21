/**
 * Key values of the ledger table. Every function here is deterministic: writing the same entry twice
 * produces the same keys, which is what makes the index items idempotent.
 */
import { createHash } from 'node:crypto';

const ENTRY_PREFIX = 'E#';
const ENTRY_SORT_KEY = 'ENTRY';
const RAW_SORT_KEY = 'RAW';
const REDELIVERY_SORT_KEY = 'REDELIVER';
const INDEX_SORT_PREFIX = 'F#';
const DAYS_PARTITION = 'DAYS';

/** Facet values longer than this are hashed: GSI partition keys are capped at 2048 bytes, sort keys at 1024. */
const MAX_FACET_VALUE_BYTES = 512;

/** The filterable facets; each becomes a partition of the facet index (`<facet>#<value>`). */
export type Facet =
  | 'day'
  | 'actor'
  | 'target'
  | 'target-in'
  | 'account'
  | 'ip'
  | 'event'
  | 'detection'
  | 'severity';

export interface ItemKey {
  pk: string;
  sk: string;
}

export function entryKey(eventId: string): ItemKey {
  return { pk: `${ENTRY_PREFIX}${eventId}`, sk: ENTRY_SORT_KEY };
}

export function rawKey(eventId: string): ItemKey {
  return { pk: `${ENTRY_PREFIX}${eventId}`, sk: RAW_SORT_KEY };
}

/** The redelivery request of an entry: one item per entry, rewritten on each request. */
export function redeliveryKey(eventId: string): ItemKey {
  return { pk: `${ENTRY_PREFIX}${eventId}`, sk: REDELIVERY_SORT_KEY };
}

export function indexKey(eventId: string, facetKey: string): ItemKey {
  return { pk: `${ENTRY_PREFIX}${eventId}`, sk: `${INDEX_SORT_PREFIX}${facetKey}` };
}

/** The directory item recording that `day` (YYYY-MM-DD) holds entries. */
export function dayKey(day: string): ItemKey {
  return { pk: DAYS_PARTITION, sk: day };
}

export const DAYS_PARTITION_KEY = DAYS_PARTITION;

/** The eventId of any item in an entry's collection, or undefined for directory items. */
export function eventIdOfPartitionKey(pk: string): string | undefined {
  return pk.startsWith(ENTRY_PREFIX) ? pk.slice(ENTRY_PREFIX.length) : undefined;
}

/**
 * Facet values compare case-insensitively: IAM names are unique regardless of case and people type
 * them either way. Used both when writing index items and when matching filters.
 */
export function normaliseFacetValue(value: string): string {
  return value.trim().toLowerCase();
}

/** The facet index partition for one value, e.g. `actor#arn:aws:iam::111122223333:user/alice`. */
export function facetKey(facet: Facet, value: string): string {
  const normalised = normaliseFacetValue(value);
  const bounded =
    Buffer.byteLength(normalised, 'utf8') > MAX_FACET_VALUE_BYTES
      ? `sha256:${createHash('sha256').update(normalised).digest('hex')}`
      : normalised;
  return `${facet}#${bounded}`;
}

/**
 * The facet index sort key: event time as canonical ISO-8601 (ms, UTC) then the eventId, so entries at
 * the same instant still order deterministically and keys are unique within a partition.
 */
export function sortTime(eventTime: string, eventId: string): string {
  return `${canonicalTime(eventTime)}#${eventId}`;
}

/** Lower bound of a sort-key range starting at `isoTime` (inclusive). */
export function sortTimeFrom(isoTime: string): string {
  return canonicalTime(isoTime);
}

/** Upper bound of a sort-key range ending at `isoTime` (inclusive): `$` sorts right after `#`. */
export function sortTimeUntil(isoTime: string): string {
  return `${canonicalTime(isoTime)}$`;
}

/** `YYYY-MM-DD` (UTC) of an ISO time. */
export function dayOf(isoTime: string): string {
  return canonicalTime(isoTime).slice(0, 10);
}

/** ISO-8601 → `YYYY-MM-DDTHH:mm:ss.sssZ`; throws RangeError on an unparseable time. */
export function canonicalTime(isoTime: string): string {
  const millis = Date.parse(isoTime);
  if (Number.isNaN(millis)) throw new RangeError(`not an ISO-8601 time: "${isoTime}"`);
  return new Date(millis).toISOString();
}
