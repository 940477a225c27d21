/**
 * Does the pipeline still hear from every account? Judged from the ledger alone: the newest entry of
 * each expected account (one indexed query per account), and the accounts that appear in recent
 * entries without being expected (a stale configuration: trust to them counts as external).
 */

import { historyPages } from '../ledger/pages';
import type { LedgerStore } from '../ports';
import { type Check, check, formatAge } from './check';

export interface LedgerCheckOptions {
  /** Accounts that should be heard from (the organization's); empty: the accounts seen in the ledger. */
  expected: readonly string[];
  accountNames: Readonly<Record<string, string>>;
  /** An expected account with no entry for longer than this fails. */
  maxSilenceMs: number;
  /** How far back entries are read to find accounts nobody expects. */
  lookbackMs: number;
  /** At most this many entries are read for that. */
  scanLimit: number;
  now: Date;
}

const GROUP = 'ledger';

export async function checkLedger(store: LedgerStore, options: LedgerCheckOptions): Promise<Check[]> {
  const since = new Date(options.now.getTime() - options.lookbackMs).toISOString();
  const seen = await accountsSeen(store, since, options.scanLimit);
  const checks: Check[] = [];
  let expected = [...new Set(options.expected)];
  if (expected.length === 0) {
    expected = [...seen.accounts.keys()].sort();
    checks.push(
      check(
        GROUP,
        'accounts:configured',
        'accounts to watch',
        'warn',
        `none configured (organizationAccountIds in the config, or --accounts); checking the ${expected.length} accounts seen since ${since}`,
      ),
    );
  }
  for (const account of expected) checks.push(await accountCheck(store, account, options));
  const unexpected = [...seen.accounts.entries()]
    .filter(([account]) => !expected.includes(account))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [account, count] of unexpected) {
    checks.push(
      check(
        GROUP,
        `account:${account}`,
        label(account, options.accountNames),
        'fail',
        `in the ledger (${count} ${count === 1 ? 'entry' : 'entries'} since ${since}) but not among the configured accounts: add it to organizationAccountIds, or find out who sends its events`,
      ),
    );
  }
  if (seen.truncated) {
    checks.push(
      check(
        GROUP,
        'accounts:scan',
        'unexpected accounts',
        'warn',
        `looked at the newest ${options.scanLimit} entries only (since ${seen.oldest ?? since}); older ones may hold more accounts`,
      ),
    );
  }
  return checks;
}

async function accountCheck(
  store: LedgerStore,
  account: string,
  options: LedgerCheckOptions,
): Promise<Check> {
  const title = label(account, options.accountNames);
  const [newest] = await store.history({ account, limit: 1 });
  if (!newest) return check(GROUP, `account:${account}`, title, 'fail', 'no entries in the ledger');
  const age = options.now.getTime() - Date.parse(newest.eventTime);
  const last = `${newest.eventName} at ${newest.eventTime} (${newest.region})`;
  if (age > options.maxSilenceMs) {
    return check(
      GROUP,
      `account:${account}`,
      title,
      'fail',
      `silent for ${formatAge(age)}, longer than ${formatAge(options.maxSilenceMs)}: last entry ${last}`,
    );
  }
  return check(GROUP, `account:${account}`, title, 'pass', `last entry ${formatAge(age)} ago: ${last}`);
}

async function accountsSeen(
  store: LedgerStore,
  since: string,
  limit: number,
): Promise<{ accounts: Map<string, number>; truncated: boolean; oldest?: string }> {
  const accounts = new Map<string, number>();
  let read = 0;
  let oldest: string | undefined;
  for await (const entry of historyPages(store, { since }, Math.min(limit, 500))) {
    if (read >= limit) return { accounts, truncated: true, ...(oldest ? { oldest } : {}) };
    read++;
    oldest = entry.eventTime;
    accounts.set(entry.accountId, (accounts.get(entry.accountId) ?? 0) + 1);
  }
  return { accounts, truncated: false };
}

function label(account: string, names: Readonly<Record<string, string>>): string {
  const name = names[account];
  return name ? `${account} (${name})` : account;
}
