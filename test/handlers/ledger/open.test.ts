import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { createDocumentClient, DynamoLedgerStore } from '../../../handlers/ledger/dynamo-store';
import { LedgerConfigurationError } from '../../../handlers/ledger/errors';
import { entryKey } from '../../../handlers/ledger/keys';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startLocalLedger } from '../../../handlers/ledger/local';
import { MemoryLedgerStore } from '../../../handlers/ledger/memory-store';
import { openLedger } from '../../../handlers/ledger/open';
import { DEFAULT_LEDGER_TABLE_NAME } from '../../../handlers/ledger/table';
import { entry, rawOf } from './support/entries';

describe('openLedger', () => {
  it('opens a fresh memory ledger each time', async () => {
    const first = await openLedger({ kind: 'memory' });
    const second = await openLedger({ kind: 'memory' });
    expect(first).toBeInstanceOf(MemoryLedgerStore);
    expect(first).not.toBe(second);
  });

  it('opens a DynamoDB ledger that writes to and reads from the named table, with its retention', async () => {
    // The default credential chain and endpoint, pointed at a dynalite holding the named table.
    const local = await startLocalLedger({ persist: false });
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', local.endpoint);
    vi.stubEnv('AWS_REGION', LOCAL_REGION);
    vi.stubEnv('AWS_ACCESS_KEY_ID', LOCAL_CREDENTIALS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', LOCAL_CREDENTIALS.secretAccessKey);
    vi.stubEnv('AWS_PROFILE', undefined);
    const stored = entry({ eventId: 'opened-1', eventTime: '2026-11-20T14:03:11Z' });
    const store = await openLedger({ kind: 'dynamodb', table: DEFAULT_LEDGER_TABLE_NAME, retentionDays: 90 });
    try {
      expect(store).toBeInstanceOf(DynamoLedgerStore);
      expect(await store.putIfAbsent(stored, rawOf(stored))).toEqual({ outcome: 'inserted' });
      expect(await store.get('opened-1')).toEqual(stored);
      expect(await local.store.get('opened-1')).toEqual(stored);
      const client = createDocumentClient({
        endpoint: local.endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
      });
      const { Item } = await client.send(
        new GetCommand({ TableName: DEFAULT_LEDGER_TABLE_NAME, Key: entryKey('opened-1') }),
      );
      client.destroy();
      expect(Item?.expiresAt).toBe(Date.parse('2026-11-20T14:03:11Z') / 1000 + 90 * 86_400);
    } finally {
      await store.close();
      await local.close();
      vi.unstubAllEnvs();
    }
  });

  it('needs a table name for DynamoDB', async () => {
    await expect(openLedger({ kind: 'dynamodb' })).rejects.toThrow(LedgerConfigurationError);
  });

  it.each([0, -3, 1.5])('refuses a retention of %s days', async (retentionDays) => {
    await expect(openLedger({ kind: 'memory', retentionDays })).rejects.toThrow(/retentionDays/);
  });
});
