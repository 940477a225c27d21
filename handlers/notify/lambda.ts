/**
 * The notify Lambda entry point: the one wiring block. Clients, routes and the cached Slack webhook
 * secrets are built once per container.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { createDocumentClient, DynamoLedgerStore } from '../ledger/dynamo-store';
import type { Notifier } from '../ports';
import { NOTIFY_ENV } from '../shared/environment';
import { jsonLogger, levelFromEnv, withRequestIds } from '../shared/logger';
import { cachedSuppressions } from '../suppress/suppression';
import { readNotifyConfig } from './config';
import { emfDeliveryMetrics } from './metrics';
import { createSlackNotifiers } from './slack';
import { createSnsNotifier } from './sns';
import { type BatchResponse, createNotifyHandler, type ScheduledEvent, type StreamEvent } from './stream';

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

const logger = jsonLogger('iamwatch-notify', { level: levelFromEnv(process.env) });
if (notifiers.length === 0) {
  logger.warn('no alert channel configured: entries are recorded but nobody is told', {
    hint: `set ${NOTIFY_ENV.slackRoutes} and/or ${NOTIFY_ENV.snsTopicArn}`,
  });
}

const store = new DynamoLedgerStore({ client: createDocumentClient(), tableName: config.tableName });
const clock = { now: () => new Date() };

const notify = createNotifyHandler({
  store,
  notifiers,
  clock,
  logger,
  alertOnReplay: config.alertOnReplay,
  suppressions: cachedSuppressions(store, clock, logger, config.suppressionCacheMs),
  ...(config.bursts ? { bursts: config.bursts } : {}),
  metrics: emfDeliveryMetrics((line) => process.stdout.write(`${line}\n`)),
});

export const handler = withRequestIds<StreamEvent | ScheduledEvent, BatchResponse>(logger, notify);
