/**
 * The one way the CLI (and anything else outside Lambda wiring) opens a ledger:
 * `memory` (nothing kept), `local` (embedded dynalite under `home`), `dynamodb` (a real table through
 * the default AWS credential chain and region).
 */
import type { LedgerStore } from '../ports';
import { createDocumentClient, DynamoLedgerStore } from './dynamo-store';
import { LedgerConfigurationError } from './errors';
import { startLocalLedger } from './local';
import { MemoryLedgerStore } from './memory-store';

export type LedgerKind = 'memory' | 'local' | 'dynamodb';

export interface OpenLedgerOptions {
  kind: LedgerKind;
  /** Table name: required for `dynamodb`; for `local` the embedded table's name (default `iamwatch-ledger`). */
  table?: string;
  /** `local` only: folder of the embedded ledger (`$IAMWATCH_HOME`, else `./.iamwatch`). */
  home?: string;
  /** Days an entry is kept after its event time (TTL; enforced by DynamoDB, not by dynalite). Default 400. */
  retentionDays?: number;
}

/**
 * Opens a ledger. Close it with `store.close()` when done (for `local` that stops the embedded server).
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
    case 'local': {
      const local = await startLocalLedger({
        ...retention,
        ...(options.home === undefined ? {} : { home: options.home }),
        ...(options.table === undefined ? {} : { tableName: options.table }),
      });
      return local.store;
    }
    case 'dynamodb': {
      if (!options.table) throw new LedgerConfigurationError('a DynamoDB ledger needs a table name');
      return new DynamoLedgerStore({
        client: createDocumentClient(),
        tableName: options.table,
        ownsClient: true,
        ...retention,
      });
    }
  }
}
