/**
 * The scheduled digest Lambda entry point: the one wiring block. EventBridge Scheduler invokes it with
 * `{"scheduledTime": "<aws.scheduler.scheduled-time>"}`; it posts one digest per Slack route.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDocumentClient, DynamoLedgerStore } from '../ledger/dynamo-store';
import { slackChannel } from '../notify/routing';
import { slackWebhookSecret } from '../notify/secret';
import { SlackSender } from '../notify/slack-sender';
import { jsonLogger, levelFromEnv, withRequestIds } from '../shared/logger';
import { readDigestConfig } from './config';
import { createDigestHandler, type DigestRunResult } from './handler';

const config = readDigestConfig(process.env);
const secrets = new SecretsManagerClient({});
const logger = jsonLogger('iamwatch-digest', { level: levelFromEnv(process.env) });

const digest = createDigestHandler({
  store: new DynamoLedgerStore({ client: createDocumentClient(), tableName: config.tableName }),
  routes: config.slackRoutes.map((route) => {
    const secretArn = route.secretArn;
    const url = secretArn
      ? (() => {
          const secret = slackWebhookSecret(secrets, secretArn);
          return () => secret.get();
        })()
      : (route.webhookUrl ?? '');
    const sender = new SlackSender(url, slackChannel(route));
    return { route, post: (message) => sender.post(message) };
  }),
  clock: { now: () => new Date() },
  logger,
  windowHours: config.windowHours,
});

export const handler = withRequestIds<unknown, DigestRunResult>(logger, digest);
