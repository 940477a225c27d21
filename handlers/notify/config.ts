/** The notify Lambda's configuration, read once from its environment. */
import type { Severity } from '../../rules/types';
import {
  booleanEnv,
  ConfigurationError,
  integerEnv,
  optionalEnv,
  parseSeverity,
  requiredEnv,
} from '../shared/env';
import { DEFAULT_SUPPRESSION_CACHE_MS } from '../suppress/suppression';
import { type BurstSettings, DEFAULT_BURST_SETTINGS } from './burst';
import { DEFAULT_SNS_MIN_SEVERITY, parseSlackRoutes, type SlackRoute, SlackRoutesError } from './routing';

export interface NotifyConfig {
  tableName: string;
  slackRoutes: SlackRoute[];
  snsTopicArn?: string;
  snsMinSeverity: Severity;
  alertOnReplay: boolean;
  /** Burst folding; undefined when switched off (`IAMWATCH_BURST_FOLDING=false`). */
  bursts?: BurstSettings;
  suppressionCacheMs: number;
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
    suppressionCacheMs:
      integerEnv(env, 'IAMWATCH_SUPPRESSION_CACHE_SECONDS', DEFAULT_SUPPRESSION_CACHE_MS / 1000) * 1000,
  };
  const postFirst = integerEnv(env, 'IAMWATCH_BURST_POST_FIRST', DEFAULT_BURST_SETTINGS.postFirst);
  const windowMinutes = integerEnv(
    env,
    'IAMWATCH_BURST_WINDOW_MINUTES',
    DEFAULT_BURST_SETTINGS.windowMs / 60_000,
  );
  if (booleanEnv(env, 'IAMWATCH_BURST_FOLDING', true))
    config.bursts = { postFirst, windowMs: windowMinutes * 60_000 };
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
