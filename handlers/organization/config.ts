/** The organization refresh Lambda's configuration, read once from its environment. */
import { requiredEnv } from '../shared/env';
import { ORGANIZATION_ENV } from '../shared/environment';

export interface OrganizationRefreshConfig {
  tableName: string;
  /** The organization read role in the management account. */
  roleArn: string;
}

/**
 * Reads the organization refresh configuration.
 *
 * @throws ConfigurationError naming the variable and what is wrong with it.
 */
export function readOrganizationRefreshConfig(
  env: Readonly<Record<string, string | undefined>>,
): OrganizationRefreshConfig {
  return {
    tableName: requiredEnv(env, ORGANIZATION_ENV.tableName),
    roleArn: requiredEnv(env, ORGANIZATION_ENV.roleArn),
  };
}
