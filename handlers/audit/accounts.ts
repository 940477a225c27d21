/**
 * Which accounts the inventory and audit read, and how they reach each one: `--accounts` or the
 * organization's active accounts (Organizations ListAccounts), each read through an IAM client
 * that assumes `--role-name` in it. One account failing (role not assumable, access denied,
 * throttled past the SDK's retries) is reported and the others are still read.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import type { AccountFailure, AccountSnapshot } from '../../rules/audit/snapshot';
import { assumeRoleCredentials, type SdkSettings } from '../backfill/client';
import { describeError, type IamReadOptions, mapLimit, readAccountFromIam } from './iam-reader';

/** IAM is a global service served from us-east-1 (in the commercial partition). */
const IAM_REGION = 'us-east-1';
/** Session name of the audit's assumed roles, so its own calls are recognisable in CloudTrail. */
const AUDIT_SESSION_NAME = 'iamwatch-audit';

export interface AccountRef {
  accountId: string;
  accountName?: string;
}

/**
 * The organization's active accounts with their names (Organizations ListAccounts, callable from
 * the management account or a delegated administrator).
 */
export async function listOrganizationAccounts(settings: SdkSettings): Promise<AccountRef[]> {
  const client = new OrganizationsClient(clientConfig(settings));
  try {
    const accounts: AccountRef[] = [];
    for await (const page of paginateListAccounts({ client }, {})) {
      for (const account of page.Accounts ?? []) {
        if (!account.Id || (account.State ?? account.Status) !== 'ACTIVE') continue;
        accounts.push(
          account.Name ? { accountId: account.Id, accountName: account.Name } : { accountId: account.Id },
        );
      }
    }
    return accounts.sort((a, b) => (a.accountId < b.accountId ? -1 : 1));
  } finally {
    client.destroy();
  }
}

/** An IAM client in `accountId`: through `roleName` assumed there, or the caller's own credentials. */
function iamClientFor(accountId: string, roleName: string | undefined, settings: SdkSettings): IAMClient {
  const config = clientConfig(settings);
  if (roleName) {
    config.credentials = assumeRoleCredentials(`arn:aws:iam::${accountId}:role/${roleName}`, {
      ...settings,
      region: IAM_REGION,
      sessionName: AUDIT_SESSION_NAME,
    });
  }
  return new IAMClient(config);
}

export interface ReadAccountsOptions extends IamReadOptions {
  roleName?: string;
  sdk: SdkSettings;
  /** Accounts read at once. Default 2. */
  accountConcurrency?: number;
  /** Called as each account finishes (progress). */
  onAccount?: (done: number, total: number, accountId: string) => void;
}

export interface AccountsRead {
  snapshots: AccountSnapshot[];
  failures: AccountFailure[];
}

/** Reads every account; failures are collected, never thrown. */
export async function readAccounts(
  accounts: readonly AccountRef[],
  options: ReadAccountsOptions,
): Promise<AccountsRead> {
  const snapshots: AccountSnapshot[] = [];
  const failures: AccountFailure[] = [];
  let done = 0;
  await mapLimit(accounts, options.accountConcurrency ?? 2, async (account) => {
    const iam = iamClientFor(account.accountId, options.roleName, options.sdk);
    try {
      snapshots.push(await readAccountFromIam(iam, account, options));
    } catch (error) {
      const failure: AccountFailure = { accountId: account.accountId, error: describeError(error) };
      if (account.accountName) failure.accountName = account.accountName;
      const code = errorCode(error);
      if (code) failure.code = code;
      failures.push(failure);
    } finally {
      iam.destroy();
      options.onAccount?.(++done, accounts.length, account.accountId);
    }
  });
  const byAccount = (a: { accountId: string }, b: { accountId: string }) =>
    a.accountId < b.accountId ? -1 : 1;
  return { snapshots: snapshots.sort(byAccount), failures: failures.sort(byAccount) };
}

function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const inner = error.name === 'AssumeRoleError' && error.cause instanceof Error ? error.cause : error;
  return inner.name && inner.name !== 'Error' ? inner.name : undefined;
}

function clientConfig(settings: SdkSettings) {
  const config: {
    region: string;
    maxAttempts?: number;
    endpoint?: string;
    credentials?: SdkSettings['credentials'];
    retryStrategy?: SdkSettings['retryStrategy'];
  } = { region: IAM_REGION };
  if (settings.maxAttempts) config.maxAttempts = settings.maxAttempts;
  if (settings.endpoint) config.endpoint = settings.endpoint;
  if (settings.credentials) config.credentials = settings.credentials;
  if (settings.retryStrategy) config.retryStrategy = settings.retryStrategy;
  return config;
}
