/**
 * The S3 backfill Lambda entry point: the one wiring block. It records into the ledger with the record
 * Lambda's own configuration (table, retention, detection context).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { createDocumentClient, DynamoLedgerStore } from '../ledger/dynamo-store';
import { readRecordConfig } from '../record/config';
import { integerEnv } from '../shared/env';
import { jsonLogger } from '../shared/logger';
import { createReplayBatchHandler, type ReplayBatchResult } from './replay-handler';

const config = readRecordConfig(process.env);
const replayBatch = createReplayBatchHandler({
  store: new DynamoLedgerStore({
    client: createDocumentClient(),
    tableName: config.tableName,
    retentionDays: config.retentionDays,
  }),
  context: config.context,
  clock: { now: () => new Date() },
  logger: jsonLogger('iamwatch-s3-backfill'),
  s3: new S3Client({}),
  retentionDays: config.retentionDays,
  concurrency: integerEnv(process.env, 'IAMWATCH_S3_CONCURRENCY', 8),
});

export const handler = (event: unknown): Promise<ReplayBatchResult> => replayBatch(event);
