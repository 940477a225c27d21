/**
 * Errors of the EventBridge pattern engine, shaped like the ones AWS returns so callers (and tests)
 * can compare them with what `TestEventPattern` and `PutRule` say.
 */

const PATTERN_PREFIX = 'Event pattern is not valid. Reason: ';

/**
 * A pattern EventBridge would reject (`InvalidEventPatternException`). The message follows AWS's
 * format: `Event pattern is not valid. Reason: <reason>`, followed for malformed JSON text by the
 * parser location line AWS also appends (` at [Source: (String)"…"; line: 1, column: 5]`).
 */
export class InvalidEventPatternError extends Error {
  /** The AWS error code this mirrors. */
  readonly code = 'InvalidEventPatternException';
  /** The reason alone, without the AWS prefix and without the location line. */
  readonly reason: string;

  constructor(reason: string, options: { location?: string; cause?: unknown } = {}) {
    const location = options.location ? `\n at ${options.location}` : '';
    super(`${PATTERN_PREFIX}${reason}${location}`, { cause: options.cause });
    this.name = 'InvalidEventPatternError';
    this.reason = reason;
  }
}

/**
 * An event `TestEventPattern` refuses before matching (`ValidationException`): not a JSON object, or
 * missing one of the envelope fields the API requires.
 */
export class InvalidTestEventError extends Error {
  readonly code = 'ValidationException';
  /** Why the event was refused (for diagnostics; AWS's message does not say). */
  readonly detail: string;

  constructor(detail: string, options: { cause?: unknown } = {}) {
    super('Parameter Event is not valid.', { cause: options.cause });
    this.name = 'InvalidTestEventError';
    this.detail = detail;
  }
}
