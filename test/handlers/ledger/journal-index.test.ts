import {
  appendFileSync,
  closeSync,
  copyFileSync,
  existsSync,
  fstatSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchesFilter, resolveFilter } from '../../../handlers/ledger/filter';
import { readJournalIndex } from '../../../handlers/ledger/journal-index';
import { JournalLedgerStore, journalPaths } from '../../../handlers/ledger/journal-store';
import { MemoryLedgerStore } from '../../../handlers/ledger/memory-store';
import type { ChannelDelivery, HistoryFilter, LedgerStore, StoredEntry } from '../../../handlers/ports';
import type { AuditRunRecord } from '../../../rules/audit/compare';
import { SEVERITIES, type Severity, type TargetType } from '../../../rules/types';
import { seededRandom } from '../../support/random';
import { ACCOUNT_A, ACCOUNT_B, entry, hit, rawOf } from './support/entries';
import { tempHomes, withJournal } from './support/homes';

const tempHome = tempHomes('index');

type Random = () => number;
const pick = <T>(rand: Random, values: readonly T[]): T => values[Math.floor(rand() * values.length)] as T;
const maybe = <T>(rand: Random, value: T, chance = 0.5): T | undefined =>
  rand() < chance ? value : undefined;

/** Values that make case, blanks and odd characters matter: what the filters normalise. */
const NAMES = [
  'alice',
  'Alice',
  'BOB',
  'bob',
  ' carol ',
  'dave',
  'Kelvin',
  '\u212aelvin',
  'quo"te',
  'back\\slash',
  '',
];
const POLICIES = [
  'arn:aws:iam::aws:policy/AdministratorAccess',
  'arn:aws:iam::111122223333:policy/Bob',
  'arn:aws:iam::111122223333:policy/team/alice',
  'PlainPolicyName',
];
const IPS = ['203.0.113.7', '198.51.100.1', 'AWS Internal', 'iam.amazonaws.com', ' 203.0.113.7'];
const EVENTS = ['CreateUser', 'createuser', 'AttachUserPolicy', 'CreateAccessKey', 'DeleteRole'];
const DETECTIONS = ['iam-user-created', 'IAM-User-Created', 'iam-admin-attached', 'iam-change'];
/** A few kinds of target, two of them the kinds a `type/name` query names. */
const TARGET_TYPES: readonly TargetType[] = ['user', 'role', 'policy', 'group'];
const ACCOUNTS = [ACCOUNT_A, ACCOUNT_B, ` ${ACCOUNT_A}`];

function randomEntry(rand: Random, index: number): StoredEntry {
  const actorName = pick(rand, NAMES);
  const assumed = rand() < 0.4;
  const actor: StoredEntry['actor'] = {
    type: assumed ? 'AssumedRole' : 'IAMUser',
    arn: assumed
      ? `arn:aws:sts::${ACCOUNT_B}:assumed-role/Admin/${actorName}`
      : `arn:aws:iam::${ACCOUNT_A}:user/${actorName}`,
    name: actorName,
    accountId: ACCOUNT_A,
    ...(assumed ? { sessionIssuerArn: `arn:aws:iam::${ACCOUNT_B}:role/Admin` } : {}),
  };
  const targetName = maybe(rand, pick(rand, NAMES), 0.8);
  const target =
    rand() < 0.85
      ? {
          type: pick(rand, TARGET_TYPES),
          ...(targetName === undefined ? {} : { name: targetName }),
          ...(rand() < 0.5 && targetName ? { arn: `arn:aws:iam::${ACCOUNT_A}:user/${targetName}` } : {}),
        }
      : undefined;
  const detections = [
    ...new Set(Array.from({ length: Math.floor(rand() * 3) }, () => pick(rand, DETECTIONS))),
  ];
  const severity = pick(rand, SEVERITIES);
  // Several entries share a second, and some share an instant: order is by time, then eventId.
  const second = Math.floor(rand() * 40);
  const eventTime =
    rand() < 0.5
      ? `2026-11-20T10:${String(second).padStart(2, '0')}:00Z`
      : `2026-11-20T10:${String(second).padStart(2, '0')}:00.${String(Math.floor(rand() * 1000)).padStart(3, '0')}Z`;
  const policyArn = maybe(rand, pick(rand, POLICIES), 0.3);
  const sourceIp = maybe(rand, pick(rand, IPS), 0.8);
  return entry({
    eventId: `ev-${index}-${Math.floor(rand() * 1e6)}`,
    eventTime,
    eventName: pick(rand, EVENTS),
    accountId: pick(rand, ACCOUNTS),
    actor,
    ...(target ? { target } : {}),
    ...(policyArn ? { policyArn } : {}),
    ...(sourceIp ? { sourceIp } : {}),
    detections: detections.map((id) => hit(id, severity)),
    severity,
  });
}

/** A filter built from the same pools, in any case, padded, or naming nothing the ledger holds. */
function randomFilter(rand: Random): HistoryFilter {
  const vary = (value: string) => {
    const cased = rand() < 0.3 ? value.toUpperCase() : rand() < 0.3 ? value.toLowerCase() : value;
    return rand() < 0.2 ? `  ${cased} ` : cased;
  };
  const filter: HistoryFilter = {};
  if (rand() < 0.25)
    filter.actor = vary(pick(rand, [...NAMES, `arn:aws:iam::${ACCOUNT_B}:role/Admin`, 'nobody']));
  if (rand() < 0.3) {
    const name = pick(rand, NAMES);
    filter.target = vary(
      pick(rand, [
        name,
        // A kind with a blank name is refused by every store (resolveFilter), so only named ones here.
        `${pick(rand, TARGET_TYPES)}/${name.trim() === '' ? 'alice' : name}`,
        `arn:aws:iam::${ACCOUNT_A}:user/${name}`,
        pick(rand, POLICIES),
        'AdministratorAccess',
        'team/alice',
      ]),
    );
  }
  if (rand() < 0.2) filter.account = vary(pick(rand, ACCOUNTS));
  if (rand() < 0.2) filter.eventName = vary(pick(rand, EVENTS));
  if (rand() < 0.2) filter.detection = vary(pick(rand, DETECTIONS));
  if (rand() < 0.2) filter.minSeverity = pick(rand, SEVERITIES);
  if (rand() < 0.2) filter.ip = vary(pick(rand, IPS));
  if (rand() < 0.25) filter.since = `2026-11-20T10:${String(Math.floor(rand() * 40)).padStart(2, '0')}:00Z`;
  if (rand() < 0.25) filter.until = `2026-11-20T10:${String(Math.floor(rand() * 40)).padStart(2, '0')}:30.5Z`;
  if (rand() < 0.5) filter.limit = 1 + Math.floor(rand() * 20);
  return filter;
}

const delivered = (attempts: number): ChannelDelivery => ({
  status: 'delivered',
  at: '2026-11-20T11:00:00.000Z',
  attempts,
});

/**
 * Writes `count` random entries into `stores` alike: puts in group-committed batches, duplicates of
 * earlier entries (changed, so a wrong "latest version" shows), imports, and delivery marks.
 */
async function fill(
  rand: Random,
  count: number,
  stores: LedgerStore[],
  written: StoredEntry[],
): Promise<void> {
  for (let done = 0; done < count; ) {
    const batch: StoredEntry[] = [];
    for (let i = 0; i < 10 && done < count; i++, done++) batch.push(randomEntry(rand, written.length + i));
    for (const store of stores) {
      await Promise.all(
        batch.map((e, i) =>
          i % 7 === 3 && store instanceof JournalLedgerStore
            ? store.importEntry(e, undefined)
            : store.putIfAbsent(e, rawOf(e)),
        ),
      );
    }
    written.push(...batch);
    const earlier = pick(rand, written);
    const changed = { ...earlier, eventName: 'Changed', severity: 'critical' as Severity };
    for (const store of stores) await store.putIfAbsent(changed, rawOf(changed));
    for (let mark = 0; mark < 3; mark++) {
      const marked = pick(rand, written).eventId;
      const channel = pick(rand, ['slack:default', 'sns']);
      const state = delivered(Math.floor(rand() * 5));
      for (const store of stores) await store.markDelivery(marked, channel, state);
    }
  }
}

const ids = (entries: { eventId: string }[]) => entries.map((e) => e.eventId);

/** The same query on a ledger opened from its index and on the journal read whole (no index). */
async function expectSameAnswers(
  home: string,
  filters: HistoryFilter[],
  reference?: LedgerStore,
): Promise<void> {
  const { index } = journalPaths(home);
  const answers: StoredEntry[][] = [];
  await withJournal(home, async (indexed) => {
    for (const filter of filters) answers.push(await indexed.history(filter));
  });
  const saved = existsSync(index) ? readFileSync(index) : undefined;
  rmSync(index, { force: true });
  await withJournal(home, async (scanned) => {
    for (const [at, filter] of filters.entries()) {
      const expected = await scanned.history(filter);
      expect(answers[at], JSON.stringify(filter)).toEqual(expected);
      if (reference)
        expect(ids(expected), JSON.stringify(filter)).toEqual(ids(await reference.history(filter)));
    }
  });
  if (saved) writeFileSync(index, saved);
}

async function ledgerOf(entries: StoredEntry[]): Promise<string> {
  const home = tempHome();
  await withJournal(home, (store) => Promise.all(entries.map((e) => store.putIfAbsent(e, rawOf(e)))));
  return home;
}

describe('journal index: answers exactly as the full scan', () => {
  it('matches `matchesFilter` on every row, for random ledgers and filters', async () => {
    for (const seed of [1, 2, 3]) {
      const rand = seededRandom(seed);
      const home = tempHome();
      const written: StoredEntry[] = [];
      await withJournal(home, (store) => fill(rand, 120, [store], written));
      const { journal, index: indexFile } = journalPaths(home);
      const fd = openSync(journal, 'r');
      try {
        const index = readJournalIndex(indexFile, fd, fstatSync(fd).size);
        expect(index?.rows).toBe(written.length);
        const text = readFileSync(journal);
        const rows = Array.from({ length: index?.rows ?? 0 }, (_, row) => {
          const { from, to } = index?.span(row) ?? { from: 0, to: 0 };
          return JSON.parse(text.toString('utf8', from, to)) as StoredEntry;
        });
        for (let round = 0; round < 150; round++) {
          const resolved = resolveFilter(randomFilter(rand));
          const matches = index?.matcher(resolved);
          expect(matches).toBeDefined();
          const wrong = rows.filter((e, row) => matches?.(row) !== matchesFilter(e, resolved));
          expect(ids(wrong), JSON.stringify(resolved)).toEqual([]);
        }
      } finally {
        closeSync(fd);
      }
    }
  });

  it('answers every history query as the full scan and the memory store, delivery state and re-imports included', async () => {
    for (const seed of [11, 12]) {
      const rand = seededRandom(seed);
      const home = tempHome();
      const memory = new MemoryLedgerStore();
      await withJournal(home, (store) => fill(rand, 150, [store, memory], []));
      expect(existsSync(journalPaths(home).index)).toBe(true);
      const filters = [{}, { limit: 5 }, ...Array.from({ length: 120 }, () => randomFilter(rand))];
      await expectSameAnswers(home, filters, memory);
    }
  });

  it('answers as the full scan from a stale index of a random ledger, whatever was written after it', async () => {
    for (const seed of [21, 22]) {
      const rand = seededRandom(seed);
      const home = tempHome();
      const memory = new MemoryLedgerStore();
      const written: StoredEntry[] = [];
      await withJournal(home, (first) => fill(rand, 60, [first, memory], written));
      const stale = readFileSync(journalPaths(home).index);
      await withJournal(home, (second) => fill(rand, 60, [second, memory], written));
      writeFileSync(journalPaths(home).index, stale);
      const filters = [{}, ...Array.from({ length: 80 }, () => randomFilter(rand))];
      await expectSameAnswers(home, filters, memory);
    }
  });

  it('reads only the index and the entries a query returns, not the journal', async () => {
    const padding = Array.from({ length: 20 }, (_, i) =>
      entry({ eventId: `pad-${i}`, eventTime: `2026-11-20T09:${String(i).padStart(2, '0')}:00Z` }),
    );
    const home = await ledgerOf([
      entry({ eventId: 'a', eventTime: '2026-11-20T10:00:00Z', eventName: 'CreateUser' }),
      entry({ eventId: 'b', eventTime: '2026-11-20T11:00:00Z', eventName: 'DeleteUser' }),
      ...padding,
    ]);
    // Spoil entry a's line keys, byte for byte, far from the journal's end: a full read refuses the
    // journal (damage followed by good lines), the index never looks there.
    const { journal } = journalPaths(home);
    const text = readFileSync(journal, 'utf8');
    const at = text.indexOf('"id":"a"') + 5;
    writeFileSync(journal, `${text.slice(0, at)}#${text.slice(at + 1)}`);
    await withJournal(home, async (store) => {
      expect(ids(await store.history({ eventName: 'deleteuser' }))).toEqual(['b']);
      expect(ids(await store.history({ limit: 2 }))).toEqual(['b', 'a']);
    });
    rmSync(journalPaths(home).index);
    await expect(JournalLedgerStore.open({ home })).rejects.toThrow(/damaged at line 2/);
  });
});

describe('journal index: entries handed out', () => {
  it('are copies: changing one changes nothing the next query returns', async () => {
    const home = await ledgerOf([entry({ eventId: 'only', eventTime: '2026-11-20T10:00:00Z' })]);
    await withJournal(home, (writer) => writer.markDelivery('only', 'sns', delivered(1)));
    await withJournal(home, async (store) => {
      const [first] = await store.history({});
      const state = first?.delivery?.sns;
      if (state) state.attempts = 99;
      expect((await store.history({}))[0]?.delivery?.sns?.attempts).toBe(1);
    });
  });
});

describe('journal index: never a wrong answer from an index that does not fit', () => {
  const first = Array.from({ length: 30 }, (_, i) =>
    entry({
      eventId: `old-${i}`,
      eventTime: `2026-11-20T10:${String(i).padStart(2, '0')}:00Z`,
      target: { type: 'user', name: i % 2 ? 'bob' : 'carol' },
      detections: i % 3 ? [] : [hit('iam-user-created', 'high')],
      severity: i % 3 ? 'info' : 'high',
    }),
  );
  const later = Array.from({ length: 12 }, (_, i) =>
    entry({
      eventId: `new-${i}`,
      // Some older than what the index holds: they sort among the indexed entries.
      eventTime: `2026-11-20T${i % 2 ? '09' : '11'}:${String(i).padStart(2, '0')}:30Z`,
      target: { type: 'user', name: 'bob' },
      severity: 'critical',
    }),
  );
  const filters: HistoryFilter[] = [
    {},
    { target: 'bob' },
    { minSeverity: 'high' },
    { target: 'user/bob', limit: 3 },
    { since: '2026-11-20T10:20:00Z' },
    { detection: 'iam-user-created' },
  ];

  it('is stale: lines appended after it was written (by a process that crashed, or an older iamwatch) are read', async () => {
    const home = await ledgerOf(first);
    const { index } = journalPaths(home);
    const stale = readFileSync(index);
    await withJournal(home, async (writer) => {
      for (const e of later) await writer.putIfAbsent(e, rawOf(e));
      await writer.markDelivery('old-3', 'sns', delivered(2));
      await writer.markDelivery('new-1', 'sns', delivered(1));
    });
    // As if that process had never written its index.
    writeFileSync(index, stale);
    await withJournal(home, async (reader) => {
      expect(ids(await reader.history({ target: 'bob', limit: 4 }))).toEqual([
        'new-10',
        'new-8',
        'new-6',
        'new-4',
      ]);
      expect((await reader.get('old-3'))?.delivery?.sns?.attempts).toBe(2);
      expect(
        (await reader.history({ eventName: 'CreateUser' })).find((e) => e.eventId === 'old-3')?.delivery,
      ).toEqual({ sns: delivered(2) });
    });
    // The reader brought the index up to date; the answers agree either way.
    expect(readFileSync(index).equals(stale)).toBe(false);
    await expectSameAnswers(home, filters);
  });

  it('is stale and the journal has a torn last line: the line is dropped and the answers are right', async () => {
    const home = await ledgerOf(first);
    appendFileSync(journalPaths(home).journal, '{"t":"entry","id":"torn","at":"2026-11-20T');
    await withJournal(home, async (store) => {
      expect(await store.get('torn')).toBeUndefined();
      expect(ids(await store.history({ limit: 1 }))).toEqual(['old-29']);
    });
    expect(readFileSync(journalPaths(home).journal, 'utf8').endsWith('\n')).toBe(true);
    await expectSameAnswers(home, filters);
  });

  it('is truncated, corrupt, empty, of another version or not an index: ignored, and written again', async () => {
    const home = await ledgerOf(first);
    const { index } = journalPaths(home);
    const good = readFileSync(index);
    const flipped = (at: number) => {
      const copy = Buffer.from(good);
      copy[at] = (copy[at] as number) ^ 0x20;
      return copy;
    };
    const otherVersion = Buffer.from(good);
    otherVersion.writeUInt32LE(99, 4);
    const damaged = [
      good.subarray(0, good.length >> 1),
      good.subarray(0, 20),
      flipped(40),
      flipped(good.length - 200),
      flipped(good.length - 3),
      otherVersion,
      Buffer.alloc(0),
      Buffer.from('not an index\n'),
    ];
    for (const bytes of damaged) {
      writeFileSync(index, bytes);
      await withJournal(home, async (store) => {
        expect(ids(await store.history({ target: 'bob', limit: 2 }))).toEqual(['old-29', 'old-27']);
        expect((await store.get('old-0'))?.eventId).toBe('old-0');
        await expect(
          store.putIfAbsent(first[1] as StoredEntry, rawOf(first[1] as StoredEntry)),
        ).resolves.toEqual({
          outcome: 'duplicate',
        });
      });
      expect(readFileSync(index).equals(bytes)).toBe(false);
      await expectSameAnswers(home, filters);
    }
  });

  it('belongs to another journal (another ledger, a replaced or rewritten journal): ignored', async () => {
    const home = await ledgerOf(first);
    const other = await ledgerOf(later);
    copyFileSync(journalPaths(other).index, journalPaths(home).index);
    await withJournal(home, async (store) => {
      expect(ids(await store.history({ limit: 2 }))).toEqual(['old-29', 'old-28']);
      expect(await store.get('new-0')).toBeUndefined();
    });
    // The other journal moved into place under this home's index: only its own entries.
    copyFileSync(journalPaths(other).journal, journalPaths(home).journal);
    copyFileSync(journalPaths(other).raw, journalPaths(home).raw);
    await withJournal(home, async (replaced) => {
      expect((await replaced.history({})).length).toBe(later.length);
      expect(await replaced.get('old-0')).toBeUndefined();
    });
  });

  it('is of the journal before a compaction: the rewritten journal gets its own index', async () => {
    const home = await ledgerOf(first);
    const { index } = journalPaths(home);
    await withJournal(home, async (writer) => {
      for (let attempt = 0; attempt < 40; attempt++)
        await writer.markDelivery('old-5', 'sns', delivered(attempt));
    });
    const before = readFileSync(index);
    await withJournal(
      home,
      async (compacting) => {
        expect(compacting.journalLines).toBe(first.length);
        expect(existsSync(index)).toBe(false);
      },
      { compactAfter: 10 },
    );
    expect(readFileSync(index).equals(before)).toBe(false);
    // The old index put back over the rewritten journal is refused: its generation is gone.
    const current = readFileSync(index);
    writeFileSync(index, before);
    await withJournal(home, async (reader) => {
      expect((await reader.get('old-5'))?.delivery?.sns?.attempts).toBe(39);
      expect(ids(await reader.history({ target: 'carol', limit: 2 }))).toEqual(['old-28', 'old-26']);
    });
    writeFileSync(index, current);
    await expectSameAnswers(home, filters);
  });

  it('has a damaged list of entries: a process that needs them finds them in the journal', async () => {
    const home = await ledgerOf(first);
    const { index } = journalPaths(home);
    await withJournal(home, async (store) => {
      await store.putIfAbsent(later[0] as StoredEntry, rawOf(later[0] as StoredEntry));
      await store.markDelivery('old-1', 'sns', delivered(4));
    });
    // The entry list is the file's last part: damage its last bytes, keep the query part good.
    const bytes = readFileSync(index);
    bytes[bytes.length - 5] = 0x7e;
    writeFileSync(index, bytes);
    await withJournal(home, async (reader) => {
      expect(ids(await reader.history({ target: 'bob', limit: 2 }))).toEqual(['new-0', 'old-29']);
      expect((await reader.get('old-1'))?.delivery?.sns?.attempts).toBe(4);
      expect(await reader.getRaw('old-2')).toEqual(rawOf(first[2] as StoredEntry));
      expect(await reader.putIfAbsent(first[3] as StoredEntry, rawOf(first[3] as StoredEntry))).toEqual({
        outcome: 'duplicate',
      });
    });
    await expectSameAnswers(home, filters);
  });
});

describe('journal index: the rest of the ledger', () => {
  it('carries the control state: suppressions and their log, burst windows, follow-ups, audit runs', async () => {
    const home = await ledgerOf([entry({ eventId: 'only', eventTime: '2026-11-20T10:00:00Z' })]);
    const suppression = {
      id: 'sup-1',
      detection: 'iam-user-created',
      reason: 'onboarding',
      owner: 'secops',
      createdBy: 'carol',
      createdAt: '2026-11-20T00:00:00.000Z',
      until: '2026-11-27T00:00:00.000Z',
    };
    const run: AuditRunRecord = { runAt: '2026-11-20T12:00:00.000Z', accounts: [], findings: [] };
    await withJournal(home, async (writer) => {
      await writer.putSuppression(suppression);
      await writer.putSuppression({ ...suppression, id: 'sup-2' });
      await writer.deleteSuppression('sup-2');
      await writer.countInBurst('k', '2026-11-20T10:00:00.000Z', 60_000);
      await writer.countInBurst('k', '2026-11-20T10:00:10.000Z', 60_000);
      await writer.putAuditRun(run);
    });
    await withJournal(home, async (reader) => {
      expect((await reader.listSuppressions()).map((s) => s.id)).toEqual(['sup-1']);
      expect(await reader.countInBurst('k', '2026-11-20T10:00:20.000Z', 60_000)).toEqual({
        position: 3,
        closesAt: '2026-11-20T10:01:00.000Z',
      });
      expect((await reader.latestAuditRun())?.runAt).toBe(run.runAt);
    });
    // And once more from the index the reader wrote, beside a journal read whole.
    const counted = await withJournal(home, (again) =>
      again.countInBurst('k', '2026-11-20T10:00:30.000Z', 60_000),
    );
    rmSync(journalPaths(home).index);
    await withJournal(home, async (scanned) => {
      expect(counted.position).toBe(4);
      expect(await scanned.countInBurst('k', '2026-11-20T10:00:40.000Z', 60_000)).toEqual({
        position: 5,
        closesAt: '2026-11-20T10:01:00.000Z',
      });
    });
  });
});

describe('journal index: crash safety', () => {
  it('is replaced atomically: a half-written new index beside it changes nothing', async () => {
    const home = await ledgerOf([entry({ eventId: 'only', eventTime: '2026-11-20T10:00:00Z' })]);
    const { index } = journalPaths(home);
    const good = readFileSync(index);
    writeFileSync(`${index}.tmp`, good.subarray(0, good.length >> 1));
    await withJournal(home, async (store) => {
      expect(ids(await store.history({}))).toEqual(['only']);
      await store.putIfAbsent(
        entry({ eventId: 'next', eventTime: '2026-11-20T11:00:00Z' }),
        rawOf(entry({ eventId: 'next', eventTime: '2026-11-20T11:00:00Z' })),
      );
    });
    expect(existsSync(`${index}.tmp`)).toBe(false);
    await withJournal(home, async (reopened) => {
      expect(ids(await reopened.history({}))).toEqual(['next', 'only']);
    });
  });

  it('covers only what is on disk: a journal cut back below what the index covers is read whole', async () => {
    const home = await ledgerOf([
      entry({ eventId: 'one', eventTime: '2026-11-20T10:00:00Z' }),
      entry({ eventId: 'two', eventTime: '2026-11-20T11:00:00Z' }),
    ]);
    const { journal } = journalPaths(home);
    const text = readFileSync(journal, 'utf8');
    // Drop the last line, as a restore of an older copy would.
    truncateSync(journal, Buffer.byteLength(text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1)));
    await withJournal(home, async (store) => {
      expect((await store.history({})).length).toBe(1);
    });
    expect(statSync(journal).size).toBeLessThan(Buffer.byteLength(text));
  });
});
