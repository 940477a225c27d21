/**
 * Heartbeat state in the ledger table, apart from ledger entries: one item per reporter in the
 * `HEARTBEATS` partition (`sk = <account>#<region>`, `kind = heartbeat`). These items have no facet (so
 * no history query finds them), no TTL, and a kind the notify stream filter drops, so a heartbeat is
 * never an entry and never alerts on its own.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type ReporterState, reporterKey } from './check';

export const HEARTBEATS_PARTITION = 'HEARTBEATS';
const HEARTBEAT_ITEM_KIND = 'heartbeat';

export interface HeartbeatStore {
  /** Records a heartbeat; an older one arriving late never moves `lastSeenAt` back. */
  recordHeartbeat(accountId: string, region: string, at: string): Promise<void>;
  states(): Promise<ReporterState[]>;
  /** Writes the check's bookkeeping (first expected, silent since) without touching `lastSeenAt`. */
  saveCheck(state: ReporterState): Promise<void>;
  forget(state: ReporterState): Promise<void>;
}

export class DynamoHeartbeatStore implements HeartbeatStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordHeartbeat(accountId: string, region: string, at: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: HEARTBEATS_PARTITION, sk: reporterKey({ accountId, region }) },
          UpdateExpression: 'SET lastSeenAt = :at, accountId = :account, #region = :region, kind = :kind',
          ConditionExpression: 'attribute_not_exists(lastSeenAt) OR lastSeenAt < :at',
          ExpressionAttributeNames: { '#region': 'region' },
          ExpressionAttributeValues: {
            ':at': at,
            ':account': accountId,
            ':region': region,
            ':kind': HEARTBEAT_ITEM_KIND,
          },
        }),
      );
    } catch (error) {
      // A newer heartbeat is already stored: nothing to do.
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return;
      throw error;
    }
  }

  async states(): Promise<ReporterState[]> {
    const states: ReporterState[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': HEARTBEATS_PARTITION },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        if (typeof item.accountId !== 'string' || typeof item.region !== 'string') continue;
        const state: ReporterState = { accountId: item.accountId, region: item.region };
        for (const field of ['lastSeenAt', 'firstExpectedAt', 'silentSince'] as const) {
          if (typeof item[field] === 'string') state[field] = item[field];
        }
        states.push(state);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return states;
  }

  async saveCheck(state: ReporterState): Promise<void> {
    const names: Record<string, string> = { '#region': 'region' };
    const values: Record<string, unknown> = {
      ':account': state.accountId,
      ':region': state.region,
      ':kind': HEARTBEAT_ITEM_KIND,
    };
    const set = ['accountId = :account', '#region = :region', 'kind = :kind'];
    if (state.firstExpectedAt) {
      set.push('firstExpectedAt = :first');
      values[':first'] = state.firstExpectedAt;
    }
    let update = `SET ${set.join(', ')}`;
    if (state.silentSince) {
      update += ', silentSince = :silent';
      values[':silent'] = state.silentSince;
    } else {
      update += ' REMOVE silentSince';
    }
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: HEARTBEATS_PARTITION, sk: reporterKey(state) },
        UpdateExpression: update,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }

  async forget(state: ReporterState): Promise<void> {
    await this.client.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { pk: HEARTBEATS_PARTITION, sk: reporterKey(state) },
      }),
    );
  }
}
