/**
 * The detection context for CLI runs: organization and trusted accounts, automation principals and
 * account names, from a JSON file. Accepts the fields of DetectionContext at the top level or under
 * `detection` (the deployment config's section), so one file serves `cdk synth` and the CLI.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { makeContext } from '../../rules/context';
import type { DetectionContext } from '../../rules/types';
import { type CliIo, UsageError } from './io';

const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');
const contextFields = z.object({
  organizationAccountIds: z.array(accountId).optional(),
  trustedAccountIds: z.array(accountId).optional(),
  automationPrincipals: z.array(z.string().startsWith('arn:')).optional(),
  deploymentPrincipals: z.array(z.string().startsWith('arn:')).optional(),
  monitorResourcePrefix: z.string().min(1).optional(),
  accountNames: z.record(accountId, z.string()).optional(),
});
const configFile = contextFields
  .extend({
    detection: contextFields.optional(),
    securityAccountId: accountId.optional(),
    /** The deployment config's own deployers (`deployment.principals`). */
    deployment: z
      .object({ principals: z.array(z.string().startsWith('arn:')).optional() })
      .loose()
      .optional(),
    organization: z
      .object({ managementAccountId: accountId.optional(), memberAccountIds: z.array(accountId).optional() })
      .loose()
      .optional(),
  })
  .loose();

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
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `config file ${file}: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'is invalid'}`,
    );
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
