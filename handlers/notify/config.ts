/** The notify Lambda's configuration, read once from its environment. */
import type { Severity } from '../../rules/types';
import { booleanEnv, optionalEnv, parseSeverity, requiredEnv } from '../shared/env';
import { DEFAULT_SNS_MIN_SEVERITY, parseSlackRoutes, type SlackRoute } from './routing';

export interface NotifyConfig {
  tableName: string;
  slackRoutes: SlackRoute[];
  snsTopicArn?: string;
  snsMinSeverity: Severity;
  alertOnReplay: boolean;
}

export function readNotifyConfig(env: Readonly<Record<string, string | undefined>>): NotifyConfig {
  const routes = optionalEnv(env, 'IAMWATCH_SLACK_ROUTES');
  const snsMin = optionalEnv(env, 'IAMWATCH_SNS_MIN_SEVERITY');
  const config: NotifyConfig = {
    tableName: requiredEnv(env, 'IAMWATCH_TABLE_NAME'),
    slackRoutes: routes ? parseSlackRoutes(routes) : [],
    snsMinSeverity: snsMin ? parseSeverity(snsMin, 'IAMWATCH_SNS_MIN_SEVERITY') : DEFAULT_SNS_MIN_SEVERITY,
    alertOnReplay: booleanEnv(env, 'IAMWATCH_ALERT_ON_REPLAY', false),
  };
  const topic = optionalEnv(env, 'IAMWATCH_SNS_TOPIC_ARN');
  if (topic) config.snsTopicArn = topic;
  return config;
}
