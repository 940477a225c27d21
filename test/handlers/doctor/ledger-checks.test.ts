import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLedger, type LedgerCheckOptions } from '../../../handlers/doctor/ledger-checks';
import { MemoryLedgerStore } from '../../../handlers/ledger/memory-store';
import type { LedgerStore } from '../../../handlers/ports';
import { type DynaliteLedger, startDynaliteLedger } from '../ledger/support/dynalite';
import { entry, rawOf } from '../ledger/support/entries';

const NOW = new Date('2025-03-20T12:00:00Z');
const DAY = 86_400_000;
const FRESH = '111122223333';
const QUIET = '222233334444';
const NEVER = '333344445555';
const STRANGER = '999988887777';

async function fill(store: LedgerStore): Promise<void> {
  const entries = [
    entry({ eventId: 'fresh-old', eventTime: '2025-03-01T00:00:00Z', accountId: FRESH }),
    entry({
      eventId: 'fresh-new',
      eventTime: '2025-03-20T10:00:00Z',
      accountId: FRESH,
      eventName: 'ConsoleLogin',
    }),
    entry({ eventId: 'quiet', eventTime: '2025-03-08T12:00:00Z', accountId: QUIET }),
    entry({ eventId: 'stranger', eventTime: '2025-03-19T00:00:00Z', accountId: STRANGER }),
  ];
  for (const stored of entries) await store.putIfAbsent(stored, rawOf(stored));
}

const options = (overrides: Partial<LedgerCheckOptions> = {}): LedgerCheckOptions => ({
  expected: [FRESH, QUIET, NEVER],
  accountNames: { [FRESH]: 'prod-payments' },
  maxSilenceMs: 7 * DAY,
  lookbackMs: 30 * DAY,
  scanLimit: 1000,
  now: NOW,
  ...overrides,
});

function behaviour(
  name: string,
  open: () => Promise<LedgerStore>,
  close: () => Promise<void> = async () => {},
) {
  describe(name, () => {
    let store: LedgerStore;
    beforeAll(async () => {
      store = await open();
      await fill(store);
    });
    afterAll(close);

    it('passes accounts heard from recently and fails silent, unknown-to-the-ledger and unexpected ones', async () => {
      const checks = await checkLedger(store, options());
      const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
      expect(byId[`account:${FRESH}`]).toMatchObject({ status: 'pass', title: `${FRESH} (prod-payments)` });
      expect(byId[`account:${FRESH}`]?.detail).toContain('2h ago: ConsoleLogin at 2025-03-20T10:00:00Z');
      expect(byId[`account:${QUIET}`]).toMatchObject({ status: 'fail' });
      expect(byId[`account:${QUIET}`]?.detail).toContain('silent for 12d');
      expect(byId[`account:${NEVER}`]).toMatchObject({ status: 'fail', detail: 'no entries in the ledger' });
      expect(byId[`account:${STRANGER}`]).toMatchObject({ status: 'fail' });
      expect(byId[`account:${STRANGER}`]?.detail).toContain('not among the configured accounts');
      expect(checks.map((c) => c.id)).toEqual([
        `account:${FRESH}`,
        `account:${QUIET}`,
        `account:${NEVER}`,
        `account:${STRANGER}`,
      ]);
    });

    it('with a longer --max-silence the quiet account passes', async () => {
      const checks = await checkLedger(store, options({ maxSilenceMs: 14 * DAY }));
      expect(checks.find((c) => c.id === `account:${QUIET}`)?.status).toBe('pass');
    });

    it('with no accounts configured, warns and checks the accounts seen in the ledger', async () => {
      const checks = await checkLedger(store, options({ expected: [] }));
      expect(checks[0]).toMatchObject({ id: 'accounts:configured', status: 'warn' });
      expect(checks.slice(1).map((c) => `${c.id} ${c.status}`)).toEqual([
        `account:${FRESH} pass`,
        `account:${QUIET} fail`,
        `account:${STRANGER} pass`,
      ]);
    });

    it('says so when it looked at only part of the recent entries', async () => {
      const checks = await checkLedger(store, options({ scanLimit: 1 }));
      expect(checks.at(-1)).toMatchObject({ id: 'accounts:scan', status: 'warn' });
      expect(checks.some((c) => c.id === `account:${STRANGER}`)).toBe(false);
    });
  });
}

behaviour('checkLedger on the memory store', async () => new MemoryLedgerStore());

let dynalite: DynaliteLedger | undefined;
behaviour(
  'checkLedger on the DynamoDB store (local dynalite), without Scan',
  async () => {
    dynalite = await startDynaliteLedger();
    return dynalite.store;
  },
  async () => {
    expect(dynalite?.commands).not.toContain('ScanCommand');
    await dynalite?.close();
  },
);
