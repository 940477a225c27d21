/**
 * Trail-bucket objects as replay batches: the same per-file batches (`DeliveredBatch`) that local files
 * give, so the CLI and the backfill Lambda record S3 input through exactly the path local input takes.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { type DeliveredBatch, filterBatch } from '../input/delivery-filter';
import { parseInputBytes, unreadableInput } from '../input/read';
import { parseS3Url, type TrailFilter } from './layout';
import { type FetchOptions, fetchObject, inOrder, listTrailObjects, type S3ObjectRef } from './source';

/** One object's batch, with what the progress line and the checkpoint need. */
export interface S3Batch {
  /** `s3://bucket/key`, as locations name it. */
  source: string;
  key: string;
  /** Bytes downloaded (0 when the download failed). */
  bytes: number;
  /** False when the object could not be read at all (the batch holds one error item naming it). */
  fetched: boolean;
  batch: DeliveredBatch;
}

export interface S3BatchOptions {
  client: S3Client;
  filter: TrailFilter;
  /** Objects downloaded at the same time. */
  concurrency: number;
  /** Resume after this key (a checkpoint). */
  after?: string;
  isDelivered: (envelope: unknown) => boolean;
  fetch?: FetchOptions;
  /** Read these objects instead of listing (a Distributed Map batch already listed them). */
  keys?: readonly S3ObjectRef[];
}

/** Downloads in flight by default: enough to hide S3 latency, few enough to keep memory small. */
export const DEFAULT_S3_CONCURRENCY = 8;

/** Every wanted object under `url`, in key order, as a batch. */
export async function* s3Batches(url: string, options: S3BatchOptions): AsyncGenerator<S3Batch> {
  const { bucket, prefix } = parseS3Url(url);
  const objects = options.keys
    ? fromArray(options.keys)
    : listTrailObjects(options.client, { bucket, prefix }, options.filter, options.after);
  const download = (object: { key: string }) =>
    fetchObject(options.client, bucket, object.key, options.fetch);
  for await (const settled of inOrder(objects, options.concurrency, download)) {
    const source = `s3://${bucket}/${settled.item.key}`;
    const items = settled.ok
      ? parseInputBytes(settled.value, source)
      : [unreadableInput(source, settled.error)];
    yield {
      source,
      key: settled.item.key,
      bytes: settled.ok ? settled.value.length : 0,
      fetched: settled.ok,
      batch: filterBatch(items, options.isDelivered),
    };
  }
}

async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  yield* items;
}
