/** The record Lambda's configuration, read once from its environment. */
import * as z from 'zod/mini';
import { makeContext } from '../../rules/context';
import type { DetectionContext } from '../../rules/types';
import { DEFAULT_RETENTION_DAYS } from '../ledger/table';
import { booleanEnv, ConfigurationError, integerEnv, jsonEnv, requiredEnv } from '../shared/env';
import { RECORD_ENV } from '../shared/environment';
import { describeIssue, dottedPath } from '../shared/issues';

export interface RecordConfig {
  tableName: string;
  retentionDays: number;
  context: DetectionContext;
  /** The organization refresh keeps a snapshot in the ledger table: fold it into the context. */
  organizationSnapshot: boolean;
}

const accountId = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit account id'));
const contextSchema = z.strictObject({
  organizationAccountIds: z._default(z.array(accountId), []),
  trustedAccountIds: z._default(z.array(accountId), []),
  automationPrincipals: z._default(z.array(z.string()), []),
  deploymentPrincipals: z._default(z.array(z.string()), []),
  monitorResourcePrefix: z._default(z.string().check(z.minLength(1)), 'iamwatch'),
  accountNames: z._default(z.record(z.string(), z.string()), {}),
  accountOuPaths: z._default(z.record(z.string(), z.string()), {}),
  canary: z.optional(
    z.strictObject({
      accountId,
      roleName: z.string().check(z.minLength(1)),
      writerRoleName: z.string().check(z.minLength(1)),
    }),
  ),
});

/**
 * Reads the record configuration.
 *
 * @throws ConfigurationError naming the variable and what is wrong with it.
 */
export function readRecordConfig(env: Readonly<Record<string, string | undefined>>): RecordConfig {
  const parsed = contextSchema.safeParse(jsonEnv(env, RECORD_ENV.detectionContext) ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigurationError(
      `Environment variable ${RECORD_ENV.detectionContext}: ${issue ? `${dottedPath(issue.path)} ${describeIssue(issue)}` : '(root) is invalid'}`,
    );
  }
  return {
    tableName: requiredEnv(env, RECORD_ENV.tableName),
    retentionDays: integerEnv(env, RECORD_ENV.retentionDays, DEFAULT_RETENTION_DAYS),
    context: makeContext(parsed.data),
    organizationSnapshot: booleanEnv(env, RECORD_ENV.organizationSnapshot, false),
  };
}

/**
 * The environment with the detection context the stack bundled into the code in place of
 * `IAMWATCH_DETECTION_CONTEXT`: account lists grow with the organization, and Lambda caps a function's
 * environment at 4 KB while its code may hold megabytes.
 */
export function withBundledContext(
  env: Readonly<Record<string, string | undefined>>,
  bundled: string | undefined,
): Readonly<Record<string, string | undefined>> {
  return bundled === undefined ? env : { ...env, [RECORD_ENV.detectionContext]: bundled };
}
