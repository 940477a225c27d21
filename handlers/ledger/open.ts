/**
 * The one way the CLI (and anything else outside Lambda wiring) opens a ledger:
 * `memory` (nothing kept), `local` (the journal under `home`, journal-store.ts), `dynamodb` (a real
 * table through the default AWS credential chain and region). The DynamoDB client is loaded only for
 * `dynamodb`, so `history` on the local ledger starts without the AWS SDK.
 */
import type { LedgerStore } from '../ports';
import { LedgerConfigurationError } from './errors';
import { JournalLedgerStore } from './journal-store';
import { MemoryLedgerStore } from './memory-store';

export type LedgerKind = 'memory' | 'local' | 'dynamodb';

export interface OpenLedgerOptions {
  kind: LedgerKind;
  /** Table name: required for `dynamodb`. */
  table?: string;
  /** `local` only: folder of the embedded ledger (`$IAMWATCH_HOME`, else `./.iamwatch`). */
  home?: string;
  /** Days an entry is kept after its event time (TTL; enforced by DynamoDB, not locally). Default 400. */
  retentionDays?: number;
}

/**
 * Opens a ledger. Close it with `store.close()` when done (for `local` that releases its files and lock).
 * A local home kept by an older iamwatch (embedded dynalite) is migrated to the journal on first open.
 *
 * @throws LedgerConfigurationError for a missing table name, a bad retention or an unusable local folder.
 */
export async function openLedger(options: OpenLedgerOptions): Promise<LedgerStore> {
  const { retentionDays } = options;
  if (retentionDays !== undefined && (!Number.isInteger(retentionDays) || retentionDays < 1)) {
    throw new LedgerConfigurationError(
      `retentionDays must be a positive whole number of days, got ${retentionDays}`,
    );
  }
  const retention = retentionDays === undefined ? {} : { retentionDays };
  switch (options.kind) {
    case 'memory':
      return new MemoryLedgerStore();
    case 'local':
      return JournalLedgerStore.open({
        home: options.home ?? process.env.IAMWATCH_HOME ?? '.iamwatch',
        migrate: async (paths) => (await import('./migrate-dynalite')).migrateDynaliteLedger(paths),
      });
    case 'dynamodb': {
      if (!options.table) throw new LedgerConfigurationError('a DynamoDB ledger needs a table name');
      const { createDocumentClient, DynamoLedgerStore } = await import('./dynamo-store');
      return new DynamoLedgerStore({
        client: createDocumentClient(),
        tableName: options.table,
        ownsClient: true,
        ...retention,
      });
    }
  }
}
