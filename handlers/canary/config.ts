/** The canary Lambda's configuration, read once from its environment. */
import { requiredEnv } from '../shared/env';
import { CANARY_ENV } from '../shared/environment';

export interface CanaryConfig {
  /** The dedicated role the canary tags. */
  roleName: string;
}

/** @throws ConfigurationError naming the variable when it is missing. */
export function readCanaryConfig(env: Readonly<Record<string, string | undefined>>): CanaryConfig {
  return { roleName: requiredEnv(env, CANARY_ENV.roleName) };
}
