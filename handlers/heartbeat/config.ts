/** The heartbeat function's configuration, read once from its environment. */
import { ConfigurationError, integerEnv, jsonEnv, requiredEnv } from '../shared/env';
import { HEARTBEAT_ENV } from '../shared/environment';

export type HeartbeatTargets =
  /** Organization: the StackSet's target OUs (or root) and the management account. */
  | { kind: 'organization'; targetIds: string[]; managementAccountId: string }
  /** Single account: that account only. */
  | { kind: 'accounts'; accountIds: string[] };

export interface HeartbeatConfig {
  tableName: string;
  operationsTopicArn: string;
  regions: string[];
  lateAfterMinutes: number;
  targets: HeartbeatTargets;
  /** The end-to-end canary to check, when deployed (`IAMWATCH_CANARY`). */
  canary?: { accountId: string; roleName: string };
}

/**
 * Reads the heartbeat configuration.
 * @throws ConfigurationError naming the variable and what is wrong with it.
 */
export function readHeartbeatConfig(env: Readonly<Record<string, string | undefined>>): HeartbeatConfig {
  const regions = jsonEnv(env, HEARTBEAT_ENV.regions);
  if (!Array.isArray(regions) || regions.length === 0 || !regions.every((r) => typeof r === 'string')) {
    throw new ConfigurationError(
      `Environment variable ${HEARTBEAT_ENV.regions} must be a JSON list of regions`,
    );
  }
  return {
    tableName: requiredEnv(env, HEARTBEAT_ENV.tableName),
    operationsTopicArn: requiredEnv(env, HEARTBEAT_ENV.operationsTopicArn),
    regions,
    lateAfterMinutes: integerEnv(env, HEARTBEAT_ENV.lateMinutes, 45),
    targets: targetsOf(jsonEnv(env, HEARTBEAT_ENV.targets)),
    ...canaryOf(jsonEnv(env, HEARTBEAT_ENV.canary)),
  };
}

function canaryOf(value: unknown): { canary?: { accountId: string; roleName: string } } {
  if (value === undefined) return {};
  const v = (value ?? {}) as Record<string, unknown>;
  if (
    typeof v.accountId === 'string' &&
    /^\d{12}$/.test(v.accountId) &&
    typeof v.roleName === 'string' &&
    v.roleName
  ) {
    return { canary: { accountId: v.accountId, roleName: v.roleName } };
  }
  throw new ConfigurationError(
    `Environment variable ${HEARTBEAT_ENV.canary} must be {"accountId":"<12 digits>","roleName":"…"} (or absent: no canary)`,
  );
}

function targetsOf(value: unknown): HeartbeatTargets {
  const bad = () =>
    new ConfigurationError(
      `Environment variable ${HEARTBEAT_ENV.targets} must be {"kind":"organization","targetIds":[…],"managementAccountId":"…"} or {"kind":"accounts","accountIds":[…]}`,
    );
  if (!value || typeof value !== 'object') throw bad();
  const v = value as Record<string, unknown>;
  const strings = (x: unknown): x is string[] =>
    Array.isArray(x) && x.length > 0 && x.every((s) => typeof s === 'string');
  if (v.kind === 'organization' && strings(v.targetIds) && typeof v.managementAccountId === 'string') {
    return { kind: 'organization', targetIds: v.targetIds, managementAccountId: v.managementAccountId };
  }
  if (v.kind === 'accounts' && strings(v.accountIds)) return { kind: 'accounts', accountIds: v.accountIds };
  throw bad();
}
