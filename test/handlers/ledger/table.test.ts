import { describe, expect, it } from 'vitest';
import {
  ENTRY_INSERT_STREAM_FILTER,
  FACET_INDEX_NAME,
  LEDGER_ATTRIBUTES,
  LEDGER_TABLE,
  toCreateTableInput,
} from '../../../handlers/ledger/table';

describe('ledger table definition', () => {
  it('describes the key schema, the facet index, TTL and the stream', () => {
    expect(LEDGER_TABLE).toEqual({
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      globalSecondaryIndexes: [
        {
          indexName: FACET_INDEX_NAME,
          partitionKey: { name: 'facet', type: 'S' },
          sortKey: { name: 'ts', type: 'S' },
          projection: 'KEYS_ONLY',
        },
      ],
      timeToLiveAttribute: 'expiresAt',
      streamViewType: 'NEW_IMAGE',
      billingMode: 'PAY_PER_REQUEST',
    });
  });

  it('builds a CreateTable request with each key attribute defined once', () => {
    const input = toCreateTableInput('ledger-test');
    expect(input.TableName).toBe('ledger-test');
    expect(input.AttributeDefinitions?.map((a) => a.AttributeName)).toEqual(['pk', 'sk', 'facet', 'ts']);
    expect(input.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(input.GlobalSecondaryIndexes?.[0]?.Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
    expect(input.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    expect(toCreateTableInput('local', { stream: false }).StreamSpecification).toBeUndefined();
  });

  it('filters the stream down to inserted entry items', () => {
    expect(ENTRY_INSERT_STREAM_FILTER).toEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { [LEDGER_ATTRIBUTES.kind]: { S: ['entry'] } } },
    });
  });
});
