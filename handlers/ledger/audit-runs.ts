/**
 * Audit runs kept in the ledger table, so the next audit can say what is new, fixed and still open.
 * One item per run under `pk = AUDITS`, `sk = <runAt>`: the run's accounts and its findings' ids,
 * severities and titles, gzipped (a large organization's findings would not fit 400 KB as JSON).
 * Runs are kept as long as ledger entries (TTL), and only the newest is ever read.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditRunRecord } from '../../rules/audit/compare';
import { LedgerDecodingError, LedgerEncodingError } from './errors';
import { DYNAMODB_MAX_ITEM_BYTES } from './size';
import { LEDGER_ATTRIBUTES } from './table';

const AUDITS_PARTITION_KEY = 'AUDITS';
/** `kind` of an audit-run item (never `entry`, so the notify stream filter drops it). */
const AUDIT_RUN_KIND = 'audit';
const SECONDS_PER_DAY = 86_400;

export async function putAuditRun(
  client: DynamoDBDocumentClient,
  tableName: string,
  run: AuditRunRecord,
  retentionDays: number,
): Promise<void> {
  const body = gzipSync(JSON.stringify(run)).toString('base64');
  if (body.length > DYNAMODB_MAX_ITEM_BYTES - 4096) {
    throw new LedgerEncodingError(
      `audit run of ${run.runAt} is ${body.length} bytes compressed, over the item limit`,
      run.runAt,
    );
  }
  await client.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        [LEDGER_ATTRIBUTES.partitionKey]: AUDITS_PARTITION_KEY,
        [LEDGER_ATTRIBUTES.sortKey]: run.runAt,
        [LEDGER_ATTRIBUTES.kind]: AUDIT_RUN_KIND,
        [LEDGER_ATTRIBUTES.expiresAt]:
          Math.floor(Date.parse(run.runAt) / 1000) + retentionDays * SECONDS_PER_DAY,
        run: body,
      },
    }),
  );
}

export async function latestAuditRun(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<AuditRunRecord | undefined> {
  const { Items } = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': LEDGER_ATTRIBUTES.partitionKey },
      ExpressionAttributeValues: { ':pk': AUDITS_PARTITION_KEY },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const item = Items?.[0];
  if (!item) return undefined;
  try {
    return JSON.parse(gunzipSync(Buffer.from(String(item.run), 'base64')).toString('utf8')) as AuditRunRecord;
  } catch (cause) {
    throw new LedgerDecodingError(
      `audit run ${String(item[LEDGER_ATTRIBUTES.sortKey])} is unreadable`,
      undefined,
      {
        cause,
      },
    );
  }
}
