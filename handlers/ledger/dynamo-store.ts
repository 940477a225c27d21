/**
 * The ledger over DynamoDB through the document client. The same code serves the real table and the
 * embedded dynalite of the CLI; only the client's endpoint and credentials differ.
 *
 * Writes: day directory item → entry item (conditional on `attribute_not_exists(pk)`, the idempotency
 * point) → raw and index items (deterministic keys, idempotent). A duplicate put repairs whatever an
 * interrupted first write left out, so a retry always converges on the complete set of items.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { AuditRunRecord } from '../../rules/audit/compare';
import type { CloudTrailRecord } from '../../rules/types';
import type {
  ChannelDelivery,
  FoldedAlert,
  FoldedBurst,
  HistoryFilter,
  LedgerStore,
  PutResult,
  StoredEntry,
  Suppression,
  SuppressionEvent,
} from '../ports';
import { latestAuditRun, putAuditRun } from './audit-runs';
import {
  decodeEntryItem,
  decodeRawItem,
  encodeEntry,
  eventIdOfItem,
  expiresAtOf,
  indexItemsOf,
  type LedgerItem,
} from './codec';
import { DynamoControlItems } from './control-items';
import { LedgerEntryNotFoundError, LedgerReadIncompleteError, LedgerWriteIncompleteError } from './errors';
import { resolveFilter } from './filter';
import {
  type Candidate,
  type HistoryReader,
  type Page,
  type PageKey,
  runHistory,
  type SortRange,
} from './history';
import { DAYS_PARTITION_KEY, entryKey, eventIdOfPartitionKey, facetKey, rawKey, redeliveryKey } from './keys';
import { queryAll } from './query-all';
import { DEFAULT_RETENTION_DAYS, FACET_INDEX_NAME, LEDGER_ATTRIBUTES, LEDGER_ITEM_KINDS } from './table';

/** A redelivery request is read by notify within seconds; TTL removes it after a day. */
const REDELIVERY_TTL_SECONDS = 86_400;

export interface DynamoLedgerStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** TTL: entries expire this many days after their event time. Default 400. */
  retentionDays?: number;
  /** Items per Query page (DynamoDB `Limit`). Default 100. */
  pageSize?: number;
  /** Destroy the client on `close()` (true when the store created it). */
  ownsClient?: boolean;
  /** Runs after the client is closed (e.g. stop an embedded dynalite). */
  onClose?: () => Promise<void>;
}

/** BatchWriteItem takes at most 25 requests. */
const MAX_BATCH_WRITE = 25;
/** Attempts at items DynamoDB returns as unprocessed (throttled) before giving up. */
const MAX_BATCH_ATTEMPTS = 8;
const BACKOFF_BASE_MS = 25;

const { partitionKey: PK, sortKey: SK, facet: FACET, time: TIME, expiresAt: EXPIRES_AT } = LEDGER_ATTRIBUTES;

/** A document client configured the way the codec expects (absent optional fields are dropped). */
export function createDocumentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** The LedgerStore over a DynamoDB (or dynalite) table laid out as in `table.ts`. */
export class DynamoLedgerStore implements LedgerStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionDays: number;
  private readonly pageSize: number;
  /**
   * Days listed in the directory by this process (or being listed): one directory write per day, not
   * per entry, and concurrent puts of a new day share that write instead of racing it.
   */
  private readonly registeredDays = new Map<string, Promise<void>>();
  private readonly control: DynamoControlItems;

  constructor(private readonly options: DynamoLedgerStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    this.pageSize = options.pageSize ?? 100;
    this.control = new DynamoControlItems(this.client, this.tableName, this.retentionDays);
  }

  putSuppression(suppression: Suppression): Promise<void> {
    return this.control.putSuppression(suppression);
  }

  listSuppressions(): Promise<Suppression[]> {
    return this.control.listSuppressions();
  }

  deleteSuppression(id: string): Promise<Suppression | undefined> {
    return this.control.deleteSuppression(id);
  }

  appendSuppressionEvent(event: SuppressionEvent): Promise<void> {
    return this.control.appendSuppressionEvent(event);
  }

  suppressionEvents(): Promise<SuppressionEvent[]> {
    return this.control.suppressionEvents();
  }

  countInBurst(key: string, time: string, windowMs: number): Promise<{ position: number; closesAt: string }> {
    return this.control.countInBurst(key, time, windowMs);
  }

  addFolded(burst: Omit<FoldedBurst, 'alerts' | 'total'>, alert: FoldedAlert): Promise<void> {
    return this.control.addFolded(burst, alert);
  }

  takeClosedBursts(now: string): Promise<FoldedBurst[]> {
    return this.control.takeClosedBursts(now);
  }

  putBurst(burst: FoldedBurst): Promise<void> {
    return this.control.putBurst(burst);
  }

  async putIfAbsent(entry: StoredEntry, raw: CloudTrailRecord): Promise<PutResult> {
    const encoded = encodeEntry(entry, raw, this.retentionDays);
    // Listed before the entry exists, so a committed entry is always reachable by time.
    await this.registerDay(encoded.day, encoded.dayItem);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: encoded.entryItem,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      await this.repair(encoded.eventId, encoded.rawItem);
      return { outcome: 'duplicate' };
    }
    await this.writeItems(encoded.eventId, [encoded.rawItem, ...encoded.indexItems]);
    return { outcome: 'inserted' };
  }

  private registerDay(day: string, dayItem: LedgerItem): Promise<void> {
    let registered = this.registeredDays.get(day);
    if (!registered) {
      registered = this.client
        .send(new PutCommand({ TableName: this.tableName, Item: dayItem }))
        .then(() => undefined);
      this.registeredDays.set(day, registered);
      // A failed write is forgotten, so the next entry of that day tries again.
      registered.catch(() => this.registeredDays.delete(day));
    }
    return registered;
  }

  async get(eventId: string): Promise<StoredEntry | undefined> {
    // Consistent: the notify Lambda reads an entry right after its stream record appears.
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: entryKey(eventId), ConsistentRead: true }),
    );
    return Item ? decodeEntryItem(Item) : undefined;
  }

  async getRaw(eventId: string): Promise<CloudTrailRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: rawKey(eventId) }),
    );
    return Item ? decodeRawItem(Item) : undefined;
  }

  async markDelivery(eventId: string, channel: string, state: ChannelDelivery): Promise<void> {
    // Entries are written with an empty `delivery` map, so the nested SET normally succeeds first time.
    // A nested path cannot create its parent map, and `if_not_exists` on the parent cannot be combined
    // with a nested SET in one expression: an entry without the map gets it created under a condition.
    if (await this.setChannel(eventId, channel, state)) return;
    const created = await this.conditionalUpdate({
      Key: entryKey(eventId),
      UpdateExpression: 'SET #delivery = :delivery',
      ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#delivery)',
      ExpressionAttributeNames: { '#pk': PK, '#delivery': 'delivery' },
      ExpressionAttributeValues: { ':delivery': { [channel]: state } },
    });
    if (created) return;
    // Either another writer created the map meanwhile (then this succeeds) or there is no such entry.
    if (!(await this.setChannel(eventId, channel, state))) throw new LedgerEntryNotFoundError(eventId);
  }

  async requestRedelivery(eventId: string, requestedAt: string): Promise<void> {
    // A new `requestedAt` makes every request a change, so the stream carries each one (an identical
    // put would write no stream record).
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...redeliveryKey(eventId),
          [LEDGER_ATTRIBUTES.kind]: LEDGER_ITEM_KINDS.redelivery,
          requestedAt,
          [LEDGER_ATTRIBUTES.expiresAt]: Math.floor(Date.parse(requestedAt) / 1000) + REDELIVERY_TTL_SECONDS,
        },
      }),
    );
  }

  async history(filter: HistoryFilter): Promise<StoredEntry[]> {
    return runHistory(resolveFilter(filter), this.reader(), this.pageSize);
  }

  async oldestEntryTime(accountId?: string): Promise<string | undefined> {
    let facet = accountId ? facetKey('account', accountId) : undefined;
    if (!facet) {
      const { Items } = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ...keyCondition(PK, DAYS_PARTITION_KEY, SK, undefined, undefined),
          ScanIndexForward: true,
          Limit: 1,
        }),
      );
      const day = Items?.[0]?.[SK];
      if (typeof day !== 'string') return undefined;
      facet = facetKey('day', day);
    }
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: FACET_INDEX_NAME,
        ...keyCondition(FACET, facet, TIME, undefined, undefined),
        ScanIndexForward: true,
        Limit: 1,
      }),
    );
    const time = Items?.[0]?.[TIME];
    return typeof time === 'string' ? time.slice(0, time.indexOf('#')) : undefined;
  }

  latestAuditRun(): Promise<AuditRunRecord | undefined> {
    return latestAuditRun(this.client, this.tableName);
  }

  putAuditRun(run: AuditRunRecord): Promise<void> {
    return putAuditRun(this.client, this.tableName, run, this.retentionDays);
  }

  async close(): Promise<void> {
    if (this.options.ownsClient) this.client.destroy();
    await this.options.onClose?.();
  }

  /** Nested update of one channel; false when the entry or its delivery map is missing. */
  private setChannel(eventId: string, channel: string, state: ChannelDelivery): Promise<boolean> {
    return this.conditionalUpdate({
      Key: entryKey(eventId),
      UpdateExpression: 'SET #delivery.#channel = :state',
      ConditionExpression: 'attribute_exists(#delivery)',
      ExpressionAttributeNames: { '#delivery': 'delivery', '#channel': channel },
      ExpressionAttributeValues: { ':state': state },
    });
  }

  /** An update of this table under a condition; false when the condition does not hold. */
  private async conditionalUpdate(input: Omit<UpdateCommandInput, 'TableName'>): Promise<boolean> {
    try {
      await this.client.send(new UpdateCommand({ ...input, TableName: this.tableName }));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * After a duplicate put: writes the raw and index items the stored entry should have but lacks
   * (a first write interrupted between the entry and its companions). Index items are derived from the
   * stored entry, not the incoming one, so a replay under a newer catalog cannot mis-index it.
   */
  private async repair(eventId: string, rawItem: LedgerItem): Promise<void> {
    const key = entryKey(eventId);
    const [{ Item: stored }, present] = await Promise.all([
      this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
      this.collectionSortKeys(key.pk),
    ]);
    if (!stored) return;
    const entry = decodeEntryItem(stored);
    const storedExpiry = stored[EXPIRES_AT];
    const expiresAt =
      typeof storedExpiry === 'number' ? storedExpiry : expiresAtOf(entry.eventTime, this.retentionDays);
    const expected = [rawItem, ...indexItemsOf(entry, expiresAt)];
    const missing = expected.filter((item) => !present.has(String(item[SK])));
    if (missing.length > 0) await this.writeItems(eventId, missing);
  }

  private async collectionSortKeys(pk: string): Promise<Set<string>> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk',
      ProjectionExpression: '#sk',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    });
    return new Set(items.map((item) => String(item[SK])));
  }

  /** Unconditional puts in batches of 25, retrying throttled (unprocessed) items with backoff. */
  private async writeItems(eventId: string, items: readonly LedgerItem[]): Promise<void> {
    for (let offset = 0; offset < items.length; offset += MAX_BATCH_WRITE) {
      let pending = items.slice(offset, offset + MAX_BATCH_WRITE).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > MAX_BATCH_ATTEMPTS) {
          throw new LedgerWriteIncompleteError(
            `${pending.length} companion items of ${eventId} stayed unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`,
            eventId,
          );
        }
        if (attempt > 1) await sleep(BACKOFF_BASE_MS * 2 ** (attempt - 2));
        const { UnprocessedItems } = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = (UnprocessedItems?.[this.tableName] ?? []).flatMap((request) =>
          request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
        );
      }
    }
  }

  private reader(): HistoryReader {
    return {
      facetPage: (facet, range, limit, startKey) => this.facetPage(facet, range, limit, startKey),
      dayPage: (fromDay, untilDay, limit, startKey) => this.dayPage(fromDay, untilDay, limit, startKey),
      entries: (eventIds) => this.entries(eventIds),
    };
  }

  private async facetPage(
    facet: string,
    range: SortRange,
    limit: number,
    startKey: PageKey | undefined,
  ): Promise<Page<Candidate>> {
    const query = {
      IndexName: FACET_INDEX_NAME,
      ...keyCondition(FACET, facet, TIME, range.from, range.until),
    };
    return this.newestFirstPage(query, limit, startKey, (item): Candidate[] => {
      const pk = item[PK];
      const time = item[TIME];
      const eventId = typeof pk === 'string' ? eventIdOfPartitionKey(pk) : undefined;
      return eventId && typeof time === 'string' ? [{ eventId, time }] : [];
    });
  }

  private async dayPage(
    fromDay: string | undefined,
    untilDay: string | undefined,
    limit: number,
    startKey: PageKey | undefined,
  ): Promise<Page<string>> {
    return this.newestFirstPage(
      keyCondition(PK, DAYS_PARTITION_KEY, SK, fromDay, untilDay),
      limit,
      startKey,
      (item) => (typeof item[SK] === 'string' ? [item[SK]] : []),
    );
  }

  /** One page of a Query, newest first, each item turned into what `pick` finds in it. */
  private async newestFirstPage<T>(
    query: Pick<
      QueryCommandInput,
      'IndexName' | 'KeyConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
    limit: number,
    startKey: PageKey | undefined,
    pick: (item: Record<string, unknown>) => T[],
  ): Promise<Page<T>> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        ...query,
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    const items = (page.Items ?? []).flatMap(pick);
    return page.LastEvaluatedKey ? { items, next: page.LastEvaluatedKey } : { items };
  }

  private async entries(eventIds: readonly string[]): Promise<Map<string, StoredEntry>> {
    const found = new Map<string, StoredEntry>();
    let keys = eventIds.map((eventId) => entryKey(eventId));
    for (let attempt = 1; keys.length > 0; attempt++) {
      if (attempt > MAX_BATCH_ATTEMPTS) {
        throw new LedgerReadIncompleteError(
          `${keys.length} ledger entries stayed unprocessed after ${MAX_BATCH_ATTEMPTS} attempts`,
        );
      }
      if (attempt > 1) await sleep(BACKOFF_BASE_MS * 2 ** (attempt - 2));
      const { Responses, UnprocessedKeys } = await this.client.send(
        new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }),
      );
      for (const item of Responses?.[this.tableName] ?? []) {
        const eventId = eventIdOfItem(item);
        if (eventId) found.set(eventId, decodeEntryItem(item));
      }
      keys = (UnprocessedKeys?.[this.tableName]?.Keys ?? []).flatMap((key) => {
        const pk = key[PK];
        const eventId = typeof pk === 'string' ? eventIdOfPartitionKey(pk) : undefined;
        return eventId ? [entryKey(eventId)] : [];
      });
    }
    return found;
  }
}

/** Partition equality plus the sort-key bounds that are given (BETWEEN, >=, <= or none). */
function keyCondition(
  partitionName: string,
  partitionValue: string,
  sortName: string,
  from: string | undefined,
  until: string | undefined,
): Pick<
  QueryCommandInput,
  'KeyConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
> {
  const names = { '#p': partitionName, '#s': sortName };
  const values: Record<string, string> = { ':p': partitionValue };
  let sortCondition = '';
  if (from !== undefined) values[':from'] = from;
  if (until !== undefined) values[':until'] = until;
  if (from !== undefined && until !== undefined) sortCondition = ' AND #s BETWEEN :from AND :until';
  else if (from !== undefined) sortCondition = ' AND #s >= :from';
  else if (until !== undefined) sortCondition = ' AND #s <= :until';
  return {
    KeyConditionExpression: `#p = :p${sortCondition}`,
    ExpressionAttributeNames: sortCondition ? names : { '#p': partitionName },
    ExpressionAttributeValues: values,
  };
}

function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
