/** Typed errors of the ledger adapters. Transient DynamoDB errors are not wrapped: they propagate as-is. */

/** A failure about one event's items in the ledger; `eventId` when it is known. */
abstract class LedgerEventError extends Error {
  constructor(
    message: string,
    readonly eventId: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An entry or raw record that cannot become a DynamoDB item (invalid field, not JSON, too large). */
export class LedgerEncodingError extends LedgerEventError {
  override readonly name = 'LedgerEncodingError';
}

/** A stored item that no longer parses as a ledger entry or raw record (corrupt or foreign data). */
export class LedgerDecodingError extends LedgerEventError {
  override readonly name = 'LedgerDecodingError';
}

/** `markDelivery` on an eventId the ledger does not hold. */
export class LedgerEntryNotFoundError extends Error {
  override readonly name = 'LedgerEntryNotFoundError';
  constructor(readonly eventId: string) {
    super(`No ledger entry with eventId ${eventId}`);
  }
}

/** A history filter the ledger cannot serve (unparseable time bound, bad limit). */
export class InvalidHistoryFilterError extends Error {
  override readonly name = 'InvalidHistoryFilterError';
}

/** DynamoDB kept returning unprocessed items for a batch write; a retry of the whole put repairs it. */
export class LedgerWriteIncompleteError extends LedgerEventError {
  override readonly name = 'LedgerWriteIncompleteError';
}

/** Bad options for opening a ledger (missing table name, unusable home directory). */
export class LedgerConfigurationError extends Error {
  override readonly name = 'LedgerConfigurationError';
}

/** DynamoDB kept returning unprocessed keys for a batch read (throttling); the query can be retried. */
export class LedgerReadIncompleteError extends Error {
  override readonly name = 'LedgerReadIncompleteError';
}

/** `putSuppression` with an id the ledger already holds. */
export class SuppressionExistsError extends Error {
  override readonly name = 'SuppressionExistsError';
  constructor(readonly suppressionId: string) {
    super(`a suppression with id ${suppressionId} already exists`);
  }
}

/**
 * Writing the local ledger's files failed (disk full, I/O error). The writes of that batch and every
 * later one are refused; what was committed before is intact, and a second run repairs the rest.
 */
export class LocalLedgerWriteError extends Error {
  override readonly name = 'LocalLedgerWriteError';
}
