/**
 * The S3 backfill Lambda entry point: the one wiring block. It records into the ledger with the record
 * Lambda's own configuration (table, retention, detection context).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { createDocumentClient, DynamoLedgerStore } from '../ledger/dynamo-store';
import { withBundledContext } from '../record/config';
import { jsonLogger, levelFromEnv, withRequestIds } from '../shared/logger';
import { readS3BackfillConfig } from './config';
import { createReplayBatchHandler, type ReplayBatchResult } from './replay-handler';

/** The record path's detection context, compiled into the code by the stack (as for the record function). */
declare const IAMWATCH_BUNDLED_DETECTION_CONTEXT: string | undefined;

const config = readS3BackfillConfig(
  withBundledContext(
    process.env,
    typeof IAMWATCH_BUNDLED_DETECTION_CONTEXT === 'string' ? IAMWATCH_BUNDLED_DETECTION_CONTEXT : undefined,
  ),
);
const logger = jsonLogger('iamwatch-s3-backfill', { level: levelFromEnv(process.env) });
const replayBatch = createReplayBatchHandler({
  store: new DynamoLedgerStore({
    client: createDocumentClient(),
    tableName: config.tableName,
    retentionDays: config.retentionDays,
  }),
  context: config.context,
  clock: { now: () => new Date() },
  logger,
  s3: new S3Client({}),
  retentionDays: config.retentionDays,
  concurrency: config.concurrency,
});

export const handler = withRequestIds<unknown, ReplayBatchResult>(logger, replayBatch);
