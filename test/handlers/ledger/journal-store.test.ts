import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LedgerConfigurationError } from '../../../handlers/ledger/errors';
import { JournalLedgerStore, journalPaths } from '../../../handlers/ledger/journal-store';
import { startLocalLedger } from '../../../handlers/ledger/local';
import { MemoryLedgerStore } from '../../../handlers/ledger/memory-store';
import { openLedger } from '../../../handlers/ledger/open';
import type { LedgerStore, Suppression } from '../../../handlers/ports';
import { describeLedgerBehaviour } from './support/behaviour';
import { entry, manyEntries, PERSISTED, rawOf } from './support/entries';
import { makeHome, removeHome, tempHomes, withJournal } from './support/homes';

const tempHome = tempHomes('journal');

describeLedgerBehaviour('local journal store', async () => {
  const home = makeHome('journal');
  const store = await JournalLedgerStore.open({ home });
  return {
    store,
    close: async () => {
      await store.close();
      removeHome(home);
    },
  };
});

/** The store, closed and opened again before every read: reads then run on what was loaded from disk. */
describeLedgerBehaviour('local journal store, reopened before each read', async () => {
  const home = makeHome('journal');
  let store: LedgerStore = await JournalLedgerStore.open({ home });
  const reads = new Set<string>(['get', 'getRaw', 'history', 'oldestEntryTime']);
  const reopening = new Proxy({} as LedgerStore, {
    get: (_target, name: string) => {
      if (reads.has(name)) {
        return async (...args: unknown[]) => {
          await store.close();
          store = await JournalLedgerStore.open({ home });
          const read = store[name as keyof LedgerStore] as (...a: unknown[]) => unknown;
          return read.apply(store, args);
        };
      }
      const member = store[name as keyof LedgerStore];
      return typeof member === 'function' ? member.bind(store) : member;
    },
  });
  return {
    store: reopening,
    close: async () => {
      await store.close();
      removeHome(home);
    },
  };
});

const suppression: Suppression = {
  id: 'sup-1',
  detection: 'iam-user-created',
  actor: 'alice',
  reason: 'onboarding week',
  owner: 'secops',
  createdBy: 'carol',
  createdAt: '2026-11-20T00:00:00.000Z',
  until: '2026-11-27T00:00:00.000Z',
};

const ids = (entries: { eventId: string }[]) => entries.map((e) => e.eventId);

/** A new home whose journal holds `PERSISTED`, closed. */
async function homeWithStored(): Promise<string> {
  const home = tempHome();
  await withJournal(home, (store) => store.putIfAbsent(PERSISTED, rawOf(PERSISTED)));
  return home;
}

describe('local journal store: target queries in a process that writes', () => {
  it('answers from its target index, kept current for entries put after the first query, and a reopened store agrees', async () => {
    const home = tempHome();
    const bob = (eventId: string, eventTime: string) =>
      entry({ eventId, eventTime, target: { type: 'user', name: 'Bob' } });
    await withJournal(home, async (store) => {
      const first = bob('t-1', '2026-11-20T10:00:00Z');
      const other = entry({
        eventId: 't-2',
        eventTime: '2026-11-20T11:00:00Z',
        target: { type: 'user', name: 'carol' },
      });
      for (const e of [first, other]) await store.putIfAbsent(e, rawOf(e));
      expect(ids(await store.history({ target: 'bob' }))).toEqual(['t-1']);
      // Put after the index was built, one of them older than what it holds: still found, newest first.
      const later = bob('t-3', '2026-11-20T12:00:00Z');
      const earlier = bob('t-0', '2026-11-20T09:00:00Z');
      for (const e of [later, earlier]) await store.putIfAbsent(e, rawOf(e));
      expect(ids(await store.history({ target: 'user/bob' }))).toEqual(['t-3', 't-1', 't-0']);
      expect(ids(await store.history({ target: 'bob', until: '2026-11-20T11:59:00Z', limit: 1 }))).toEqual([
        't-1',
      ]);
    });
    // A reader that does not write scans instead: the same answer.
    await withJournal(home, async (reader) => {
      expect(ids(await reader.history({ target: 'user/bob' }))).toEqual(['t-3', 't-1', 't-0']);
    });
  });
});

describe('local journal store: on disk', () => {
  it('keeps entries, delivery state, raw records and control data across restarts', async () => {
    const home = tempHome();
    await withJournal(home, async (first) => {
      expect(await first.putIfAbsent(PERSISTED, rawOf(PERSISTED))).toEqual({ outcome: 'inserted' });
      await first.markDelivery('persist-1', 'sns', {
        status: 'delivered',
        at: '2026-11-20T14:03:12.000Z',
        attempts: 1,
      });
      await first.putSuppression(suppression);
      await first.appendSuppressionEvent({
        at: '2026-11-20T00:00:00.000Z',
        action: 'created',
        by: 'carol',
        suppression,
      });
      expect(await first.countInBurst('slack#alice', '2026-11-20T14:00:00.000Z', 60_000)).toEqual({
        position: 1,
        closesAt: '2026-11-20T14:01:00.000Z',
      });
      const burst = {
        key: 'slack#alice',
        channel: 'slack:default',
        accountId: '111122223333',
        actor: 'alice',
        opensAt: '2026-11-20T14:00:00.000Z',
        closesAt: '2026-11-20T14:01:00.000Z',
      };
      await first.addFolded(burst, {
        eventId: 'persist-1',
        eventTime: PERSISTED.eventTime,
        eventName: 'CreateUser',
        severity: 'medium',
      });
      await first.putAuditRun({ runAt: '2026-11-21T00:00:00.000Z', accounts: [], findings: [] } as never);
    });

    await withJournal(home, async (second) => {
      expect(await second.putIfAbsent(PERSISTED, rawOf(PERSISTED))).toEqual({ outcome: 'duplicate' });
      expect((await second.get('persist-1'))?.delivery?.sns?.status).toBe('delivered');
      expect(await second.getRaw('persist-1')).toEqual(rawOf(PERSISTED));
      expect(ids(await second.history({ target: 'svc-deploy' }))).toEqual(['persist-1']);
      expect(await second.listSuppressions()).toEqual([suppression]);
      expect(await second.suppressionEvents()).toHaveLength(1);
      expect((await second.countInBurst('slack#alice', '2026-11-20T14:00:30.000Z', 60_000)).position).toBe(2);
      const [followUp] = await second.takeClosedBursts('2026-11-20T14:02:00.000Z');
      expect(followUp?.total).toBe(1);
      expect((await second.latestAuditRun())?.runAt).toBe('2026-11-21T00:00:00.000Z');
    });
    await withJournal(home, async (third) => {
      expect(await third.takeClosedBursts('2026-11-20T14:02:00.000Z')).toEqual([]);
      expect(await third.deleteSuppression('sup-1')).toEqual(suppression);
    });
    await withJournal(home, async (fourth) => {
      expect(await fourth.listSuppressions()).toEqual([]);
    });
  });

  it('finds values case-insensitively as the memory store does, also where lower-casing maps a non-ASCII letter to ASCII', async () => {
    const home = tempHome();
    const kate = entry({
      eventId: 'kelvin-1',
      eventTime: '2026-11-20T10:00:00Z',
      actor: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/x', name: '\u212Aate' },
      target: { type: 'user', name: 'Bob.Smith+ops' },
    });
    const memory = new MemoryLedgerStore();
    await memory.putIfAbsent(kate, rawOf(kate));
    await withJournal(home, (first) => first.putIfAbsent(kate, rawOf(kate)));
    await withJournal(home, async (journal) => {
      for (const filter of [
        { actor: 'kate' },
        { actor: 'KATE' },
        { target: 'bob.smith+ops' },
        { target: 'user/BOB.SMITH+OPS' },
        { target: 'bob.smith' },
        { actor: 'kat' },
        { eventName: 'createuser', account: '111122223333' },
      ]) {
        expect(ids(await journal.history(filter)), JSON.stringify(filter)).toEqual(
          ids(await memory.history(filter)),
        );
      }
      expect(ids(await journal.history({ actor: 'kate' }))).toEqual(['kelvin-1']);
    });
  });

  it('is what openLedger({ kind: "local" }) opens, under $IAMWATCH_HOME/journal', async () => {
    const home = tempHome();
    const store = await openLedger({ kind: 'local', home });
    try {
      expect(store).toBeInstanceOf(JournalLedgerStore);
      await store.putIfAbsent(PERSISTED, rawOf(PERSISTED));
    } finally {
      await store.close();
    }
    expect(existsSync(journalPaths(home).journal)).toBe(true);
    expect(existsSync(join(home, 'ledger'))).toBe(false);
    const reopened = await openLedger({ kind: 'local', home });
    try {
      expect(await reopened.get('persist-1')).toEqual(PERSISTED);
    } finally {
      await reopened.close();
    }
  });

  it('drops a torn last line left by a crash, and appends cleanly after it', async () => {
    const home = await homeWithStored();
    const { journal } = journalPaths(home);
    const intact = readFileSync(journal, 'utf8');
    appendFileSync(journal, '{"t":"entry","entry":{"eventId":"torn-1","eventTi');

    const next = entry({ eventId: 'after-tear', eventTime: '2026-11-20T15:00:00Z' });
    await withJournal(home, async (second) => {
      expect(readFileSync(journal, 'utf8')).toBe(intact);
      expect(await second.get('torn-1')).toBeUndefined();
      expect(await second.putIfAbsent(next, rawOf(next))).toEqual({ outcome: 'inserted' });
    });

    // A whole last line that is not JSON (zeroes a power loss left) is a torn write too.
    appendFileSync(journal, '\0\0\0\0\n');
    await withJournal(home, async (third) => {
      expect(ids(await third.history({}))).toEqual(['after-tear', 'persist-1']);
      expect(await third.getRaw('after-tear')).toEqual(rawOf(next));
    });
  });

  it('refuses a journal damaged in the middle, naming the file and line', async () => {
    const home = await homeWithStored();
    const { journal } = journalPaths(home);
    const [head, ...rest] = readFileSync(journal, 'utf8').split('\n');
    writeFileSync(journal, [head, 'garbage', ...rest].join('\n'));
    const opening = JournalLedgerStore.open({ home });
    await expect(opening).rejects.toThrow(LedgerConfigurationError);
    await expect(JournalLedgerStore.open({ home })).rejects.toThrow(/damaged at line 2/);
  });

  it('refuses a file of another format with a clear error', async () => {
    const home = tempHome();
    const { journal, folder } = journalPaths(home);
    spawnSync('mkdir', ['-p', folder]);
    writeFileSync(journal, '{"t":"header","format":"iamwatch-ledger-journal","version":99}\n');
    await expect(JournalLedgerStore.open({ home })).rejects.toThrow(
      /not a ledger journal this iamwatch can read/,
    );
  });

  it('repairs a missing raw record on a duplicate put', async () => {
    const home = await homeWithStored();
    truncateSync(journalPaths(home).raw, 0);

    await withJournal(home, async (second) => {
      expect(await second.getRaw('persist-1')).toBeUndefined();
      expect(await second.putIfAbsent(PERSISTED, rawOf(PERSISTED))).toEqual({ outcome: 'duplicate' });
      expect(await second.getRaw('persist-1')).toEqual(rawOf(PERSISTED));
    });
    await withJournal(home, async (third) => {
      expect(await third.getRaw('persist-1')).toEqual(rawOf(PERSISTED));
      expect(await third.get('persist-1')).toEqual(PERSISTED);
    });
  });

  it('rewrites a journal that is mostly superseded lines when it is opened', async () => {
    const home = await homeWithStored();
    await withJournal(home, (first) =>
      Promise.all(
        Array.from({ length: 40 }, (_, attempt) =>
          first.markDelivery('persist-1', 'slack:default', {
            status: 'failed',
            at: '2026-11-20T14:03:12.000Z',
            attempts: attempt + 1,
          }),
        ),
      ),
    );
    await withJournal(home, async (second) => expect(second.journalLines).toBe(1), { compactAfter: 10 });
    await withJournal(home, async (third) => {
      expect(third.journalLines).toBe(1);
      expect((await third.get('persist-1'))?.delivery?.['slack:default']?.attempts).toBe(40);
      expect(await third.getRaw('persist-1')).toEqual(rawOf(PERSISTED));
    });
  });

  it('turns a second user of the same home away, and takes over a lock left by a dead process', async () => {
    const home = tempHome();
    await withJournal(home, async () => {
      await expect(JournalLedgerStore.open({ home })).rejects.toThrow(/in use by another iamwatch process/);
      // An older iamwatch (embedded dynalite) uses the same lock file.
      await expect(startLocalLedger({ home })).rejects.toThrow(/in use by another iamwatch process/);
    });
    writeFileSync(journalPaths(home).lock, '999999999');
    const again = await JournalLedgerStore.open({ home });
    await again.close();
    expect(existsSync(journalPaths(home).lock)).toBe(false);
  });

  it('can be closed twice, and refuses writes once closed', async () => {
    const store = await JournalLedgerStore.open({ home: tempHome() });
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.putIfAbsent(PERSISTED, rawOf(PERSISTED))).rejects.toThrow(LedgerConfigurationError);
  });

  it('lets the process exit on its own after close', () => {
    const home = tempHome();
    const script = join(home, 'use-ledger.mts');
    const openModule = fileURLToPath(new URL('../../../handlers/ledger/open.ts', import.meta.url));
    writeFileSync(
      script,
      [
        `import { openLedger } from ${JSON.stringify(openModule)};`,
        `const store = await openLedger({ kind: 'local', home: ${JSON.stringify(home)} });`,
        `const entry = ${JSON.stringify(PERSISTED)};`,
        `const result = await store.putIfAbsent(entry, { eventID: entry.eventId, eventTime: entry.eventTime, eventName: entry.eventName, eventSource: entry.eventSource });`,
        'await store.close();',
        'process.stdout.write(result.outcome);',
      ].join('\n'),
    );
    // No process.exit in the script: it ends only if nothing (file, timer) is left open.
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 25_000,
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    });
    expect(child.error).toBeUndefined();
    expect(child.stderr).not.toMatch(/Error/);
    expect(child.stdout).toBe('inserted');
    expect(child.status).toBe(0);
  });
});

describe('local journal store: a writer killed mid-run, then a second run', () => {
  it('keeps every entry it reported committed, and a second run completes the rest, each once, raw included', async () => {
    const home = tempHome();
    const bulk = manyEntries(400);
    const input = join(home, 'entries.json');
    writeFileSync(input, JSON.stringify(bulk));
    const script = join(home, 'writer.mts');
    const journalModule = fileURLToPath(
      new URL('../../../handlers/ledger/journal-store.ts', import.meta.url),
    );
    writeFileSync(
      script,
      [
        `import { readFileSync } from 'node:fs';`,
        `import { JournalLedgerStore } from ${JSON.stringify(journalModule)};`,
        `const entries = JSON.parse(readFileSync(${JSON.stringify(input)}, 'utf8'));`,
        `const store = await JournalLedgerStore.open({ home: ${JSON.stringify(home)} });`,
        'const raw = (e) => ({ eventID: e.eventId, eventTime: e.eventTime, eventName: e.eventName, eventSource: e.eventSource });',
        'for (let i = 0; i < entries.length; i += 16) {',
        '  await Promise.all(entries.slice(i, i + 16).map(async (e) => {',
        '    const { outcome } = await store.putIfAbsent(e, raw(e));',
        "    if (outcome === 'inserted') process.stdout.write(e.eventId + '\\n');",
        '  }));',
        '}',
        "process.stdout.write('done\\n');",
        'await new Promise(() => undefined);',
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let reported = '';
    // Killed as soon as some entries are committed: most of the run is still ahead.
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        reported += chunk.toString();
        if (reported.split('\n').length > 20) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', () => resolve());
    });
    await new Promise((resolve) =>
      child.exitCode === null && child.signalCode === null ? child.once('exit', resolve) : resolve(undefined),
    );
    const committed = reported.split('\n').filter((line) => line && line !== 'done');
    expect(committed.length).toBeGreaterThan(0);

    await withJournal(home, async (second) => {
      for (const id of committed) expect(await second.get(id), id).toBeDefined();
      const outcomes = await Promise.all(bulk.map((e) => second.putIfAbsent(e, rawOf(e))));
      const inserted = outcomes.filter((o) => o.outcome === 'inserted').length;
      expect(inserted).toBeLessThanOrEqual(bulk.length - committed.length);
      const all = ids(await second.history({}));
      expect(all).toHaveLength(bulk.length);
      expect(new Set(all).size).toBe(bulk.length);
      for (const e of bulk) expect(await second.getRaw(e.eventId), e.eventId).toBeDefined();
    });
  });
});

describe('local journal store: a home kept by an older iamwatch (embedded dynalite)', () => {
  it('is migrated once on open: entries, delivery state, raw records and suppressions; the old folder is kept aside', async () => {
    const home = tempHome();
    const old = await startLocalLedger({ home });
    const second = entry({ eventId: 'old-2', eventTime: '2026-11-21T10:00:00Z', sourceIp: '203.0.113.7' });
    await old.store.putIfAbsent(PERSISTED, rawOf(PERSISTED));
    await old.store.putIfAbsent(second, rawOf(second));
    await old.store.markDelivery('persist-1', 'sns', {
      status: 'delivered',
      at: '2026-11-20T14:03:12.000Z',
      attempts: 1,
    });
    await old.store.putSuppression(suppression);
    await old.close();

    const store = await openLedger({ kind: 'local', home });
    try {
      expect(ids(await store.history({}))).toEqual(['old-2', 'persist-1']);
      expect((await store.get('persist-1'))?.delivery?.sns?.status).toBe('delivered');
      expect(await store.getRaw('old-2')).toEqual(rawOf(second));
      expect(ids(await store.history({ ip: '203.0.113.7' }))).toEqual(['old-2']);
      expect(await store.listSuppressions()).toEqual([suppression]);
      expect(await store.putIfAbsent(PERSISTED, rawOf(PERSISTED))).toEqual({ outcome: 'duplicate' });
    } finally {
      await store.close();
    }
    expect(existsSync(join(home, 'ledger'))).toBe(false);
    expect(existsSync(join(home, 'ledger.dynalite-migrated'))).toBe(true);
    expect(existsSync(join(home, 'journal.migrating'))).toBe(false);

    const again = await openLedger({ kind: 'local', home });
    try {
      expect(ids(await again.history({}))).toEqual(['old-2', 'persist-1']);
    } finally {
      await again.close();
    }
  });

  it('without a migration, says what to do', async () => {
    const home = tempHome();
    const old = await startLocalLedger({ home });
    await old.close();
    await expect(JournalLedgerStore.open({ home })).rejects.toThrow(/older iamwatch \(embedded dynalite\)/);
  });
});
