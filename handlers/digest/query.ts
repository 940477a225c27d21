/**
 * The entries a digest is built from, read through the ledger's one history path
 * (`LedgerStore.history`, paged by `historyPages`): with no account that is a Query on each day
 * partition the window touches, with an account a Query on that account's partition, `ts` between the
 * bounds either way. Never a Scan.
 */
import { historyPages } from '../ledger/pages';
import type { LedgerStore, StoredEntry } from '../ports';
import type { DigestWindow } from './build';

/**
 * Every entry of the window (of one account when given), newest first, read page by page. The
 * ledger's bounds are both inclusive; an entry at the window's end belongs to the next window and is
 * left out.
 */
export async function* digestEntries(
  store: Pick<LedgerStore, 'history'>,
  window: DigestWindow,
  accountId?: string,
): AsyncGenerator<StoredEntry> {
  const end = Date.parse(window.until);
  const filter = { since: window.since, until: window.until, ...(accountId ? { account: accountId } : {}) };
  for await (const entry of historyPages(store, filter)) {
    if (Date.parse(entry.eventTime) < end) yield entry;
  }
}

/** The window of `hours` hours ending at `until`. */
export function windowEndingAt(until: Date, hours: number): DigestWindow {
  return {
    since: new Date(until.getTime() - hours * 3_600_000).toISOString(),
    until: until.toISOString(),
  };
}
