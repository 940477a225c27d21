import { describe, expect, it } from 'vitest';
import { MemoryLedgerStore } from '../../../handlers/ledger/memory-store';
import { historyPages } from '../../../handlers/ledger/pages';
import { entry, rawOf } from '../ledger/support/entries';

describe('historyPages', () => {
  it('yields every matching entry once, newest first, across pages and same-instant runs', async () => {
    const store = new MemoryLedgerStore();
    const times = [
      ...Array.from({ length: 7 }, () => '2025-03-10T00:00:00Z'),
      ...Array.from({ length: 5 }, (_, i) => `2025-03-11T00:00:0${i}Z`),
      ...Array.from({ length: 6 }, () => '2025-03-12T00:00:00Z'),
    ];
    for (const [i, eventTime] of times.entries()) {
      const stored = entry({ eventId: `e-${String(i).padStart(2, '0')}`, eventTime });
      await store.putIfAbsent(stored, rawOf(stored));
    }
    const other = entry({ eventId: 'other', eventTime: '2025-03-11T00:00:00Z', eventName: 'DeleteUser' });
    await store.putIfAbsent(other, rawOf(other));

    const seen: string[] = [];
    const eventTimes: string[] = [];
    for await (const found of historyPages(store, { eventName: 'CreateUser' }, 3)) {
      seen.push(found.eventId);
      eventTimes.push(found.eventTime);
    }
    expect(seen).toHaveLength(times.length);
    expect(new Set(seen).size).toBe(times.length);
    expect([...eventTimes].sort().reverse()).toEqual(eventTimes);
  });

  it('stops at the filter’s own bounds', async () => {
    const store = new MemoryLedgerStore();
    for (let i = 0; i < 10; i++) {
      const stored = entry({ eventId: `e-${i}`, eventTime: `2025-03-1${i}T00:00:00Z` });
      await store.putIfAbsent(stored, rawOf(stored));
    }
    const found: string[] = [];
    for await (const e of historyPages(
      store,
      { since: '2025-03-13T00:00:00Z', until: '2025-03-16T00:00:00Z' },
      2,
    )) {
      found.push(e.eventId);
    }
    expect(found).toEqual(['e-6', 'e-5', 'e-4', 'e-3']);
  });
});
