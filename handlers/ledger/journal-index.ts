/**
 * The local ledger's index (`journal/ledger.index`): what `history` needs of every entry, so that a
 * process can answer a query without reading the journal. Written by a process that changed the
 * ledger, when it closes; read when the ledger is opened. It is a cache: a missing, damaged or
 * foreign index, or one of another version, is ignored and the journal is read whole instead.
 *
 * An index covers the journal's first `covered` bytes. It names them by the journal's header line
 * (which carries a generation, new at every rewrite of the journal), that length, and a checksum of
 * the bytes just before it; an opener checks all three, then reads only the lines after `covered`
 * (appended since, by a process that crashed or an older iamwatch) the way a full open reads them.
 *
 * Layout, little-endian. A 32-byte preamble: magic, format version, the length of the query part's
 * JSON, the query part's length and CRC-32, the entry part's length and CRC-32. The query part,
 * which `history` reads: JSON (the stamp, line counts, the live control state as journal lines,
 * where the sections and columns are); one dictionary per kind of value (JSON arrays, each parsed
 * only by a query that compares such values); the delivery overlays (JSON texts, each parsed only
 * for an entry returned); then numeric columns, each 8-byte aligned, one value per entry in time
 * order (oldest first): where the entry's JSON is in the journal, its event time, a dictionary id
 * per field the filters compare (actor, target, account, event name, source IP, severity;
 * detections as a list per entry), and where its delivery overlay is. The entry part, read only by
 * a process that needs the entries one by one (to write, or to look one up): JSON of each entry's
 * id, time and raw record. Field values are kept as written; a query normalises the dictionary the
 * way `matchesFilter` does.
 */
import { closeSync, openSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { lastArnSegment } from '../../rules/arn';
import { severityAtLeast } from '../../rules/severity';
import type { Severity } from '../../rules/types';
import type { ChannelDelivery, StoredEntry } from '../ports';
import type { ResolvedFilter } from './filter';
import { type RawRef, readBytes } from './journal-file';
import { normaliseFacetValue } from './keys';

const MAGIC = 0x58494a49; // "IJIX"
const INDEX_VERSION = 1;
const PREAMBLE_BYTES = 32;
/** How much of the journal before `covered` the stamp's checksum covers. */
const STAMP_TAIL_BYTES = 4096;
/** A header line longer than this is not one the journal writes. */
const MAX_HEADER_BYTES = 4096;
/** Absent values in a 16-bit column (dictionaries of fewer entries use one). */
const ABSENT_U16 = 0xffff;
/** As wide as any offset a JSON number of a query part's size can take (`encodeJournalIndex`). */
const OFFSET_PLACEHOLDER = 4_294_967_295;

/** The string fields the filters compare, in column order (a policy's name is read off `policyArn`). */
const FIELDS = [
  'actorArn',
  'actorIssuer',
  'actorName',
  'targetType',
  'targetName',
  'targetArn',
  'policyArn',
  'account',
  'event',
  'ip',
  'severity',
] as const;
type Field = (typeof FIELDS)[number];

/**
 * Fields whose values share a dictionary; each dictionary is parsed only by a query that compares
 * its values, so a `--min-severity` query reads five strings, not every actor and target.
 */
const DICTIONARY_OF: Record<Field, Dictionary> = {
  actorArn: 'actor',
  actorIssuer: 'actor',
  actorName: 'actor',
  targetType: 'targetType',
  targetName: 'target',
  targetArn: 'target',
  policyArn: 'target',
  account: 'account',
  event: 'event',
  ip: 'ip',
  severity: 'severity',
};
type Dictionary = 'actor' | 'target' | 'targetType' | 'account' | 'event' | 'ip' | 'severity' | 'detection';
const DICTIONARIES: readonly Dictionary[] = [
  'actor',
  'target',
  'targetType',
  'account',
  'event',
  'ip',
  'severity',
  'detection',
];
/** The query part's byte sections after its JSON: the dictionaries, then the delivery overlays. */
type Section = Dictionary | 'deliveries';
const SECTIONS: readonly Section[] = [...DICTIONARIES, 'deliveries'];

/** Filter keys the index can answer; a filter with any other key is answered without it. */
const ANSWERED = new Set<string>([
  'actor',
  'target',
  'account',
  'eventName',
  'detection',
  'minSeverity',
  'ip',
  'since',
  'until',
  'limit',
]);

/** Which journal, and how much of it, an index describes. */
export interface JournalStamp {
  /** The journal's first line (the header, with its generation). */
  header: string;
  /** Bytes of the journal the index covers: every line before this offset. */
  covered: number;
  /** CRC-32 of the (up to) 4096 bytes before `covered`. */
  tail: number;
}

/** What the filters compare of one entry, as the entry holds it. */
export interface EntryKeys {
  /** `Date.parse(eventTime)`, as `matchesFilter` compares it. */
  time: number;
  fields: Record<Field, string | undefined>;
  detections: string[];
}

export function entryKeys(entry: StoredEntry): EntryKeys {
  return {
    time: Date.parse(entry.eventTime),
    fields: {
      actorArn: entry.actor.arn,
      actorIssuer: entry.actor.sessionIssuerArn,
      actorName: entry.actor.name,
      targetType: entry.target?.type,
      targetName: entry.target?.name,
      targetArn: entry.target?.arn,
      policyArn: entry.policyArn,
      account: entry.accountId,
      event: entry.eventName,
      ip: entry.sourceIp,
      severity: entry.severity,
    },
    detections: entry.detections.map((hit) => hit.id),
  };
}

/** One entry as the index keeps it. */
export interface IndexRow extends IndexedEntry {
  keys: EntryKeys;
}

/** An entry's place: what a process needs to hold it without reading it. */
export interface IndexedEntry {
  id: string;
  /** The canonical event time the journal line carries (`at`). */
  at: string;
  /** Byte range of the entry's JSON in the journal. */
  from: number;
  to: number;
  raw: RawRef | undefined;
  /** Delivery state to lay over the entry's own (from delivery lines after it). */
  delivery: Record<string, ChannelDelivery> | undefined;
}

export interface IndexContents {
  stamp: JournalStamp;
  /** Lines of the journal after its header, superseded ones included. */
  lines: number;
  /** Of those, the live ones (what a rewrite of the journal would keep). */
  live: number;
  /** The live control state (suppressions, bursts, audit runs …) as the journal lines that rebuild it. */
  control: string[];
}

interface QueryHeader extends IndexContents {
  rows: number;
  /**
   * Where each section is in the query part (offset, length): a dictionary's JSON (an array of
   * strings), or the delivery overlays' JSON texts one after another (columns say which is whose).
   */
  sections: Record<Section, [offset: number, length: number]>;
  /** Name, element type and element count of each numeric column, in file order. */
  columns: [name: string, type: ColumnType, count: number][];
}

/** The entry part: by row, each entry's id and `at`, and its raw record's offset and length (-1: none). */
interface EntryNames {
  ids: string[];
  ats: string[];
  raws: number[];
}

type ColumnType = 'f64' | 'i32' | 'u16';
type Column = Float64Array | Int32Array | Uint16Array;
type IdColumn = Int32Array | Uint16Array;

/** The index file for `contents` and `rows` (oldest first). */
export function encodeJournalIndex(contents: IndexContents, rows: readonly IndexRow[]): Buffer {
  const dictionaries = new Map(DICTIONARIES.map((name) => [name, new Map<string, number>()]));
  const intern = (name: Dictionary, value: string) => {
    const known = dictionaries.get(name) as Map<string, number>;
    let id = known.get(value);
    if (id === undefined) {
      id = known.size;
      known.set(value, id);
    }
    return id;
  };
  const count = rows.length;
  const from = new Float64Array(count);
  const length = new Int32Array(count);
  const time = new Float64Array(count);
  const fieldIds = FIELDS.map(() => new Int32Array(count));
  const detectionStart = new Int32Array(count + 1);
  const detections: number[] = [];
  const deliveryTexts: Buffer[] = [];
  const deliveryFrom = new Int32Array(count);
  const deliveryLength = new Int32Array(count);
  let deliveryBytes = 0;
  rows.forEach((row, index) => {
    from[index] = row.from;
    length[index] = row.to - row.from;
    time[index] = row.keys.time;
    FIELDS.forEach((field, column) => {
      const value = row.keys.fields[field];
      (fieldIds[column] as Int32Array)[index] =
        value === undefined ? -1 : intern(DICTIONARY_OF[field], value);
    });
    for (const id of row.keys.detections) detections.push(intern('detection', id));
    detectionStart[index + 1] = detections.length;
    if (row.delivery) {
      const text = Buffer.from(JSON.stringify(row.delivery), 'utf8');
      deliveryTexts.push(text);
      deliveryFrom[index] = deliveryBytes;
      deliveryLength[index] = text.length;
      deliveryBytes += text.length;
    }
  });
  // Most dictionaries hold fewer values than 16 bits count: half the bytes to read.
  const ids = (column: Int32Array, name: Dictionary): IdColumn => {
    if ((dictionaries.get(name) as Map<string, number>).size >= ABSENT_U16) return column;
    const narrow = new Uint16Array(column.length);
    for (let at = 0; at < column.length; at++) {
      const id = column[at] as number;
      narrow[at] = id < 0 ? ABSENT_U16 : id;
    }
    return narrow;
  };
  const columns: [string, Column][] = [
    ['from', from],
    ['length', length],
    ['time', time],
    ...FIELDS.map((field, column): [string, Column] => [
      field,
      ids(fieldIds[column] as Int32Array, DICTIONARY_OF[field]),
    ]),
    ['detectionStart', detectionStart],
    ['detections', ids(new Int32Array(detections), 'detection')],
    ['deliveryFrom', deliveryFrom],
    ['deliveryLength', deliveryLength],
  ];
  const sectionBytes = [
    ...DICTIONARIES.map((name) =>
      Buffer.from(JSON.stringify([...(dictionaries.get(name) as Map<string, number>).keys()]), 'utf8'),
    ),
    Buffer.concat(deliveryTexts, deliveryBytes),
  ];
  const header = (offsets: QueryHeader['sections']): QueryHeader => ({
    ...contents,
    rows: count,
    sections: offsets,
    columns: columns.map(([name, column]) => [name, typeOf(column), column.length]),
  });
  // The header names where the sections follow it, so its own length is needed first: the offsets
  // are written with a fixed width.
  const placeholder = Object.fromEntries(
    SECTIONS.map((name) => [name, [OFFSET_PLACEHOLDER, OFFSET_PLACEHOLDER]]),
  ) as QueryHeader['sections'];
  const headerBytes = Buffer.byteLength(JSON.stringify(header(placeholder)), 'utf8');
  let offset = headerBytes;
  const offsets = Object.fromEntries(
    SECTIONS.map((name, at) => {
      const length = (sectionBytes[at] as Buffer).length;
      const place: [number, number] = [offset, length];
      offset += length;
      return [name, place];
    }),
  ) as QueryHeader['sections'];
  const json = Buffer.from(JSON.stringify(header(offsets)).padEnd(headerBytes, ' '), 'utf8');
  const query: Uint8Array[] = [json, ...sectionBytes];
  let queryBytes = offset;
  for (const [, column] of columns) {
    const padding = (8 - (queryBytes % 8)) % 8;
    query.push(Buffer.alloc(padding), new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
    queryBytes += padding + column.byteLength;
  }
  const names: EntryNames = {
    ids: rows.map((row) => row.id),
    ats: rows.map((row) => row.at),
    raws: rawsOf(rows),
  };
  const entryPart = Buffer.from(JSON.stringify(names), 'utf8');
  const queryPart = Buffer.concat(query, queryBytes);
  const preamble = Buffer.alloc(PREAMBLE_BYTES);
  preamble.writeUInt32LE(MAGIC, 0);
  preamble.writeUInt32LE(INDEX_VERSION, 4);
  preamble.writeUInt32LE(json.length, 8);
  preamble.writeUInt32LE(queryPart.length, 12);
  preamble.writeUInt32LE(crc32(queryPart), 16);
  preamble.writeUInt32LE(entryPart.length, 20);
  preamble.writeUInt32LE(crc32(entryPart), 24);
  return Buffer.concat([preamble, queryPart, entryPart]);
}

/** Each row's raw record as offset and length, -1 and -1 when it has none. */
function rawsOf(rows: readonly IndexRow[]): number[] {
  const raws = new Array<number>(2 * rows.length);
  rows.forEach((row, index) => {
    raws[2 * index] = row.raw ? row.raw[0] : -1;
    raws[2 * index + 1] = row.raw ? row.raw[1] : -1;
  });
  return raws;
}

function typeOf(column: Column): ColumnType {
  return column instanceof Float64Array ? 'f64' : column instanceof Int32Array ? 'i32' : 'u16';
}

/** The journal's stamp at `covered` bytes, read from the file; undefined when it has no header line there. */
export function stampJournal(journal: string, covered: number): JournalStamp | undefined {
  const fd = openSync(journal, 'r');
  try {
    return stampOf(fd, covered);
  } finally {
    closeSync(fd);
  }
}

function stampOf(fd: number, covered: number): JournalStamp | undefined {
  const start = readBytes(fd, 0, Math.min(covered, MAX_HEADER_BYTES));
  const newline = start.indexOf(0x0a);
  if (newline < 0) return undefined;
  const tailFrom = Math.max(0, covered - STAMP_TAIL_BYTES);
  const tail = readBytes(fd, tailFrom, covered - tailFrom);
  if (tail.length !== covered - tailFrom || tail[tail.length - 1] !== 0x0a) return undefined;
  return { header: start.toString('utf8', 0, newline), covered, tail: crc32(tail) };
}

/**
 * The index in `file` when it describes the journal open as `journalFd` (of `journalBytes` bytes);
 * undefined when it is missing, damaged, of another version or of another journal. Reads the query
 * part only.
 */
export function readJournalIndex(
  file: string,
  journalFd: number,
  journalBytes: number,
): JournalIndex | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const preamble = readBytes(fd, 0, PREAMBLE_BYTES);
    if (preamble.length < PREAMBLE_BYTES || preamble.readUInt32LE(0) !== MAGIC) return undefined;
    if (preamble.readUInt32LE(4) !== INDEX_VERSION) return undefined;
    const jsonBytes = preamble.readUInt32LE(8);
    const queryBytes = preamble.readUInt32LE(12);
    // Buffer.alloc never pools: the part starts 8-byte aligned, as its columns need.
    const query = readBytes(fd, PREAMBLE_BYTES, queryBytes);
    if (query.length !== queryBytes || jsonBytes > queryBytes) return undefined;
    if (crc32(query) !== preamble.readUInt32LE(16)) return undefined;
    const entryPart = {
      file,
      at: PREAMBLE_BYTES + queryBytes,
      bytes: preamble.readUInt32LE(20),
      crc: preamble.readUInt32LE(24),
    };
    const header = JSON.parse(query.toString('utf8', 0, jsonBytes)) as QueryHeader;
    for (const name of SECTIONS) {
      const [at, length] = header.sections[name];
      if (at < jsonBytes || at + length > queryBytes) return undefined;
    }
    const { stamp } = header;
    if (!(stamp.covered > 0 && stamp.covered <= journalBytes)) return undefined;
    const actual = stampOf(journalFd, stamp.covered);
    if (!actual || actual.header !== stamp.header || actual.tail !== stamp.tail) return undefined;
    const columns = new Map<string, Column>();
    const [lastAt, lastLength] = header.sections.deliveries;
    let offset = lastAt + lastLength;
    for (const [name, type, count] of header.columns) {
      offset += (8 - (offset % 8)) % 8;
      const width = type === 'f64' ? 8 : type === 'i32' ? 4 : 2;
      if (offset + count * width > query.length) return undefined;
      const at = query.byteOffset + offset;
      columns.set(
        name,
        type === 'f64'
          ? new Float64Array(query.buffer, at, count)
          : type === 'i32'
            ? new Int32Array(query.buffer, at, count)
            : new Uint16Array(query.buffer, at, count),
      );
      offset += count * width;
    }
    return JournalIndex.of(header, query, entryPart, columns);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Where the entry part is, to be read when first needed. */
interface EntryPart {
  file: string;
  at: number;
  bytes: number;
  crc: number;
}

/** A loaded index: the filters answered from its columns, and its entries. */
export class JournalIndex {
  private readonly parsed = new Map<Dictionary, { values: string[]; normalised?: string[] }>();

  private constructor(
    private readonly header: QueryHeader,
    private readonly query: Buffer,
    private readonly entryPart: EntryPart,
    private readonly from: Float64Array,
    private readonly length: Int32Array,
    private readonly time: Float64Array,
    private readonly fields: Record<Field, IdColumn>,
    private readonly detectionStart: Int32Array,
    private readonly detectionIds: IdColumn,
    private readonly deliveryFrom: Int32Array,
    private readonly deliveryLength: Int32Array,
  ) {}

  /** undefined when a column is missing or of the wrong length (a damaged or foreign index). */
  static of(
    header: QueryHeader,
    query: Buffer,
    entryPart: EntryPart,
    columns: Map<string, Column>,
  ): JournalIndex | undefined {
    const rows = header.rows;
    const f64 = (name: string) => {
      const column = columns.get(name);
      return column instanceof Float64Array && column.length === rows ? column : undefined;
    };
    const i32 = (name: string, count = rows) => {
      const column = columns.get(name);
      return column instanceof Int32Array && column.length === count ? column : undefined;
    };
    const idColumn = (name: string, count = rows) => {
      const column = columns.get(name);
      return (column instanceof Int32Array || column instanceof Uint16Array) && column.length === count
        ? column
        : undefined;
    };
    const fields: Partial<Record<Field, IdColumn>> = {};
    for (const field of FIELDS) fields[field] = idColumn(field);
    const detectionStart = i32('detectionStart', rows + 1);
    const detectionIds = detectionStart && idColumn('detections', detectionStart[rows]);
    const from = f64('from');
    const length = i32('length');
    const time = f64('time');
    const deliveryFrom = i32('deliveryFrom');
    const deliveryLength = i32('deliveryLength');
    if (!from || !length || !time || !detectionStart || !detectionIds || !deliveryFrom || !deliveryLength) {
      return undefined;
    }
    if (FIELDS.some((field) => !fields[field])) return undefined;
    return new JournalIndex(
      header,
      query,
      entryPart,
      from,
      length,
      time,
      fields as Record<Field, IdColumn>,
      detectionStart,
      detectionIds,
      deliveryFrom,
      deliveryLength,
    );
  }

  get stamp(): JournalStamp {
    return this.header.stamp;
  }

  get lines(): number {
    return this.header.lines;
  }

  get live(): number {
    return this.header.live;
  }

  get control(): readonly string[] {
    return this.header.control;
  }

  get rows(): number {
    return this.header.rows;
  }

  /** The byte range of entry `row`'s JSON in the journal. */
  span(row: number): { from: number; to: number } {
    const from = this.from[row] as number;
    return { from, to: from + (this.length[row] as number) };
  }

  /** The delivery overlay of entry `row`: state from delivery lines after the entry's own line. */
  deliveryOf(row: number): Record<string, ChannelDelivery> | undefined {
    const length = this.deliveryLength[row] as number;
    if (length <= 0) return undefined;
    const at = this.header.sections.deliveries[0] + (this.deliveryFrom[row] as number);
    return JSON.parse(this.query.toString('utf8', at, at + length)) as Record<string, ChannelDelivery>;
  }

  /** What the filters compare of entry `row`, decoded from the dictionary. */
  keys(row: number): EntryKeys {
    const fields: Partial<Record<Field, string | undefined>> = {};
    for (const field of FIELDS)
      fields[field] = this.value(DICTIONARY_OF[field], this.fields[field][row] as number);
    const detections: string[] = [];
    const end = this.detectionStart[row + 1] as number;
    for (let at = this.detectionStart[row] as number; at < end; at++) {
      detections.push(this.value('detection', this.detectionIds[at] as number) as string);
    }
    return {
      time: this.time[row] as number,
      fields: fields as Record<Field, string | undefined>,
      detections,
    };
  }

  /**
   * Every entry, oldest first; undefined when the entry part does not read back as written (the
   * caller then finds the entries in the journal).
   */
  entries(): IndexedEntry[] | undefined {
    const names = this.entryNames();
    if (!names) return undefined;
    const entries: IndexedEntry[] = [];
    for (let row = 0; row < this.rows; row++) {
      const rawFrom = names.raws[2 * row] as number;
      const { from, to } = this.span(row);
      entries.push({
        id: names.ids[row] as string,
        at: names.ats[row] as string,
        from,
        to,
        raw: rawFrom < 0 ? undefined : [rawFrom, names.raws[2 * row + 1] as number],
        delivery: this.deliveryOf(row),
      });
    }
    return entries;
  }

  private entryNames(): EntryNames | undefined {
    const { file, at, bytes, crc } = this.entryPart;
    try {
      const fd = openSync(file, 'r');
      let part: Buffer;
      try {
        part = readBytes(fd, at, bytes);
      } finally {
        closeSync(fd);
      }
      if (part.length !== bytes || crc32(part) !== crc) return undefined;
      const names = JSON.parse(part.toString('utf8')) as EntryNames;
      const rows = this.rows;
      return names.ids.length === rows && names.ats.length === rows && names.raws.length === 2 * rows
        ? names
        : undefined;
    } catch {
      return undefined;
    }
  }

  /** The values a `--target` query can match of entry `row` (`targetValues`). */
  targetValues(row: number): string[] {
    const { targetName, targetArn, policyArn } = this.fields;
    const policy = this.value('target', policyArn[row] as number);
    const values = [
      this.value('target', targetName[row] as number),
      this.value('target', targetArn[row] as number),
      policy,
      lastArnSegment(policy),
    ];
    return values.filter((value): value is string => value !== undefined && value.trim() !== '');
  }

  /** The account of entry `row`, as the entry holds it. */
  account(row: number): string | undefined {
    return this.value('account', this.fields.account[row] as number);
  }

  /**
   * A test of rows equivalent to `matchesFilter` on their entries; undefined when the filter has a
   * constraint the index does not hold.
   */
  matcher(filter: ResolvedFilter): ((row: number) => boolean) | undefined {
    if (Object.keys(filter).some((key) => !ANSWERED.has(key))) return undefined;
    const tests: ((row: number) => boolean)[] = [];
    const equalTo = (dictionary: Dictionary, wanted: string) =>
      this.idsWhere(dictionary, (_, normalised) => normalised === wanted);
    const anyOf = (wanted: Uint8Array, ...columns: IdColumn[]) => {
      tests.push((row) => columns.some((column) => hit(wanted, column[row] as number)));
    };
    const { fields } = this;
    if (filter.actor !== undefined) {
      anyOf(equalTo('actor', filter.actor), fields.actorArn, fields.actorIssuer, fields.actorName);
    }
    const target = filter.target;
    if (target !== undefined) {
      if ('value' in target) {
        const wanted = target.value;
        const names = equalTo('target', wanted);
        // The policy the call named matches by ARN or by name (`targetValues`).
        const policies = this.idsWhere(
          'target',
          (value, normalised) =>
            normalised === wanted || normaliseFacetValue(lastArnSegment(value) ?? '') === wanted,
        );
        tests.push(
          (row) =>
            hit(names, fields.targetName[row] as number) ||
            hit(names, fields.targetArn[row] as number) ||
            hit(policies, fields.policyArn[row] as number),
        );
      } else {
        const types = this.idsWhere('targetType', (value) => value === target.type);
        const names = equalTo('target', target.name);
        tests.push(
          (row) =>
            hit(types, fields.targetType[row] as number) && hit(names, fields.targetName[row] as number),
        );
      }
    }
    if (filter.account !== undefined) anyOf(equalTo('account', filter.account), fields.account);
    if (filter.eventName !== undefined) anyOf(equalTo('event', filter.eventName), fields.event);
    if (filter.ip !== undefined) anyOf(equalTo('ip', filter.ip), fields.ip);
    if (filter.detection !== undefined) {
      const wanted = equalTo('detection', filter.detection);
      tests.push((row) => {
        const end = this.detectionStart[row + 1] as number;
        for (let at = this.detectionStart[row] as number; at < end; at++) {
          if (hit(wanted, this.detectionIds[at] as number)) return true;
        }
        return false;
      });
    }
    const min = filter.minSeverity;
    if (min !== undefined) {
      // The entry's severity as stored, compared as `matchesFilter` compares it.
      anyOf(
        this.idsWhere('severity', (value) => severityAtLeast(value as Severity, min)),
        fields.severity,
      );
    }
    if (filter.since !== undefined) {
      const since = Date.parse(filter.since);
      tests.push((row) => !((this.time[row] as number) < since));
    }
    if (filter.until !== undefined) {
      const until = Date.parse(filter.until);
      tests.push((row) => !((this.time[row] as number) > until));
    }
    return (row) => tests.every((test) => test(row));
  }

  private value(dictionary: Dictionary, id: number): string | undefined {
    const { values } = this.dictionary(dictionary);
    return id < 0 || id >= values.length ? undefined : values[id];
  }

  /**
   * A dictionary's values, parsed on first use.
   *
   * @throws SyntaxError when its JSON does not parse (the file passed its checksum, so only a bug of
   *   the writer could cause it).
   */
  private dictionary(name: Dictionary): { values: string[]; normalised?: string[] } {
    let parsed = this.parsed.get(name);
    if (!parsed) {
      const [at, length] = this.header.sections[name];
      parsed = { values: JSON.parse(this.query.toString('utf8', at, at + length)) as string[] };
      this.parsed.set(name, parsed);
    }
    return parsed;
  }

  /** A flag per id of a dictionary: whether its value (as stored, and normalised) passes `test`. */
  private idsWhere(name: Dictionary, test: (value: string, normalised: string) => boolean): Uint8Array {
    const dictionary = this.dictionary(name);
    dictionary.normalised ??= dictionary.values.map(normaliseFacetValue);
    const normalised = dictionary.normalised;
    const flags = new Uint8Array(dictionary.values.length);
    dictionary.values.forEach((value, id) => {
      if (test(value, normalised[id] as string)) flags[id] = 1;
    });
    return flags;
  }
}

/** Whether dictionary id `id` (negative or past the dictionary when absent) is flagged. */
function hit(flags: Uint8Array, id: number): boolean {
  return id >= 0 && flags[id] === 1;
}
