/**
 * `iamwatch digest` in-process over a local ledger (embedded dynalite under a temporary home) seeded
 * with the digest tests' entries: each format, the account filter, the window, usage errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Digest } from '../../../handlers/digest/build';
import { openLedger } from '../../../handlers/ledger/open';
import { ACCOUNT_A, ACCOUNT_B, seed, WINDOW } from '../digest/support';
import { expectNoInjectedMarkup, expectWithinSlackLimits } from '../notify/slack-limits';
import { cli } from './support';

let home: string;
const windowArgs = ['--since', WINDOW.since, '--until', WINDOW.until];
const digest = (...args: string[]) => cli(['digest', ...windowArgs, '--home', home, ...args]);

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'iamwatch-digest-'));
  const store = await openLedger({ kind: 'local', home });
  try {
    await seed(store);
  } finally {
    await store.close();
  }
});
afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

describe('iamwatch digest', () => {
  it('prints text by default: totals, then each account', async () => {
    const run = await digest();
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('iamwatch digest 2026-11-20 08:00 – 2026-11-21 08:00 UTC');
    expect(run.stdout).toContain('7 IAM events in 2 accounts; 1 alert suppressed, 2 folded into bursts');
    expect(run.stdout).toContain('new principals  user bob by alice at 08:00');
    expect(run.stdout).toContain('top actors      alice 3, terraform (terraform-deploy) 2');
  });

  it('prints the digest as JSON', async () => {
    const run = await digest('--format', 'json');
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout) as Digest;
    expect(parsed.window).toEqual(WINDOW);
    expect(parsed.accounts.map((account) => [account.accountId, account.events])).toEqual([
      [ACCOUNT_A, 5],
      [ACCOUNT_B, 2],
    ]);
  });

  it('prints the Slack message as it would be posted', async () => {
    const run = await digest('--format', 'slack');
    expect(run.code).toBe(0);
    const message = JSON.parse(run.stdout) as unknown;
    expectWithinSlackLimits(message);
    expectNoInjectedMarkup(message);
  });

  it('narrows to one account', async () => {
    const run = await digest('--account', ACCOUNT_B, '--format', 'json');
    const parsed = JSON.parse(run.stdout) as Digest;
    expect(parsed.accounts.map((account) => account.accountId)).toEqual([ACCOUNT_B]);
  });

  it('says so when the window holds no change', async () => {
    const run = await cli(['digest', '--since', '2026-06-01', '--until', '2026-06-02', '--home', home]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('No IAM events recorded in this window.');
  });

  it('refuses a bad format, account or window as usage errors', async () => {
    expect((await digest('--format', 'csv')).code).toBe(2);
    expect((await digest('--account', 'prod')).code).toBe(2);
    const reversed = await cli(['digest', '--since', WINDOW.until, '--until', WINDOW.since, '--home', home]);
    expect(reversed.code).toBe(2);
    expect(reversed.stderr).toContain('is after --until');
  });
});
