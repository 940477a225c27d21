import { MemoryLedgerStore } from '../../../handlers/ledger/memory-store';
import { describeLedgerBehaviour } from './support/behaviour';

describeLedgerBehaviour('memory store', async () => {
  const store = new MemoryLedgerStore();
  return { store, close: () => store.close() };
});
