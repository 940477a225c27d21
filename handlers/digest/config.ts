/** The digest Lambda's configuration, read once from its environment. */
import type { SlackRoute } from '../notify/routing';
import { parseSlackRoutes, SlackRoutesError } from '../notify/routing';
import { ConfigurationError, integerEnv, optionalEnv, requiredEnv } from '../shared/env';

export const DEFAULT_DIGEST_WINDOW_HOURS = 24;

export interface DigestConfig {
  tableName: string;
  slackRoutes: SlackRoute[];
  windowHours: number;
}

/** @throws ConfigurationError naming the variable and what is wrong with it. */
export function readDigestConfig(env: Readonly<Record<string, string | undefined>>): DigestConfig {
  const routes = optionalEnv(env, 'IAMWATCH_SLACK_ROUTES');
  let slackRoutes: SlackRoute[] = [];
  try {
    if (routes) slackRoutes = parseSlackRoutes(routes);
  } catch (error) {
    if (!(error instanceof SlackRoutesError)) throw error;
    throw new ConfigurationError(`Environment variable IAMWATCH_SLACK_ROUTES: ${error.message}`, {
      cause: error,
    });
  }
  return {
    tableName: requiredEnv(env, 'IAMWATCH_TABLE_NAME'),
    slackRoutes,
    windowHours: integerEnv(env, 'IAMWATCH_DIGEST_WINDOW_HOURS', DEFAULT_DIGEST_WINDOW_HOURS),
  };
}
