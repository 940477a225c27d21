/** The digest Lambda's configuration, read once from its environment. */
import type { SlackRoute } from '../notify/routing';
import { parseSlackRoutes, SlackRoutesError } from '../notify/routing';
import { ConfigurationError, integerEnv, optionalEnv, requiredEnv } from '../shared/env';
import { DIGEST_ENV } from '../shared/environment';

const DEFAULT_DIGEST_WINDOW_HOURS = 24;

export interface DigestConfig {
  tableName: string;
  slackRoutes: SlackRoute[];
  windowHours: number;
}

/** @throws ConfigurationError naming the variable and what is wrong with it. */
export function readDigestConfig(env: Readonly<Record<string, string | undefined>>): DigestConfig {
  const routes = optionalEnv(env, DIGEST_ENV.slackRoutes);
  let slackRoutes: SlackRoute[] = [];
  try {
    if (routes) slackRoutes = parseSlackRoutes(routes);
  } catch (error) {
    if (!(error instanceof SlackRoutesError)) throw error;
    throw new ConfigurationError(`Environment variable ${DIGEST_ENV.slackRoutes}: ${error.message}`, {
      cause: error,
    });
  }
  return {
    tableName: requiredEnv(env, DIGEST_ENV.tableName),
    slackRoutes,
    windowHours: integerEnv(env, DIGEST_ENV.windowHours, DEFAULT_DIGEST_WINDOW_HOURS),
  };
}
