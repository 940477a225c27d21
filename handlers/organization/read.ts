/**
 * Reads the organization from AWS Organizations in one walk of the OU tree: `ListRoots`, then per root
 * or OU `ListAccountsForParent` (every account, name and status: each account has exactly one parent)
 * and `ListOrganizationalUnitsForParent`. The walk costs one call per page of a parent, not a
 * `ListParents` + `DescribeOrganizationalUnit` per account, so 5,000 accounts stay well within
 * Organizations' low request rates, and it yields the OU path of each account on the way.
 */
import {
  type Account,
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
  type OrganizationsClientConfig,
} from '@aws-sdk/client-organizations';
import { assumeRoleCredentials } from '../backfill/client';
import type { OrganizationAccount, OrganizationSnapshot } from './snapshot';

/**
 * The IAM actions reading the organization needs, and nothing more: the management-account role and
 * its documentation are built from this list.
 */
export const ORGANIZATION_READ_ACTIONS = [
  'organizations:DescribeOrganization',
  'organizations:ListRoots',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListAccountsForParent',
] as const;

/** Organizations is a global service whose endpoint lives in us-east-1. */
const ORGANIZATIONS_REGION = 'us-east-1';

/** Organizations could not be read (denied, throttled past retries, not in an organization). */
export class OrganizationUnreadableError extends Error {
  override readonly name = 'OrganizationUnreadableError';
}

export interface OrganizationsClientOptions {
  /** Assume this role (in the management account) first; the default credential chain otherwise. */
  roleArn?: string;
  /** Credentials of the caller; the default provider chain when absent. */
  credentials?: OrganizationsClientConfig['credentials'];
  /** Replaces the adaptive retry strategy (tests use one without delays). */
  retryStrategy?: OrganizationsClientConfig['retryStrategy'];
  maxAttempts?: number;
  /** Organizations endpoint (moto, a test server); `AWS_ENDPOINT_URL_ORGANIZATIONS` also works. */
  endpoint?: string;
  /** STS endpoint for the role assumption; `AWS_ENDPOINT_URL_STS` also works. */
  stsEndpoint?: string;
}

/**
 * An Organizations client from the SDK's standard configuration (`AWS_ENDPOINT_URL_ORGANIZATIONS`,
 * profiles), with adaptive retries so throttling backs off instead of failing.
 */
export function createOrganizationsClient(options: OrganizationsClientOptions = {}): OrganizationsClient {
  const config: OrganizationsClientConfig = {
    region: ORGANIZATIONS_REGION,
    maxAttempts: options.maxAttempts ?? 8,
  };
  if (options.retryStrategy) config.retryStrategy = options.retryStrategy;
  else config.retryMode = 'adaptive';
  if (options.endpoint) config.endpoint = options.endpoint;
  if (options.roleArn) {
    config.credentials = assumeRoleCredentials(options.roleArn, {
      region: ORGANIZATIONS_REGION,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.stsEndpoint ? { stsEndpoint: options.stsEndpoint } : {}),
    });
  } else if (options.credentials) config.credentials = options.credentials;
  return new OrganizationsClient(config);
}

/**
 * Every account of the organization with its name, status and OU path, as a snapshot taken `now`.
 *
 * @throws OrganizationUnreadableError naming the call that failed, with the SDK error as `cause`.
 */
export async function listOrganizationAccounts(
  client: OrganizationsClient,
  now: Date = new Date(),
): Promise<OrganizationSnapshot> {
  const organization = await call('DescribeOrganization', () =>
    client.send(new DescribeOrganizationCommand({})),
  );
  const listed: OrganizationAccount[] = [];
  for (const { account, path } of await walk(client)) {
    if (!account.Id) continue;
    const entry: OrganizationAccount = {
      id: account.Id,
      name: account.Name ?? account.Id,
      status: account.State ?? account.Status ?? 'UNKNOWN',
    };
    entry.ouPath = path;
    if (account.JoinedTimestamp) entry.joinedAt = account.JoinedTimestamp.toISOString();
    listed.push(entry);
  }
  listed.sort((a, b) => a.id.localeCompare(b.id));
  const snapshot: OrganizationSnapshot = { takenAt: now.toISOString(), accounts: listed };
  if (organization.Organization?.Id) snapshot.organizationId = organization.Organization.Id;
  if (organization.Organization?.MasterAccountId) {
    snapshot.managementAccountId = organization.Organization.MasterAccountId;
  }
  return snapshot;
}

/** Every account with the path of OU names down to it, breadth first from every root. */
async function walk(client: OrganizationsClient): Promise<{ account: Account; path: string }[]> {
  const found: { account: Account; path: string }[] = [];
  const roots = await pages(
    'ListRoots',
    (NextToken) => client.send(new ListRootsCommand({ NextToken })),
    'Roots',
  );
  const queue: { id: string; path: string }[] = roots
    .filter((r) => r.Id)
    .map((r) => ({ id: r.Id as string, path: r.Name ?? 'Root' }));
  for (let next = queue.shift(); next; next = queue.shift()) {
    const parent = next;
    const accounts = await pages(
      'ListAccountsForParent',
      (NextToken) => client.send(new ListAccountsForParentCommand({ ParentId: parent.id, NextToken })),
      'Accounts',
    );
    for (const account of accounts) found.push({ account, path: parent.path });
    const units = await pages(
      'ListOrganizationalUnitsForParent',
      (NextToken) =>
        client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parent.id, NextToken })),
      'OrganizationalUnits',
    );
    for (const unit of units) {
      if (unit.Id) queue.push({ id: unit.Id, path: `${parent.path}/${unit.Name ?? unit.Id}` });
    }
  }
  return found;
}

async function pages<K extends string, T>(
  operation: string,
  send: (token: string | undefined) => Promise<{ NextToken?: string } & { [key in K]?: T[] }>,
  key: K,
): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page = await call(operation, () => send(token));
    items.push(...(page[key] ?? []));
    token = page.NextToken;
  } while (token);
  return items;
}

async function call<T>(operation: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (cause) {
    const error = cause as { name?: string; message?: string };
    throw new OrganizationUnreadableError(
      `AWS Organizations ${operation} failed: ${error.name ?? 'Error'}: ${error.message ?? String(cause)}`,
      { cause },
    );
  }
}
