/**
 * The organization refresh Lambda: the one wiring block. It reads Organizations as the read role in
 * the management account (`IAMWATCH_ORGANIZATION_ROLE_ARN`) and keeps the snapshot in the ledger table.
 */
import { createDocumentClient } from '../ledger/dynamo-store';
import { jsonLogger, levelFromEnv, withRequestIds } from '../shared/logger';
import { readOrganizationRefreshConfig } from './config';
import { createOrganizationsClient, listOrganizationAccounts } from './read';
import { createOrganizationRefresh, triggerOf } from './refresh';
import { DynamoSnapshotStore } from './store';

const { tableName, roleArn } = readOrganizationRefreshConfig(process.env);
const organizations = createOrganizationsClient({ roleArn });
const logger = jsonLogger('iamwatch-organization', { level: levelFromEnv(process.env) });
const refresh = createOrganizationRefresh({
  read: (now) => listOrganizationAccounts(organizations, now),
  store: new DynamoSnapshotStore(createDocumentClient(), tableName),
  clock: { now: () => new Date() },
  logger,
});

export const handler = withRequestIds(logger, async (event: unknown): Promise<void> => {
  await refresh(triggerOf(event));
});
