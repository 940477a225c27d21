/** Ledger stores for the failure paths of the handler tests. */
import { createDocumentClient, DynamoLedgerStore } from '../../handlers/ledger/dynamo-store';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../handlers/ledger/local';
import { unusedPort } from './net';

/** A DynamoDB ledger store whose endpoint refuses connections, with one attempt per call. Close it. */
export async function unreachableLedgerStore(tableName: string): Promise<DynamoLedgerStore> {
  return new DynamoLedgerStore({
    client: createDocumentClient({
      endpoint: `http://127.0.0.1:${await unusedPort()}`,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    }),
    tableName,
    ownsClient: true,
  });
}
