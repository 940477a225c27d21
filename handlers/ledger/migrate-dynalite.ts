/**
 * Moves a ledger kept by an older iamwatch (embedded dynalite: LevelDB in `$IAMWATCH_HOME/ledger`) into
 * the journal, once. The journal is built in a folder beside it and renamed into place only when
 * complete; the old folder is then renamed `ledger.dynalite-migrated` and kept, never deleted. A crash
 * midway leaves the old ledger as it was, and the next open starts the migration again.
 *
 * Carried over: every entry with its delivery state and raw record, the suppressions and their log,
 * the audit runs' newest. Not carried over: open burst windows and unsent follow-ups (minutes long).
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { syncFolder } from './journal-file';
import type { JournalPaths } from './journal-store';
import { JournalLedgerStore } from './journal-store';

const ENTRIES_IN_FLIGHT = 32;

/** The folder an old ledger is moved to once migrated (a free name, never an existing folder). */
export function migratedLegacyFolder(paths: JournalPaths): string {
  let candidate = `${paths.legacy}.dynalite-migrated`;
  for (let n = 2; existsSync(candidate); n++) candidate = `${paths.legacy}.dynalite-migrated-${n}`;
  return candidate;
}

/** Migrates `paths.legacy` into `paths.folder`; the caller holds the home's lock. */
export async function migrateDynaliteLedger(paths: JournalPaths): Promise<void> {
  const { startLocalLedger } = await import('./local');
  const staging = join(paths.home, 'journal.migrating');
  rmSync(staging, { recursive: true, force: true });
  const old = await startLocalLedger({ home: paths.home, lock: false });
  try {
    const target = await JournalLedgerStore.createAt(staging);
    try {
      const entries = await old.store.history({});
      for (let offset = 0; offset < entries.length; offset += ENTRIES_IN_FLIGHT) {
        await Promise.all(
          entries.slice(offset, offset + ENTRIES_IN_FLIGHT).map(async (entry) => {
            await target.importEntry(entry, await old.store.getRaw(entry.eventId));
          }),
        );
      }
      for (const suppression of await old.store.listSuppressions()) await target.putSuppression(suppression);
      for (const event of await old.store.suppressionEvents()) await target.appendSuppressionEvent(event);
      const audit = await old.store.latestAuditRun();
      if (audit) await target.putAuditRun(audit);
    } finally {
      await target.close();
    }
  } finally {
    await old.close();
  }
  renameSync(staging, paths.folder);
  renameSync(paths.legacy, migratedLegacyFolder(paths));
  syncFolder(paths.home);
}
