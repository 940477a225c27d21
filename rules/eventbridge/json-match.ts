/**
 * An offline `TestEventPattern`: the same inputs (pattern and event as JSON text), the same answers
 * and the same errors as the AWS API.
 */
import { InvalidTestEventError } from './errors';
import { compilePatternText } from './matcher';

/** Envelope fields TestEventPattern requires of the event (it does not check their types). */
const REQUIRED_EVENT_FIELDS = ['id', 'account', 'source', 'time', 'region', 'detail-type'] as const;

/**
 * Whether the event matches the pattern, as AWS `TestEventPattern` answers it. Throws
 * {@link InvalidTestEventError} (`Parameter Event is not valid.`) for an event that is not a JSON
 * object with the envelope fields, and {@link InvalidEventPatternError} for a pattern AWS rejects.
 */
export function testEventPattern(patternJson: string, eventJson: string): boolean {
  const event = parseEvent(eventJson);
  return compilePatternText(patternJson).matches(event);
}

function parseEvent(eventJson: string): Record<string, unknown> {
  let event: unknown;
  try {
    event = JSON.parse(eventJson);
  } catch (error) {
    throw new InvalidTestEventError('the event is not valid JSON', { cause: error });
  }
  if (!isJsonObject(event)) throw new InvalidTestEventError('the event is not a JSON object');
  const missing = REQUIRED_EVENT_FIELDS.filter((field) => !Object.hasOwn(event, field));
  if (missing.length > 0) throw new InvalidTestEventError(`the event lacks ${missing.join(', ')}`);
  return event;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
