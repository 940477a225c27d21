/**
 * Reads CloudTrail log files straight from S3: lists only the folders a replay window needs (see
 * layout.ts), downloads a bounded number of objects at once, retries what fails with backoff, and
 * hands them on in key order, so a checkpoint of "the last key done" is enough to resume.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { folderWanted, objectWanted, positionOf, type S3Location, type TrailFilter } from './layout';

/** An object to read. */
export interface S3ObjectRef {
  key: string;
  size: number;
}

/** A key listed by {@link listTrailObjects}: a log file, or a folder to descend into. */
type Entry = { key: string; size: number } | { folder: string };

/**
 * Every wanted object under `location`, in key order, depth first through the folders the filter
 * allows; keys up to and including `after` (a checkpoint) are skipped, and so are whole folders that
 * lie before it.
 */
export async function* listTrailObjects(
  client: S3Client,
  location: S3Location,
  filter: TrailFilter,
  after?: string,
): AsyncGenerator<S3ObjectRef> {
  yield* walk(client, location.bucket, location.prefix, filter, after);
}

async function* walk(
  client: S3Client,
  bucket: string,
  prefix: string,
  filter: TrailFilter,
  after: string | undefined,
): AsyncGenerator<S3ObjectRef> {
  const parent = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  const position = positionOf(parent);
  const entries: Entry[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        Delimiter: '/',
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const object of page.Contents ?? []) {
      if (!object.Key || (after !== undefined && object.Key <= after)) continue;
      if (objectWanted(object.Key, filter)) entries.push({ key: object.Key, size: object.Size ?? 0 });
    }
    for (const common of page.CommonPrefixes ?? []) {
      const folder = common.Prefix;
      if (!folder) continue;
      if (after !== undefined && folder < after && !after.startsWith(folder)) continue;
      if (folderWanted(position, folder.slice(parent.length, -1), filter)) entries.push({ folder });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  // S3 lists keys and folders in separate sorted lists; merged, the walk stays in key order.
  entries.sort((a, b) => compare('key' in a ? a.key : a.folder, 'key' in b ? b.key : b.folder));
  for (const entry of entries) {
    if ('key' in entry) yield entry;
    else yield* walk(client, bucket, entry.folder, filter, after);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A download that failed for good (after retries, or at once for a permanent error). */
class S3ReadError extends Error {
  override readonly name = 'S3ReadError';
}

export interface FetchOptions {
  /** Attempts after the first for a transient failure (the SDK's own retries come on top). */
  retries: number;
  /** Waits before a retry; tests pass one that does not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

const DEFAULT_FETCH: FetchOptions = { retries: 4 };

/**
 * The object's bytes. The SDK retries failed requests itself, but not a body that breaks off half
 * way (a reset connection, a truncated stream): those, and 5xx / throttling answers that outlast the
 * SDK's retries, are retried here with exponential backoff. A 4xx answer (missing key, access denied)
 * fails at once.
 */
export async function fetchObject(
  client: S3Client,
  bucket: string,
  key: string,
  options: FetchOptions = DEFAULT_FETCH,
): Promise<Buffer> {
  const sleep = options.sleep ?? ((ms: number) => new Promise((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!output.Body) throw new Error('the response has no body');
      return Buffer.from(await output.Body.transformToByteArray());
    } catch (error) {
      if (attempt >= options.retries || !isTransient(error)) {
        throw new S3ReadError(
          `cannot read s3://${bucket}/${key}${attempt > 0 ? ` after ${attempt + 1} attempts` : ''}: ${messageOf(error)}`,
          { cause: error },
        );
      }
      await sleep(Math.min(10_000, 200 * 2 ** attempt));
    }
  }
}

function isTransient(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (status === undefined) return true;
  return status >= 500 || status === 429 || status === 408;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
  return `${name}${error.message}`;
}

/** One item of {@link inOrder}: the input, and what its work produced or why it failed. */
export type Settled<T, R> = { item: T } & ({ ok: true; value: R } | { ok: false; error: unknown });

/**
 * Runs `work` on up to `concurrency` items at once and yields the results in input order: downloads
 * overlap, memory stays bounded by `concurrency` results, and the consumer sees a stable order.
 */
export async function* inOrder<T, R>(
  items: AsyncIterable<T>,
  concurrency: number,
  work: (item: T) => Promise<R>,
): AsyncGenerator<Settled<T, R>> {
  const iterator = items[Symbol.asyncIterator]();
  const running: Promise<Settled<T, R> | undefined>[] = [];
  let done = false;
  // Keys come from a paged listing: pull them one at a time, and let only the downloads overlap.
  let pulling: Promise<unknown> = Promise.resolve();
  const pull = (): Promise<IteratorResult<T>> => {
    const next = pulling.then(() => iterator.next());
    pulling = next.catch(() => undefined);
    return next;
  };
  const startNext = async (): Promise<Settled<T, R> | undefined> => {
    const next = await pull();
    if (next.done) {
      done = true;
      return undefined;
    }
    const item = next.value;
    try {
      return { item, ok: true, value: await work(item) };
    } catch (error) {
      return { item, ok: false, error };
    }
  };
  try {
    const fill = () => {
      while (!done && running.length < concurrency) {
        const started = startNext();
        // A listing error is rethrown where this slot is awaited; until then it is not "unhandled".
        started.catch(() => undefined);
        running.push(started);
      }
    };
    fill();
    while (running.length > 0) {
      const settled = await running.shift();
      if (settled) yield settled;
      fill();
    }
  } finally {
    await iterator.return?.();
  }
}
