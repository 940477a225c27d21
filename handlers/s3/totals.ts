/** What one replay batch counted, and the totals the Map Run adds up over its batches. */

export interface ReplayBatchResult {
  objects: number;
  skipped: number;
  read: number;
  delivered: number;
  notDelivered: number;
  inserted: number;
  duplicates: number;
  invalid: number;
  /**
   * Delivered events older than the ledger's retention: their entries would expire (DynamoDB TTL)
   * as soon as they were written, so they are counted and not written.
   */
  expired: number;
  /** Objects that could not be read; the batch fails after the others are recorded. */
  failedObjects: string[];
}

export type ReplayTotals = Omit<ReplayBatchResult, 'failedObjects'>;

/** Counts at zero: where a batch starts, and where the Map Run's totals over its batches start. */
export function emptyTotals(): ReplayTotals {
  return {
    objects: 0,
    skipped: 0,
    read: 0,
    delivered: 0,
    notDelivered: 0,
    inserted: 0,
    duplicates: 0,
    invalid: 0,
    expired: 0,
  };
}
