/**
 * The reading side of a large replay, in a worker thread: read, gunzip, parse, validate and match
 * every record of its share of the inputs, and send the main thread only what EventBridge would
 * deliver (plus invalid items), a bounded number of batches ahead of it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type DerivedPattern, deliveredBy } from '../../rules/eventbridge/derive';
import { filterBatch, type WorkerMessage } from './delivered';
import { readInputBatches } from './read';

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
    send({ kind: 'batch', batch: filterBatch(batch, isDelivered) });
  }
  send({ kind: 'done' });
} catch (error) {
  send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
}
