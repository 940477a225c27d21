/**
 * Reads CloudTrail input from files, directories and stdin, one source at a time, and hands the text
 * to the pure parser. Gzip is recognised by its magic bytes (CloudTrail's S3 objects end in
 * `.json.gz`, but downloads are often renamed or already decompressed).
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { InvalidRecordError, type ParsedItem, parseInputText } from '../../rules/cloudtrail/parse';

/** The path that means "read standard input". */
export const STDIN_PATH = '-';
/** How stdin is named in locations and messages. */
const STDIN_SOURCE = '<stdin>';

/** File names a directory walk picks up; anything else in a directory is skipped quietly. */
const INPUT_NAME = /\.(json|jsonl|ndjson)(\.gz)?$|\.gz$/i;

export interface ReadInputsOptions {
  /** Stream read for `-` (the CLI passes its own stdin; tests pass a fake). */
  stdin?: NodeJS.ReadableStream;
  /**
   * Read only every `count`-th input, starting at `index` (0-based), for readers working side by side;
   * each still yields one batch per input it owns, so their batches interleave back into input order.
   */
  shard?: { index: number; count: number };
}

/**
 * Yields every record (or per-record error) from `paths`, in order: files as given, directories
 * recursively in sorted order, `-` from stdin. A file that cannot be read or decoded yields one error
 * item naming it; the other inputs still follow.
 */
export async function* readInputs(
  paths: readonly string[],
  opts: ReadInputsOptions = {},
): AsyncGenerator<ParsedItem> {
  for await (const batch of readInputBatches(paths, opts)) yield* batch;
}

/** Files being read ahead of the one being parsed (file I/O runs off the JavaScript thread). */
const READ_AHEAD = 4;

/**
 * The same items as {@link readInputs}, one array per input file: replay iterates hundreds of
 * thousands of records, and one async step per file instead of per record keeps it near the cost of
 * parsing. While one file is parsed, the next few are already being read.
 */
export async function* readInputBatches(
  paths: readonly string[],
  opts: ReadInputsOptions = {},
): AsyncGenerator<ParsedItem[]> {
  const sources = opts.shard ? shardOf(sourcesOf(paths, opts), opts.shard) : sourcesOf(paths, opts);
  const queue: Promise<Loading | { item: ParsedItem } | undefined>[] = [];
  let exhausted = false;
  const refill = () => {
    // An async generator queues concurrent next() calls and answers them in order.
    while (!exhausted && queue.length < READ_AHEAD) queue.push(startNext(sources));
  };
  refill();
  while (queue.length > 0) {
    const current = await queue.shift();
    if (!current) {
      exhausted = true;
      continue;
    }
    refill();
    if ('item' in current) {
      yield [current.item];
      continue;
    }
    const loaded = await current.text;
    yield loaded.ok
      ? parseInputText(loaded.text, current.source)
      : [unreadable(current.source, loaded.error)];
  }
}

/** One input to read, or an error item for an input that could not even be listed. */
type Source = { source: string; load: () => Promise<Buffer> } | { item: ParsedItem };
type Loading = { source: string; text: Promise<{ ok: true; text: string } | { ok: false; error: unknown }> };

async function startNext(
  sources: AsyncGenerator<Source>,
): Promise<Loading | { item: ParsedItem } | undefined> {
  const next = await sources.next();
  if (next.done) return undefined;
  const source = next.value;
  if ('item' in source) return source;
  const text = source.load().then(
    (content) => ({ ok: true as const, text: decode(content) }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { source: source.source, text: text.catch((error: unknown) => ({ ok: false as const, error })) };
}

async function* shardOf(
  sources: AsyncGenerator<Source>,
  shard: { index: number; count: number },
): AsyncGenerator<Source> {
  let position = 0;
  for await (const source of sources) {
    if (position++ % shard.count === shard.index) yield source;
  }
}

async function* sourcesOf(paths: readonly string[], opts: ReadInputsOptions): AsyncGenerator<Source> {
  for (const path of paths) {
    if (path === STDIN_PATH) {
      yield { source: STDIN_SOURCE, load: () => readStream(opts.stdin ?? process.stdin) };
      continue;
    }
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (error) {
      yield { item: unreadable(path, error) };
      continue;
    }
    if (!isDirectory) {
      yield { source: path, load: () => readFile(path) };
      continue;
    }
    for await (const entry of walk(path, new Set())) {
      if ('error' in entry) yield { item: unreadable(entry.path, entry.error) };
      else yield { source: entry.path, load: () => readFile(entry.path) };
    }
  }
}

/**
 * Gunzips when the content starts with the gzip magic bytes, whatever the file is called. Synchronous
 * on purpose: zlib's async API costs more in per-chunk callbacks than it saves, and large replays
 * already decode in a worker thread (see reader-threads.ts).
 */
function decode(content: Buffer): string {
  if (content.length >= 2 && content[0] === 0x1f && content[1] === 0x8b) {
    let inflated: Buffer;
    try {
      inflated = gunzipSync(content);
    } catch (error) {
      throw new InvalidRecordError(`not valid gzip: ${messageOf(error)}`, { cause: error });
    }
    return inflated.toString('utf8');
  }
  return content.toString('utf8');
}

/** A file found by a directory walk, or a directory that could not be listed. */
type WalkEntry = { path: string } | { path: string; error: unknown };

/**
 * Input files under `dir`, depth first, entries in code-point order so runs are reproducible on any
 * locale. Hidden entries are skipped; symbolic links are followed once (cycles are cut).
 */
async function* walk(dir: string, seen: Set<string>): AsyncGenerator<WalkEntry> {
  const real = await realpath(dir).catch(() => dir);
  if (seen.has(real)) return;
  seen.add(real);
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    yield { path: dir, error };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    const kind = entry.isSymbolicLink() ? await linkKind(path) : entry.isDirectory() ? 'dir' : 'file';
    if (kind === 'dir') yield* walk(path, seen);
    else if (kind === 'file' && INPUT_NAME.test(entry.name)) yield { path };
  }
}

async function linkKind(path: string): Promise<'dir' | 'file' | 'other'> {
  try {
    const target = await stat(path);
    if (target.isDirectory()) return 'dir';
    return target.isFile() ? 'file' : 'other';
  } catch {
    return 'other';
  }
}

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  }
  return Buffer.concat(chunks);
}

function unreadable(source: string, error: unknown): ParsedItem {
  const invalid =
    error instanceof InvalidRecordError
      ? error
      : new InvalidRecordError(`cannot read input: ${messageOf(error)}`, { cause: error });
  return { ok: false, error: invalid, location: { source } };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The items of one input's bytes (gunzipped when they are gzip), named `source` in every location: for
 * readers of other stores (S3) that fetch the bytes themselves. Undecodable content is one error item.
 */
export function parseInputBytes(content: Buffer, source: string): ParsedItem[] {
  try {
    return parseInputText(decode(content), source);
  } catch (error) {
    return [unreadable(source, error)];
  }
}

/** The error item for an input that could not be fetched at all. */
export function unreadableInput(source: string, error: unknown): ParsedItem {
  return unreadable(source, error);
}
