/**
 * The ledger table's control items: suppressions and their audit trail, and burst windows with their
 * pending follow-ups. They live in their own partitions next to the entries (no second table to
 * deploy, grant and back up), carry a `kind` the notify stream filter does not pass, and expire by the
 * same TTL attribute. Every read is a Query on one partition; nothing Scans.
 *
 * | item              | `pk`                  | `sk`                          |
 * | ----------------- | --------------------- | ----------------------------- |
 * | suppression       | `SUPPRESSIONS`        | `<id>`                        |
 * | suppression event | `SUPPRESSION_EVENTS`  | `<at>#<id>#<action>`          |
 * | burst window      | `BURST#<key>`         | `WINDOW`                      |
 * | burst follow-up   | `BURSTS`              | `<closesAt>#<key>`            |
 */
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  type BurstStore,
  type FoldedAlert,
  type FoldedBurst,
  MAX_FOLDED_LISTED,
  type Suppression,
  type SuppressionEvent,
  type SuppressionStore,
} from '../ports';
import { SuppressionExistsError } from './errors';
import { queryAll } from './query-all';
import { LEDGER_ATTRIBUTES, LEDGER_ITEM_KINDS } from './table';

const { partitionKey: PK, sortKey: SK, kind: KIND, expiresAt: EXPIRES_AT } = LEDGER_ATTRIBUTES;
const SUPPRESSIONS = 'SUPPRESSIONS';
const SUPPRESSION_EVENTS = 'SUPPRESSION_EVENTS';
const BURSTS = 'BURSTS';
const WINDOW = 'WINDOW';
/** Control items outlive what they describe by this much, then TTL removes them. */
const GRACE_SECONDS = 86_400;

const burstKey = (key: string) => `BURST#${key}`;
const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** Suppressions and bursts over the ledger table through the document client. */
export class DynamoControlItems implements SuppressionStore, BurstStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  async putSuppression(suppression: Suppression): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [PK]: SUPPRESSIONS,
            [SK]: suppression.id,
            [KIND]: LEDGER_ITEM_KINDS.suppression,
            [EXPIRES_AT]: epochSeconds(suppression.until) + GRACE_SECONDS,
            suppression,
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
        }),
      );
    } catch (error) {
      if (isConditionalCheckFailed(error)) throw new SuppressionExistsError(suppression.id);
      throw error;
    }
  }

  async listSuppressions(): Promise<Suppression[]> {
    const items = await this.partition(SUPPRESSIONS);
    return items.map((item) => item.suppression as Suppression);
  }

  async deleteSuppression(id: string): Promise<Suppression | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [PK]: SUPPRESSIONS, [SK]: id },
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': PK },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes?.suppression as Suppression | undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async appendSuppressionEvent(event: SuppressionEvent): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          [PK]: SUPPRESSION_EVENTS,
          [SK]: `${event.at}#${event.suppression.id}#${event.action}`,
          [KIND]: LEDGER_ITEM_KINDS.suppressionEvent,
          [EXPIRES_AT]: epochSeconds(event.at) + this.retentionDays * 86_400,
          event,
        },
      }),
    );
  }

  async suppressionEvents(): Promise<SuppressionEvent[]> {
    return (await this.partition(SUPPRESSION_EVENTS)).map((item) => item.event as SuppressionEvent);
  }

  async countInBurst(
    key: string,
    time: string,
    windowMs: number,
  ): Promise<{ position: number; closesAt: string }> {
    // Usually the window is open: one conditional increment. Otherwise open a new one, and if another
    // writer opened it first, count in theirs.
    for (let attempt = 0; attempt < 3; attempt++) {
      const counted = await this.incrementOpenWindow(key, time);
      if (counted) return counted;
      const closesAt = new Date(Date.parse(time) + windowMs).toISOString();
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              [PK]: burstKey(key),
              [SK]: WINDOW,
              [KIND]: LEDGER_ITEM_KINDS.burstWindow,
              [EXPIRES_AT]: epochSeconds(closesAt) + GRACE_SECONDS,
              closesAt,
              count: 1,
            },
            ConditionExpression: 'attribute_not_exists(#pk) OR #closesAt <= :time',
            ExpressionAttributeNames: { '#pk': PK, '#closesAt': 'closesAt' },
            ExpressionAttributeValues: { ':time': time },
          }),
        );
        return { position: 1, closesAt };
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    throw new Error(`burst window ${key} kept changing under concurrent writers`);
  }

  async addFolded(burst: Omit<FoldedBurst, 'alerts' | 'total'>, alert: FoldedAlert): Promise<void> {
    const names = {
      '#alerts': 'alerts',
      '#total': 'total',
      '#burst': 'burst',
      '#kind': KIND,
      '#expiresAt': EXPIRES_AT,
    };
    const common = {
      ':one': 1,
      ':burst': burst,
      ':kind': LEDGER_ITEM_KINDS.burstFollowUp,
      ':expiresAt': epochSeconds(burst.closesAt) + GRACE_SECONDS,
    };
    const key = { [PK]: BURSTS, [SK]: `${burst.closesAt}#${burst.key}` };
    const header = '#burst = if_not_exists(#burst, :burst), #kind = :kind, #expiresAt = :expiresAt';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET ${header}, #alerts = list_append(if_not_exists(#alerts, :empty), :alert) ADD #total :one`,
          ConditionExpression: 'attribute_not_exists(#alerts) OR size(#alerts) < :max',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: {
            ...common,
            ':empty': [],
            ':alert': [alert],
            ':max': MAX_FOLDED_LISTED,
          },
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      // The list is full: count the alert only.
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET ${header} ADD #total :one`,
          ExpressionAttributeNames: {
            '#total': 'total',
            '#burst': 'burst',
            '#kind': KIND,
            '#expiresAt': EXPIRES_AT,
          },
          ExpressionAttributeValues: common,
        }),
      );
    }
  }

  async takeClosedBursts(now: string): Promise<FoldedBurst[]> {
    const due = await this.partition(BURSTS, `${now}$`);
    const taken: FoldedBurst[] = [];
    for (const item of due) {
      try {
        // The conditional delete is the hand-off: of two flushers, exactly one gets the follow-up.
        const { Attributes } = await this.client.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: { [PK]: BURSTS, [SK]: item[SK] },
            ConditionExpression: 'attribute_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
            ReturnValues: 'ALL_OLD',
          }),
        );
        if (Attributes) taken.push(followUpOf(Attributes));
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    return taken;
  }

  async putBurst(burst: FoldedBurst): Promise<void> {
    const { alerts, total, ...header } = burst;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          [PK]: BURSTS,
          [SK]: `${burst.closesAt}#${burst.key}`,
          [KIND]: LEDGER_ITEM_KINDS.burstFollowUp,
          [EXPIRES_AT]: epochSeconds(burst.closesAt) + GRACE_SECONDS,
          burst: header,
          alerts,
          total,
        },
      }),
    );
  }

  private async incrementOpenWindow(
    key: string,
    time: string,
  ): Promise<{ position: number; closesAt: string } | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [PK]: burstKey(key), [SK]: WINDOW },
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: '#closesAt > :time',
          ExpressionAttributeNames: { '#count': 'count', '#closesAt': 'closesAt' },
          ExpressionAttributeValues: { ':one': 1, ':time': time },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { position: Number(Attributes?.count), closesAt: String(Attributes?.closesAt) };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /** Every item of one control partition (sort keys up to `until` when given), paging through. */
  private async partition(pk: string, until?: string): Promise<Record<string, unknown>[]> {
    return queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: until === undefined ? '#pk = :pk' : '#pk = :pk AND #sk <= :until',
      ExpressionAttributeNames: until === undefined ? { '#pk': PK } : { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: until === undefined ? { ':pk': pk } : { ':pk': pk, ':until': until },
      ConsistentRead: true,
    });
  }
}

function followUpOf(item: Record<string, unknown>): FoldedBurst {
  const header = item.burst as Omit<FoldedBurst, 'alerts' | 'total'>;
  const alerts = (item.alerts as FoldedAlert[] | undefined) ?? [];
  return { ...header, alerts, total: Number(item.total ?? alerts.length) };
}

function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
