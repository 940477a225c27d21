/**
 * The raw CloudTrail record kept next to each entry. Small records are stored as JSON text; larger ones
 * gzip-compressed and base64-encoded; a record that still does not fit the item budget (huge policy
 * documents exist) is shortened step by step and marked `iamwatch:truncated`, so the entry is always
 * recorded and nobody mistakes the stored copy for the original.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import type { CloudTrailRecord } from '../../rules/types';
import { LedgerDecodingError, LedgerEncodingError } from './errors';
import { rawRecordSchema } from './schema';

/** Records above this many bytes of JSON are compressed. */
const COMPRESS_ABOVE_BYTES = 8 * 1024;

/** Top-level key added to a shortened record. */
export const TRUNCATION_MARKER = 'iamwatch:truncated';

/** Lengths long strings are cut to, tried in order until the record (or an entry) fits. */
export const STRING_LIMITS = [16_384, 4_096, 1_024, 256];

/** Identity and event fields are never removed: without them the record is useless as evidence. */
const KEPT_FIELDS = new Set(['userIdentity', 'eventID', 'eventTime', 'eventName', 'eventSource']);

type RawEncoding = 'json' | 'gzip-base64';

export interface EncodedRaw {
  text: string;
  encoding: RawEncoding;
  /** Bytes of the original record as JSON. */
  originalBytes: number;
  truncated: boolean;
}

/**
 * Encodes `record` into at most `budgetBytes` of text.
 *
 * @throws LedgerEncodingError when the record is not JSON-serialisable or cannot be made to fit.
 */
export function encodeRawRecord(record: CloudTrailRecord, budgetBytes: number): EncodedRaw {
  const json = serialise(record);
  const originalBytes = Buffer.byteLength(json, 'utf8');
  if (originalBytes <= Math.min(COMPRESS_ABOVE_BYTES, budgetBytes)) {
    return { text: json, encoding: 'json', originalBytes, truncated: false };
  }
  const packed = gzipBase64(json);
  if (packed.length <= budgetBytes)
    return { text: packed, encoding: 'gzip-base64', originalBytes, truncated: false };
  for (const candidate of shortenedVersions(record, originalBytes)) {
    const shortened = gzipBase64(serialise(candidate));
    if (shortened.length <= budgetBytes) {
      return { text: shortened, encoding: 'gzip-base64', originalBytes, truncated: true };
    }
  }
  throw new LedgerEncodingError(
    `raw record of ${originalBytes} bytes does not fit in ${budgetBytes} bytes even when shortened`,
    record.eventID,
  );
}

/**
 * Decodes what `encodeRawRecord` produced.
 *
 * @throws LedgerDecodingError when the text is not a valid encoded CloudTrail record.
 */
export function decodeRawRecord(
  text: string,
  encoding: string,
  eventId: string | undefined,
): CloudTrailRecord {
  let parsed: unknown;
  try {
    if (encoding !== 'json' && encoding !== 'gzip-base64')
      throw new Error(`unknown raw encoding "${encoding}"`);
    const json = encoding === 'gzip-base64' ? gunzipSync(Buffer.from(text, 'base64')).toString('utf8') : text;
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new LedgerDecodingError(
      `stored raw record of ${eventId ?? 'an entry'} cannot be decoded`,
      eventId,
      {
        cause,
      },
    );
  }
  const result = rawRecordSchema.safeParse(parsed);
  if (!result.success) {
    throw new LedgerDecodingError(
      `stored raw record of ${eventId ?? 'an entry'} is not a CloudTrail record`,
      eventId,
      {
        cause: result.error,
      },
    );
  }
  return result.data;
}

function serialise(record: CloudTrailRecord): string {
  try {
    return JSON.stringify(record);
  } catch (cause) {
    throw new LedgerEncodingError('raw record is not JSON-serialisable', record.eventID, { cause });
  }
}

function gzipBase64(json: string): string {
  return gzipSync(json).toString('base64');
}

/** Ever smaller versions of the record: long strings cut shorter, then whole request/response parts removed. */
function* shortenedVersions(record: CloudTrailRecord, originalBytes: number): Generator<CloudTrailRecord> {
  const marker = { originalBytes, note: 'raw record shortened to fit the ledger item size limit' };
  let shortest: CloudTrailRecord = record;
  for (const limit of STRING_LIMITS) {
    shortest = { ...record, [TRUNCATION_MARKER]: marker };
    for (const [key, value] of Object.entries(record)) shortest[key] = shortenStrings(value, limit);
    yield shortest;
  }
  const removable = Object.entries(shortest)
    .filter(([key, value]) => !KEPT_FIELDS.has(key) && key !== TRUNCATION_MARKER && typeof value === 'object')
    .map(([key, value]) => ({ key, bytes: JSON.stringify(value)?.length ?? 0 }))
    .sort((a, b) => b.bytes - a.bytes);
  let reduced: CloudTrailRecord = shortest;
  for (const { key, bytes } of removable) {
    // An empty container keeps the field's type, so the record still parses as CloudTrail.
    const emptied = Array.isArray(reduced[key]) ? [] : { [TRUNCATION_MARKER]: `${bytes} bytes removed` };
    reduced = { ...reduced, [key]: reduced[key] === null ? null : emptied };
    yield reduced;
  }
}

/**
 * `value` with every string longer than `limit` cut and marked with {@link TRUNCATION_MARKER}. Recursive:
 * only for values whose depth is already bounded (records past the edge check, ledger entries).
 */
export function shortenStrings(value: unknown, limit: number): unknown {
  if (typeof value === 'string') {
    return value.length > limit
      ? `${value.slice(0, limit)}…[${TRUNCATION_MARKER} ${value.length - limit} chars]`
      : value;
  }
  if (Array.isArray(value)) return value.map((element) => shortenStrings(element, limit));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, element]) => [key, shortenStrings(element, limit)]),
    );
  }
  return value;
}
