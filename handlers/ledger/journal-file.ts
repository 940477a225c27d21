/**
 * The files of the local ledger: an append-only journal of JSON lines (every committed write, in
 * order) and a side file of raw CloudTrail records the journal points into by byte range. Writes are
 * group-committed: whatever arrives while a batch is being written and fsync'd goes into the next
 * batch, and a write's promise settles only once its batch is on disk. A crash can only tear the tail
 * of a file; `readJournal` drops a torn last line, which no caller was ever told was committed.
 */
import { closeSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LedgerConfigurationError, LocalLedgerWriteError } from './errors';

/** Where a raw record lives in the raw file: byte offset and byte length (without the newline). */
export type RawRef = [offset: number, length: number];

const NEWLINE = 0x0a;

export interface JournalContents {
  /** Each complete line, parsed (by `parseLine`), in order. */
  records: unknown[];
  /** Bytes of the journal that hold complete lines (a torn tail starts here). */
  validBytes: number;
  /** True when a torn tail was found. */
  torn: boolean;
}

/**
 * Parses the journal's lines. Text after the last newline, and a last line that is not JSON, are a
 * write the crash interrupted: left out. An unparseable line followed by good ones is damage no crash
 * of ours produces, and is refused. `bytes` may be the journal's tail after `linesBefore` lines.
 *
 * @throws LedgerConfigurationError for a damaged journal.
 */
export function parseJournal(
  bytes: Buffer,
  file: string,
  parseLine: (bytes: Buffer, start: number, end: number) => unknown = parseJsonLine,
  linesBefore = 0,
): JournalContents {
  let end = bytes.lastIndexOf(NEWLINE) + 1;
  let torn = end < bytes.length;
  const records: unknown[] = [];
  let start = 0;
  let line = linesBefore;
  while (start < end) {
    const stop = bytes.indexOf(NEWLINE, start);
    line++;
    try {
      records.push(parseLine(bytes, start, stop));
    } catch (error) {
      if (stop + 1 < end) {
        throw new LedgerConfigurationError(
          `the local ledger journal ${file} is damaged at line ${line}; restore it from a backup or move it away and replay again`,
          { cause: error },
        );
      }
      end = start;
      torn = true;
      break;
    }
    start = stop + 1;
  }
  return { records, validBytes: end, torn };
}

/** One line as JSON. */
export function parseJsonLine(bytes: Buffer, start: number, end: number): unknown {
  return JSON.parse(bytes.toString('utf8', start, end));
}

interface Pending {
  lines: string[];
  raws: Buffer[];
  waiters: { resolve: () => void; reject: (error: unknown) => void }[];
}

/** Appends to the journal and the raw file in group-committed, fsync'd batches. */
export class JournalWriter {
  private pending: Pending = { lines: [], raws: [], waiters: [] };
  private flushing: Promise<void> | undefined;
  private failure: unknown;

  /**
   * @param rawEnd the raw file's size: where the next raw record goes.
   * @param journalEnd the journal's size: where the next line goes.
   */
  private constructor(
    private readonly journal: FileHandle,
    private readonly raw: FileHandle,
    private rawEnd: number,
    private journalEnd: number,
  ) {}

  static async open(journalFile: string, rawFile: string): Promise<JournalWriter> {
    const journal = await open(journalFile, 'a');
    let raw: FileHandle;
    try {
      raw = await open(rawFile, 'a+');
    } catch (error) {
      await journal.close();
      throw error;
    }
    const [rawStat, journalStat] = await Promise.all([raw.stat(), journal.stat()]);
    return new JournalWriter(journal, raw, rawStat.size, journalStat.size);
  }

  /** The journal's length once every line appended so far is written: where the next line starts. */
  get journalBytes(): number {
    return this.journalEnd;
  }

  /** The first write that failed; every later write is refused with it. */
  get failed(): unknown {
    return this.failure;
  }

  /**
   * Queues a raw record and returns where it will be; it is on disk once the journal line that names
   * it (appended with `append`, in the same turn) is committed.
   */
  reserveRaw(text: string): RawRef {
    const bytes = Buffer.from(`${text}\n`, 'utf8');
    const ref: RawRef = [this.rawEnd, bytes.length - 1];
    this.rawEnd += bytes.length;
    this.pending.raws.push(bytes);
    return ref;
  }

  /** Appends one record as a JSON line; resolves once it (and every raw record reserved before it) is fsync'd. */
  append(record: unknown): Promise<void> {
    return this.appendLine(JSON.stringify(record));
  }

  /** `append` for a line already serialised (one JSON value, no newline). */
  appendLine(json: string): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const line = `${json}\n`;
    this.journalEnd += Buffer.byteLength(line, 'utf8');
    return new Promise((resolve, reject) => {
      this.pending.lines.push(line);
      this.pending.waiters.push({ resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Reads a raw record back; undefined when the range is not (or no longer) readable JSON. */
  async readRaw([offset, length]: RawRef): Promise<unknown> {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await this.raw.read(buffer, 0, length, offset);
    if (bytesRead !== length) return undefined;
    try {
      return JSON.parse(buffer.toString('utf8'));
    } catch {
      return undefined;
    }
  }

  /** Waits for every queued write, then closes the files. */
  async close(): Promise<void> {
    await this.flushing?.catch(() => undefined);
    await Promise.allSettled([this.journal.close(), this.raw.close()]);
  }

  private async flush(): Promise<void> {
    // Let every write started in this turn of the event loop join the batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.waiters.length > 0) {
      const batch = this.pending;
      this.pending = { lines: [], raws: [], waiters: [] };
      try {
        // Raw records first: a journal line never points at raw bytes that were not written before it.
        if (batch.raws.length > 0) {
          await this.raw.writev(batch.raws);
          await this.raw.datasync();
        }
        await this.journal.write(batch.lines.join(''));
        await this.journal.datasync();
        for (const waiter of batch.waiters) waiter.resolve();
      } catch (error) {
        this.failure = new LocalLedgerWriteError('writing the local ledger failed', { cause: error });
        for (const waiter of [...batch.waiters, ...this.pending.waiters]) waiter.reject(this.failure);
        this.pending = { lines: [], raws: [], waiters: [] };
      }
    }
    this.flushing = undefined;
  }
}

/**
 * Replaces `file` with `lines` (JSON texts) atomically: written beside it, fsync'd, renamed over it, and the
 * folder fsync'd, so a crash leaves either the old file or the new one.
 */
export function replaceFileAtomically(file: string, lines: Iterable<string>): void {
  writeAtomically(file, (fd) => {
    let chunk = '';
    for (const line of lines) {
      chunk += `${line}\n`;
      if (chunk.length > 1 << 20) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
  });
}

/** `replaceFileAtomically` for bytes. */
export function replaceBytesAtomically(file: string, bytes: Uint8Array): void {
  writeAtomically(file, (fd) => {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written);
  });
}

function writeAtomically(file: string, write: (fd: number) => void): void {
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    write(fd);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  syncFolder(dirname(file));
}

/** `length` bytes of the file open as `fd` from `position`; fewer when the file ends first. */
export function readBytes(fd: number, position: number, length: number): Buffer {
  // Never pooled (so 8-byte aligned, as typed-array views of it need) and not zeroed first.
  const buffer = Buffer.allocUnsafeSlow(length);
  let read = 0;
  while (read < length) {
    const got = readSync(fd, buffer, read, length - read, position + read);
    if (got === 0) return buffer.subarray(0, read);
    read += got;
  }
  return buffer;
}

/** Bytes `from` to `to` of the file open as `fd`, as UTF-8 text. */
export function readText(fd: number, from: number, to: number): string {
  const bytes = readBytes(fd, from, to - from);
  if (bytes.length !== to - from) throw new RangeError(`the file ends before byte ${to}`);
  return bytes.toString('utf8');
}

/** fsyncs a folder, so a rename or a new file in it survives a power loss. */
export function syncFolder(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
