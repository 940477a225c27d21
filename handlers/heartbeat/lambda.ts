/** The heartbeat Lambda entry point: the one wiring block. */
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { createDocumentClient } from '../ledger/dynamo-store';
import { asciiLine } from '../notify/escape';
import { jsonLogger, levelFromEnv, withRequestIds } from '../shared/logger';
import { organizationsDirectory, staticDirectory } from './accounts';
import { readHeartbeatConfig } from './config';
import { createHeartbeatHandler, type HeartbeatEvent, type HeartbeatOutcome } from './handler';
import { DynamoHeartbeatStore } from './store';

const config = readHeartbeatConfig(process.env);
const sns = new SNSClient({});
const targets = config.targets;
const logger = jsonLogger('iamwatch-heartbeat', { level: levelFromEnv(process.env) });

const heartbeat: (event: HeartbeatEvent) => Promise<HeartbeatOutcome> = createHeartbeatHandler({
  store: new DynamoHeartbeatStore(createDocumentClient(), config.tableName),
  directory:
    targets.kind === 'organization'
      ? organizationsDirectory({
          // Organizations is a global service with its endpoint in us-east-1.
          client: new OrganizationsClient({ region: 'us-east-1' }),
          targetIds: targets.targetIds,
          managementAccountId: targets.managementAccountId,
        })
      : staticDirectory(targets.accountIds.map((id) => ({ id }))),
  regions: config.regions,
  lateAfterMs: config.lateAfterMinutes * 60_000,
  ...(config.canary ? { canary: config.canary } : {}),
  clock: { now: () => new Date() },
  publish: async ({ subject, message }) => {
    await sns.send(
      new PublishCommand({
        TopicArn: config.operationsTopicArn,
        Subject: asciiLine(subject).slice(0, 99),
        Message: message,
      }),
    );
  },
  logger,
});

export const handler = withRequestIds(logger, heartbeat);
