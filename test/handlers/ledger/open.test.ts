import { describe, expect, it } from 'vitest';
import { DynamoLedgerStore } from '../../../handlers/ledger/dynamo-store';
import { LedgerConfigurationError } from '../../../handlers/ledger/errors';
import { MemoryLedgerStore } from '../../../handlers/ledger/memory-store';
import { openLedger } from '../../../handlers/ledger/open';

describe('openLedger', () => {
  it('opens a fresh memory ledger each time', async () => {
    const first = await openLedger({ kind: 'memory' });
    const second = await openLedger({ kind: 'memory' });
    expect(first).toBeInstanceOf(MemoryLedgerStore);
    expect(first).not.toBe(second);
  });

  it('opens a DynamoDB ledger on the named table without calling AWS', async () => {
    const store = await openLedger({ kind: 'dynamodb', table: 'iamwatch-ledger', retentionDays: 90 });
    expect(store).toBeInstanceOf(DynamoLedgerStore);
    await store.close();
  });

  it('needs a table name for DynamoDB', async () => {
    await expect(openLedger({ kind: 'dynamodb' })).rejects.toThrow(LedgerConfigurationError);
  });

  it.each([0, -3, 1.5])('refuses a retention of %s days', async (retentionDays) => {
    await expect(openLedger({ kind: 'memory', retentionDays })).rejects.toThrow(/retentionDays/);
  });
});
