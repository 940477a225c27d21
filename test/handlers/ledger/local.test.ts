import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LedgerConfigurationError } from '../../../handlers/ledger/errors';
import { localLedgerPath, startLocalLedger } from '../../../handlers/ledger/local';
import { PERSISTED, rawOf } from './support/entries';
import { tempHomes } from './support/homes';

const tempHome = tempHomes('ledger');

describe('embedded dynalite (the DynamoDB stand-in of the tests)', () => {
  it('keeps entries across restarts in $IAMWATCH_HOME', async () => {
    const home = tempHome();
    const env = { IAMWATCH_HOME: home };
    const first = await startLocalLedger({ env });
    expect(first.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.path).toBe(join(home, 'ledger'));
    expect(await first.store.putIfAbsent(PERSISTED, rawOf(PERSISTED))).toEqual({ outcome: 'inserted' });
    await first.store.markDelivery('persist-1', 'sns', {
      status: 'delivered',
      at: '2026-11-20T14:03:12.000Z',
      attempts: 1,
    });
    await first.close();

    const second = await startLocalLedger({ env });
    try {
      expect(await second.store.putIfAbsent(PERSISTED, rawOf(PERSISTED))).toEqual({ outcome: 'duplicate' });
      expect((await second.store.get('persist-1'))?.delivery?.sns?.status).toBe('delivered');
      expect(await second.store.getRaw('persist-1')).toEqual(rawOf(PERSISTED));
      expect((await second.store.history({ target: 'svc-deploy' })).map((e) => e.eventId)).toEqual([
        'persist-1',
      ]);
    } finally {
      await second.close();
    }
  });

  it('resolves the folder from the option, then $IAMWATCH_HOME, then ./.iamwatch', () => {
    expect(localLedgerPath('/srv/iw', { IAMWATCH_HOME: '/elsewhere' })).toBe('/srv/iw/ledger');
    expect(localLedgerPath(undefined, { IAMWATCH_HOME: '/elsewhere' })).toBe('/elsewhere/ledger');
    expect(localLedgerPath(undefined, {})).toBe(join(process.cwd(), '.iamwatch', 'ledger'));
  });

  it('turns a second user of the same folder away with a clear error, then lets it in once closed', async () => {
    const home = tempHome();
    const first = await startLocalLedger({ home });
    await expect(startLocalLedger({ home })).rejects.toThrow(LedgerConfigurationError);
    await expect(startLocalLedger({ home })).rejects.toThrow(/in use by another iamwatch process/);
    await first.close();
    const again = await startLocalLedger({ home });
    await again.close();
  });

  it('takes over a lock left by a process that is gone', async () => {
    const home = tempHome();
    const path = localLedgerPath(home, {});
    const first = await startLocalLedger({ home });
    await first.close();
    writeFileSync(`${path}.lock`, '999999999');
    const ledger = await startLocalLedger({ home });
    await ledger.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('can be closed twice', async () => {
    const ledger = await startLocalLedger({ persist: false });
    await ledger.close();
    await expect(ledger.close()).resolves.toBeUndefined();
  });
});
