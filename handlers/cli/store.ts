/** The ledger the CLI works on: local (the journal under the home folder), memory, or a real DynamoDB table. */
import { openLedger } from '../ledger/open';
import type { LedgerStore } from '../ports';
import { oneOf } from './args';
import { type CliIo, UsageError } from './io';

const STORE_KINDS = ['local', 'memory', 'dynamodb'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export const storeOptions = {
  store: { type: 'string' },
  table: { type: 'string' },
  home: { type: 'string' },
} as const;

/** The help line of `storeOptions` (replay's help spells each flag out). */
export const STORE_HELP = `  --store local|memory|dynamodb, --table NAME, --home DIR   which ledger (see "iamwatch replay --help")\n`;

/**
 * Which ledger a command works on, the same for every command: `--store` when given, else DynamoDB
 * when `--table` names a table, else the local store.
 *
 * @throws UsageError for an unknown `--store`, `--store dynamodb` without `--table`, or `--table` with
 * another store.
 */
export function storeKindOf(values: { store?: string; table?: string }): StoreKind {
  const kind = oneOf(values.store, STORE_KINDS, '--store') ?? (values.table ? 'dynamodb' : 'local');
  if (kind === 'dynamodb' && !values.table) throw new UsageError('--store dynamodb needs --table NAME');
  if (kind !== 'dynamodb' && values.table) {
    throw new UsageError(`--table goes with --store dynamodb, not --store ${kind}`);
  }
  return kind;
}

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

/** Runs `use` on the chosen ledger and closes it afterwards, whether `use` returns or throws. */
export async function withStore<T>(
  kind: StoreKind,
  values: { table?: string; home?: string },
  io: CliIo,
  use: (store: LedgerStore) => Promise<T>,
): Promise<T> {
  const store = await openStore(kind, values, io);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}
