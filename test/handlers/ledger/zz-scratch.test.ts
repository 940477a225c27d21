import { it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalLedger } from '../../../handlers/ledger/local';
it('lock', async () => {
  const home = mkdtempSync(join(tmpdir(), 'iw-'));
  const a = await startLocalLedger({ home });
  const err = await startLocalLedger({ home }).catch((e) => e);
  console.log(err?.name, err?.message, err?.cause?.name, err?.cause?.message);
  await a.close();
  const c = await startLocalLedger({ home });
  await c.close();
});
