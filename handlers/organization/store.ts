/**
 * The organization snapshot in the ledger table, under its own partition `pk = ORG` (never an entry,
 * so the notify stream filter and history queries never see it):
 *
 * - `sk = HEAD`: which snapshot is current (`snapshotId`), when Organizations was last read
 *   successfully (`checkedAt`), and the last failure to read it (`lastError`, `lastErrorAt`);
 * - `sk = PART#<snapshotId>#<nnnn>`: the accounts, as JSON text split into parts well below
 *   DynamoDB's 400 KB item limit, so the organization's size is bounded by nothing but the table.
 *
 * A new snapshot's parts are written before the head points at them, so a reader never sees half of
 * one; the previous parts are deleted afterwards. An unchanged organization rewrites only the head.
 */
import { createHash } from 'node:crypto';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { queryAll } from '../ledger/query-all';
import { LEDGER_ATTRIBUTES, LEDGER_ITEM_KINDS } from '../ledger/table';
import type { OrganizationAccount, OrganizationSnapshot } from './snapshot';

/** Partition of every organization item in the ledger table. */
export const ORGANIZATION_PARTITION = 'ORG';
const HEAD_SORT_KEY = 'HEAD';
/** Text per part; DynamoDB allows 400 KB per item, attribute names and keys included. */
const PART_BYTES = 300_000;

/** What the head item says about the current snapshot. */
export interface SnapshotHead {
  snapshotId: string;
  /** Last successful read of Organizations (the snapshot's age counts from here). */
  checkedAt: string;
  accountCount: number;
  organizationId?: string;
  managementAccountId?: string;
  /** The last failed read, when it came after `checkedAt`'s read or before any. */
  lastError?: string;
  lastErrorAt?: string;
}

/** Where snapshots live: the port the record path, the refresh function and doctor share. */
export interface OrganizationSnapshotStore {
  /** The head alone: one item read, cheap enough to ask on every event. */
  head(): Promise<SnapshotHead | undefined>;
  /** The current snapshot in full, with its head. */
  load(): Promise<{ head: SnapshotHead; snapshot: OrganizationSnapshot } | undefined>;
  /** Makes `snapshot` current (rewrites the parts only when the accounts changed). */
  save(snapshot: OrganizationSnapshot): Promise<SnapshotHead>;
  /** Notes a failed read of Organizations on the head; the current snapshot stays. */
  recordFailure(message: string, at: Date): Promise<void>;
  /** The last failed read, also when no snapshot was ever taken. */
  lastFailure(): Promise<{ lastError: string; lastErrorAt: string } | undefined>;
}

/** The stored snapshot is not what this code wrote (hand-edited, truncated). */
class SnapshotCorruptError extends Error {
  override readonly name = 'SnapshotCorruptError';
}

/** One `OrganizationAccount` as stored (ledger table, CLI cache). */
export const organizationAccountSchema = z.object({
  id: z.string().check(z.regex(/^\d{12}$/)),
  name: z.string(),
  status: z.string(),
  ouPath: z.optional(z.string()),
  joinedAt: z.optional(z.string()),
});
const accountsSchema = z.array(organizationAccountSchema);
const headSchema = z.object({
  snapshotId: z.string(),
  checkedAt: z.string(),
  accountCount: z.number(),
  parts: z.int().check(z.nonnegative()),
  digest: z.string(),
  organizationId: z.optional(z.string()),
  managementAccountId: z.optional(z.string()),
  lastError: z.optional(z.string()),
  lastErrorAt: z.optional(z.string()),
});

/** The snapshot store over the ledger table (DynamoDB or dynalite). */
export class DynamoSnapshotStore implements OrganizationSnapshotStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async head(): Promise<SnapshotHead | undefined> {
    const stored = await this.storedHead();
    return stored ? publicHead(stored) : undefined;
  }

  async load(): Promise<{ head: SnapshotHead; snapshot: OrganizationSnapshot } | undefined> {
    const stored = await this.storedHead();
    if (!stored) return undefined;
    const texts = await this.partTexts(stored.snapshotId);
    if (texts.length !== stored.parts) {
      throw new SnapshotCorruptError(
        `organization snapshot ${stored.snapshotId} has ${texts.length} of its ${stored.parts} parts`,
      );
    }
    const parsed = accountsSchema.safeParse(JSON.parse(`[${texts.filter(Boolean).join(',')}]`));
    if (!parsed.success) {
      throw new SnapshotCorruptError(`organization snapshot ${stored.snapshotId}: ${parsed.error.message}`);
    }
    const snapshot: OrganizationSnapshot = { takenAt: stored.checkedAt, accounts: parsed.data };
    if (stored.organizationId) snapshot.organizationId = stored.organizationId;
    if (stored.managementAccountId) snapshot.managementAccountId = stored.managementAccountId;
    return { head: publicHead(stored), snapshot };
  }

  async save(snapshot: OrganizationSnapshot): Promise<SnapshotHead> {
    const previous = await this.storedHead();
    const digest = digestOf(snapshot.accounts);
    if (previous && previous.digest === digest) {
      await this.updateHead({
        UpdateExpression: 'SET checkedAt = :at REMOVE lastError, lastErrorAt',
        ExpressionAttributeValues: { ':at': snapshot.takenAt },
      });
      return publicHead({ ...previous, checkedAt: snapshot.takenAt, lastError: undefined });
    }
    const snapshotId = `${snapshot.takenAt}#${digest.slice(0, 12)}`;
    const parts = splitParts(snapshot.accounts);
    for (const [index, text] of parts.entries()) {
      await this.putItem(partKey(snapshotId, index), { accounts: text });
    }
    const head: z.infer<typeof headSchema> = {
      snapshotId,
      checkedAt: snapshot.takenAt,
      accountCount: snapshot.accounts.length,
      parts: parts.length,
      digest,
    };
    if (snapshot.organizationId) head.organizationId = snapshot.organizationId;
    if (snapshot.managementAccountId) head.managementAccountId = snapshot.managementAccountId;
    await this.putItem(headKey(), head);
    if (previous) await this.deleteParts(previous.snapshotId, previous.parts);
    return publicHead(head);
  }

  async recordFailure(message: string, at: Date): Promise<void> {
    await this.updateHead({
      UpdateExpression: 'SET lastError = :error, lastErrorAt = :at, #kind = :kind',
      ExpressionAttributeNames: { '#kind': LEDGER_ATTRIBUTES.kind },
      ExpressionAttributeValues: {
        ':error': message.slice(0, 1000),
        ':at': at.toISOString(),
        ':kind': LEDGER_ITEM_KINDS.organization,
      },
    });
  }

  /** Puts an item of the organization (the head or a part) under `key`. */
  private async putItem(key: Record<string, string>, fields: object): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key, [LEDGER_ATTRIBUTES.kind]: LEDGER_ITEM_KINDS.organization, ...fields },
      }),
    );
  }

  /** An update of the head item. */
  private async updateHead(update: Omit<UpdateCommandInput, 'TableName' | 'Key'>): Promise<void> {
    await this.client.send(new UpdateCommand({ TableName: this.tableName, Key: headKey(), ...update }));
  }

  /** The head item as stored, read consistently. */
  private async headItem(): Promise<Record<string, unknown> | undefined> {
    const response = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: headKey(), ConsistentRead: true }),
    );
    return response.Item;
  }

  private async storedHead(): Promise<z.infer<typeof headSchema> | undefined> {
    const item = await this.headItem();
    if (!item) return undefined;
    if (item.snapshotId === undefined) {
      // Only failures were ever recorded: there is no snapshot yet, but the error is worth showing.
      return undefined;
    }
    const parsed = headSchema.safeParse(item);
    if (!parsed.success)
      throw new SnapshotCorruptError(`organization snapshot head: ${parsed.error.message}`);
    return parsed.data;
  }

  async lastFailure(): Promise<{ lastError: string; lastErrorAt: string } | undefined> {
    const item = await this.headItem();
    if (!item || typeof item.lastError !== 'string' || typeof item.lastErrorAt !== 'string') return undefined;
    return { lastError: item.lastError, lastErrorAt: item.lastErrorAt };
  }

  private async partTexts(snapshotId: string): Promise<string[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      ConsistentRead: true,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: {
        '#pk': LEDGER_ATTRIBUTES.partitionKey,
        '#sk': LEDGER_ATTRIBUTES.sortKey,
      },
      ExpressionAttributeValues: { ':pk': ORGANIZATION_PARTITION, ':prefix': partPrefix(snapshotId) },
    });
    return items.map((item) => String(item.accounts ?? ''));
  }

  private async deleteParts(snapshotId: string, count: number): Promise<void> {
    const keys = Array.from({ length: count }, (_, index) => partKey(snapshotId, index));
    for (let i = 0; i < keys.length; i += 25) {
      let requests: Record<string, unknown>[] = keys
        .slice(i, i + 25)
        .map((Key) => ({ DeleteRequest: { Key } }));
      // Unprocessed deletes are retried a few times; a leftover part costs storage, never correctness.
      for (let attempt = 0; attempt < 5 && requests.length > 0; attempt++) {
        const response = await this.client.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }),
        );
        requests = (response.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
      }
    }
  }
}

function headKey(): Record<string, string> {
  return {
    [LEDGER_ATTRIBUTES.partitionKey]: ORGANIZATION_PARTITION,
    [LEDGER_ATTRIBUTES.sortKey]: HEAD_SORT_KEY,
  };
}

function partPrefix(snapshotId: string): string {
  return `PART#${snapshotId}#`;
}

function partKey(snapshotId: string, index: number): Record<string, string> {
  return {
    [LEDGER_ATTRIBUTES.partitionKey]: ORGANIZATION_PARTITION,
    [LEDGER_ATTRIBUTES.sortKey]: `${partPrefix(snapshotId)}${String(index).padStart(4, '0')}`,
  };
}

function publicHead(stored: Partial<z.infer<typeof headSchema>> & SnapshotHead): SnapshotHead {
  const head: SnapshotHead = {
    snapshotId: stored.snapshotId,
    checkedAt: stored.checkedAt,
    accountCount: stored.accountCount,
  };
  if (stored.organizationId) head.organizationId = stored.organizationId;
  if (stored.managementAccountId) head.managementAccountId = stored.managementAccountId;
  if (stored.lastError) head.lastError = stored.lastError;
  if (stored.lastErrorAt) head.lastErrorAt = stored.lastErrorAt;
  return head;
}

function digestOf(accounts: readonly OrganizationAccount[]): string {
  return createHash('sha256').update(JSON.stringify(accounts)).digest('hex');
}

/** Accounts as comma-joined JSON objects, cut into parts of at most PART_BYTES each (at least one part). */
function splitParts(accounts: readonly OrganizationAccount[]): string[] {
  const parts: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const account of accounts) {
    const text = JSON.stringify(account);
    const size = Buffer.byteLength(text) + 1;
    if (bytes + size > PART_BYTES && current.length > 0) {
      parts.push(current.join(','));
      current = [];
      bytes = 0;
    }
    current.push(text);
    bytes += size;
  }
  parts.push(current.join(','));
  return parts;
}
