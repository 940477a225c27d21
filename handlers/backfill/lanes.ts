/**
 * Where a backfill reads from: one lane per account and region. LookupEvents answers for one account
 * per call, so other accounts are read through a role assumed in each of them.
 */

/** One account in one region; LookupEvents' rate limit applies per lane. */
export interface Lane {
  /** The account id, or `default` when the caller's own account is not named. */
  account: string;
  region: string;
  /** Role to assume in `account`; the caller's own credentials when absent. */
  roleArn?: string;
}

export interface LaneOptions {
  regions: readonly string[];
  /** Roles to assume, one per account. */
  roleArns: readonly string[];
  /** Accounts to read (with `roleName`, or a single one naming the caller's own account). */
  accounts: readonly string[];
  /** Role name (optionally with a path) to assume in each of `accounts`. */
  roleName?: string;
  /** Accounts used with `roleName` when `accounts` is empty (the organization's, from the config). */
  organizationAccountIds: readonly string[];
  partition?: string;
}

/** The caller's own account when it is not named: checkpoints are filed under this label. */
export const DEFAULT_ACCOUNT = 'default';

/** Options that do not describe a set of lanes. */
export class LaneOptionsError extends Error {
  override readonly name = 'LaneOptionsError';
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** @throws LaneOptionsError naming the offending option. */
export function resolveLanes(options: LaneOptions): Lane[] {
  const regions = unique(options.regions);
  for (const region of regions) {
    if (!REGION.test(region)) throw new LaneOptionsError(`--region "${region}" is not an AWS region`);
  }
  if (options.roleArns.length > 0 && (options.roleName || options.accounts.length > 0)) {
    throw new LaneOptionsError('--role-arn cannot be combined with --accounts or --role-name');
  }
  for (const account of options.accounts) {
    if (!ACCOUNT_ID.test(account))
      throw new LaneOptionsError(`--accounts: "${account}" is not a 12-digit account id`);
  }
  const targets = accountsOf(options);
  return targets.flatMap((target) => regions.map((region) => ({ ...target, region })));
}

function accountsOf(options: LaneOptions): Omit<Lane, 'region'>[] {
  if (options.roleArns.length > 0) {
    return unique(options.roleArns).map((roleArn) => {
      const account = ROLE_ARN.exec(roleArn)?.[1];
      if (!account) throw new LaneOptionsError(`--role-arn "${roleArn}" is not an IAM role ARN`);
      return { account, roleArn };
    });
  }
  if (options.roleName) {
    const roleName = options.roleName.replace(/^\/+/, '');
    if (!/^[\w+=,.@/-]+$/.test(roleName)) {
      throw new LaneOptionsError(`--role-name "${options.roleName}" is not an IAM role name`);
    }
    const accounts = unique(options.accounts.length > 0 ? options.accounts : options.organizationAccountIds);
    if (accounts.length === 0) {
      throw new LaneOptionsError(
        '--role-name needs --accounts, or organizationAccountIds in the config (--config)',
      );
    }
    const partition = options.partition ?? 'aws';
    return accounts.map((account) => ({
      account,
      roleArn: `arn:${partition}:iam::${account}:role/${roleName}`,
    }));
  }
  if (options.accounts.length > 1) {
    throw new LaneOptionsError('several --accounts need --role-name (a role to assume in each account)');
  }
  return [{ account: options.accounts[0] ?? DEFAULT_ACCOUNT }];
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values.map((value) => value.trim()).filter((value) => value.length > 0))];
}
