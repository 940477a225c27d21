/** A value that is not a CloudTrail record iamwatch can record. Location is added by the caller. */
export class InvalidRecordError extends Error {
  override readonly name = 'InvalidRecordError';
  /** The offending field (`eventID`, `userIdentity.type` …), when one field is to blame. */
  readonly field?: string;
  constructor(message: string, options?: { field?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.field) this.field = options.field;
  }
}
