/**
 * The record Lambda entry point: the one wiring block. Configuration and clients are built once per
 * container; everything else lives in the handler factory.
 */
import { createDocumentClient, DynamoLedgerStore } from '../ledger/dynamo-store';
import { jsonLogger, levelFromEnv } from '../shared/logger';
import { readRecordConfig } from './config';
import { createRecordHandler } from './handler';

const config = readRecordConfig(process.env);
const store = new DynamoLedgerStore({
  client: createDocumentClient(),
  tableName: config.tableName,
  retentionDays: config.retentionDays,
});

const logger = jsonLogger('iamwatch-record', { level: levelFromEnv(process.env) });
const recordEvent = createRecordHandler({
  store,
  context: config.context,
  clock: { now: () => new Date() },
  logger,
});

export const handler = async (event: unknown, context?: { awsRequestId?: string }): Promise<void> => {
  logger.withRequestId(context?.awsRequestId);
  await recordEvent(event);
};
