/**
 * StoredEntry ⇄ DynamoDB items (native JavaScript values, as the document client marshals them).
 *
 * One entry becomes: the entry item (contract fields as top-level attributes, the day facet, the
 * delivery map), the raw item (the CloudTrail record, compressed or shortened to fit), one sparse index
 * item per facet value, and the directory item of its day. See README.md in this folder.
 */
import type { CloudTrailRecord } from '../../rules/types';
import type { StoredEntry } from '../ports';
import { describeIssue } from '../shared/issues';
import { LedgerDecodingError, LedgerEncodingError } from './errors';
import { indexFacetKeys } from './facets';
import { dayKey, dayOf, entryKey, eventIdOfPartitionKey, facetKey, indexKey, rawKey, sortTime } from './keys';
import { decodeRawRecord, encodeRawRecord } from './raw';
import { copyIfValidEntry, storedEntrySchema } from './schema';
import { DYNAMODB_MAX_ITEM_BYTES, itemSize } from './size';
import { LEDGER_ATTRIBUTES, LEDGER_ITEM_KINDS } from './table';

/** A DynamoDB item as the document client reads and writes it. */
export type LedgerItem = Record<string, unknown>;

/** Room left under DynamoDB's limit, so rounding in the size estimate can never tip an item over. */
const SAFETY_MARGIN_BYTES = 2 * 1024;
const SECONDS_PER_DAY = 86_400;

const RAW_ATTRIBUTES = {
  text: 'raw',
  encoding: 'rawEncoding',
  bytes: 'rawBytes',
  truncated: 'rawTruncated',
} as const;
const BOOKKEEPING = new Set<string>([...Object.values(LEDGER_ATTRIBUTES), ...Object.values(RAW_ATTRIBUTES)]);

export interface EncodedEntry {
  eventId: string;
  day: string;
  entryItem: LedgerItem;
  rawItem: LedgerItem;
  indexItems: LedgerItem[];
  dayItem: LedgerItem;
  /** True when the raw record had to be shortened to fit. */
  rawTruncated: boolean;
}

/**
 * Encodes an entry and its raw record into the items to write.
 *
 * @throws LedgerEncodingError when the entry is invalid or not JSON data, or an item cannot be made
 *   to fit DynamoDB's 400 KB limit.
 */
export function encodeEntry(entry: StoredEntry, raw: CloudTrailRecord, retentionDays: number): EncodedEntry {
  const canonical = canonicalEntry(plainJson(entry));
  const { eventId } = canonical;
  const expiresAt = expiresAtOf(canonical.eventTime, retentionDays);
  const day = dayOf(canonical.eventTime);
  const entryItem: LedgerItem = {
    ...canonical,
    delivery: canonical.delivery ?? {},
    ...entryKey(eventId),
    [LEDGER_ATTRIBUTES.facet]: facetKey('day', day),
    [LEDGER_ATTRIBUTES.time]: sortTime(canonical.eventTime, eventId),
    [LEDGER_ATTRIBUTES.kind]: LEDGER_ITEM_KINDS.entry,
    [LEDGER_ATTRIBUTES.expiresAt]: expiresAt,
  };
  const entryBytes = itemSize(entryItem);
  if (entryBytes > DYNAMODB_MAX_ITEM_BYTES - SAFETY_MARGIN_BYTES) {
    throw new LedgerEncodingError(
      `entry ${eventId} is ${entryBytes} bytes, over the DynamoDB item limit`,
      eventId,
    );
  }
  const rawShell: LedgerItem = {
    ...rawKey(eventId),
    [LEDGER_ATTRIBUTES.kind]: LEDGER_ITEM_KINDS.raw,
    [LEDGER_ATTRIBUTES.expiresAt]: expiresAt,
    [RAW_ATTRIBUTES.encoding]: 'gzip-base64',
    [RAW_ATTRIBUTES.bytes]: Number.MAX_SAFE_INTEGER,
    [RAW_ATTRIBUTES.truncated]: true,
    [RAW_ATTRIBUTES.text]: '',
  };
  const encodedRaw = encodeRawRecord(raw, DYNAMODB_MAX_ITEM_BYTES - SAFETY_MARGIN_BYTES - itemSize(rawShell));
  const rawItem: LedgerItem = {
    ...rawKey(eventId),
    [LEDGER_ATTRIBUTES.kind]: LEDGER_ITEM_KINDS.raw,
    [LEDGER_ATTRIBUTES.expiresAt]: expiresAt,
    [RAW_ATTRIBUTES.encoding]: encodedRaw.encoding,
    [RAW_ATTRIBUTES.bytes]: encodedRaw.originalBytes,
    ...(encodedRaw.truncated ? { [RAW_ATTRIBUTES.truncated]: true } : {}),
    [RAW_ATTRIBUTES.text]: encodedRaw.text,
  };
  return {
    eventId,
    day,
    entryItem,
    rawItem,
    indexItems: indexItemsOf(canonical, expiresAt),
    dayItem: dayItemOf(day, retentionDays),
    rawTruncated: encodedRaw.truncated,
  };
}

/**
 * The sparse index items of an entry: deterministic keys, so writing them again is a no-op. Also used
 * to repair the items of an entry whose first write was interrupted.
 */
export function indexItemsOf(entry: StoredEntry, expiresAt: number): LedgerItem[] {
  const time = sortTime(entry.eventTime, entry.eventId);
  return indexFacetKeys(entry).map((facet) => ({
    ...indexKey(entry.eventId, facet),
    [LEDGER_ATTRIBUTES.facet]: facet,
    [LEDGER_ATTRIBUTES.time]: time,
    [LEDGER_ATTRIBUTES.kind]: LEDGER_ITEM_KINDS.index,
    [LEDGER_ATTRIBUTES.expiresAt]: expiresAt,
  }));
}

/** The directory item of a day; it lives as long as the newest entry that day could. */
function dayItemOf(day: string, retentionDays: number): LedgerItem {
  return {
    ...dayKey(day),
    [LEDGER_ATTRIBUTES.kind]: LEDGER_ITEM_KINDS.day,
    [LEDGER_ATTRIBUTES.expiresAt]: expiresAtOf(`${day}T23:59:59.999Z`, retentionDays),
  };
}

/** TTL value (epoch seconds): event time plus the retention period. */
export function expiresAtOf(eventTime: string, retentionDays: number): number {
  return Math.floor(Date.parse(eventTime) / 1000) + retentionDays * SECONDS_PER_DAY;
}

/**
 * The entry as plain JSON data, validated against the contract: what every store keeps.
 *
 * @throws LedgerEncodingError naming the offending field.
 */
/** The entry as plain JSON data (what DynamoDB can hold): undefined values dropped, nothing exotic. */
function plainJson(entry: StoredEntry): StoredEntry {
  try {
    return JSON.parse(JSON.stringify(entry)) as StoredEntry;
  } catch (cause) {
    throw new LedgerEncodingError('entry is not JSON-serialisable', entry.eventId, { cause });
  }
}

export function canonicalEntry(entry: StoredEntry): StoredEntry {
  // The schema parse both validates and copies the declared fields, so the stored entry shares no
  // objects with the caller's; a JSON round trip on top would double the cost of every insert.
  const fast = copyIfValidEntry(entry);
  const result = fast ? { success: true as const, data: fast } : storedEntrySchema.safeParse(entry);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? `${issue.path.join('.') || 'entry'}: ${describeIssue(issue)}` : 'invalid entry';
    throw new LedgerEncodingError(`entry ${entry.eventId} cannot be stored (${where})`, entry.eventId, {
      cause: result.error,
    });
  }
  const reserved = Object.keys(result.data).filter((key) => BOOKKEEPING.has(key));
  if (reserved.length > 0) {
    throw new LedgerEncodingError(
      `entry uses reserved attribute names: ${reserved.join(', ')}`,
      entry.eventId,
    );
  }
  return result.data;
}

/**
 * Reads an entry item back into a StoredEntry.
 *
 * @throws LedgerDecodingError when the item is not a valid entry.
 */
export function decodeEntryItem(item: LedgerItem): StoredEntry {
  const fields = Object.fromEntries(Object.entries(item).filter(([key]) => !BOOKKEEPING.has(key)));
  if (isEmptyObject(fields.delivery)) delete fields.delivery;
  const result = storedEntrySchema.safeParse(fields);
  if (!result.success) {
    const eventId = eventIdOfItem(item);
    throw new LedgerDecodingError(
      `stored entry ${eventId ?? '(unknown)'} is not a valid ledger entry`,
      eventId,
      {
        cause: result.error,
      },
    );
  }
  return result.data;
}

/**
 * Reads a raw item back into the CloudTrail record (marked `iamwatch:truncated` if it was shortened).
 *
 * @throws LedgerDecodingError when the item holds no decodable record.
 */
export function decodeRawItem(item: LedgerItem): CloudTrailRecord {
  const pk = item[LEDGER_ATTRIBUTES.partitionKey];
  const eventId = typeof pk === 'string' ? eventIdOfPartitionKey(pk) : undefined;
  const text = item[RAW_ATTRIBUTES.text];
  const encoding = item[RAW_ATTRIBUTES.encoding];
  if (typeof text !== 'string' || typeof encoding !== 'string') {
    throw new LedgerDecodingError(`raw item of ${eventId ?? '(unknown)'} has no raw record`, eventId);
  }
  return decodeRawRecord(text, encoding, eventId);
}

/**
 * The eventId of an entry item (e.g. a stream record's NewImage, unmarshalled); undefined for the raw,
 * index and directory items that share the table.
 */
export function eventIdOfItem(item: LedgerItem): string | undefined {
  const pk = item[LEDGER_ATTRIBUTES.partitionKey];
  if (item[LEDGER_ATTRIBUTES.kind] !== LEDGER_ITEM_KINDS.entry || typeof pk !== 'string') return undefined;
  return eventIdOfPartitionKey(pk);
}

/**
 * The eventId a stream image asks notify to deliver: an entry item's, or a redelivery request's;
 * undefined for the other items that share the table.
 */
export function eventIdToNotify(item: LedgerItem): string | undefined {
  const pk = item[LEDGER_ATTRIBUTES.partitionKey];
  if (item[LEDGER_ATTRIBUTES.kind] === LEDGER_ITEM_KINDS.redelivery && typeof pk === 'string') {
    return eventIdOfPartitionKey(pk);
  }
  return eventIdOfItem(item);
}

function isEmptyObject(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0
  );
}
