/** The operations relay Lambda's configuration, read once from its environment. */
import { requiredEnv } from '../shared/env';
import { OPERATIONS_ENV } from '../shared/environment';

export interface OperationsRelayConfig {
  /** The secret holding the operations Slack webhook URL. */
  slackSecretArn: string;
}

/**
 * Reads the operations relay configuration.
 *
 * @throws ConfigurationError naming the variable and what is wrong with it.
 */
export function readOperationsRelayConfig(
  env: Readonly<Record<string, string | undefined>>,
): OperationsRelayConfig {
  return { slackSecretArn: requiredEnv(env, OPERATIONS_ENV.slackSecretArn) };
}
