/**
 * A DynamoDB ledger over a real, in-memory dynalite on 127.0.0.1 (started by `startLocalLedger`), with
 * a client that records every command and refuses Scan, so a test fails if any code path scans.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, DynamoLedgerStore } from '../../../../handlers/ledger/dynamo-store';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startLocalLedger } from '../../../../handlers/ledger/local';
import { DEFAULT_LEDGER_TABLE_NAME } from '../../../../handlers/ledger/table';

class ScanAttemptedError extends Error {
  override readonly name = 'ScanAttemptedError';
}

export interface DynaliteLedger {
  store: DynamoLedgerStore;
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Names of the commands sent so far (`QueryCommand`, `PutItemCommand`, …). */
  commands: string[];
  close(): Promise<void>;
}

export async function startDynaliteLedger(
  options: { pageSize?: number; retentionDays?: number } = {},
): Promise<DynaliteLedger> {
  const local = await startLocalLedger({ persist: false });
  const client = createDocumentClient({
    endpoint: local.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const commands: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(context.commandName ?? 'unknown');
      if (context.commandName === 'ScanCommand') throw new ScanAttemptedError('the ledger must never Scan');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  const store = new DynamoLedgerStore({
    client,
    tableName: DEFAULT_LEDGER_TABLE_NAME,
    ownsClient: true,
    ...options,
  });
  return {
    store,
    client,
    tableName: DEFAULT_LEDGER_TABLE_NAME,
    commands,
    close: async () => {
      await store.close();
      await local.close();
    },
  };
}
