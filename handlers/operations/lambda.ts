/** The operations relay Lambda entry point: the one wiring block. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { slackWebhookSecret } from '../notify/secret';
import { SlackSender } from '../notify/slack-sender';
import { requiredEnv } from '../shared/env';
import { jsonLogger } from '../shared/logger';
import { createOperationsRelay, type SnsEvent } from './relay';

const secret = slackWebhookSecret(
  new SecretsManagerClient({}),
  requiredEnv(process.env, 'IAMWATCH_OPERATIONS_SLACK_SECRET_ARN'),
);
const sender = new SlackSender(() => secret.get(), 'slack:operations', {
  onUrlRejected: () => secret.invalidate(),
});

export const handler: (event: SnsEvent) => Promise<void> = createOperationsRelay({
  post: (message) => sender.post(message),
  logger: jsonLogger('iamwatch-operations-relay'),
});
