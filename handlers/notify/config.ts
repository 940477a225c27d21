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
import { NOTIFY_ENV } from '../shared/environment';
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
  const routes = optionalEnv(env, NOTIFY_ENV.slackRoutes);
  const snsMin = optionalEnv(env, NOTIFY_ENV.snsMinSeverity);
  const config: NotifyConfig = {
    tableName: requiredEnv(env, NOTIFY_ENV.tableName),
    slackRoutes: routes ? slackRoutesEnv(routes) : [],
    snsMinSeverity: snsMin
      ? parseSeverity(snsMin, `Environment variable ${NOTIFY_ENV.snsMinSeverity}`)
      : DEFAULT_SNS_MIN_SEVERITY,
    alertOnReplay: booleanEnv(env, NOTIFY_ENV.alertOnReplay, false),
    suppressionCacheMs:
      integerEnv(env, NOTIFY_ENV.suppressionCacheSeconds, DEFAULT_SUPPRESSION_CACHE_MS / 1000) * 1000,
  };
  const postFirst = integerEnv(env, NOTIFY_ENV.burstPostFirst, DEFAULT_BURST_SETTINGS.postFirst);
  const windowMinutes = integerEnv(
    env,
    NOTIFY_ENV.burstWindowMinutes,
    DEFAULT_BURST_SETTINGS.windowMs / 60_000,
  );
  if (booleanEnv(env, NOTIFY_ENV.burstFolding, true))
    config.bursts = { postFirst, windowMs: windowMinutes * 60_000 };
  const topic = optionalEnv(env, NOTIFY_ENV.snsTopicArn);
  if (topic) config.snsTopicArn = topic;
  return config;
}

/** The route parser's messages say which route and field; this adds which variable held them. */
function slackRoutesEnv(json: string): SlackRoute[] {
  try {
    return parseSlackRoutes(json);
  } catch (error) {
    if (!(error instanceof SlackRoutesError)) throw error;
    throw new ConfigurationError(`Environment variable ${NOTIFY_ENV.slackRoutes}: ${error.message}`, {
      cause: error,
    });
  }
}
