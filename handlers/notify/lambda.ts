/**
 * The notify Lambda entry point: the one wiring block. Clients, routes and the cached Slack webhook
 * secrets are built once per container.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { createDocumentClient, DynamoLedgerStore } from '../ledger/dynamo-store';
import type { Notifier } from '../ports';
import { jsonLogger } from '../shared/logger';
import { readNotifyConfig } from './config';
import { type BatchResponse, createNotifyHandler, type StreamEvent } from './handler';
import { emfDeliveryMetrics } from './metrics';
import { createSlackNotifiers } from './slack';
import { createSnsNotifier } from './sns';

const config = readNotifyConfig(process.env);
const notifiers: Notifier[] = createSlackNotifiers(config.slackRoutes, {
  secretsClient: new SecretsManagerClient({}),
});
if (config.snsTopicArn) {
  notifiers.push(
    createSnsNotifier({
      client: new SNSClient({}),
      topicArn: config.snsTopicArn,
      minSeverity: config.snsMinSeverity,
    }),
  );
}

const logger = jsonLogger('iamwatch-notify');
if (notifiers.length === 0) {
  logger.warn('no alert channel configured: entries are recorded but nobody is told', {
    hint: 'set IAMWATCH_SLACK_ROUTES and/or IAMWATCH_SNS_TOPIC_ARN',
  });
}

export const handler: (event: StreamEvent) => Promise<BatchResponse> = createNotifyHandler({
  store: new DynamoLedgerStore({ client: createDocumentClient(), tableName: config.tableName }),
  notifiers,
  clock: { now: () => new Date() },
  logger,
  alertOnReplay: config.alertOnReplay,
  metrics: emfDeliveryMetrics((line) => process.stdout.write(`${line}\n`)),
});
