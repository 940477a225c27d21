/**
 * Users (and roles) org-wide from an AWS Config aggregator: `SelectAggregateResourceConfig` with an
 * advanced query on `AWS::IAM::User` / `AWS::IAM::Role`, every page read. Each result is a JSON
 * string holding the selected fields; the configuration item carries the user's groups and its
 * attached and inline policies. IAM is global, so an aggregator recording global resources in more
 * than one region returns a user more than once: results are kept once per account and resource id.
 *
 * Config knows no sign-in, MFA or key use: those come from IAM (`--accounts`/`--org`).
 */
import { ConfigServiceClient, SelectAggregateResourceConfigCommand } from '@aws-sdk/client-config-service';
import type { AccountSnapshot, RoleState, UserState } from '../../rules/audit/snapshot';
import type { SdkSettings } from '../backfill/client';

/** The fields selected; `configuration` holds the resource's own description. */
const FIELDS =
  'accountId, awsRegion, resourceId, resourceName, resourceType, arn, resourceCreationTime, configuration';
/** Non-aggregate queries return 25 results per page unless asked for up to 100. */
const PAGE_SIZE = 100;

export interface AggregatorOptions {
  aggregator: string;
  /** The aggregator's region. */
  region: string;
  resources: { users: boolean; roles: boolean };
  sdk: SdkSettings;
  now?: () => Date;
  onPage?: (results: number) => void;
}

/** One snapshot per account the aggregator has users or roles in (users only, roles when asked). */
export async function readAggregator(options: AggregatorOptions): Promise<AccountSnapshot[]> {
  const client = new ConfigServiceClient({
    region: options.region,
    ...(options.sdk.endpoint ? { endpoint: options.sdk.endpoint } : {}),
    ...(options.sdk.credentials ? { credentials: options.sdk.credentials } : {}),
    ...(options.sdk.maxAttempts ? { maxAttempts: options.sdk.maxAttempts } : {}),
  });
  const readAt = (options.now?.() ?? new Date()).toISOString();
  const accounts = new Map<string, AccountSnapshot>();
  const snapshotOf = (accountId: string) => {
    let snapshot = accounts.get(accountId);
    if (!snapshot) {
      snapshot = { accountId, readAt, source: 'config-aggregator', users: [], warnings: [] };
      if (options.resources.roles) snapshot.roles = [];
      accounts.set(accountId, snapshot);
    }
    return snapshot;
  };
  const seen = new Set<string>();
  try {
    const types = [
      ...(options.resources.users ? ['AWS::IAM::User'] : []),
      ...(options.resources.roles ? ['AWS::IAM::Role'] : []),
    ];
    for (const type of types) {
      let nextToken: string | undefined;
      let read = 0;
      do {
        const page = await client.send(
          new SelectAggregateResourceConfigCommand({
            ConfigurationAggregatorName: options.aggregator,
            Expression: `SELECT ${FIELDS} WHERE resourceType = '${type}'`,
            MaxResults: PAGE_SIZE,
            ...(nextToken ? { NextToken: nextToken } : {}),
          }),
        );
        for (const text of page.Results ?? []) {
          const result = parseResult(text);
          const accountId = str(result?.accountId);
          if (!result || !accountId || !/^\d{12}$/.test(accountId)) continue;
          const key = `${accountId}#${str(result.resourceId) ?? str(result.arn) ?? str(result.resourceName)}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const snapshot = snapshotOf(accountId);
          if (type === 'AWS::IAM::User') snapshot.users.push(userOf(result));
          else snapshot.roles?.push(roleOf(result));
        }
        read += page.Results?.length ?? 0;
        options.onPage?.(read);
        nextToken = page.NextToken;
      } while (nextToken);
    }
  } finally {
    client.destroy();
  }
  for (const snapshot of accounts.values()) {
    snapshot.users.sort((a, b) => compare(a.userName, b.userName));
    snapshot.roles?.sort((a, b) => compare(a.roleName, b.roleName));
  }
  return [...accounts.values()].sort((a, b) => compare(a.accountId, b.accountId));
}

type Fields = Record<string, unknown>;

function userOf(result: Fields): UserState {
  const configuration = fields(result.configuration);
  const user: UserState = {
    userName: str(configuration.userName) ?? str(result.resourceName) ?? str(result.resourceId) ?? '?',
    mfaDevices: [],
    accessKeys: [],
    groups: list(configuration.groupList)
      .map((group) => (typeof group === 'string' ? group : str(fields(group).groupName)))
      .filter((name): name is string => !!name)
      .sort(),
    attachedPolicies: list(configuration.attachedManagedPolicies).flatMap((policy) => {
      const arn = str(fields(policy).policyArn);
      return arn ? [{ arn, name: str(fields(policy).policyName) ?? arn }] : [];
    }),
    inlinePolicies: list(configuration.userPolicyList).flatMap((policy) => {
      const name = str(fields(policy).policyName);
      const document = fields(policy).policyDocument;
      return name ? [document === undefined ? { name } : { name, document }] : [];
    }),
  };
  assign(user, 'arn', str(result.arn) ?? str(configuration.arn));
  assign(user, 'userId', str(configuration.userId) ?? str(result.resourceId));
  assign(user, 'path', str(configuration.path));
  assign(user, 'createdAt', isoTime(configuration.createDate) ?? isoTime(result.resourceCreationTime));
  return user;
}

function roleOf(result: Fields): RoleState {
  const configuration = fields(result.configuration);
  const role: RoleState = {
    roleName: str(configuration.roleName) ?? str(result.resourceName) ?? str(result.resourceId) ?? '?',
  };
  assign(role, 'arn', str(result.arn) ?? str(configuration.arn));
  assign(role, 'path', str(configuration.path));
  assign(role, 'createdAt', isoTime(configuration.createDate) ?? isoTime(result.resourceCreationTime));
  const maxSession = configuration.maxSessionDuration;
  if (typeof maxSession === 'number') role.maxSessionDuration = maxSession;
  assign(role, 'trustPolicy', configuration.assumeRolePolicyDocument);
  const lastUsed = fields(configuration.roleLastUsed);
  assign(role, 'lastUsedAt', isoTime(lastUsed.lastUsedDate));
  return role;
}

function parseResult(text: string): Fields | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Fields)
      : undefined;
  } catch {
    return undefined;
  }
}

function fields(value: unknown): Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function isoTime(value: unknown): string | undefined {
  const text = typeof value === 'number' ? new Date(value).toISOString() : str(value);
  if (!text || Number.isNaN(Date.parse(text))) return undefined;
  return new Date(Date.parse(text)).toISOString();
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
