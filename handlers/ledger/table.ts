/**
 * The ledger table as plain data: the one description the CDK stack, dynalite and real DynamoDB are all
 * built from, so the deployed table and the code that reads it cannot disagree. No aws-cdk-lib here;
 * the stack maps these fields onto `dynamodb.TableV2` / `Table` props.
 *
 * Layout (details and the reasons in `handlers/ledger/README.md`):
 * - every item lives in the item collection of its CloudTrail event: `pk = E#<eventId>`;
 * - `sk = ENTRY` is the ledger entry (conditional put on `attribute_not_exists(pk)`), `sk = RAW` the raw
 *   CloudTrail record, `sk = F#<facet>#<value>` one sparse index item per filterable value;
 * - one KEYS_ONLY global secondary index (`facet`, `ts`) serves every history filter with Query;
 * - `pk = DAYS` lists the days that hold entries, so org-wide time queries walk day partitions.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/** A key attribute and its DynamoDB scalar type. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: 'S' | 'N' | 'B';
}

/** A global secondary index: key schema and projection. */
interface IndexDefinition {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly projection: 'KEYS_ONLY' | 'ALL';
}

/** Everything needed to create the ledger table anywhere. */
export interface LedgerTableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey: KeyAttribute;
  readonly globalSecondaryIndexes: readonly IndexDefinition[];
  /** Epoch-seconds attribute DynamoDB TTL deletes by (entry, raw and index items all carry it). */
  readonly timeToLiveAttribute: string;
  /** The notify Lambda reads new entries from the stream. */
  readonly streamViewType: 'NEW_IMAGE';
  readonly billingMode: 'PAY_PER_REQUEST';
}

/** Attribute names used for keys and bookkeeping; ledger entry fields keep their contract names. */
export const LEDGER_ATTRIBUTES = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** GSI partition key: `<facet>#<value>` on index items, `day#YYYY-MM-DD` on the entry item. */
  facet: 'facet',
  /** GSI sort key: `<eventTime as ISO-8601 with ms>#<eventId>`, so newest first is a descending Query. */
  time: 'ts',
  /** What an item is: see `LEDGER_ITEM_KINDS`. */
  kind: 'kind',
  expiresAt: 'expiresAt',
} as const;

/** Values of the `kind` attribute. Only `entry` items represent a ledger entry. */
export const LEDGER_ITEM_KINDS = {
  entry: 'entry',
  raw: 'raw',
  index: 'index',
  day: 'day',
  /** A request to notify to deliver an entry again (see `REDELIVERY_STREAM_FILTER`). */
  redelivery: 'redelivery',
  /** Control items (handlers/ledger/control-items.ts): never entries, never on the notify stream filter. */
  suppression: 'suppression',
  suppressionEvent: 'suppression-event',
  burstWindow: 'burst-window',
  burstFollowUp: 'burst-follow-up',
  /** The organization snapshot (`pk = ORG`), written by `handlers/organization/store.ts`. */
  organization: 'organization',
} as const;

/** The one secondary index: every facet (actor, target, account, ip, detection, …) and the day partitions. */
export const FACET_INDEX_NAME = 'byFacet';

export const DEFAULT_LEDGER_TABLE_NAME = 'iamwatch-ledger';

/** Default retention: TTL deletes an entry this many days after its event time. */
export const DEFAULT_RETENTION_DAYS = 400;

export const LEDGER_TABLE: LedgerTableDefinition = {
  partitionKey: { name: LEDGER_ATTRIBUTES.partitionKey, type: 'S' },
  sortKey: { name: LEDGER_ATTRIBUTES.sortKey, type: 'S' },
  globalSecondaryIndexes: [
    {
      indexName: FACET_INDEX_NAME,
      partitionKey: { name: LEDGER_ATTRIBUTES.facet, type: 'S' },
      sortKey: { name: LEDGER_ATTRIBUTES.time, type: 'S' },
      projection: 'KEYS_ONLY',
    },
  ],
  timeToLiveAttribute: LEDGER_ATTRIBUTES.expiresAt,
  streamViewType: 'NEW_IMAGE',
  billingMode: 'PAY_PER_REQUEST',
};

/**
 * Lambda event-source filter for the notify function: only the INSERT of an entry item, never its raw
 * or index companions nor delivery-state updates. Pass to `lambda.FilterCriteria.filter(...)`.
 */
export const ENTRY_INSERT_STREAM_FILTER = {
  eventName: ['INSERT'],
  dynamodb: { NewImage: { [LEDGER_ATTRIBUTES.kind]: { S: [LEDGER_ITEM_KINDS.entry] } } },
} as const;

/**
 * Lambda event-source filter for the notify function's other trigger: a redelivery request written
 * (INSERT) or written again (MODIFY) by the record function when a duplicate delivery finds the entry
 * already in the ledger.
 */
const REDELIVERY_STREAM_FILTER = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: { NewImage: { [LEDGER_ATTRIBUTES.kind]: { S: [LEDGER_ITEM_KINDS.redelivery] } } },
} as const;

/** Every filter of the notify function's stream source; Lambda passes a record matching any of them. */
export const NOTIFY_STREAM_FILTERS = [ENTRY_INSERT_STREAM_FILTER, REDELIVERY_STREAM_FILTER] as const;

/**
 * The CreateTable request for this table (dynalite, tests, or an account without the CDK stack).
 * TTL is not part of CreateTable: enable it separately with `timeToLiveAttribute` where supported.
 */
export function toCreateTableInput(
  tableName: string,
  options: { stream?: boolean } = {},
): CreateTableCommandInput {
  const table = LEDGER_TABLE;
  const keyAttributes = [
    table.partitionKey,
    table.sortKey,
    ...table.globalSecondaryIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  const uniqueAttributes = [...new Map(keyAttributes.map((key) => [key.name, key])).values()];
  return {
    TableName: tableName,
    BillingMode: table.billingMode,
    AttributeDefinitions: uniqueAttributes.map((key) => ({
      AttributeName: key.name,
      AttributeType: key.type,
    })),
    KeySchema: [
      { AttributeName: table.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: table.sortKey.name, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
      IndexName: index.indexName,
      KeySchema: [
        { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: index.projection },
    })),
    ...(options.stream === false
      ? {}
      : { StreamSpecification: { StreamEnabled: true, StreamViewType: table.streamViewType } }),
  };
}
