/** The record Lambda's configuration, read once from its environment. */
import { z } from 'zod';
import { makeContext } from '../../rules/context';
import type { DetectionContext } from '../../rules/types';
import { DEFAULT_RETENTION_DAYS } from '../ledger/table';
import { booleanEnv, ConfigurationError, integerEnv, jsonEnv, requiredEnv } from '../shared/env';

export interface RecordConfig {
  tableName: string;
  retentionDays: number;
  context: DetectionContext;
  /** The organization refresh keeps a snapshot in the ledger table: fold it into the context. */
  organizationSnapshot: boolean;
}

const accountId = z.string().regex(/^\d{12}$/);
const contextSchema = z
  .object({
    organizationAccountIds: z.array(accountId).default([]),
    trustedAccountIds: z.array(accountId).default([]),
    automationPrincipals: z.array(z.string()).default([]),
    monitorResourcePrefix: z.string().min(1).default('iamwatch'),
    accountNames: z.record(z.string(), z.string()).default({}),
    accountOuPaths: z.record(z.string(), z.string()).default({}),
  })
  .strict();

/**
 * Reads the record configuration.
 *
 * @throws ConfigurationError naming the variable and what is wrong with it.
 */
export function readRecordConfig(env: Readonly<Record<string, string | undefined>>): RecordConfig {
  const parsed = contextSchema.safeParse(jsonEnv(env, 'IAMWATCH_DETECTION_CONTEXT') ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigurationError(
      `Environment variable IAMWATCH_DETECTION_CONTEXT: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'is invalid'}`,
    );
  }
  return {
    tableName: requiredEnv(env, 'IAMWATCH_TABLE_NAME'),
    retentionDays: integerEnv(env, 'IAMWATCH_RETENTION_DAYS', DEFAULT_RETENTION_DAYS),
    context: makeContext(parsed.data),
    organizationSnapshot: booleanEnv(env, 'IAMWATCH_ORGANIZATION_SNAPSHOT', false),
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
  return bundled === undefined ? env : { ...env, IAMWATCH_DETECTION_CONTEXT: bundled };
}
