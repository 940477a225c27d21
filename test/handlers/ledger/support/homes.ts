/** Temporary `$IAMWATCH_HOME` folders for the local ledger tests, and the journal store opened in one. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { type JournalLedgerOptions, JournalLedgerStore } from '../../../../handlers/ledger/journal-store';

/** A new empty folder in the system's temp folder, named `iamwatch-<purpose>-…`. Remove it with `removeHome`. */
export function makeHome(purpose: string): string {
  return mkdtempSync(join(tmpdir(), `iamwatch-${purpose}-`));
}

export function removeHome(home: string): void {
  rmSync(home, { recursive: true, force: true });
}

/**
 * Registers, for the calling test file, the removal of every home the returned function makes, once
 * the test that made it has ended.
 */
export function tempHomes(purpose: string): () => string {
  const homes: string[] = [];
  afterEach(() => {
    for (const home of homes.splice(0)) removeHome(home);
  });
  return () => {
    const home = makeHome(purpose);
    homes.push(home);
    return home;
  };
}

/** Opens the journal store in `home`, hands it to `use`, and closes it however `use` ends. */
export async function withJournal<T>(
  home: string,
  use: (store: JournalLedgerStore) => Promise<T>,
  options: Omit<JournalLedgerOptions, 'home'> = {},
): Promise<T> {
  const store = await JournalLedgerStore.open({ home, ...options });
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
