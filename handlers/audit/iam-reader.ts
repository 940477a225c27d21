/**
 * Reads one account's IAM as it is now: users (ListUsers), the credential report
 * (GenerateCredentialReport / GetCredentialReport), each user's attached and inline policies with
 * their current documents (GetPolicy + GetPolicyVersion, GetUserPolicy), groups, MFA devices and
 * access keys with their last use, roles with RoleLastUsed and trust policy, and the password policy.
 *
 * Only ListUsers failing fails the account; any other call that fails (denied, throttled after the
 * SDK's retries) becomes a warning on the snapshot and the rest is still read.
 */
import {
  GenerateCredentialReportCommand,
  GetAccessKeyLastUsedCommand,
  GetAccountPasswordPolicyCommand,
  GetCredentialReportCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetUserPolicyCommand,
  type IAMClient,
  paginateListAccessKeys,
  paginateListAttachedUserPolicies,
  paginateListGroupsForUser,
  paginateListMFADevices,
  paginateListRoles,
  paginateListUserPolicies,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import type {
  AccessKeyState,
  AccountSnapshot,
  AttachedPolicyState,
  PasswordPolicyState,
  RoleState,
  UserState,
} from '../../rules/audit/snapshot';
import { type CredentialReportRow, parseCredentialReport, rootOf } from './credential-report';

export interface IamReadOptions {
  /** Also read roles (ListRoles, GetRole). */
  roles: boolean;
  /** Users described at once (each takes about eight IAM calls). Default 4. */
  concurrency?: number;
  /** How long to wait for IAM to generate the credential report. Default 60 s. */
  reportTimeoutMs?: number;
  /** Pause between report polls; tests pass 0. Default 2 s. */
  reportPollMs?: number;
  now?: () => Date;
}

/** Reads an account through an IAM client already authenticated in it. */
export async function readAccountFromIam(
  iam: IAMClient,
  account: { accountId: string; accountName?: string },
  options: IamReadOptions,
): Promise<AccountSnapshot> {
  const warnings: string[] = [];
  const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      warnings.push(`${what}: ${describeError(error)}`);
      return undefined;
    }
  };
  /** Every item of a listing, or none (with a warning) when it cannot be read. */
  const attemptList = async <P, T>(what: string, pages: AsyncIterable<P>, items: (page: P) => T[]) =>
    (await attempt(what, () => collect(pages, items))) ?? [];
  // Not wrapped: an account whose users cannot be listed cannot be audited at all.
  const listed = await collect(paginateListUsers({ client: iam }, {}), (page) => page.Users ?? []);
  const report = await attempt('credential report', () => credentialReport(iam, options));
  const policyDocuments = new Map<string, Promise<unknown>>();
  const documentOf = (arn: string) => {
    let pending = policyDocuments.get(arn);
    if (!pending) {
      pending = attempt(`policy ${arn}`, () => managedPolicyDocument(iam, arn));
      policyDocuments.set(arn, pending);
    }
    return pending;
  };
  const users = await mapLimit(listed, options.concurrency ?? 4, async (listedUser) => {
    const userName = listedUser.UserName ?? '';
    const row = report?.get(userName);
    const user: UserState = {
      userName,
      mfaDevices: [],
      accessKeys: [],
      attachedPolicies: [],
      inlinePolicies: [],
      groups: [],
    };
    assign(user, 'arn', listedUser.Arn);
    assign(user, 'userId', listedUser.UserId);
    assign(user, 'path', listedUser.Path);
    assign(user, 'createdAt', listedUser.CreateDate?.toISOString());
    if (row) applyReportRow(user, row);
    const of = `user ${userName}`;
    const attached = await attemptList(
      `${of} attached policies`,
      paginateListAttachedUserPolicies({ client: iam }, { UserName: userName }),
      (p) => p.AttachedPolicies ?? [],
    );
    for (const policy of attached) {
      if (!policy.PolicyArn) continue;
      const state: AttachedPolicyState = {
        arn: policy.PolicyArn,
        name: policy.PolicyName ?? policy.PolicyArn,
      };
      // AWS managed policies are judged by name (AdministratorAccess …); customer ones by their content.
      if (!isAwsManaged(policy.PolicyArn)) {
        const document = await documentOf(policy.PolicyArn);
        if (document !== undefined) state.document = document;
      }
      user.attachedPolicies.push(state);
    }
    const inlineNames = await attemptList(
      `${of} inline policies`,
      paginateListUserPolicies({ client: iam }, { UserName: userName }),
      (p) => p.PolicyNames ?? [],
    );
    for (const name of inlineNames) {
      const document = await attempt(`${of} inline policy ${name}`, async () => {
        const response = await iam.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: name }));
        return response.PolicyDocument;
      });
      user.inlinePolicies.push(document === undefined ? { name } : { name, document });
    }
    const groups = await attemptList(
      `${of} groups`,
      paginateListGroupsForUser({ client: iam }, { UserName: userName }),
      (p) => p.Groups ?? [],
    );
    user.groups = groups
      .map((group) => group.GroupName ?? '')
      .filter(Boolean)
      .sort();
    const devices = await attempt(`${of} MFA devices`, () =>
      collect(paginateListMFADevices({ client: iam }, { UserName: userName }), (p) => p.MFADevices ?? []),
    );
    if (devices) {
      user.mfaDevices = devices.map((device) => device.SerialNumber ?? '').filter(Boolean);
      user.mfaActive = user.mfaDevices.length > 0;
    }
    const keys = await attempt(`${of} access keys`, () => accessKeys(iam, userName));
    if (keys) user.accessKeys = keys;
    return user;
  });
  const snapshot: AccountSnapshot = {
    accountId: account.accountId,
    readAt: (options.now?.() ?? new Date()).toISOString(),
    source: 'iam',
    users: users.sort((a, b) => compare(a.userName, b.userName)),
    warnings,
  };
  if (account.accountName) snapshot.accountName = account.accountName;
  const root = report ? rootOf(report) : undefined;
  if (root) snapshot.root = root;
  const passwordPolicy = await attempt('password policy', () => readPasswordPolicy(iam));
  if (passwordPolicy !== undefined) snapshot.passwordPolicy = passwordPolicy;
  if (options.roles) {
    const roles = await attempt('roles', () => readRoles(iam, options.concurrency ?? 4));
    if (roles) snapshot.roles = roles;
  }
  return snapshot;
}

function applyReportRow(user: UserState, row: CredentialReportRow): void {
  assign(user, 'passwordEnabled', row.passwordEnabled);
  assign(user, 'passwordLastUsedAt', row.passwordLastUsedAt);
  assign(user, 'passwordLastChangedAt', row.passwordLastChangedAt);
  user.mfaActive = row.mfaActive;
  // The report's key slots stand in until ListAccessKeys gives the ids.
  user.accessKeys = row.accessKeys;
}

async function accessKeys(iam: IAMClient, userName: string): Promise<AccessKeyState[]> {
  const listed = await collect(
    paginateListAccessKeys({ client: iam }, { UserName: userName }),
    (page) => page.AccessKeyMetadata ?? [],
  );
  const keys: AccessKeyState[] = [];
  for (const metadata of listed) {
    if (!metadata.AccessKeyId) continue;
    const key: AccessKeyState = { accessKeyId: metadata.AccessKeyId, active: metadata.Status === 'Active' };
    assign(key, 'createdAt', metadata.CreateDate?.toISOString());
    const used = await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: metadata.AccessKeyId }));
    const last = used.AccessKeyLastUsed;
    assign(key, 'lastUsedAt', last?.LastUsedDate?.toISOString());
    assign(key, 'lastUsedService', meaningful(last?.ServiceName));
    assign(key, 'lastUsedRegion', meaningful(last?.Region));
    keys.push(key);
  }
  return keys;
}

/** Generates the report if needed and waits for it (IAM answers STARTED / INPROGRESS / COMPLETE). */
async function credentialReport(
  iam: IAMClient,
  options: IamReadOptions,
): Promise<Map<string, CredentialReportRow>> {
  const deadline = Date.now() + (options.reportTimeoutMs ?? 60_000);
  const pause = options.reportPollMs ?? 2_000;
  for (;;) {
    const generated = await iam.send(new GenerateCredentialReportCommand({}));
    if (generated.State === 'COMPLETE') break;
    if (Date.now() > deadline) throw new Error(`still ${generated.State ?? 'generating'} after waiting`);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  const response = await iam.send(new GetCredentialReportCommand({}));
  return parseCredentialReport(Buffer.from(response.Content ?? new Uint8Array()).toString('utf8'));
}

async function managedPolicyDocument(iam: IAMClient, arn: string): Promise<unknown> {
  const policy = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  const versionId = policy.Policy?.DefaultVersionId;
  if (!versionId) return undefined;
  const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId }));
  return version.PolicyVersion?.Document;
}

async function readPasswordPolicy(iam: IAMClient): Promise<PasswordPolicyState | null> {
  try {
    const { PasswordPolicy: policy } = await iam.send(new GetAccountPasswordPolicyCommand({}));
    const state: PasswordPolicyState = {};
    assign(state, 'minimumPasswordLength', policy?.MinimumPasswordLength);
    assign(state, 'passwordReusePrevention', policy?.PasswordReusePrevention);
    assign(state, 'requireSymbols', policy?.RequireSymbols);
    assign(state, 'requireNumbers', policy?.RequireNumbers);
    assign(state, 'requireUppercaseCharacters', policy?.RequireUppercaseCharacters);
    assign(state, 'requireLowercaseCharacters', policy?.RequireLowercaseCharacters);
    assign(state, 'maxPasswordAge', policy?.MaxPasswordAge);
    return state;
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException' || (error as Error).name === 'NoSuchEntity')
      return null;
    throw error;
  }
}

async function readRoles(iam: IAMClient, concurrency: number): Promise<RoleState[]> {
  const listed = await collect(paginateListRoles({ client: iam }, {}), (page) => page.Roles ?? []);
  const roles = await mapLimit(listed, concurrency, async (listedRole) => {
    const role: RoleState = { roleName: listedRole.RoleName ?? '' };
    assign(role, 'arn', listedRole.Arn);
    assign(role, 'path', listedRole.Path);
    assign(role, 'createdAt', listedRole.CreateDate?.toISOString());
    assign(role, 'maxSessionDuration', listedRole.MaxSessionDuration);
    assign(role, 'trustPolicy', listedRole.AssumeRolePolicyDocument);
    // ListRoles leaves RoleLastUsed out; only GetRole has it.
    const { Role: detail } = await iam.send(new GetRoleCommand({ RoleName: role.roleName }));
    assign(role, 'lastUsedAt', detail?.RoleLastUsed?.LastUsedDate?.toISOString());
    assign(role, 'lastUsedRegion', detail?.RoleLastUsed?.Region);
    return role;
  });
  return roles.sort((a, b) => compare(a.roleName, b.roleName));
}

function isAwsManaged(arn: string): boolean {
  return /^arn:aws[a-z-]*:iam::aws:policy\//.test(arn);
}

/** GetAccessKeyLastUsed says `N/A` for a key never used. */
function meaningful(value: string | undefined): string | undefined {
  return value && value !== 'N/A' ? value : undefined;
}

/** An AWS error as `Name: message`. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const name = cause && error.name === 'AssumeRoleError' ? cause.name : error.name;
  return name && name !== 'Error' && !error.message.startsWith(name)
    ? `${name}: ${error.message}`
    : error.message;
}

async function collect<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[]): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...items(page));
  return all;
}

/** `map` with at most `limit` calls in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  map: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
