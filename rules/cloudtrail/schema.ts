/**
 * Edge validation of one CloudTrail record. Hand-written checks rather than a schema library because
 * replay runs this over hundreds of thousands of records and must stay close to the cost of
 * `JSON.parse`; the record is validated in place and returned as is (never deep-copied).
 */
import type { CloudTrailRecord } from '../types';
import { checkRecordBounds } from './bounds';
import { InvalidRecordError } from './errors';

export { InvalidRecordError } from './errors';

/**
 * Upper bounds for fields AWS itself fills (attackers do not choose them). A longer value means the
 * input is not a CloudTrail record, and would break ledger keys (DynamoDB keys ≤ 2 KB).
 */
export const FIELD_LIMITS = {
  eventID: 128,
  eventName: 128,
  eventSource: 128,
  eventTime: 64,
  eventType: 64,
  awsRegion: 64,
  recipientAccountId: 64,
} as const;

const REQUIRED = ['eventID', 'eventName', 'eventSource'] as const;
/** String fields iamwatch interprets: anything but a string (or null, read as absent) is rejected. */
const INTERPRETED_STRINGS = [
  'eventType',
  'awsRegion',
  'recipientAccountId',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'vpcEndpointId',
] as const;
/** String fields iamwatch only carries along: a scalar written by a log pipeline is turned back into text. */
const CARRIED_STRINGS = [
  'eventVersion',
  'eventCategory',
  'requestID',
  'sessionCredentialFromConsole',
  'vpcEndpointAccountId',
] as const;
const OPTIONAL_BOOLEANS = ['readOnly', 'managementEvent'] as const;
const NULLABLE_OBJECTS = [
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'serviceEventDetails',
] as const;
/** Object fields checked per record; tlsDetails is never `null` in CloudTrail's own output. */
const OBJECT_FIELDS = [...NULLABLE_OBJECTS, 'tlsDetails'] as const;
const IDENTITY_STRINGS = [
  'type',
  'principalId',
  'arn',
  'accountId',
  'accessKeyId',
  'userName',
  'invokedBy',
] as const;

/** `2024-08-01T13:33:28Z`, with optional fraction and offset: what CloudTrail and EventBridge write. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
/**
 * `2024-06-02 20:16:22.000000000` or `2022-09-15 13:45:24`: the same UTC instant as re-rendered by
 * log pipelines (Panther, Athena exports). Accepted and rewritten to CloudTrail's own form.
 */
const SPACED_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.\d{1,9})?Z?$/;

/** A malformed field iamwatch can do without: the record is kept as if the field were absent. */
export interface RecordWarning {
  field: string;
  message: string;
}

/**
 * Validates a single CloudTrail record and returns it typed, without copying it.
 *
 * Only the fields iamwatch cannot do without make a record invalid: `eventID`, `eventName`,
 * `eventTime`, `eventSource` and `userIdentity` (when present). Any other field of the wrong type is
 * treated as absent and reported in `warnings` (when given), so one pipeline writing
 * `"requestParameters": "null"` does not cost the record.
 *
 * CloudTrail's own output passes untouched. Records re-rendered by log pipelines (Panther, Athena and
 * SIEM exports) are repaired on a shallow copy, never by mutating the input: a space-separated UTC
 * `eventTime` becomes ISO 8601, `null` optional fields become absent, nested objects serialised as
 * JSON text are parsed back, and scalars in pass-through text fields become text.
 *
 * @throws InvalidRecordError naming the missing or malformed field, or the bound (depth, size) the
 *   value exceeds.
 */
export function parseRecord(value: unknown, warnings?: RecordWarning[]): CloudTrailRecord {
  if (!isPlainObject(value)) {
    throw new InvalidRecordError(`expected a CloudTrail record object, got ${describe(value)}`);
  }
  checkRecordBounds(value);
  for (const field of REQUIRED) requireString(value, field);
  checkIdentity(value.userIdentity);
  let patch: Record<string, unknown> | undefined;

  const eventTime = parseEventTime(value.eventTime);
  if (eventTime !== value.eventTime) patch = withRepair(patch, 'eventTime', eventTime);
  for (const field of INTERPRETED_STRINGS) {
    const fieldValue = value[field];
    if (fieldValue === undefined) continue;
    if (fieldValue === null) patch = withRepair(patch, field, undefined);
    else if (typeof fieldValue !== 'string')
      patch = dropField(patch, warnings, field, `"${field}" must be a string, got ${describe(fieldValue)}`);
    else if (field in FIELD_LIMITS && fieldValue.length > FIELD_LIMITS[field as keyof typeof FIELD_LIMITS]) {
      const limit = FIELD_LIMITS[field as keyof typeof FIELD_LIMITS];
      patch = dropField(
        patch,
        warnings,
        field,
        `"${field}" is ${fieldValue.length} characters long (limit ${limit})`,
      );
    }
  }
  for (const field of CARRIED_STRINGS) {
    const fieldValue = value[field];
    if (fieldValue === undefined || typeof fieldValue === 'string') continue;
    if (fieldValue === null) patch = withRepair(patch, field, undefined);
    else if (typeof fieldValue === 'boolean' || typeof fieldValue === 'number')
      patch = withRepair(patch, field, String(fieldValue));
    else
      patch = dropField(patch, warnings, field, `"${field}" must be a string, got ${describe(fieldValue)}`);
  }
  for (const field of OPTIONAL_BOOLEANS) {
    const fieldValue = value[field];
    if (fieldValue === undefined || typeof fieldValue === 'boolean') continue;
    if (fieldValue === null) patch = withRepair(patch, field, undefined);
    else if (fieldValue === 'true' || fieldValue === 'false')
      patch = withRepair(patch, field, fieldValue === 'true');
    else
      patch = dropField(patch, warnings, field, `"${field}" must be a boolean, got ${describe(fieldValue)}`);
  }
  for (const field of OBJECT_FIELDS) {
    const fieldValue = value[field];
    if (fieldValue === undefined || isPlainObject(fieldValue)) continue;
    if (fieldValue === null) {
      // CloudTrail writes `null` request parameters itself; only tlsDetails was never null there.
      if (field === 'tlsDetails') patch = withRepair(patch, field, undefined);
      continue;
    }
    const parsed = objectFromText(fieldValue);
    if (parsed.ok) patch = withRepair(patch, field, parsed.value);
    else patch = dropField(patch, warnings, field, `"${field}" must be an object, got ${parsed.got}`);
  }

  const record = value as CloudTrailRecord;
  return patch ? { ...record, ...patch } : record;
}

/** Records a malformed optional field as absent, with a warning saying why. */
function dropField(
  patch: Record<string, unknown> | undefined,
  warnings: RecordWarning[] | undefined,
  field: string,
  message: string,
): Record<string, unknown> {
  warnings?.push({ field, message: `${message}; recorded without it` });
  return withRepair(patch, field, undefined);
}

/** Records one repaired field (a plain function: a closure per record would cost on every replayed record). */
function withRepair(
  patch: Record<string, unknown> | undefined,
  field: string,
  repaired: unknown,
): Record<string, unknown> {
  const next = patch ?? {};
  next[field] = repaired;
  return next;
}

/** Accepts an object serialised as JSON text (how some pipelines store nested maps). */
function objectFromText(
  value: unknown,
): { ok: true; value: Record<string, unknown> } | { ok: false; got: string } {
  if (typeof value !== 'string') return { ok: false, got: describe(value) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return { ok: false, got: 'text that is not JSON' };
  }
  if (!isPlainObject(parsed)) return { ok: false, got: `text holding ${describe(parsed)}` };
  // Text is parsed here, after the edge check of the record: bound what it held too.
  checkRecordBounds(parsed);
  return { ok: true, value: parsed };
}

function requireString(value: Record<string, unknown>, field: (typeof REQUIRED)[number]): void {
  const fieldValue = value[field];
  if (fieldValue === undefined || fieldValue === null) {
    throw new InvalidRecordError(`missing required field "${field}"`, { field });
  }
  if (typeof fieldValue !== 'string') {
    throw new InvalidRecordError(`"${field}" must be a string, got ${describe(fieldValue)}`, { field });
  }
  if (fieldValue.length === 0) throw new InvalidRecordError(`"${field}" is empty`, { field });
  checkLength(value, field);
}

function checkLength(value: Record<string, unknown>, field: keyof typeof FIELD_LIMITS): void {
  const fieldValue = value[field];
  const limit = FIELD_LIMITS[field];
  if (typeof fieldValue === 'string' && fieldValue.length > limit) {
    throw new InvalidRecordError(`"${field}" is ${fieldValue.length} characters long (limit ${limit})`, {
      field,
    });
  }
}

/** Returns the event time in ISO 8601, or throws. */
function parseEventTime(value: unknown): string {
  const field = 'eventTime';
  if (value === undefined || value === null)
    throw new InvalidRecordError('missing required field "eventTime"', { field });
  if (typeof value !== 'string') {
    throw new InvalidRecordError(`"eventTime" must be a string, got ${describe(value)}`, { field });
  }
  if (value.length > FIELD_LIMITS.eventTime) {
    throw new InvalidRecordError(
      `"eventTime" is ${value.length} characters long (limit ${FIELD_LIMITS.eventTime})`,
      {
        field,
      },
    );
  }
  let iso = value;
  if (!ISO_TIME.test(value)) {
    const spaced = SPACED_TIME.exec(value);
    if (!spaced) throw new InvalidRecordError(`"eventTime" is not an ISO 8601 time: "${value}"`, { field });
    iso = `${spaced[1]}T${spaced[2]}Z`;
  }
  // The pattern admits month 13 or hour 25; the date parser does not.
  if (Number.isNaN(Date.parse(iso))) {
    throw new InvalidRecordError(`"eventTime" is not a valid time: "${value}"`, { field });
  }
  return iso;
}

function checkIdentity(identity: unknown): void {
  if (identity === undefined) return;
  if (!isPlainObject(identity)) {
    throw new InvalidRecordError(`"userIdentity" must be an object, got ${describe(identity)}`, {
      field: 'userIdentity',
    });
  }
  for (const key of IDENTITY_STRINGS) {
    const fieldValue = identity[key];
    if (fieldValue !== undefined && typeof fieldValue !== 'string') {
      const field = `userIdentity.${key}`;
      throw new InvalidRecordError(`"${field}" must be a string, got ${describe(fieldValue)}`, { field });
    }
  }
  const sessionContext = identity.sessionContext;
  if (sessionContext !== undefined && !isPlainObject(sessionContext)) {
    const field = 'userIdentity.sessionContext';
    throw new InvalidRecordError(`"${field}" must be an object, got ${describe(sessionContext)}`, { field });
  }
}

/** A JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' || typeof value === 'undefined') return `an ${typeof value}`;
  return `a ${typeof value}`;
}
