/**
 * The record Lambda entry point: the one wiring block. Configuration and clients are built once per
 * container; everything else lives in the handler factory.
 */
import { DynamoHeartbeatStore } from '../heartbeat/store';
import { createDocumentClient, DynamoLedgerStore } from '../ledger/dynamo-store';
import { createOrganizationContext } from '../organization/context';
import { DynamoSnapshotStore } from '../organization/store';
import { jsonLogger, levelFromEnv, withRequestIds } from '../shared/logger';
import { readRecordConfig, withBundledContext } from './config';
import { createRecordHandler } from './handler';

/** The detection context the stack bundled into the code (esbuild `define`); see `stacks/monitor-stack.ts`. */
declare const IAMWATCH_BUNDLED_DETECTION_CONTEXT: string | undefined;

const config = readRecordConfig(
  withBundledContext(
    process.env,
    typeof IAMWATCH_BUNDLED_DETECTION_CONTEXT === 'string' ? IAMWATCH_BUNDLED_DETECTION_CONTEXT : undefined,
  ),
);
const client = createDocumentClient();
const store = new DynamoLedgerStore({
  client,
  tableName: config.tableName,
  retentionDays: config.retentionDays,
});
const clock = { now: () => new Date() };
const logger = jsonLogger('iamwatch-record', { level: levelFromEnv(process.env) });

const recordEvent = createRecordHandler({
  store,
  context: config.context,
  ...(config.organizationSnapshot
    ? {
        contextOf: createOrganizationContext({
          configured: config.context,
          store: new DynamoSnapshotStore(client, config.tableName),
          clock,
          logger,
        }),
      }
    : {}),
  ...(config.context.canary ? { canaryArrivals: new DynamoHeartbeatStore(client, config.tableName) } : {}),
  clock,
  logger,
});

export const handler = withRequestIds(logger, async (event: unknown): Promise<void> => {
  await recordEvent(event);
});
