/**
 * Heartbeat state in the ledger table, apart from ledger entries: one item per reporter in the
 * `HEARTBEATS` partition (`sk = <account>#<region>`, `kind = heartbeat`), and one for the end-to-end
 * canary (`sk = CANARY`, `kind = canary`), written by the record function when a canary entry arrives.
 * These items have no facet (so no history query finds them), no TTL, and a kind the notify stream
 * filter drops, so neither is ever an entry nor alerts on its own.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { queryAll } from '../ledger/query-all';
import { type CanaryState, type ReporterState, reporterKey } from './check';

export const HEARTBEATS_PARTITION = 'HEARTBEATS';
const HEARTBEAT_ITEM_KIND = 'heartbeat';
/** The canary's item in the heartbeat partition; no reporter key (`<account>#<region>`) can equal it. */
const CANARY_SORT_KEY = 'CANARY';
const CANARY_ITEM_KIND = 'canary';

/** The one call the record function makes on heartbeat state. */
export interface CanaryArrivals {
  /**
   * Records that a canary write made the trip: `writtenAt` is its CloudTrail eventTime, `arrivedAt`
   * when it was recorded. An older write arriving late never moves either back.
   */
  recordCanary(writtenAt: string, arrivedAt: string): Promise<void>;
}

export interface HeartbeatStore extends CanaryArrivals {
  /** Records a heartbeat; an older one arriving late never moves `lastSeenAt` back. */
  recordHeartbeat(accountId: string, region: string, at: string): Promise<void>;
  states(): Promise<ReporterState[]>;
  /** Writes the check's bookkeeping (first expected, silent since) without touching `lastSeenAt`. */
  saveCheck(state: ReporterState): Promise<void>;
  forget(state: ReporterState): Promise<void>;
  /** The canary's state; undefined before the first canary or check. */
  canaryState(): Promise<CanaryState | undefined>;
  /** Writes the canary check's bookkeeping without touching `lastSeenAt` / `arrivedAt`. */
  saveCanaryCheck(state: CanaryState): Promise<void>;
}

export class DynamoHeartbeatStore implements HeartbeatStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  recordHeartbeat(accountId: string, region: string, at: string): Promise<void> {
    return this.updateSeen(reporterKey({ accountId, region }), {
      UpdateExpression: 'SET lastSeenAt = :at, accountId = :account, #region = :region, kind = :kind',
      ExpressionAttributeNames: { '#region': 'region' },
      ExpressionAttributeValues: {
        ':at': at,
        ':account': accountId,
        ':region': region,
        ':kind': HEARTBEAT_ITEM_KIND,
      },
    });
  }

  async states(): Promise<ReporterState[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': HEARTBEATS_PARTITION },
      ConsistentRead: true,
    });
    const states: ReporterState[] = [];
    for (const item of items) {
      if (item.sk === CANARY_SORT_KEY) continue;
      if (typeof item.accountId !== 'string' || typeof item.region !== 'string') continue;
      const state: ReporterState = { accountId: item.accountId, region: item.region };
      for (const field of ['lastSeenAt', 'firstExpectedAt', 'silentSince'] as const) {
        if (typeof item[field] === 'string') state[field] = item[field];
      }
      states.push(state);
    }
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

  recordCanary(writtenAt: string, arrivedAt: string): Promise<void> {
    return this.updateSeen(CANARY_SORT_KEY, {
      UpdateExpression: 'SET lastSeenAt = :at, arrivedAt = :arrived, kind = :kind',
      ExpressionAttributeValues: { ':at': writtenAt, ':arrived': arrivedAt, ':kind': CANARY_ITEM_KIND },
    });
  }

  /**
   * An update of the item `sk` that sets `lastSeenAt` to `:at` only forward: when a newer time is already
   * stored (or this is a duplicate delivery) there is nothing to do.
   */
  private async updateSeen(
    sk: string,
    update: Pick<
      UpdateCommandInput,
      'UpdateExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    >,
  ): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: HEARTBEATS_PARTITION, sk },
          ConditionExpression: 'attribute_not_exists(lastSeenAt) OR lastSeenAt < :at',
          ...update,
        }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return;
      throw error;
    }
  }

  async canaryState(): Promise<CanaryState | undefined> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk = :sk',
        ExpressionAttributeValues: { ':pk': HEARTBEATS_PARTITION, ':sk': CANARY_SORT_KEY },
        ConsistentRead: true,
      }),
    );
    const item = page.Items?.[0];
    if (!item) return undefined;
    const state: CanaryState = {};
    for (const field of ['lastSeenAt', 'arrivedAt', 'firstExpectedAt', 'silentSince'] as const) {
      if (typeof item[field] === 'string') state[field] = item[field];
    }
    return state;
  }

  async saveCanaryCheck(state: CanaryState): Promise<void> {
    const values: Record<string, unknown> = { ':kind': CANARY_ITEM_KIND };
    const set = ['kind = :kind'];
    if (state.firstExpectedAt) {
      set.push('firstExpectedAt = :first');
      values[':first'] = state.firstExpectedAt;
    }
    if (state.silentSince) {
      set.push('silentSince = :silent');
      values[':silent'] = state.silentSince;
    }
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: HEARTBEATS_PARTITION, sk: CANARY_SORT_KEY },
        UpdateExpression: `SET ${set.join(', ')}${state.silentSince ? '' : ' REMOVE silentSince'}`,
        ExpressionAttributeValues: values,
      }),
    );
  }
}

/** The same contract in memory, for the local runner and tests of the wiring. */
export class MemoryHeartbeatStore implements HeartbeatStore {
  readonly items = new Map<string, ReporterState>();
  canary: CanaryState | undefined;

  async recordCanary(writtenAt: string, arrivedAt: string): Promise<void> {
    const state = this.canary ?? {};
    if (!state.lastSeenAt || state.lastSeenAt < writtenAt) {
      state.lastSeenAt = writtenAt;
      state.arrivedAt = arrivedAt;
    }
    this.canary = state;
  }

  async canaryState(): Promise<CanaryState | undefined> {
    return this.canary ? { ...this.canary } : undefined;
  }

  async saveCanaryCheck(state: CanaryState): Promise<void> {
    const { lastSeenAt, arrivedAt } = this.canary ?? {};
    const next: CanaryState = { ...state };
    delete next.lastSeenAt;
    delete next.arrivedAt;
    if (lastSeenAt) next.lastSeenAt = lastSeenAt;
    if (arrivedAt) next.arrivedAt = arrivedAt;
    this.canary = next;
  }

  async recordHeartbeat(accountId: string, region: string, at: string): Promise<void> {
    const key = reporterKey({ accountId, region });
    const state = this.items.get(key) ?? { accountId, region };
    if (!state.lastSeenAt || state.lastSeenAt < at) state.lastSeenAt = at;
    this.items.set(key, state);
  }

  async states(): Promise<ReporterState[]> {
    return [...this.items.values()].map((state) => ({ ...state }));
  }

  async saveCheck(state: ReporterState): Promise<void> {
    const key = reporterKey(state);
    const { lastSeenAt } = this.items.get(key) ?? {};
    const next: ReporterState = { ...state };
    if (lastSeenAt) next.lastSeenAt = lastSeenAt;
    else delete next.lastSeenAt;
    this.items.set(key, next);
  }

  async forget(state: ReporterState): Promise<void> {
    this.items.delete(reporterKey(state));
  }
}
