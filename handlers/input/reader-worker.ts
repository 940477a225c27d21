/**
 * The reading side of a large replay, in a worker thread: read, gunzip, parse, validate and match
 * every record of its share of the inputs, and send the main thread only what EventBridge would
 * deliver (plus invalid items), a bounded number of batches ahead of it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InvalidRecordError, type ParsedItem } from '../../rules/cloudtrail/parse';
import { type DerivedPattern, deliveredBy } from '../../rules/eventbridge/derive';
import { type DeliveredBatch, filterBatch } from './delivery-filter';
import { readInputBatches } from './read';
import type { WorkerMessage } from './reader-threads';

const { paths, patterns, inFlight, shard } = workerData as {
  paths: string[];
  patterns: DerivedPattern[];
  inFlight: number;
  shard: { index: number; count: number };
};
const port = parentPort;
if (!port) throw new Error('reader-worker must run in a worker thread');

let credits = inFlight;
let resume: (() => void) | undefined;
port.on('message', () => {
  credits++;
  resume?.();
});

const send = (message: WorkerMessage) => port.postMessage(message);

/**
 * Sends one batch. Records are bounded at the edge, so a batch always clones; should one item still
 * fail to cross (a clone error, memory), that item alone is sent back as invalid, naming its input and
 * place, and the rest of the batch goes on: a batch is never dropped without a word.
 */
function sendBatch(batch: DeliveredBatch): void {
  try {
    send({ kind: 'batch', batch });
    return;
  } catch (error) {
    const items = batch.items.map((item) => (crossesThreads(item) ? item : untransferable(item, error)));
    send({ kind: 'batch', batch: { ...batch, items } });
  }
}

function crossesThreads(item: ParsedItem): boolean {
  try {
    structuredClone(item);
    return true;
  } catch {
    return false;
  }
}

function untransferable(item: ParsedItem, error: unknown): ParsedItem {
  const reason = error instanceof Error ? error.message : String(error);
  return {
    ok: false,
    error: new InvalidRecordError(`record could not be passed from the reader thread: ${reason}`),
    location: item.location,
  };
}

let read = 0;
let batches = 0;
try {
  const isDelivered = deliveredBy(patterns);
  for await (const batch of readInputBatches(paths, { shard })) {
    while (credits === 0) {
      await new Promise<void>((resolve) => {
        resume = resolve;
      });
      resume = undefined;
    }
    credits--;
    const filtered = filterBatch(batch, isDelivered);
    read += filtered.read;
    batches++;
    sendBatch(filtered);
  }
  send({ kind: 'done', read, batches });
} catch (error) {
  send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
}
