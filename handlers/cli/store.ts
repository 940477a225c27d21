/** The ledger the CLI works on: local (the journal under the home folder), memory, or a real DynamoDB table. */
import { openLedger } from '../ledger/open';
import type { LedgerStore } from '../ports';
import { type CliIo, UsageError } from './io';

export const STORE_KINDS = ['local', 'memory', 'dynamodb'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export const storeOptions = {
  store: { type: 'string' },
  table: { type: 'string' },
  home: { type: 'string' },
} as const;

export async function openStore(
  kind: StoreKind,
  values: { table?: string; home?: string },
  io: CliIo,
): Promise<LedgerStore> {
  if (kind === 'dynamodb' && !values.table) throw new UsageError('--store dynamodb needs --table NAME');
  if (kind !== 'dynamodb' && values.table) throw new UsageError('--table goes with --store dynamodb');
  return openLedger({
    kind,
    table: values.table,
    home: values.home ?? io.env.IAMWATCH_HOME ?? `${io.cwd}/.iamwatch`,
  });
}
