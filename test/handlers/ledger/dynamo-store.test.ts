import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventIdOfItem } from '../../../handlers/ledger/codec';
import { entryKey, rawKey } from '../../../handlers/ledger/keys';
import { TRUNCATION_MARKER } from '../../../handlers/ledger/raw';
import { DYNAMODB_MAX_ITEM_BYTES, itemSize } from '../../../handlers/ledger/size';
import { ENTRY_INSERT_STREAM_FILTER, LEDGER_ATTRIBUTES } from '../../../handlers/ledger/table';
import { describeLedgerBehaviour } from './support/behaviour';
import { type DynaliteLedger, startDynaliteLedger } from './support/dynalite';
import { entry, hit, rawOf } from './support/entries';

describeLedgerBehaviour('DynamoDB store on dynalite', async ({ pageSize }) => {
  const ledger = await startDynaliteLedger(pageSize === undefined ? {} : { pageSize });
  return {
    store: ledger.store,
    close: async () => {
      expect(ledger.commands).not.toContain('ScanCommand');
      await ledger.close();
    },
  };
});

async function collection(ledger: DynaliteLedger, eventId: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await ledger.client.send(
    new QueryCommand({
      TableName: ledger.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': entryKey(eventId).pk },
      ConsistentRead: true,
    }),
  );
  return Items;
}

describe('DynamoDB store: item layout', () => {
  let ledger: DynaliteLedger;
  beforeAll(async () => {
    ledger = await startDynaliteLedger();
  });
  afterAll(async () => ledger.close());

  const stored = entry({
    eventId: 'layout-1',
    eventTime: '2026-11-20T14:03:11Z',
    target: { type: 'user', name: 'bob', arn: 'arn:aws:iam::111122223333:user/bob' },
    sourceIp: '203.0.113.7',
    detections: [hit('iam-user-created', 'medium'), hit('root-activity', 'high')],
    severity: 'high',
  });

  it('writes the entry, its raw record and one index item per facet value in one item collection', async () => {
    await ledger.store.putIfAbsent(stored, rawOf(stored));
    const sortKeys = (await collection(ledger, 'layout-1')).map((item) => item.sk).sort();
    expect(sortKeys).toEqual(
      [
        'ENTRY',
        'F#account#111122223333',
        'F#actor#alice',
        'F#actor#arn:aws:iam::111122223333:user/alice',
        'F#detection#iam-user-created',
        'F#detection#root-activity',
        'F#event#createuser',
        'F#ip#203.0.113.7',
        'F#severity#high',
        'F#target-in#111122223333#user#bob',
        'F#target#arn:aws:iam::111122223333:user/bob',
        'F#target#bob',
        'RAW',
      ].sort(),
    );
  });

  it('lets only the entry item through the notify stream filter', async () => {
    const items = await collection(ledger, 'layout-1');
    const wanted = ENTRY_INSERT_STREAM_FILTER.dynamodb.NewImage.kind.S;
    const passing = items.filter((item) => wanted.some((kind) => kind === item[LEDGER_ATTRIBUTES.kind]));
    expect(passing.map((item) => item.sk)).toEqual(['ENTRY']);
    expect(items.map(eventIdOfItem).filter(Boolean)).toEqual(['layout-1']);
  });

  it('sets expiresAt to event time + 400 days on every item of the entry', async () => {
    const expected = Date.parse('2026-11-20T14:03:11Z') / 1000 + 400 * 86_400;
    const items = await collection(ledger, 'layout-1');
    expect(new Set(items.map((item) => item.expiresAt))).toEqual(new Set([expected]));
  });

  it('honours a configured retention', async () => {
    const shortLived = await startDynaliteLedger({ retentionDays: 30 });
    try {
      await shortLived.store.putIfAbsent(stored, rawOf(stored));
      const { Item } = await shortLived.client.send(
        new GetCommand({ TableName: shortLived.tableName, Key: entryKey('layout-1') }),
      );
      expect(Item?.expiresAt).toBe(Date.parse('2026-11-20T14:03:11Z') / 1000 + 30 * 86_400);
    } finally {
      await shortLived.close();
    }
  });

  it('repairs companion items a first write left out when the event is delivered again', async () => {
    const items = await collection(ledger, 'layout-1');
    const lost = ['RAW', 'F#actor#alice', 'F#detection#root-activity'];
    for (const sk of lost) {
      await ledger.client.send(
        new DeleteCommand({ TableName: ledger.tableName, Key: { pk: 'E#layout-1', sk } }),
      );
    }
    expect(await ledger.store.getRaw('layout-1')).toBeUndefined();
    expect(await ledger.store.history({ detection: 'root-activity' })).toEqual([]);
    expect(await ledger.store.putIfAbsent(stored, rawOf(stored))).toEqual({ outcome: 'duplicate' });
    expect((await collection(ledger, 'layout-1')).map((item) => item.sk).sort()).toEqual(
      items.map((item) => item.sk).sort(),
    );
    expect(await ledger.store.getRaw('layout-1')).toEqual(rawOf(stored));
    expect((await ledger.store.history({ detection: 'root-activity' })).map((e) => e.eventId)).toEqual([
      'layout-1',
    ]);
  });

  it('creates the delivery map on an entry stored without one', async () => {
    await ledger.client.send(
      new UpdateCommand({
        TableName: ledger.tableName,
        Key: entryKey('layout-1'),
        UpdateExpression: 'REMOVE delivery',
      }),
    );
    const state = { status: 'delivered' as const, at: '2026-11-20T14:03:15.000Z', attempts: 1 };
    await Promise.all([
      ledger.store.markDelivery('layout-1', 'sns', state),
      ledger.store.markDelivery('layout-1', 'slack:default', state),
    ]);
    expect((await ledger.store.get('layout-1'))?.delivery).toEqual({ sns: state, 'slack:default': state });
  });

  it('serves history with Query and BatchGetItem only', async () => {
    ledger.commands.length = 0;
    await ledger.store.history({});
    await ledger.store.history({ actor: 'alice', since: '2026-11-01' });
    await ledger.store.history({ minSeverity: 'medium' });
    expect(new Set(ledger.commands)).toEqual(new Set(['QueryCommand', 'BatchGetItemCommand']));
  });
});

describe('DynamoDB store: large raw records', () => {
  let ledger: DynaliteLedger;
  beforeAll(async () => {
    ledger = await startDynaliteLedger();
  });
  afterAll(async () => ledger.close());

  const rawItemOf = async (eventId: string) => {
    const { Item } = await ledger.client.send(
      new GetCommand({ TableName: ledger.tableName, Key: rawKey(eventId) }),
    );
    if (!Item) throw new Error(`no raw item for ${eventId}`);
    return Item;
  };

  it('stores a small record as plain JSON', async () => {
    const small = entry({ eventId: 'small-1', eventTime: '2026-11-20T10:00:00Z' });
    await ledger.store.putIfAbsent(small, rawOf(small));
    expect((await rawItemOf('small-1')).rawEncoding).toBe('json');
  });

  it('compresses a 1 MB record that compresses well and returns it unchanged', async () => {
    const stored = entry({ eventId: 'zip-1', eventTime: '2026-11-20T10:00:00Z', eventName: 'PutRolePolicy' });
    const statement = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::logs/*' };
    const policyDocument = JSON.stringify({
      Version: '2012-10-17',
      Statement: Array(16_000).fill(statement),
    });
    expect(policyDocument.length).toBeGreaterThan(1_000_000);
    const raw = rawOf(stored, { requestParameters: { roleName: 'app', policyName: 'p', policyDocument } });
    await ledger.store.putIfAbsent(stored, raw);
    const item = await rawItemOf('zip-1');
    expect(item.rawEncoding).toBe('gzip-base64');
    expect(item.rawTruncated).toBeUndefined();
    expect(itemSize(item)).toBeLessThan(DYNAMODB_MAX_ITEM_BYTES);
    expect(await ledger.store.getRaw('zip-1')).toEqual(raw);
  });

  it('shortens a 1 MB record that does not compress, marks it, and keeps the item under 400 KB', async () => {
    const stored = entry({
      eventId: 'huge-1',
      eventTime: '2026-11-20T10:00:00Z',
      eventName: 'PutUserPolicy',
    });
    const noise = randomBytes(768 * 1024).toString('base64');
    expect(noise.length).toBeGreaterThan(1_000_000);
    const raw = rawOf(stored, {
      requestParameters: { userName: 'bob', policyName: 'p', policyDocument: noise },
    });
    expect(await ledger.store.putIfAbsent(stored, raw)).toEqual({ outcome: 'inserted' });
    const item = await rawItemOf('huge-1');
    expect(item.rawTruncated).toBe(true);
    expect(item.rawBytes).toBeGreaterThan(1_000_000);
    expect(itemSize(item)).toBeLessThan(DYNAMODB_MAX_ITEM_BYTES);
    const back = await ledger.store.getRaw('huge-1');
    expect(back?.[TRUNCATION_MARKER]).toMatchObject({ originalBytes: item.rawBytes });
    expect(back?.eventID).toBe('huge-1');
    expect(back?.requestParameters?.userName).toBe('bob');
    expect(String(back?.requestParameters?.policyDocument)).toContain(TRUNCATION_MARKER);
    expect(await ledger.store.get('huge-1')).toEqual(stored);
  });
});

describe('DynamoDB store: errors', () => {
  it('lets a throttling error propagate instead of reporting a duplicate', async () => {
    const ledger = await startDynaliteLedger();
    try {
      ledger.client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'PutItemCommand') {
            throw Object.assign(new Error('Rate of requests exceeds the allowed throughput'), {
              name: 'ProvisionedThroughputExceededException',
            });
          }
          return next(args);
        },
        { step: 'initialize', name: 'throttlePuts' },
      );
      const stored = entry({ eventId: 'throttled-1', eventTime: '2026-11-20T10:00:00Z' });
      await expect(ledger.store.putIfAbsent(stored, rawOf(stored))).rejects.toMatchObject({
        name: 'ProvisionedThroughputExceededException',
      });
      expect(await ledger.store.get('throttled-1')).toBeUndefined();
    } finally {
      await ledger.close();
    }
  });
});
