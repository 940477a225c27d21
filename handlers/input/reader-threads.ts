/**
 * Reading what replay records: the records EventBridge would deliver (`delivery-filter.ts`), read from
 * files, directories or stdin, in this thread or in reader threads. Items come in per-file batches
 * with the counts of what was read and not delivered; invalid items are kept so they can be reported.
 *
 * Large inputs are read, gunzipped, parsed, validated and matched in a worker thread while the main
 * thread records what the worker delivered: on a typical trail most records are read-only or not
 * IAM-related, so the worker sends only a fraction back, and replay costs little more than parsing.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { InvalidRecordError, type ParsedItem } from '../../rules/cloudtrail/parse';
import { type DerivedPattern, deliveredBy } from '../../rules/eventbridge/derive';
import { type DeliveredBatch, filterBatch } from './delivery-filter';
import { readInputBatches, STDIN_PATH } from './read';

export type { DeliveredBatch } from './delivery-filter';

export interface DeliveredOptions {
  patterns: readonly DerivedPattern[];
  stdin?: NodeJS.ReadableStream;
  /** Read in a worker thread: `true`, `false`, or by input size (default). Never when reading stdin. */
  worker?: boolean;
}

/**
 * Inputs at least this large are read in reader threads. Below it, starting them costs more than they
 * save: each thread starts cold (its own heap, its parsing code not yet optimised), which costs it about
 * a third more CPU than the main thread spends reading the same records once warm.
 */
export const WORKER_THRESHOLD_BYTES = 8 * 1024 * 1024;

/** Batches a worker may have sent ahead of the records the main thread has finished with. */
const IN_FLIGHT_BATCHES = 16;

export async function* deliveredBatches(
  paths: readonly string[],
  options: DeliveredOptions,
): AsyncGenerator<DeliveredBatch> {
  // Standard input belongs to the main thread: a worker's `process.stdin` is empty, and the stream the
  // caller passed cannot be handed over, so a read of `-` in a worker would deliver nothing.
  const useWorker =
    !paths.includes(STDIN_PATH) &&
    (options.worker ?? (await inputBytesAtLeast(paths, WORKER_THRESHOLD_BYTES)));
  if (useWorker) yield* inWorker(paths, options.patterns);
  else yield* inProcess(paths, options);
}

async function* inProcess(
  paths: readonly string[],
  options: DeliveredOptions,
): AsyncGenerator<DeliveredBatch> {
  const isDelivered = deliveredBy([...options.patterns]);
  for await (const batch of readInputBatches(paths, options.stdin ? { stdin: options.stdin } : {})) {
    yield filterBatch(batch, isDelivered);
  }
}

/** Messages from the worker (see reader-worker.ts). */
export type WorkerMessage =
  | { kind: 'batch'; batch: DeliveredBatch }
  /** The reader's totals, so the main thread can tell that every batch arrived. */
  | { kind: 'done'; read: number; batches: number }
  | { kind: 'failed'; message: string };

/**
 * Readers side by side, each owning every n-th input; their batches are taken in turn, which is input
 * order. One reader per core: the main thread's recording keeps up on typical traffic.
 */
async function* inWorker(
  paths: readonly string[],
  patterns: readonly DerivedPattern[],
): AsyncGenerator<DeliveredBatch> {
  const count = Math.max(1, Math.min(READERS, availableParallelism()));
  const readers = Array.from({ length: count }, (_, index) => startReader(paths, patterns, { index, count }));
  const received = readers.map(() => ({ read: 0, batches: 0, done: false }));
  try {
    for (let turn = 0; received.some((tally) => !tally.done); turn++) {
      const index = turn % count;
      const tally = received[index] as { read: number; batches: number; done: boolean };
      if (tally.done) continue;
      const reader = readers[index] as Reader;
      const message = await reader.next();
      if (message.kind === 'done') {
        checkReceived(index, message, tally);
        tally.done = true;
        continue;
      }
      if (message.kind === 'failed') throw new ReaderThreadError(`reading input failed: ${message.message}`);
      reader.ack();
      tally.read += message.batch.read;
      tally.batches++;
      yield { ...message.batch, items: message.batch.items.map(reviveError) };
    }
  } finally {
    await Promise.all(readers.map((reader) => reader.stop()));
  }
}

/** A reader thread failed, or the main thread did not receive everything a reader sent. */
class ReaderThreadError extends Error {
  override readonly name = 'ReaderThreadError';
}

/**
 * Each reader ends by saying how much it sent. A batch lost between threads shows up here as a
 * difference, and ends the replay as an error rather than a summary that silently counts less.
 */
function checkReceived(
  index: number,
  done: { read: number; batches: number },
  received: { read: number; batches: number },
): void {
  if (done.read === received.read && done.batches === received.batches) return;
  throw new ReaderThreadError(
    `reader thread ${index + 1} sent ${done.batches} batches of ${done.read} records, but ` +
      `${received.batches} batches of ${received.read} records arrived`,
  );
}

/** Reader threads at most (more would only compete with the main thread for cores). */
const READERS = 2;

interface Reader {
  next(): Promise<WorkerMessage>;
  ack(): void;
  stop(): Promise<unknown>;
}

function startReader(
  paths: readonly string[],
  patterns: readonly DerivedPattern[],
  shard: { index: number; count: number },
): Reader {
  const worker = new Worker(new URL('./reader-worker.mjs', import.meta.url), {
    workerData: { paths: [...paths], patterns, inFlight: IN_FLIGHT_BATCHES, shard },
  });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | undefined;
  const push = (message: WorkerMessage) => {
    queue.push(message);
    wake?.();
  };
  worker.on('message', push);
  worker.on('error', (error) => push({ kind: 'failed', message: error.message }));
  // A message that cannot be deserialised here would otherwise vanish without an event anyone hears.
  worker.on('messageerror', (error) =>
    push({
      kind: 'failed',
      message: `a batch from reader thread ${shard.index + 1} could not be received: ${error.message}`,
    }),
  );
  worker.on('exit', (code) => {
    if (code !== 0) push({ kind: 'failed', message: `input reader stopped with exit code ${code}` });
  });
  return {
    async next() {
      while (queue.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      return queue.shift() as WorkerMessage;
    },
    ack: () => worker.postMessage('ack'),
    stop: () => worker.terminate(),
  };
}

/** Errors cross threads as plain `Error`s; replay reports InvalidRecordError, so give it one back. */
function reviveError(item: ParsedItem): ParsedItem {
  if (item.ok || item.error instanceof InvalidRecordError) return item;
  return { ...item, error: new InvalidRecordError((item.error as Error).message) };
}

/** Whether the files under `paths` add up to at least `limit` bytes (stops counting once they do). */
export async function inputBytesAtLeast(paths: readonly string[], limit: number): Promise<boolean> {
  let total = 0;
  const pending = [...paths];
  while (pending.length > 0 && total < limit) {
    const path = pending.pop() as string;
    try {
      const info = await stat(path);
      if (info.isFile()) total += info.size;
      else if (info.isDirectory()) {
        const entries: Dirent[] = await readdir(path, { withFileTypes: true });
        for (const entry of entries) if (!entry.name.startsWith('.')) pending.push(join(path, entry.name));
      }
    } catch {
      // Unreadable inputs are reported by the reader itself.
    }
  }
  return total >= limit;
}
