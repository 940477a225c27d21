/**
 * What an account's IAM looks like right now, as the audit reads it (IAM list/get calls, the
 * credential report, a Config aggregator). Pure data: the findings are judged from it in
 * `findings.ts`, and the adapters in `handlers/audit/` fill it in.
 */

/** An access key of a user, from ListAccessKeys / GetAccessKeyLastUsed or the credential report. */
export interface AccessKeyState {
  /** Absent when only the credential report's slot (key 1 / key 2) is known. */
  accessKeyId?: string;
  /** `access_key_1` / `access_key_2` of the credential report when the id is unknown. */
  slot?: string;
  active: boolean;
  createdAt?: string;
  lastUsedAt?: string;
  lastUsedService?: string;
  lastUsedRegion?: string;
}

/** A managed policy attached to a principal, with its default version's document when read. */
export interface AttachedPolicyState {
  arn: string;
  name: string;
  /** The default version's document (GetPolicyVersion); absent for AWS managed policies not read. */
  document?: unknown;
}

/** An inline policy of a principal (GetUserPolicy); the document as IAM returns it (URL-encoded JSON). */
interface InlinePolicyState {
  name: string;
  document?: unknown;
}

export interface UserState {
  userName: string;
  arn?: string;
  userId?: string;
  path?: string;
  createdAt?: string;
  /** Console password set (LoginProfile exists). */
  passwordEnabled?: boolean;
  passwordLastUsedAt?: string;
  passwordLastChangedAt?: string;
  mfaActive?: boolean;
  mfaDevices: string[];
  accessKeys: AccessKeyState[];
  attachedPolicies: AttachedPolicyState[];
  inlinePolicies: InlinePolicyState[];
  groups: string[];
}

export interface RoleState {
  roleName: string;
  arn?: string;
  path?: string;
  createdAt?: string;
  /** Seconds (IAM's MaxSessionDuration, 3600 to 43200). */
  maxSessionDuration?: number;
  lastUsedAt?: string;
  lastUsedRegion?: string;
  /** The trust policy as IAM returns it (URL-encoded JSON in GetRole / ListRoles). */
  trustPolicy?: unknown;
}

/** The credential report's `<root_account>` row. */
export interface RootState {
  arn?: string;
  mfaActive: boolean;
  accessKeys: AccessKeyState[];
  passwordLastUsedAt?: string;
}

/** GetAccountPasswordPolicy; `null` when the account has none (NoSuchEntity). */
export interface PasswordPolicyState {
  minimumPasswordLength?: number;
  passwordReusePrevention?: number;
  requireSymbols?: boolean;
  requireNumbers?: boolean;
  requireUppercaseCharacters?: boolean;
  requireLowercaseCharacters?: boolean;
  maxPasswordAge?: number;
}

/** Everything read from one account. Parts that were not read (aggregator source) are absent. */
export interface AccountSnapshot {
  accountId: string;
  accountName?: string;
  /** When the reading finished (ISO-8601). */
  readAt: string;
  /** Where the data came from. */
  source: 'iam' | 'config-aggregator';
  users: UserState[];
  /** Absent when roles were not read. */
  roles?: RoleState[];
  /** Absent when the credential report was not read or has no root row. */
  root?: RootState;
  /** `null`: the account has no password policy; absent: not read. */
  passwordPolicy?: PasswordPolicyState | null;
  /** Parts that could not be read although the account could (a denied call, a throttled one). */
  warnings: string[];
}

/** An account that could not be read at all (role not assumable, access denied, throttled). */
export interface AccountFailure {
  accountId: string;
  accountName?: string;
  error: string;
  /** The AWS error name (AccessDenied, Throttling …) when there was one. */
  code?: string;
}
