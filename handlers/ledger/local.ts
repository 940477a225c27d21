/**
 * The embedded ledger: dynalite (a DynamoDB-compatible server) in this process on 127.0.0.1, its
 * LevelDB kept under `$IAMWATCH_HOME/ledger` (default `./.iamwatch`), with the same DynamoDB store on
 * top. No AWS account, no Docker. `close()` releases the socket and the database so the process can
 * exit.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import type { LedgerStore } from '../ports';
import { createDocumentClient, DynamoLedgerStore } from './dynamo-store';
import { LedgerConfigurationError } from './errors';
import { acquireLock } from './lock';
import { DEFAULT_LEDGER_TABLE_NAME, FACET_INDEX_NAME, toCreateTableInput } from './table';

export interface LocalLedgerOptions {
  /** Folder for the ledger files; `$IAMWATCH_HOME`, else `./.iamwatch`. Ignored when `persist` is false. */
  home?: string;
  /** False: keep everything in memory (tests). Default true. */
  persist?: boolean;
  tableName?: string;
  retentionDays?: number;
  pageSize?: number;
  /** False: the caller already holds the home's lock (the migration to the journal). Default true. */
  lock?: boolean;
  /** Where `IAMWATCH_HOME` is read from; the process environment by default. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface LocalLedger {
  store: LedgerStore;
  /** `http://127.0.0.1:<port>`: any DynamoDB client with fake credentials can talk to it. */
  endpoint: string;
  /** The LevelDB folder, when persisted. */
  path?: string;
  /** Closes the store and stops the server; idempotent. */
  close(): Promise<void>;
}

/** Static, fake credentials: dynalite checks that a request is signed, not by whom. */
export const LOCAL_CREDENTIALS = {
  accessKeyId: 'iamwatch-local',
  secretAccessKey: 'iamwatch-local',
} as const;
export const LOCAL_REGION = 'us-east-1';

const TABLE_READY_TIMEOUT_MS = 10_000;
const TABLE_POLL_MS = 20;

/** The folder the local ledger uses for `home` (or `$IAMWATCH_HOME`, or `./.iamwatch`). */
export function localLedgerPath(
  home: string | undefined,
  env: LocalLedgerOptions['env'] = process.env,
): string {
  return join(resolve(home ?? env?.IAMWATCH_HOME ?? '.iamwatch'), 'ledger');
}

/**
 * Starts dynalite on a free port, creates the ledger table if absent and returns a store over it.
 *
 * @throws LedgerConfigurationError when the folder is unusable (e.g. held by another iamwatch process)
 *   or holds a table of an incompatible layout.
 */
export async function startLocalLedger(options: LocalLedgerOptions = {}): Promise<LocalLedger> {
  const persist = options.persist ?? true;
  const path = persist ? localLedgerPath(options.home, options.env) : undefined;
  if (path) mkdirSync(path, { recursive: true });
  const releaseLock =
    path && options.lock !== false
      ? acquireLock(`${path}.lock`, `the local ledger in ${path}`)
      : () => undefined;
  const server = dynalite({
    ...(path ? { path } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  let endpoint: string;
  try {
    endpoint = await listen(server);
  } catch (error) {
    releaseLock();
    throw error;
  }
  const client = createDocumentClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    // A local server answers at once or not at all: do not sit through the SDK's retry backoff.
    maxAttempts: 2,
  });
  const tableName = options.tableName ?? DEFAULT_LEDGER_TABLE_NAME;
  let stopped: Promise<void> | undefined;
  const stopServer = () => {
    stopped ??= stop(server).finally(releaseLock);
    return stopped;
  };
  try {
    await ensureTable(client, tableName, path);
  } catch (error) {
    client.destroy();
    await stopServer().catch(() => undefined);
    throw error;
  }
  const store = new DynamoLedgerStore({
    client,
    tableName,
    ownsClient: true,
    onClose: stopServer,
    ...(options.retentionDays === undefined ? {} : { retentionDays: options.retentionDays }),
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  });
  return { store, endpoint, ...(path ? { path } : {}), close: () => store.close() };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      if (address && typeof address === 'object') resolvePromise(`http://127.0.0.1:${address.port}`);
      else reject(new LedgerConfigurationError('the local ledger server has no TCP address'));
    });
  });
}

function stop(server: Server): Promise<void> {
  // Keep-alive sockets would hold `close` open until they idle out.
  server.closeAllConnections();
  return new Promise((resolvePromise, reject) =>
    server.close((error) => (error ? reject(error) : resolvePromise())),
  );
}

async function ensureTable(
  client: DynamoDBDocumentClient,
  tableName: string,
  path: string | undefined,
): Promise<void> {
  let table = await describe(client, tableName, path);
  if (!table) {
    await client.send(new CreateTableCommand(toCreateTableInput(tableName, { stream: false })));
    table = await describe(client, tableName, path);
  }
  const deadline = Date.now() + TABLE_READY_TIMEOUT_MS;
  while (table?.TableStatus !== 'ACTIVE') {
    if (Date.now() > deadline)
      throw new LedgerConfigurationError(`local ledger table ${tableName} never became active`);
    await new Promise((wait) => setTimeout(wait, TABLE_POLL_MS));
    table = await describe(client, tableName, path);
  }
  if (!table.GlobalSecondaryIndexes?.some((index) => index.IndexName === FACET_INDEX_NAME)) {
    throw new LedgerConfigurationError(
      `the local ledger in ${path ?? 'memory'} was created by an incompatible iamwatch version; move or delete that folder`,
    );
  }
}

async function describe(
  client: DynamoDBDocumentClient,
  tableName: string,
  path: string | undefined,
): Promise<TableDescription | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table;
  } catch (error) {
    if (error instanceof Error && error.name === 'ResourceNotFoundException') return undefined;
    throw new LedgerConfigurationError(`cannot open the local ledger in ${path ?? 'memory'}`, {
      cause: error,
    });
  }
}
