/**
 * Turns the text of one input (a file, stdin) into CloudTrail records in their EventBridge
 * envelopes. Pure: no file system; `handlers/input/read.ts` supplies the text.
 *
 * Accepted shapes: a single record, a `{"Records": […]}` log file as CloudTrail writes to S3, an
 * EventBridge envelope, an array of any of those, a LookupEvents event (`CloudTrailEvent` JSON string)
 * or response (`{"Events": […]}`), and JSON lines of any of those.
 */
import type { CloudTrailRecord, EventBridgeEnvelope } from '../types';
import { checkRecordBounds } from './bounds';
import { adoptEnvelope, isEnvelopeLike, toEnvelope } from './envelope';
import { InvalidRecordError, isPlainObject, parseRecord, type RecordWarning } from './schema';

export { InvalidRecordError, parseRecord, type RecordWarning } from './schema';

/** Where an item came from. `record` and `line` are 1-based. */
interface InputLocation {
  source: string;
  /** Position in a `Records` / `Events` array or top-level array. */
  record?: number;
  /** Line of a JSON-lines input. */
  line?: number;
}

/** One record read from input, or the reason one could not be read. */
export type ParsedItem =
  | {
      ok: true;
      record: CloudTrailRecord;
      envelope: EventBridgeEnvelope;
      location: InputLocation;
      /** Malformed fields iamwatch can do without, recorded as absent (only when there are some). */
      warnings?: RecordWarning[];
    }
  | { ok: false; error: InvalidRecordError; location: InputLocation };

/**
 * Every record in `text`, in input order. One bad record gives an error item and never stops the
 * others; text that is not JSON (nor JSON lines) gives a single error item for the whole source.
 * An array rather than a generator: replay parses every record it reads, and one generator step per
 * record costs more than its validation.
 */
export function parseInputText(text: string, source: string): ParsedItem[] {
  const items: ParsedItem[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim().length === 0) {
    items.push(failure(new InvalidRecordError('input is empty'), { source }));
    return items;
  }
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    if (looksLikeJsonLines(body)) {
      parseJsonLines(body, source, items);
    } else {
      items.push(
        failure(new InvalidRecordError(`malformed JSON: ${messageOf(error)}`, { cause: error }), { source }),
      );
    }
    return items;
  }
  pushItems(items, value, source, undefined);
  return items;
}

function parseJsonLines(body: string, source: string, items: ParsedItem[]): void {
  let lineNumber = 0;
  let start = 0;
  while (start <= body.length) {
    const end = body.indexOf('\n', start);
    const line = body.slice(start, end < 0 ? body.length : end);
    lineNumber++;
    start = end < 0 ? body.length + 1 : end + 1;
    if (line.trim().length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      items.push(
        failure(new InvalidRecordError(`malformed JSON: ${messageOf(error)}`, { cause: error }), {
          source,
          line: lineNumber,
        }),
      );
      continue;
    }
    pushItems(items, value, source, lineNumber);
  }
}

/** Expands containers (`Records`, `Events`, arrays) into their records. */
function pushItems(items: ParsedItem[], value: unknown, source: string, line: number | undefined): void {
  const list = containerOf(value);
  if (list === undefined) {
    items.push(itemOf(value, line === undefined ? { source } : { source, line }));
    return;
  }
  for (let i = 0; i < list.length; i++) {
    const location = line === undefined ? { source, record: i + 1 } : { source, line, record: i + 1 };
    items.push(itemOf(list[i], location));
  }
}

function containerOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (!isPlainObject(value)) return undefined;
  if (Array.isArray(value.Records)) return value.Records;
  if (Array.isArray(value.Events) && !('eventID' in value)) return value.Events;
  return undefined;
}

function itemOf(value: unknown, location: InputLocation): ParsedItem {
  const warnings: RecordWarning[] = [];
  try {
    let item: ParsedItem;
    if (isPlainObject(value) && isEnvelopeLike(value)) {
      // The envelope's own fields travel on with the record (between threads, into the matcher).
      checkRecordBounds(value);
      item = { ok: true, ...fromEnvelope(value, warnings), location };
    } else if (isPlainObject(value) && typeof value.CloudTrailEvent === 'string') {
      const record = parseRecord(parseEmbedded(value.CloudTrailEvent), warnings);
      item = { ok: true, record, envelope: toEnvelope(record), location };
    } else {
      const record = parseRecord(value, warnings);
      item = { ok: true, record, envelope: toEnvelope(record), location };
    }
    if (warnings.length > 0) item.warnings = warnings;
    return item;
  } catch (error) {
    // Whatever one record does to the checks costs that record only, never the rest of the input.
    const invalid =
      error instanceof InvalidRecordError
        ? error
        : new InvalidRecordError(`record could not be read: ${messageOf(error)}`, { cause: error });
    return failure(invalid, location);
  }
}

function fromEnvelope(
  value: Record<string, unknown>,
  warnings: RecordWarning[],
): {
  record: CloudTrailRecord;
  envelope: EventBridgeEnvelope;
} {
  let record: CloudTrailRecord;
  try {
    record = parseRecord(value.detail, warnings);
  } catch (error) {
    if (error instanceof InvalidRecordError) {
      const field = error.field ? `detail.${error.field}` : 'detail';
      throw new InvalidRecordError(`EventBridge event: ${error.message}`, { field, cause: error });
    }
    throw error;
  }
  return { record, envelope: adoptEnvelope(value, record) };
}

/** LookupEvents returns each record as a JSON string in `CloudTrailEvent`. */
function parseEmbedded(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidRecordError(`"CloudTrailEvent" is not valid JSON: ${messageOf(error)}`, {
      field: 'CloudTrailEvent',
      cause: error,
    });
  }
}

/**
 * Text that is not one JSON value is JSON lines when one of its first lines is a JSON object by
 * itself; a broken pretty-printed document never has such a line (`{`, `"key": …,` do not parse).
 */
function looksLikeJsonLines(body: string): boolean {
  let start = 0;
  let tried = 0;
  while (start < body.length && tried < 10) {
    const end = body.indexOf('\n', start);
    const line = body.slice(start, end < 0 ? body.length : end).trim();
    start = end < 0 ? body.length : end + 1;
    if (line.length === 0) continue;
    tried++;
    if (line.charCodeAt(0) !== 0x7b) continue;
    try {
      if (isPlainObject(JSON.parse(line))) return true;
    } catch {
      // Not this line; keep looking.
    }
  }
  return false;
}

function failure(error: InvalidRecordError, location: InputLocation): ParsedItem {
  return { ok: false, error, location };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
