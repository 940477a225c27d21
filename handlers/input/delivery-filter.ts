/**
 * The EventBridge delivery filter over a batch of parsed records: what the derived patterns would
 * deliver is kept with the invalid items (to report them), the rest only counted. Runs in the main
 * thread and in the reader threads, and in the S3 replay.
 */
import type { ParsedItem } from '../../rules/cloudtrail/parse';

export interface DeliveredBatch {
  /** Items read from this input, valid or not. */
  read: number;
  /** Valid items the patterns would not deliver (counted, not kept). */
  notDelivered: number;
  /** Invalid items and delivered ones, in input order. */
  items: ParsedItem[];
}

/** Keeps invalid and delivered items; counts the rest. Runs in the worker too. */
export function filterBatch(
  batch: readonly ParsedItem[],
  isDelivered: (envelope: unknown) => boolean,
): DeliveredBatch {
  const items: ParsedItem[] = [];
  let notDelivered = 0;
  for (const item of batch) {
    if (item.ok && !isDelivered(item.envelope)) notDelivered++;
    else items.push(item);
  }
  return { read: batch.length, notDelivered, items };
}
