/**
 * The local ledger's index (`journal/ledger.index`): what `history` needs of every entry, so that a
 * process can answer a query without reading the journal. Written by a process that changed the
 * ledger, when it closes; read when the ledger is opened. It is a cache: a missing, damaged or
 * foreign index, or one of another version, is ignored and the journal is read whole instead.
 *
 * An index covers the journal's first `covered` bytes. It names them by the journal's header line
 * (which carries a generation, new at every rewrite of the journal), that length, and a checksum of
 * the bytes just before it; an opener checks all three, then reads only the lines after `covered`
 * (appended since, perhaps by an older iamwatch) the way a full open reads every line.
 *
 * Layout, little-endian: magic, format version, length of the JSON part, CRC-32 of everything after
 * the first 16 bytes; the JSON part (the stamp, line counts, the string dictionary, each entry's id,
 * time, delivery state, and the journal's other live lines as written); then numeric columns, each
 * 8-byte aligned, one value per entry in time order (oldest first): where the entry's JSON is in the
 * journal, its raw record's byte range, its event time, and a dictionary id per field the filters
 * compare (actor, target, account, event name, source IP, severity; detections as a list per entry).
 * Field values are kept as written; a query normalises the dictionary the way `matchesFilter` does.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { severityAtLeast } from '../../rules/severity';
import type { Severity } from '../../rules/types';
import type { ChannelDelivery, StoredEntry } from '../ports';
import type { ResolvedFilter } from './filter';
import { type RawRef, readBytes } from './journal-file';
import { normaliseFacetValue } from './keys';

const MAGIC = 0x58494a49; // "IJIX"
const INDEX_VERSION = 1;
const PREAMBLE_BYTES = 16;
/** How much of the journal before `covered` the stamp's checksum covers. */
const STAMP_TAIL_BYTES = 4096;
/** A header line longer than this is not one the journal writes. */
const MAX_HEADER_BYTES = 4096;

/** The string fields the filters compare, in column order. */
const FIELDS = [
  'actorArn',
  'actorIssuer',
  'actorName',
  'targetType',
  'targetName',
  'targetArn',
  'policyArn',
  'policyName',
  'account',
  'event',
  'ip',
  'severity',
] as const;
type Field = (typeof FIELDS)[number];

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
      policyName: entry.policyArn?.split('/').pop(),
      account: entry.accountId,
      event: entry.eventName,
      ip: entry.sourceIp,
      severity: entry.severity,
    },
    detections: entry.detections.map((hit) => hit.id),
  };
}

/** One entry as the index keeps it. */
export interface IndexRow {
  id: string;
  /** The canonical event time the journal line carries (`at`). */
  at: string;
  /** Byte range of the entry's JSON in the journal. */
  from: number;
  to: number;
  raw: RawRef | undefined;
  /** Delivery state to lay over the entry's own (from delivery lines after it). */
  delivery: Record<string, ChannelDelivery> | undefined;
  keys: EntryKeys;
}

export interface IndexContents {
  stamp: JournalStamp;
  /** Lines of the journal after its header, superseded ones included. */
  lines: number;
  /** The live lines other than entries (suppressions, bursts, audit runs …), as JSON, in journal order. */
  control: string[];
}

interface IndexHeader extends IndexContents {
  rows: number;
  dictionary: string[];
  ids: string[];
  ats: string[];
  deliveries: [row: number, delivery: Record<string, ChannelDelivery>][];
  /** Name, element type and element count of each numeric column, in file order. */
  columns: [name: string, type: 'f64' | 'i32', count: number][];
}

type Column = Float64Array | Int32Array;

/** The index file for `contents` and `rows` (oldest first). */
export function encodeJournalIndex(contents: IndexContents, rows: readonly IndexRow[]): Buffer {
  const dictionary: string[] = [];
  const ids = new Map<string, number>();
  const intern = (value: string | undefined) => {
    if (value === undefined) return -1;
    let id = ids.get(value);
    if (id === undefined) {
      id = dictionary.length;
      dictionary.push(value);
      ids.set(value, id);
    }
    return id;
  };
  const count = rows.length;
  const from = new Float64Array(count);
  const length = new Int32Array(count);
  const rawFrom = new Float64Array(count);
  const rawLength = new Int32Array(count);
  const time = new Float64Array(count);
  const fields = FIELDS.map(() => new Int32Array(count));
  const detectionStart = new Int32Array(count + 1);
  const detections: number[] = [];
  const deliveries: IndexHeader['deliveries'] = [];
  rows.forEach((row, index) => {
    from[index] = row.from;
    length[index] = row.to - row.from;
    rawFrom[index] = row.raw ? row.raw[0] : -1;
    rawLength[index] = row.raw ? row.raw[1] : -1;
    time[index] = row.keys.time;
    FIELDS.forEach((field, column) => {
      (fields[column] as Int32Array)[index] = intern(row.keys.fields[field]);
    });
    for (const id of row.keys.detections) detections.push(intern(id));
    detectionStart[index + 1] = detections.length;
    if (row.delivery) deliveries.push([index, row.delivery]);
  });
  const columns: [string, Column][] = [
    ['from', from],
    ['length', length],
    ['rawFrom', rawFrom],
    ['rawLength', rawLength],
    ['time', time],
    ...FIELDS.map((field, column): [string, Column] => [field, fields[column] as Int32Array]),
    ['detectionStart', detectionStart],
    ['detections', Int32Array.from(detections)],
  ];
  const header: IndexHeader = {
    ...contents,
    rows: count,
    dictionary,
    ids: rows.map((row) => row.id),
    ats: rows.map((row) => row.at),
    deliveries,
    columns: columns.map(([name, column]) => [
      name,
      column instanceof Float64Array ? 'f64' : 'i32',
      column.length,
    ]),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const parts: Uint8Array[] = [Buffer.alloc(PREAMBLE_BYTES), json];
  let size = PREAMBLE_BYTES + json.length;
  const pad = () => {
    const padding = (8 - (size % 8)) % 8;
    if (padding > 0) parts.push(Buffer.alloc(padding));
    size += padding;
  };
  for (const [, column] of columns) {
    pad();
    parts.push(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
    size += column.byteLength;
  }
  const file = Buffer.concat(parts, size);
  file.writeUInt32LE(MAGIC, 0);
  file.writeUInt32LE(INDEX_VERSION, 4);
  file.writeUInt32LE(json.length, 8);
  file.writeUInt32LE(crc32(file.subarray(PREAMBLE_BYTES)), 12);
  return file;
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
 * undefined when it is missing, damaged, of another version or of another journal.
 */
export function readJournalIndex(
  file: string,
  journalFd: number,
  journalBytes: number,
): JournalIndex | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    if (bytes.length < PREAMBLE_BYTES || bytes.readUInt32LE(0) !== MAGIC) return undefined;
    if (bytes.readUInt32LE(4) !== INDEX_VERSION) return undefined;
    const jsonBytes = bytes.readUInt32LE(8);
    if (PREAMBLE_BYTES + jsonBytes > bytes.length) return undefined;
    if (crc32(bytes.subarray(PREAMBLE_BYTES)) !== bytes.readUInt32LE(12)) return undefined;
    const header = JSON.parse(
      bytes.toString('utf8', PREAMBLE_BYTES, PREAMBLE_BYTES + jsonBytes),
    ) as IndexHeader;
    const { stamp } = header;
    if (!(stamp.covered > 0 && stamp.covered <= journalBytes)) return undefined;
    const actual = stampOf(journalFd, stamp.covered);
    if (!actual || actual.header !== stamp.header || actual.tail !== stamp.tail) return undefined;
    // Typed arrays need aligned offsets: copy the file once if the read buffer is not 8-byte aligned.
    const aligned = bytes.byteOffset % 8 === 0 ? bytes : Buffer.from(bytes);
    const columns = new Map<string, Column>();
    let offset = PREAMBLE_BYTES + jsonBytes;
    for (const [name, type, count] of header.columns) {
      offset += (8 - (offset % 8)) % 8;
      const width = type === 'f64' ? 8 : 4;
      if (offset + count * width > aligned.length) return undefined;
      const at = aligned.byteOffset + offset;
      columns.set(
        name,
        type === 'f64'
          ? new Float64Array(aligned.buffer, at, count)
          : new Int32Array(aligned.buffer, at, count),
      );
      offset += count * width;
    }
    return JournalIndex.of(header, columns);
  } catch {
    return undefined;
  }
}

/** A loaded index: the rows, and the filters answered from its columns. */
export class JournalIndex {
  private deliveries: Map<number, Record<string, ChannelDelivery>> | undefined;

  private constructor(
    private readonly header: IndexHeader,
    private readonly from: Float64Array,
    private readonly length: Int32Array,
    private readonly rawFrom: Float64Array,
    private readonly rawLength: Int32Array,
    private readonly time: Float64Array,
    private readonly fields: Record<Field, Int32Array>,
    private readonly detectionStart: Int32Array,
    private readonly detectionIds: Int32Array,
  ) {}

  /** undefined when a column is missing or of the wrong length (a damaged or foreign index). */
  static of(header: IndexHeader, columns: Map<string, Column>): JournalIndex | undefined {
    const rows = header.rows;
    const f64 = (name: string) => {
      const column = columns.get(name);
      return column instanceof Float64Array && column.length === rows ? column : undefined;
    };
    const i32 = (name: string, count = rows) => {
      const column = columns.get(name);
      return column instanceof Int32Array && column.length === count ? column : undefined;
    };
    const fields = Object.fromEntries(FIELDS.map((field) => [field, i32(field)]));
    const detectionStart = i32('detectionStart', rows + 1);
    const detectionIds = detectionStart && i32('detections', detectionStart[rows]);
    const from = f64('from');
    const length = i32('length');
    const rawFrom = f64('rawFrom');
    const rawLength = i32('rawLength');
    const time = f64('time');
    if (
      header.ids.length !== rows ||
      header.ats.length !== rows ||
      !from ||
      !length ||
      !rawFrom ||
      !rawLength ||
      !time ||
      !detectionStart ||
      !detectionIds ||
      FIELDS.some((field) => !fields[field])
    ) {
      return undefined;
    }
    return new JournalIndex(
      header,
      from,
      length,
      rawFrom,
      rawLength,
      time,
      fields as Record<Field, Int32Array>,
      detectionStart,
      detectionIds,
    );
  }

  get stamp(): JournalStamp {
    return this.header.stamp;
  }

  get lines(): number {
    return this.header.lines;
  }

  get control(): readonly string[] {
    return this.header.control;
  }

  get rows(): number {
    return this.header.rows;
  }

  /** Entry `row` as indexed (its keys decoded from the dictionary). */
  row(row: number): IndexRow {
    const { dictionary } = this.header;
    const value = (id: number) => (id < 0 ? undefined : dictionary[id]);
    const fields = Object.fromEntries(
      FIELDS.map((field) => [field, value(this.fields[field][row] as number)]),
    ) as Record<Field, string | undefined>;
    const detections: string[] = [];
    for (let at = this.detectionStart[row] as number; at < (this.detectionStart[row + 1] as number); at++) {
      detections.push(dictionary[this.detectionIds[at] as number] as string);
    }
    const rawLength = this.rawLength[row] as number;
    const from = this.from[row] as number;
    return {
      id: this.header.ids[row] as string,
      at: this.header.ats[row] as string,
      from,
      to: from + (this.length[row] as number),
      raw: rawLength < 0 ? undefined : [this.rawFrom[row] as number, rawLength],
      delivery: this.deliveryOf(row),
      keys: { time: this.time[row] as number, fields, detections },
    };
  }

  /** The delivery overlays, by row. */
  private deliveryOf(row: number): Record<string, ChannelDelivery> | undefined {
    this.deliveries ??= new Map(this.header.deliveries);
    return this.deliveries.get(row);
  }

  /** Every row's id, time, place in the journal, raw record and delivery overlay, oldest first. */
  *entries(): Generator<Omit<IndexRow, 'keys'> & { row: number }> {
    const { ids, ats } = this.header;
    for (let row = 0; row < this.header.rows; row++) {
      const rawLength = this.rawLength[row] as number;
      const from = this.from[row] as number;
      yield {
        row,
        id: ids[row] as string,
        at: ats[row] as string,
        from,
        to: from + (this.length[row] as number),
        raw: rawLength < 0 ? undefined : [this.rawFrom[row] as number, rawLength],
        delivery: this.deliveryOf(row),
      };
    }
  }

  /** The values a `--target` query can match of entry `row` (`targetValues`). */
  targetValues(row: number): string[] {
    const { dictionary } = this.header;
    const values: string[] = [];
    for (const field of ['targetName', 'targetArn', 'policyArn', 'policyName'] as const) {
      const id = this.fields[field][row] as number;
      const value = id < 0 ? undefined : dictionary[id];
      if (value !== undefined && value.trim() !== '') values.push(value);
    }
    return values;
  }

  /** The account of entry `row`, as the entry holds it. */
  account(row: number): string | undefined {
    const id = this.fields.account[row] as number;
    return id < 0 ? undefined : this.header.dictionary[id];
  }

  /**
   * A test of rows equivalent to `matchesFilter` on their entries; undefined when the filter has a
   * constraint the index does not hold.
   */
  matcher(filter: ResolvedFilter): ((row: number) => boolean) | undefined {
    if (Object.keys(filter).some((key) => !ANSWERED.has(key))) return undefined;
    const tests: ((row: number) => boolean)[] = [];
    const equalTo = (wanted: string) => this.idsWhere((value) => normaliseFacetValue(value) === wanted);
    const anyOf = (columns: Field[], wanted: Uint8Array) => {
      const arrays = columns.map((field) => this.fields[field]);
      tests.push((row) => arrays.some((column) => hit(wanted, column[row] as number)));
    };
    if (filter.actor !== undefined) anyOf(['actorArn', 'actorIssuer', 'actorName'], equalTo(filter.actor));
    const target = filter.target;
    if (target !== undefined) {
      if ('value' in target) {
        anyOf(['targetName', 'targetArn', 'policyArn', 'policyName'], equalTo(target.value));
      } else {
        const types = this.idsWhere((value) => value === target.type);
        const names = equalTo(target.name);
        const { targetType, targetName } = this.fields;
        tests.push((row) => hit(types, targetType[row] as number) && hit(names, targetName[row] as number));
      }
    }
    const single = (field: Field, wanted: Uint8Array) => {
      const column = this.fields[field];
      tests.push((row) => hit(wanted, column[row] as number));
    };
    if (filter.account !== undefined) single('account', equalTo(filter.account));
    if (filter.eventName !== undefined) single('event', equalTo(filter.eventName));
    if (filter.ip !== undefined) single('ip', equalTo(filter.ip));
    if (filter.detection !== undefined) {
      const wanted = equalTo(filter.detection);
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
      single(
        'severity',
        this.idsWhere((value) => severityAtLeast(value as Severity, min)),
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

  /** A flag per dictionary id: whether its value passes `test`. */
  private idsWhere(test: (value: string) => boolean): Uint8Array {
    const { dictionary } = this.header;
    const flags = new Uint8Array(dictionary.length);
    dictionary.forEach((value, id) => {
      if (test(value)) flags[id] = 1;
    });
    return flags;
  }
}

function hit(flags: Uint8Array, id: number): boolean {
  return id >= 0 && flags[id] === 1;
}
