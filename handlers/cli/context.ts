/**
 * The detection context for CLI runs: organization and trusted accounts, automation principals and
 * account names, from a JSON file. Accepts the fields of DetectionContext at the top level or under
 * `detection` (the deployment config's section), so one file serves `cdk synth` and the CLI.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import * as z from 'zod/mini';
import { makeContext } from '../../rules/context';
import type { DetectionContext } from '../../rules/types';
import { describeFirstIssue } from '../shared/issues';
import { type CliIo, UsageError } from './io';

const accountId = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id'));
const arns = z.array(z.string().check(z.startsWith('arn:', 'must be an ARN (arn:…)')));
const contextShape = {
  organizationAccountIds: z.optional(z.array(accountId)),
  trustedAccountIds: z.optional(z.array(accountId)),
  automationPrincipals: z.optional(arns),
  deploymentPrincipals: z.optional(arns),
  monitorResourcePrefix: z.optional(z.string().check(z.minLength(1))),
  accountNames: z.optional(z.record(accountId, z.string())),
};
const contextFields = z.object(contextShape);
const configFile = z.looseObject({
  ...contextShape,
  detection: z.optional(contextFields),
  securityAccountId: z.optional(accountId),
  /** The deployment config's own deployers (`deployment.principals`). */
  deployment: z.optional(z.looseObject({ principals: z.optional(arns) })),
  organization: z.optional(
    z.looseObject({
      managementAccountId: z.optional(accountId),
      memberAccountIds: z.optional(z.array(accountId)),
    }),
  ),
});

export async function loadDetectionContext(path: string | undefined, io: CliIo): Promise<DetectionContext> {
  const explicit = path ?? io.env.IAMWATCH_CONFIG;
  const candidate = explicit ?? join(io.cwd, 'iamwatch.config.json');
  if (!explicit && !existsSync(candidate)) return makeContext({});
  const file = isAbsolute(candidate) ? candidate : join(io.cwd, candidate);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new UsageError(`cannot read config file ${file}: ${(cause as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new UsageError(`config file ${file} is not valid JSON: ${(cause as Error).message}`);
  }
  const parsed = configFile.safeParse(json);
  if (!parsed.success) {
    throw new UsageError(`config file ${file}: ${describeFirstIssue(parsed.error.issues)}`);
  }
  const { detection, organization, securityAccountId, deployment, ...top } = parsed.data;
  const context = { ...pickContext(top), ...pickContext(detection ?? {}) };
  if (!context.deploymentPrincipals && deployment?.principals) {
    context.deploymentPrincipals = deployment.principals;
  }
  if (!context.organizationAccountIds) {
    // The deployment config names the organization's accounts by role; together they are the org.
    const known = [
      organization?.managementAccountId,
      securityAccountId,
      ...(organization?.memberAccountIds ?? []),
    ];
    const accounts = [...new Set(known.filter((id): id is string => !!id))];
    if (accounts.length > 0) context.organizationAccountIds = accounts;
  }
  return makeContext(context);
}

function pickContext(fields: z.infer<typeof contextFields>): Partial<DetectionContext> {
  const picked: Partial<DetectionContext> = {};
  if (fields.organizationAccountIds) picked.organizationAccountIds = fields.organizationAccountIds;
  if (fields.trustedAccountIds) picked.trustedAccountIds = fields.trustedAccountIds;
  if (fields.automationPrincipals) picked.automationPrincipals = fields.automationPrincipals;
  if (fields.deploymentPrincipals) picked.deploymentPrincipals = fields.deploymentPrincipals;
  if (fields.monitorResourcePrefix) picked.monitorResourcePrefix = fields.monitorResourcePrefix;
  if (fields.accountNames) picked.accountNames = fields.accountNames;
  return picked;
}
