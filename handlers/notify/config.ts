/** The notify Lambda's configuration, read once from its environment. */
import type { Severity } from '../../rules/types';
import { booleanEnv, ConfigurationError, optionalEnv, parseSeverity, requiredEnv } from '../shared/env';
import { DEFAULT_SNS_MIN_SEVERITY, parseSlackRoutes, type SlackRoute, SlackRoutesError } from './routing';

export interface NotifyConfig {
  tableName: string;
  slackRoutes: SlackRoute[];
  snsTopicArn?: string;
  snsMinSeverity: Severity;
  alertOnReplay: boolean;
}

/**
 * Reads the notify configuration.
 *
 * @throws ConfigurationError naming the variable and what is wrong with it.
 */
export function readNotifyConfig(env: Readonly<Record<string, string | undefined>>): NotifyConfig {
  const routes = optionalEnv(env, 'IAMWATCH_SLACK_ROUTES');
  const snsMin = optionalEnv(env, 'IAMWATCH_SNS_MIN_SEVERITY');
  const config: NotifyConfig = {
    tableName: requiredEnv(env, 'IAMWATCH_TABLE_NAME'),
    slackRoutes: routes ? slackRoutesEnv(routes) : [],
    snsMinSeverity: snsMin
      ? parseSeverity(snsMin, 'Environment variable IAMWATCH_SNS_MIN_SEVERITY')
      : DEFAULT_SNS_MIN_SEVERITY,
    alertOnReplay: booleanEnv(env, 'IAMWATCH_ALERT_ON_REPLAY', false),
  };
  const topic = optionalEnv(env, 'IAMWATCH_SNS_TOPIC_ARN');
  if (topic) config.snsTopicArn = topic;
  return config;
}

/** The route parser's messages say which route and field; this adds which variable held them. */
function slackRoutesEnv(json: string): SlackRoute[] {
  try {
    return parseSlackRoutes(json);
  } catch (error) {
    if (!(error instanceof SlackRoutesError)) throw error;
    throw new ConfigurationError(`Environment variable IAMWATCH_SLACK_ROUTES: ${error.message}`, {
      cause: error,
    });
  }
}
