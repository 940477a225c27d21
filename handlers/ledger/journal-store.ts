/**
 * The local ledger (`--store local`): the memory store's semantics, kept on disk as an append-only
 * journal under `$IAMWATCH_HOME/journal/`. Opening reads the index a process that changed the ledger
 * wrote when it closed (journal-index.ts) and the journal lines after what it covers; without an
 * index that describes the journal, the journal whole. `history` answers from the index's columns
 * and reads only the entries it returns; every entry returned passes the same `matchesFilter`
 * predicate as in every other store.
 *
 * Why not the embedded DynamoDB-compatible server it replaces: each entry cost a conditional put and a
 * batch of about a dozen items through HTTP, the SDK and LevelDB — about 10 ms of CPU per entry. Here
 * an entry is one JSON line and one raw record appended, fsync'd in group-committed batches.
 *
 * Guarantees kept: a put is checked and recorded in memory before its first `await`, so one eventId
 * is inserted once however many puts race; `inserted` is answered only after the line is fsync'd, so
 * an alert never goes out for an entry a crash could lose; a duplicate whose raw record is missing or
 * unreadable writes it again (the repair); a crash can only tear the journal's last line, which is
 * dropped when the ledger is next opened. One process at a time: a pid lock turns a second away.
 */
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { CloudTrailRecord } from '../../rules/types';
import type { ChannelDelivery, HistoryFilter, LedgerStore, PutResult, StoredEntry } from '../ports';
import { canonicalEntry } from './codec';
import { type ControlChange, InProcessControlState } from './control-state';
import { LedgerConfigurationError, LedgerEntryNotFoundError } from './errors';
import { matchesFilter, type ResolvedFilter, resolveFilter, type TargetQuery } from './filter';
import {
  JournalWriter,
  parseJournal,
  parseJsonLine,
  type RawRef,
  readBytes,
  readText,
  replaceBytesAtomically,
  replaceFileAtomically,
  syncFolder,
} from './journal-file';
import {
  encodeJournalIndex,
  entryKeys,
  type IndexedEntry,
  type IndexRow,
  type JournalIndex,
  readJournalIndex,
  stampJournal,
} from './journal-index';
import { sortTime } from './keys';
import { acquireLock } from './lock';
import { TargetIndex } from './target-index';

export const JOURNAL_FORMAT = 'iamwatch-ledger-journal';
export const JOURNAL_VERSION = 1;

/** The journal's lines. The first is the header; every other one is a committed write. */
export type JournalRecord =
  | { t: 'header'; format: typeof JOURNAL_FORMAT; version: number; generation?: string }
  | { t: 'entry'; id: string; at: string; raw?: RawRef; entry: StoredEntry }
  | { t: 'raw'; id: string; raw: RawRef }
  | { t: 'delivery'; id: string; channel: string; state: ChannelDelivery }
  | ControlChange;

/** Files of a local ledger inside `$IAMWATCH_HOME`. */
export interface JournalPaths {
  home: string;
  folder: string;
  journal: string;
  raw: string;
  /** What `history` reads instead of the journal (journal-index.ts); a cache, rebuilt when missing. */
  index: string;
  lock: string;
  /** Where iamwatch before the journal kept its embedded dynalite (LevelDB) ledger. */
  legacy: string;
}

export function journalPaths(home: string): JournalPaths {
  const root = resolve(home);
  const folder = join(root, 'journal');
  return {
    home: root,
    folder,
    journal: join(folder, 'ledger.jsonl'),
    raw: join(folder, 'raw.jsonl'),
    index: join(folder, 'ledger.index'),
    // The same lock file the dynalite ledger used, so an older iamwatch and this one exclude each other.
    lock: join(root, 'ledger.lock'),
    legacy: join(root, 'ledger'),
  };
}

/**
 * Superseded lines (delivery updates, taken follow-ups, …) tolerated before the journal is rewritten
 * at open: at least this many, and at least as many as the live records.
 */
const COMPACT_AFTER_SUPERSEDED = 10_000;

/**
 * A loaded journal line of an entry: its keys parsed, the entry itself left as JSON text until a
 * read needs it (most queries need few of them).
 */
interface EntryLine {
  t: 'entry';
  id: string;
  at: string;
  raw?: RawRef;
  /** Where the entry's JSON is in the journal as read, still undecoded. */
  text: Undecoded;
}

/** A byte range of the journal. */
interface Undecoded {
  from: number;
  to: number;
}

interface Slot {
  id: string;
  /**
   * The entry as JSON (delivery state aside), as written or still undecoded in the journal as
   * loaded: what queries pre-filter on.
   */
  text: string | Undecoded;
  /** Where the entry's JSON is in the journal as it is now (after a compaction, not where it was read). */
  span: Undecoded | undefined;
  /** The entry's row in the index the ledger was opened with, whose columns answer filters. */
  row: number | undefined;
  /** The entry, once parsed; delivery updates apply to it. */
  parsed: StoredEntry | undefined;
  /** Delivery updates read from the journal before the entry was parsed. */
  delivery: Record<string, ChannelDelivery> | undefined;
  raw: RawRef | undefined;
  time: string;
  /** Settles when the line that inserted the entry is on disk; rejects if that write failed. */
  committed: Promise<void>;
}

export interface JournalLedgerOptions {
  /** The `$IAMWATCH_HOME` folder. */
  home: string;
  /**
   * Moves an older, dynalite-based ledger found in the home into a journal folder; called once, with
   * the lock held, when `home/ledger` exists and `home/journal` does not.
   */
  migrate?: (paths: JournalPaths) => Promise<void>;
  /** Superseded lines tolerated before the journal is rewritten at open (tests lower it). */
  compactAfter?: number;
}

export class JournalLedgerStore extends InProcessControlState implements LedgerStore {
  private readonly slotMap = new Map<string, Slot>();
  /** Every slot, oldest first once `sorted`. */
  private readonly orderedSlots: Slot[] = [];
  /**
   * The index the ledger was opened with, while its entries are not yet slots: made slots (all of
   * them, oldest first, before any other) by the first use of `slots` or `ordered`. `history` answers
   * from the index without that.
   */
  private rowsToLoad: JournalIndex | undefined;
  private sorted = true;
  /**
   * Entries by target, built at the first `--target` query of a process that also writes (replay,
   * whose record path looks up a policy's earlier versions by target), kept up to date from then on.
   * A one-off `history --target` scans the undecoded lines instead: parsing every entry to index it
   * would cost that reader more than the scan.
   */
  private byTarget: TargetIndex<Slot> | undefined;
  private insertedHere = false;
  private lines = 0;
  /**
   * The journal as read at open from byte `sourceStart` (0, or where the index stops): loaded entries
   * are decoded from it when first needed; entries before it are read from `loaded`.
   */
  private source: Buffer = Buffer.alloc(0);
  private sourceStart = 0;
  /** The journal file as opened, when entries are read from it by byte range (opened from the index). */
  private loaded: number | undefined;
  private index: JournalIndex | undefined;
  /** Whether the index on disk no longer describes the journal (written at close when so). */
  private indexStale = false;
  private writer: JournalWriter | undefined;
  private closing: Promise<void> | undefined;

  private constructor(
    readonly paths: JournalPaths,
    private readonly release: () => void,
    private readonly compactAfter = COMPACT_AFTER_SUPERSEDED,
  ) {
    super();
  }

  /**
   * Opens (creating if needed) the ledger in `home`: takes the lock, migrates an older ledger, loads
   * the journal, drops a torn tail and rewrites the journal when most of it is superseded.
   *
   * @throws LedgerConfigurationError when another process holds the ledger, or the journal is damaged
   *   or of an unknown format.
   */
  static async open(options: JournalLedgerOptions): Promise<JournalLedgerStore> {
    const paths = journalPaths(options.home);
    mkdirSync(paths.home, { recursive: true });
    const release = acquireLock(paths.lock, `the local ledger in ${paths.home}`);
    try {
      if (!existsSync(paths.folder) && isFolder(paths.legacy)) {
        if (!options.migrate) {
          throw new LedgerConfigurationError(
            `${paths.legacy} holds a ledger of an older iamwatch (embedded dynalite); open it with \`iamwatch history\` once to migrate it`,
          );
        }
        await options.migrate(paths);
      }
      const store = new JournalLedgerStore(paths, release, options.compactAfter);
      store.load();
      store.writer = await JournalWriter.open(paths.journal, paths.raw);
      return store;
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * A ledger in `folder` with no lock and no migration: for building a journal that is moved into
   * place afterwards (the migration of an older ledger).
   */
  static async createAt(folder: string): Promise<JournalLedgerStore> {
    const paths = {
      ...journalPaths(folder),
      folder,
      journal: join(folder, 'ledger.jsonl'),
      raw: join(folder, 'raw.jsonl'),
      index: join(folder, 'ledger.index'),
    };
    const store = new JournalLedgerStore(paths, () => undefined);
    store.load();
    store.writer = await JournalWriter.open(paths.journal, paths.raw);
    return store;
  }

  /** Lines in the journal after its header (superseded ones included). */
  get journalLines(): number {
    return this.lines;
  }

  /** Every entry by eventId. */
  private get slots(): Map<string, Slot> {
    this.loadRows();
    return this.slotMap;
  }

  /** Every entry, oldest first once `sorted`. */
  private get ordered(): Slot[] {
    this.loadRows();
    return this.orderedSlots;
  }

  /** Makes the index's entries slots (see `rowsToLoad`). */
  private loadRows(): void {
    const index = this.rowsToLoad;
    if (!index) return;
    this.rowsToLoad = undefined;
    let entries = index.entries();
    if (!entries) {
      entries = this.indexedEntriesFromJournal(index);
      this.indexStale = true;
    }
    entries.forEach((row, at) => {
      const text = { from: row.from, to: row.to };
      const slot: Slot = {
        id: row.id,
        text,
        span: text,
        row: at,
        parsed: undefined,
        delivery: row.delivery,
        raw: row.raw,
        time: `${row.at}#${row.id}`,
        committed: COMMITTED,
      };
      this.slotMap.set(row.id, slot);
      this.orderedSlots.push(slot);
    });
  }

  /**
   * The index's entries found in the journal it covers, when its own list of them is damaged: the
   * entry lines give the ids, times and raw records (raw lines the repaired ones), and the index where
   * each entry's JSON starts.
   */
  private indexedEntriesFromJournal(index: JournalIndex): IndexedEntry[] {
    if (this.loaded === undefined) throw new LedgerConfigurationError('the local ledger is closed');
    const covered = readBytes(this.loaded, 0, index.stamp.covered);
    const byStart = new Map<number, { id: string; at: string; raw: RawRef | undefined }>();
    const byId = new Map<string, { id: string; at: string; raw: RawRef | undefined }>();
    for (const record of parseJournal(covered, this.paths.journal, parseLine).records as (
      | JournalRecord
      | EntryLine
    )[]) {
      if (record.t === 'entry' && 'text' in record && !byId.has(record.id)) {
        const found = { id: record.id, at: record.at, raw: record.raw };
        byStart.set(record.text.from, found);
        byId.set(record.id, found);
      } else if (record.t === 'raw') {
        const found = byId.get(record.id);
        if (found) found.raw = record.raw;
      }
    }
    return Array.from({ length: index.rows }, (_, row) => {
      const span = index.span(row);
      const found = byStart.get(span.from);
      if (!found)
        throw new LedgerConfigurationError(`${this.paths.index} does not match the journal; delete it`);
      return { ...found, ...span, delivery: index.deliveryOf(row) };
    });
  }

  private load(): void {
    mkdirSync(this.paths.folder, { recursive: true });
    this.indexStale = true;
    if (!existsSync(this.paths.journal)) {
      replaceFileAtomically(this.paths.journal, [JSON.stringify(header())]);
      return;
    }
    if (this.loadIndexed()) return;
    this.source = readFileSync(this.paths.journal);
    const contents = parseJournal(this.source, this.paths.journal, parseLine);
    const [first, ...records] = contents.records as (JournalRecord | EntryLine)[];
    if (first === undefined && contents.validBytes === 0) {
      // Created but its header never reached the disk.
      replaceFileAtomically(this.paths.journal, [JSON.stringify(header())]);
      return;
    }
    if (first?.t !== 'header' || first.format !== JOURNAL_FORMAT || first.version !== JOURNAL_VERSION) {
      throw new LedgerConfigurationError(
        `${this.paths.journal} is not a ledger journal this iamwatch can read (format ${JSON.stringify(first?.t === 'header' ? first.version : first)}); move it away or upgrade iamwatch`,
      );
    }
    if (contents.torn) {
      truncateSync(this.paths.journal, contents.validBytes);
      syncFolder(this.paths.folder);
    }
    this.lines = this.applyLoaded(records, 0);
    this.compactIfMostlySuperseded();
  }

  /**
   * Loads the ledger from its index and the journal lines after what the index covers; false (and
   * nothing loaded) when there is no index that describes this journal.
   */
  private loadIndexed(): boolean {
    const fd = openSync(this.paths.journal, 'r');
    try {
      const bytes = fstatSync(fd).size;
      const index = readJournalIndex(this.paths.index, fd, bytes);
      if (!index || !isReadableHeader(index.stamp.header)) {
        closeSync(fd);
        return false;
      }
      this.loaded = fd;
      this.loadFromIndex(index, fd, bytes);
      return true;
    } catch (error) {
      closeSync(fd);
      this.loaded = undefined;
      throw error;
    }
  }

  private loadFromIndex(index: JournalIndex, fd: number, bytes: number): void {
    this.index = index;
    this.indexStale = false;
    this.sourceStart = index.stamp.covered;
    for (const line of index.control) this.apply(JSON.parse(line) as JournalRecord);
    this.rowsToLoad = index;
    this.lines = index.lines;
    const { covered } = index.stamp;
    if (bytes > covered) {
      // Lines appended after the index was written (a crash before close, or an older iamwatch).
      this.indexStale = true;
      this.source = readBytes(fd, covered, bytes - covered);
      const contents = parseJournal(this.source, this.paths.journal, parseLine, index.lines + 1);
      if (contents.torn) {
        truncateSync(this.paths.journal, covered + contents.validBytes);
        syncFolder(this.paths.folder);
      }
      this.lines += this.applyLoaded(contents.records as (JournalRecord | EntryLine)[], covered);
      this.compactIfMostlySuperseded();
    } else if (index.lines - index.live > Math.max(this.compactAfter, index.live)) {
      this.compactIfMostlySuperseded();
    }
  }

  /** Applies lines read from the journal at byte `base`; returns how many. */
  private applyLoaded(records: (JournalRecord | EntryLine)[], base: number): number {
    for (const record of records) {
      if (record.t === 'entry' && 'text' in record) {
        record.text = { from: record.text.from + base, to: record.text.to + base };
      }
      this.apply(record);
    }
    return records.length;
  }

  private compactIfMostlySuperseded(): void {
    const live = this.liveRecordCount();
    if (this.lines - live > Math.max(this.compactAfter, live)) this.compact();
  }

  /** Brings the state up to date with one committed line. */
  private apply(record: JournalRecord | EntryLine): void {
    switch (record.t) {
      case 'entry': {
        if (this.slots.has(record.id)) return;
        const text = 'text' in record ? record.text : JSON.stringify(record.entry);
        const slot = this.addSlot(
          record.id,
          `${record.at}#${record.id}`,
          text,
          undefined,
          record.raw,
          COMMITTED,
        );
        if (typeof text !== 'string') slot.span = text;
        return;
      }
      case 'raw': {
        const slot = this.slots.get(record.id);
        if (slot) slot.raw = record.raw;
        return;
      }
      case 'delivery': {
        const slot = this.slots.get(record.id);
        if (!slot) return;
        if (slot.parsed) slot.parsed.delivery = { ...slot.parsed.delivery, [record.channel]: record.state };
        else slot.delivery = { ...slot.delivery, [record.channel]: record.state };
        return;
      }
      case 'header':
        return;
      default:
        this.applyControl(record);
    }
  }

  /** Live records: one line per entry (delivery state folded in), suppressions, bursts, audit runs. */
  private liveRecordCount(): number {
    return this.slots.size + this.liveControlCount();
  }

  /** The state as the fewest lines that rebuild it. */
  private *liveLines(): Generator<string> {
    for (const [id, slot] of this.slots) {
      const text = slot.parsed || slot.delivery ? JSON.stringify(this.entryOf(slot)) : this.textOf(slot);
      yield entryLine(id, slot.time, slot.raw, text);
    }
    for (const change of this.liveControl()) yield JSON.stringify(change);
  }

  /**
   * Rewrites the journal as its live lines under a new header (a new generation, so no index of the
   * old journal can pass for one of the new), noting where each entry now is.
   */
  private compact(): void {
    rmSync(this.paths.index, { force: true });
    const slots = [...this.slots.values()];
    const spans: Undecoded[] = [];
    const headerLine = JSON.stringify(header());
    let position = Buffer.byteLength(headerLine, 'utf8') + 1;
    const lines = function* (live: Iterable<string>): Generator<string> {
      yield headerLine;
      for (const line of live) {
        const bytes = Buffer.byteLength(line, 'utf8');
        // `liveLines` yields the entries first, in the order of `slots`.
        if (line.startsWith(ENTRY_PREFIX) && spans.length < slots.length) {
          const mark = line.indexOf(ENTRY_MARK) + ENTRY_MARK.length;
          spans.push({
            from: position + Buffer.byteLength(line.slice(0, mark), 'utf8'),
            to: position + bytes - 1,
          });
        }
        position += bytes + 1;
        yield line;
      }
    };
    replaceFileAtomically(this.paths.journal, lines(this.liveLines()));
    slots.forEach((slot, at) => {
      slot.span = spans[at];
    });
    this.lines = this.liveRecordCount();
    this.indexStale = true;
  }

  private addSlot(
    id: string,
    time: string,
    text: string | Undecoded,
    parsed: StoredEntry | undefined,
    raw: RawRef | undefined,
    committed: Promise<void>,
  ): Slot {
    const slot: Slot = {
      id,
      text,
      span: undefined,
      row: undefined,
      parsed,
      delivery: undefined,
      raw,
      time,
      committed,
    };
    const last = this.ordered.at(-1);
    if (last && last.time > slot.time) this.sorted = false;
    this.slots.set(id, slot);
    this.ordered.push(slot);
    this.byTarget?.add(this.entryOf(slot), slot);
    return slot;
  }

  private textOf(slot: Slot): string {
    if (typeof slot.text === 'string') return slot.text;
    const { from, to } = slot.text;
    if (from >= this.sourceStart) {
      return this.source.toString('utf8', from - this.sourceStart, to - this.sourceStart);
    }
    if (this.loaded === undefined) throw new LedgerConfigurationError('the local ledger is closed');
    return readText(this.loaded, from, to);
  }

  /** The slot's entry, parsed on first use (the stored object: copy it before handing it out). */
  private entryOf(slot: Slot): StoredEntry {
    if (!slot.parsed) {
      slot.parsed = JSON.parse(this.textOf(slot)) as StoredEntry;
      if (slot.delivery) slot.parsed.delivery = { ...slot.parsed.delivery, ...slot.delivery };
      slot.delivery = undefined;
    }
    return slot.parsed;
  }

  /** Inserts a validated entry: in memory at once, on disk when the returned promise settles. */
  private insert(canonical: StoredEntry, raw: RawRef | undefined): Promise<void> {
    const id = canonical.eventId;
    const time = sortTime(canonical.eventTime, id);
    const text = JSON.stringify(canonical);
    const line = entryLine(id, time, raw, text);
    const start = this.writer?.journalBytes;
    const committed = this.write(line);
    committed.catch(() => undefined);
    this.insertedHere = true;
    const slot = this.addSlot(id, time, text, canonical, raw, committed);
    if (start !== undefined) {
      const to = start + Buffer.byteLength(line, 'utf8') - 1;
      slot.span = { from: to - Buffer.byteLength(text, 'utf8'), to };
    }
    return committed;
  }

  /** Control changes are journal lines like any other write. */
  protected persist(change: ControlChange): Promise<void> {
    return this.write(change);
  }

  private write(record: JournalRecord | string): Promise<void> {
    if (!this.writer || this.closing) {
      return Promise.reject(new LedgerConfigurationError('the local ledger is closed'));
    }
    this.lines++;
    this.indexStale = true;
    return this.writer.appendLine(typeof record === 'string' ? record : JSON.stringify(record));
  }

  async putIfAbsent(entry: StoredEntry, raw: CloudTrailRecord): Promise<PutResult> {
    const canonical = canonicalEntry(entry);
    const writer = this.openWriter();
    const existing = this.slots.get(canonical.eventId);
    if (existing) {
      await existing.committed;
      if (!existing.raw || (await writer.readRaw(existing.raw)) === undefined) {
        existing.raw = writer.reserveRaw(JSON.stringify(raw));
        await this.write({ t: 'raw', id: canonical.eventId, raw: existing.raw });
      }
      return { outcome: 'duplicate' };
    }
    // No await between the check and the insert: concurrent puts of one eventId cannot both insert.
    await this.insert(canonical, writer.reserveRaw(JSON.stringify(raw)));
    return { outcome: 'inserted' };
  }

  /**
   * Inserts an entry brought over from another ledger, with its delivery state as it is and its raw
   * record when that ledger still had one (a later duplicate put writes a missing one).
   */
  async importEntry(entry: StoredEntry, raw: CloudTrailRecord | undefined): Promise<PutResult> {
    if (raw) return this.putIfAbsent(entry, raw);
    const canonical = canonicalEntry(entry);
    if (this.slots.has(canonical.eventId)) return { outcome: 'duplicate' };
    await this.insert(canonical, undefined);
    return { outcome: 'inserted' };
  }

  async get(eventId: string): Promise<StoredEntry | undefined> {
    const slot = this.slots.get(eventId);
    if (!slot) return undefined;
    await slot.committed;
    return structuredClone(this.entryOf(slot));
  }

  async getRaw(eventId: string): Promise<CloudTrailRecord | undefined> {
    const slot = this.slots.get(eventId);
    if (!slot?.raw) return undefined;
    await slot.committed;
    return (await this.openWriter().readRaw(slot.raw)) as CloudTrailRecord | undefined;
  }

  async markDelivery(eventId: string, channel: string, state: ChannelDelivery): Promise<void> {
    const slot = this.slots.get(eventId);
    if (!slot) throw new LedgerEntryNotFoundError(eventId);
    const copy = JSON.parse(JSON.stringify(state)) as ChannelDelivery;
    const stored = this.entryOf(slot);
    stored.delivery = { ...stored.delivery, [channel]: copy };
    await this.write({ t: 'delivery', id: eventId, channel, state: copy });
  }

  async history(filter: HistoryFilter): Promise<StoredEntry[]> {
    const resolved = resolveFilter(filter);
    const limit = resolved.limit ?? Number.POSITIVE_INFINITY;
    const found: StoredEntry[] = [];
    if (limit <= 0) return found;
    // Entries the index holds are ruled out by its columns, without reading them.
    const rowMatches = this.index?.matcher(resolved);
    if (this.rowsToLoad && rowMatches)
      return this.historyOfIndex(this.rowsToLoad, resolved, rowMatches, limit);
    const mayMatch = textPrefilter(resolved);
    const ordered =
      resolved.target && this.insertedHere ? this.targetSlots(resolved.target) : this.inTimeOrder();
    for (let index = ordered.length - 1; index >= 0; index--) {
      const slot = ordered[index] as Slot;
      // Oldest first, so nothing before `since` can match once one slot is older.
      if (resolved.since && slot.time < resolved.since) break;
      if (slot.row !== undefined && rowMatches) {
        if (!rowMatches(slot.row)) continue;
      } else if (!mayMatch(this.textOf(slot))) continue;
      const stored = this.entryOf(slot);
      if (!matchesFilter(stored, resolved)) continue;
      found.push(structuredClone(stored));
      if (found.length >= limit) break;
    }
    return found;
  }

  /**
   * `history` while every entry is a row of the index (the ledger holds nothing else): newest first,
   * reading only the entries the columns match.
   */
  private historyOfIndex(
    index: JournalIndex,
    filter: ResolvedFilter,
    rowMatches: (row: number) => boolean,
    limit: number,
  ): StoredEntry[] {
    const found: StoredEntry[] = [];
    for (let row = index.rows - 1; row >= 0 && found.length < limit; row--) {
      if (!rowMatches(row)) continue;
      const { from, to } = index.span(row);
      if (this.loaded === undefined) throw new LedgerConfigurationError('the local ledger is closed');
      const stored = JSON.parse(readText(this.loaded, from, to)) as StoredEntry;
      const delivery = index.deliveryOf(row);
      // A copy: the overlay stays the index's, whatever the caller does with the entry.
      if (delivery) stored.delivery = { ...stored.delivery, ...structuredClone(delivery) };
      if (matchesFilter(stored, filter)) found.push(stored);
    }
    return found;
  }

  async oldestEntryTime(accountId?: string): Promise<string | undefined> {
    const accountOf = (slot: Slot) =>
      slot.row !== undefined && this.index ? this.index.account(slot.row) : this.entryOf(slot).accountId;
    const oldest = this.inTimeOrder().find((slot) => !accountId || accountOf(slot) === accountId);
    return oldest?.time.slice(0, oldest.time.indexOf('#'));
  }

  /**
   * Waits for every write in flight, brings the index up to date, closes the files and releases the
   * lock; idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        await this.writer?.close();
        this.saveIndex();
      } finally {
        if (this.loaded !== undefined) closeSync(this.loaded);
        this.loaded = undefined;
        this.release();
      }
    })();
    return this.closing;
  }

  /**
   * Writes the index of the journal as it is now, when the one on disk does not describe it. Only
   * once every write is on disk: an index never covers a line a crash could lose.
   */
  private saveIndex(): void {
    const writer = this.writer;
    if (!this.indexStale || !writer || writer.failed) return;
    try {
      const covered = writer.journalBytes;
      if (statSync(this.paths.journal).size !== covered) return;
      const stamp = stampJournal(this.paths.journal, covered);
      if (!stamp) return;
      const rows: IndexRow[] = [];
      for (const slot of this.inTimeOrder()) {
        const row = this.indexRow(slot);
        if (!row) return;
        rows.push(row);
      }
      const control = this.liveControl().map((change) => JSON.stringify(change));
      const contents = { stamp, lines: this.lines, live: this.liveRecordCount(), control };
      replaceBytesAtomically(this.paths.index, encodeJournalIndex(contents, rows));
    } catch {
      // The index is a cache: without it the next open reads the journal whole, and writes it again.
    }
  }

  private indexRow(slot: Slot): IndexRow | undefined {
    if (!slot.span) return undefined;
    const delivery = slot.parsed ? slot.parsed.delivery : slot.delivery;
    const keys =
      slot.parsed !== undefined
        ? entryKeys(slot.parsed)
        : slot.row !== undefined && this.index
          ? this.index.keys(slot.row)
          : entryKeys(JSON.parse(this.textOf(slot)) as StoredEntry);
    return {
      id: slot.id,
      at: slot.time.slice(0, slot.time.indexOf('#')),
      from: slot.span.from,
      to: slot.span.to,
      raw: slot.raw,
      delivery: delivery && Object.keys(delivery).length > 0 ? delivery : undefined,
      keys,
    };
  }

  private openWriter(): JournalWriter {
    if (!this.writer || this.closing) throw new LedgerConfigurationError('the local ledger is closed');
    if (this.writer.failed) throw this.writer.failed;
    return this.writer;
  }

  /** The slots that may match a target query, oldest first (see `byTarget`). */
  private targetSlots(query: TargetQuery): Slot[] {
    if (!this.byTarget) {
      this.byTarget = new TargetIndex<Slot>();
      for (const slot of this.ordered) {
        if (slot.row !== undefined && this.index)
          this.byTarget.addValues(this.index.targetValues(slot.row), slot);
        else this.byTarget.add(this.entryOf(slot), slot);
      }
    }
    return [...this.byTarget.candidates(query)].sort((a, b) =>
      a.time < b.time ? -1 : a.time > b.time ? 1 : 0,
    );
  }

  private inTimeOrder(): Slot[] {
    if (!this.sorted) {
      this.ordered.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
      this.sorted = true;
    }
    return this.ordered;
  }
}

/** A new journal's first line; the generation tells this journal from any earlier one in its place. */
function header(): JournalRecord {
  return { t: 'header', format: JOURNAL_FORMAT, version: JOURNAL_VERSION, generation: randomUUID() };
}

function isReadableHeader(line: string): boolean {
  try {
    const first = JSON.parse(line) as JournalRecord;
    return first.t === 'header' && first.format === JOURNAL_FORMAT && first.version === JOURNAL_VERSION;
  } catch {
    return false;
  }
}

const COMMITTED = Promise.resolve();
const ENTRY_MARK = ',"entry":';

/**
 * An entry's journal line. The keys come first and the entry last, so loading can parse the keys and
 * keep the entry as text (`parseLine`).
 */
function entryLine(id: string, time: string, raw: RawRef | undefined, entryText: string): string {
  const at = time.slice(0, time.indexOf('#'));
  const rawPart = raw ? `,"raw":${JSON.stringify(raw)}` : '';
  return `{"t":"entry","id":${JSON.stringify(id)},"at":${JSON.stringify(at)}${rawPart}${ENTRY_MARK}${entryText}}`;
}

const ENTRY_PREFIX = '{"t":"entry",';

/**
 * Parses one journal line; an entry line's entry stays undecoded. Inside JSON strings every `"` is
 * escaped, so the first `,"entry":` is the key of the entry line itself.
 */
function parseLine(bytes: Buffer, start: number, end: number): JournalRecord | EntryLine {
  if (bytes.toString('latin1', start, start + ENTRY_PREFIX.length) !== ENTRY_PREFIX) {
    return parseJsonLine(bytes, start, end) as JournalRecord;
  }
  const mark = bytes.indexOf(ENTRY_MARK, start, 'latin1');
  // A torn line ends early; only a complete object counts (the entry is checked when parsed).
  if (mark < 0 || mark >= end || bytes[mark + ENTRY_MARK.length] !== 0x7b || bytes[end - 1] !== 0x7d) {
    throw new SyntaxError('incomplete entry line');
  }
  const text = { from: mark + ENTRY_MARK.length, to: end - 1 };
  const keys = readEntryKeys(bytes, start, mark);
  if (keys) return { t: 'entry', ...keys, text };
  const parsed = JSON.parse(`${bytes.toString('utf8', start, mark)}}`) as Omit<EntryLine, 'text'>;
  return { t: 'entry', id: parsed.id, at: parsed.at, ...(parsed.raw ? { raw: parsed.raw } : {}), text };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The keys of an entry line as `entryLine` writes them, read without `JSON.parse` (loading a large
 * ledger is mostly this); undefined when the line is not in exactly that shape (an id with escapes).
 */
function readEntryKeys(
  bytes: Buffer,
  start: number,
  mark: number,
): { id: string; at: string; raw?: RawRef } | undefined {
  const expect = (at: number, text: string) => bytes.toString('latin1', at, at + text.length) === text;
  let position = start + ENTRY_PREFIX.length;
  if (!expect(position, '"id":"')) return undefined;
  position += 6;
  let close = position;
  while (close < mark && bytes[close] !== QUOTE) {
    if (bytes[close] === BACKSLASH) return undefined;
    close++;
  }
  const id = bytes.toString('utf8', position, close);
  position = close + 1;
  if (!expect(position, ',"at":"')) return undefined;
  position += 7;
  close = bytes.indexOf(QUOTE, position);
  if (close < 0 || close >= mark) return undefined;
  const at = bytes.toString('latin1', position, close);
  position = close + 1;
  if (position === mark) return { id, at };
  if (!expect(position, ',"raw":[')) return undefined;
  position += 8;
  const numbers: number[] = [];
  let value = 0;
  for (; position < mark; position++) {
    const byte = bytes[position] as number;
    if (byte >= 0x30 && byte <= 0x39) value = value * 10 + (byte - 0x30);
    else if (byte === 0x2c || byte === 0x5d) {
      numbers.push(value);
      value = 0;
      if (byte === 0x5d) break;
    } else return undefined;
  }
  if (position + 1 !== mark || numbers.length !== 2) return undefined;
  return { id, at, raw: [numbers[0] as number, numbers[1] as number] };
}

/**
 * A cheap test that rules entries out before they are parsed: each text the filter compares
 * (case-insensitively, after trimming) must appear in the entry's JSON. Used only for values JSON
 * writes as they are (printable ASCII without quotes or backslashes); a regular expression with the
 * `i` flag then finds every match `toLowerCase` would, except the Kelvin sign, which is added.
 * False positives are fine: `matchesFilter` decides.
 */
function textPrefilter(filter: ResolvedFilter): (text: string) => boolean {
  const target =
    filter.target === undefined
      ? undefined
      : 'value' in filter.target
        ? filter.target.value
        : filter.target.name;
  const needles = [
    filter.actor,
    target,
    filter.account,
    filter.eventName,
    filter.ip,
    filter.detection,
  ].filter((value): value is string => value !== undefined && /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/.test(value));
  if (needles.length === 0) return () => true;
  const patterns = needles.map(
    (needle) => new RegExp(needle.replace(/[.*+?^${}()|[\]]/g, '\\$&').replace(/k/gi, '[k\u212a]'), 'i'),
  );
  return (text) => patterns.every((pattern) => pattern.test(text));
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
