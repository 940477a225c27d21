/** The scheduled audit Lambda's configuration, read once from its environment. */
import { DEFAULT_AUDIT_OPTIONS } from '../../rules/audit/findings';
import { type NotifyConfig, readNotifyConfig } from '../notify/config';
import { type RecordConfig, readRecordConfig } from '../record/config';
import { integerEnv, jsonEnv, requiredEnv } from '../shared/env';
import { AUDIT_ENV } from '../shared/environment';

export interface AuditConfig {
  /** The ledger and detection context, as the record function has them. */
  record: RecordConfig;
  /** The Slack routes and alert topic, as the notify function has them. */
  notify: NotifyConfig;
  bucketName: string;
  /** The read-only audit role deployed in every account. */
  roleName: string;
  /** The accounts to audit; empty means every account of the organization. */
  accountIds: string[];
  staleDays: number;
  keyAgeDays: number;
  maxSessionSeconds: number;
}

/**
 * Reads the audit configuration.
 *
 * @throws ConfigurationError naming the variable and what is wrong with it.
 */
export function readAuditConfig(env: Readonly<Record<string, string | undefined>>): AuditConfig {
  const accounts = jsonEnv(env, AUDIT_ENV.accounts);
  return {
    record: readRecordConfig(env),
    notify: readNotifyConfig(env),
    bucketName: requiredEnv(env, AUDIT_ENV.bucket),
    roleName: requiredEnv(env, AUDIT_ENV.roleName),
    accountIds: Array.isArray(accounts) ? accounts.map(String) : [],
    staleDays: integerEnv(env, AUDIT_ENV.staleDays, DEFAULT_AUDIT_OPTIONS.staleDays),
    keyAgeDays: integerEnv(env, AUDIT_ENV.keyAgeDays, DEFAULT_AUDIT_OPTIONS.keyAgeDays),
    maxSessionSeconds: integerEnv(env, AUDIT_ENV.maxSessionSeconds, DEFAULT_AUDIT_OPTIONS.maxSessionSeconds),
  };
}
