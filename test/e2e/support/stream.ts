/**
 * A stand-in for DynamoDB Streams, which dynalite lacks. Every successful write a tapped client makes
 * is followed by a consistent read of the items it touched, and each item whose stored image changed
 * becomes a stream record shaped the way DynamoDB Streams hands it to Lambda: `NEW_IMAGE` view,
 * images and keys in AttributeValue form, increasing sequence numbers. As in DynamoDB, a write that
 * changes nothing (a failed conditional put, a put of an identical item) yields no record.
 */
import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  DynamoDBClient,
  type DynamoDBClientConfig,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { eventIdOfItem } from '../../../handlers/ledger/codec';
import {
  ENTRY_INSERT_STREAM_FILTER,
  LEDGER_ATTRIBUTES,
  NOTIFY_STREAM_FILTERS,
} from '../../../handlers/ledger/table';
import { compilePattern } from '../../../rules/eventbridge';

export type AttributeMap = Record<string, AttributeValue>;

/** One DynamoDB stream record as the notify Lambda receives it. */
export interface StreamRecord {
  eventID: string;
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  eventVersion: '1.1';
  eventSource: 'aws:dynamodb';
  awsRegion: string;
  eventSourceARN: string;
  dynamodb: {
    ApproximateCreationDateTime: number;
    Keys: AttributeMap;
    NewImage?: AttributeMap;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: 'NEW_IMAGE';
  };
}

export interface StreamTap {
  /** Every record so far, in the order the writes were observed. */
  readonly records: readonly StreamRecord[];
  /** The records since the previous `take`: what the next Lambda batch from this stream would hold. */
  take(): StreamRecord[];
  /** Taps another client writing to the same table (e.g. a second Lambda container's store). */
  attach(client: DynamoDBDocumentClient): void;
  /** Waits until every write seen so far has been turned into records. */
  settled(): Promise<void>;
  close(): void;
}

const WRITE_COMMANDS = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
]);
/** DynamoDB sequence numbers are decimal strings of 21 or more digits that only grow. */
const SEQUENCE_BASE = 100_000_000_000_000_000_000n;
const entryInsertFilter = compilePattern(ENTRY_INSERT_STREAM_FILTER);
const notifyFilters = NOTIFY_STREAM_FILTERS.map((filter) => compilePattern(filter));

/**
 * Starts recording the stream of `tableName` as written through `client`. `readerConfig` must reach
 * the same endpoint; the tap reads through its own client so its reads are never tapped.
 */
export function tapStream(
  client: DynamoDBDocumentClient,
  tableName: string,
  readerConfig: DynamoDBClientConfig,
): StreamTap {
  const reader = new DynamoDBClient(readerConfig);
  const region = typeof readerConfig.region === 'string' ? readerConfig.region : 'us-east-1';
  const streamArn = `arn:aws:dynamodb:${region}:111122223333:table/${tableName}/stream/2026-01-01T00:00:00.000`;
  const records: StreamRecord[] = [];
  const images = new Map<string, string>();
  let taken = 0;
  let sequence = 0n;
  let queue: Promise<void> = Promise.resolve();

  const observe = async (key: AttributeMap): Promise<void> => {
    const { Item } = await reader.send(
      new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    const id = stableJson(key);
    const previous = images.get(id);
    const current = Item ? stableJson(Item) : undefined;
    if (previous === current) return;
    if (current === undefined) images.delete(id);
    else images.set(id, current);
    sequence += 1n;
    const eventName = current === undefined ? 'REMOVE' : previous === undefined ? 'INSERT' : 'MODIFY';
    records.push({
      eventID: randomUUID().replaceAll('-', ''),
      eventName,
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: region,
      eventSourceARN: streamArn,
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.now() / 1000),
        Keys: key,
        ...(Item ? { NewImage: Item } : {}),
        SequenceNumber: (SEQUENCE_BASE + sequence).toString(),
        SizeBytes: (current ?? id).length,
        StreamViewType: 'NEW_IMAGE',
      },
    });
  };

  const attach = (tapped: DynamoDBDocumentClient): void => {
    tapped.middlewareStack.add(
      (next, context) => async (args) => {
        const output = await next(args);
        const commandName = context.commandName ?? '';
        if (WRITE_COMMANDS.has(commandName)) {
          const keys = writtenKeys(commandName, args.input, tableName);
          // One observer at a time, so records come out in the order writes completed.
          queue = queue.then(async () => {
            for (const key of keys) await observe(key);
          });
          await queue;
        }
        return output;
      },
      { step: 'initialize', name: 'streamTap' },
    );
  };
  attach(client);

  return {
    records,
    take: () => {
      const batch = records.slice(taken);
      taken = records.length;
      return batch;
    },
    attach,
    settled: () => queue,
    close: () => reader.destroy(),
  };
}

/** What Lambda's event-source filter (`ENTRY_INSERT_STREAM_FILTER`) lets through to the notify function. */
export function filterEntryInserts(records: readonly StreamRecord[]): StreamRecord[] {
  return records.filter((record) => entryInsertFilter.matches(record));
}

/** What every filter of the notify function's event source lets through: entry INSERTs and redelivery requests. */
export function filterNotifyRecords(records: readonly StreamRecord[]): StreamRecord[] {
  return records.filter((record) => notifyFilters.some((filter) => filter.matches(record)));
}

/** The `kind` attribute of a record's new image (`entry`, `raw`, `index`, `day`), if any. */
export function kindOf(record: StreamRecord): string | undefined {
  return record.dynamodb.NewImage?.[LEDGER_ATTRIBUTES.kind]?.S;
}

/** The keys a write command names, as AttributeValue maps, whatever form its input is in. */
function writtenKeys(commandName: string, input: unknown, tableName: string): AttributeMap[] {
  const request = asRecord(input);
  switch (commandName) {
    case 'PutItemCommand':
      return [keyOf(asRecord(request.Item))];
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return [keyOf(asRecord(request.Key))];
    default: {
      const requests = asRecord(request.RequestItems)[tableName];
      return (Array.isArray(requests) ? requests : []).map((entry) => {
        const write = asRecord(entry);
        return keyOf(asRecord(asRecord(write.PutRequest).Item ?? asRecord(write.DeleteRequest).Key));
      });
    }
  }
}

/** The table key of an item given natively (`'E#…'`) or marshalled (`{ S: 'E#…' }`). */
function keyOf(item: Record<string, unknown>): AttributeMap {
  const text = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const marshalled = asRecord(value).S;
    if (typeof marshalled === 'string') return marshalled;
    throw new TypeError(`stream tap: unexpected key value ${JSON.stringify(value)}`);
  };
  return {
    [LEDGER_ATTRIBUTES.partitionKey]: { S: text(item[LEDGER_ATTRIBUTES.partitionKey]) },
    [LEDGER_ATTRIBUTES.sortKey]: { S: text(item[LEDGER_ATTRIBUTES.sortKey]) },
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** JSON with object keys sorted, so two reads of the same item compare equal. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)))
      : inner,
  );
}

/** The eventId of each entry record's new image, in order; a record that holds no entry throws. */
export function eventIdsOf(records: readonly StreamRecord[]): string[] {
  return records.map((record) => {
    const eventId = eventIdOfItem(unmarshall(record.dynamodb.NewImage ?? {}));
    if (eventId === undefined)
      throw new Error(`stream record ${record.dynamodb.SequenceNumber} holds no entry`);
    return eventId;
  });
}
