/**
 * Every ledger entry matching a filter, newest first, read in pages. `LedgerStore.history` returns at
 * most `limit` entries and has no cursor, so each next page is asked for with `until` set to the
 * oldest time seen; entries sharing that instant come back and are skipped by eventId.
 */
import type { HistoryFilter, LedgerStore, StoredEntry } from '../ports';

const DEFAULT_PAGE_SIZE = 500;

export async function* historyPages(
  store: Pick<LedgerStore, 'history'>,
  filter: Omit<HistoryFilter, 'limit'>,
  pageSize = DEFAULT_PAGE_SIZE,
): AsyncGenerator<StoredEntry> {
  let until = filter.until;
  let size = pageSize;
  let boundary = new Set<string>();
  for (;;) {
    const page = await store.history({ ...filter, ...(until ? { until } : {}), limit: size });
    let fresh = 0;
    for (const entry of page) {
      if (boundary.has(entry.eventId)) continue;
      fresh++;
      yield entry;
    }
    const oldest = page[page.length - 1]?.eventTime;
    if (page.length < size || oldest === undefined) return;
    const atOldest = page.filter((entry) => entry.eventTime === oldest).map((entry) => entry.eventId);
    boundary = oldest === until ? new Set([...boundary, ...atOldest]) : new Set(atOldest);
    // A page holding nothing new is a full page of one instant: read more of it at once.
    if (fresh === 0) size *= 2;
    until = oldest;
  }
}
