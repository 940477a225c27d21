/** The operations relay Lambda entry point: the one wiring block. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { slackWebhookSecret } from '../notify/secret';
import { SlackSender } from '../notify/slack-sender';
import { jsonLogger, levelFromEnv, withRequestIds } from '../shared/logger';
import { readOperationsRelayConfig } from './config';
import { createOperationsRelay, type SnsEvent } from './relay';

const secret = slackWebhookSecret(
  new SecretsManagerClient({}),
  readOperationsRelayConfig(process.env).slackSecretArn,
);
const sender = new SlackSender(() => secret.get(), 'slack:operations', {
  onUrlRejected: () => secret.invalidate(),
});

const logger = jsonLogger('iamwatch-operations-relay', { level: levelFromEnv(process.env) });
const relay: (event: SnsEvent) => Promise<void> = createOperationsRelay({
  post: (message) => sender.post(message),
  logger,
});

export const handler = withRequestIds(logger, relay);
