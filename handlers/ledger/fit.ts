/**
 * A ledger entry always fits DynamoDB's item limit: attacker-controlled text (user and session names,
 * ARNs, user agents, the detection titles quoting them) is cut and marked when the entry would not
 * fit, the same way the raw record is (see raw.ts). Without this, one record with a 300 KB user name
 * made an entry over 400 KB and stopped the replay.
 */
import type { StoredEntry } from '../ports';
import { STRING_LIMITS, shortenStrings } from './raw';
import { DYNAMODB_MAX_ITEM_BYTES, itemSize } from './size';

/**
 * What the entry's own fields may take of an item: the rest is for keys, the day facet and the
 * per-channel delivery map written later (each channel's error text is capped at 1,000 characters).
 */
const ENTRY_FIELDS_BUDGET_BYTES = DYNAMODB_MAX_ITEM_BYTES - 64 * 1024;

/**
 * The entry unchanged when it fits {@link ENTRY_FIELDS_BUDGET_BYTES}, else a copy whose long strings
 * are cut ever shorter until it does; `truncated` says which happened. Identifiers (eventId, eventTime,
 * eventName, eventSource) are bounded at the edge far below the shortest cut, so they survive intact.
 */
export function fitEntry<T extends StoredEntry>(entry: T): { entry: T; truncated: boolean } {
  if (itemSize(entry as unknown as Record<string, unknown>) <= ENTRY_FIELDS_BUDGET_BYTES) {
    return { entry, truncated: false };
  }
  let shortened = entry;
  for (const limit of STRING_LIMITS) {
    shortened = shortenStrings(entry, limit) as T;
    if (itemSize(shortened as unknown as Record<string, unknown>) <= ENTRY_FIELDS_BUDGET_BYTES) break;
  }
  return { entry: shortened, truncated: true };
}
