/**
 * The audit's findings, judged from account snapshots: unused users and keys, old keys, console users
 * without MFA, the root user's keys and MFA, permissions attached straight to users, admin users, the
 * password policy against the CIS AWS Foundations baseline, long role sessions, unused roles and
 * role trust open to anyone or to accounts outside the organization.
 *
 * Findings are data with stable ids (`<check>:<account>:<resource>`), so two audits can be compared:
 * the same problem on the same resource keeps its id from run to run.
 */
import { allowsAdmin, isAdminManagedPolicyArn } from '../policy/admin';
import { parsePolicyDocument } from '../policy/document';
import { analyseTrust } from '../policy/trust';
import type { DetectionContext, Severity } from '../types';
import type { AccessKeyState, AccountSnapshot, RoleState, UserState } from './snapshot';

/** The checks, as stable ids: a finding's id starts with its check. */
const AUDIT_CHECKS = [
  'user-unused',
  'access-key-old',
  'access-key-unused',
  'console-user-without-mfa',
  'root-access-key',
  'root-without-mfa',
  'user-direct-policy',
  'user-admin',
  'password-policy-missing',
  'password-policy-weak',
  'role-long-session',
  'role-unused',
  'role-trust-public',
  'role-trust-external',
] as const;
type AuditCheck = (typeof AUDIT_CHECKS)[number];

/** CIS AWS Foundations: passwords of at least 14 characters, the last 24 not reused. */
const CIS_MINIMUM_PASSWORD_LENGTH = 14;
const CIS_PASSWORD_REUSE_PREVENTION = 24;

type AuditResourceType = 'user' | 'access-key' | 'root' | 'password-policy' | 'role';

/** Whom to ask about a resource, from the ledger: who created it and who changed it last. */
export interface AuditContact {
  createdBy?: string;
  createdAt?: string;
  lastActor?: string;
  lastActedAt?: string;
  lastEvent?: string;
}

export interface AuditFinding {
  /** Stable across runs: `<check>:<account>:<resource>` (lower case). */
  id: string;
  check: AuditCheck;
  severity: Severity;
  accountId: string;
  accountName?: string;
  resource: { type: AuditResourceType; name: string; arn?: string; userName?: string };
  title: string;
  /** The facts the finding rests on, in words. */
  evidence: string;
  /** Filled in from the ledger by the audit command; absent when the ledger knows nothing. */
  contact?: AuditContact;
}

export interface AuditOptions {
  now: Date;
  /** A user or role with no use for this many days is unused (default 90). */
  staleDays: number;
  /** An access key older than this many days is old (default 90). */
  keyAgeDays: number;
  /** Roles may issue sessions of at most this many seconds (default 3600). */
  maxSessionSeconds: number;
  context: Pick<DetectionContext, 'organizationAccountIds' | 'trustedAccountIds'>;
}

export const DEFAULT_AUDIT_OPTIONS = { staleDays: 90, keyAgeDays: 90, maxSessionSeconds: 3600 } as const;

const DAY_MS = 86_400_000;
/** AWS-managed service-linked roles: their sessions and trust are AWS's, not the account's. */
const SERVICE_LINKED_PATH = '/aws-service-role/';

/** Every finding of one account, in a stable order (check, then resource). */
export function auditAccount(snapshot: AccountSnapshot, options: AuditOptions): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const add: Add = (check, severity, resource, title, evidence, discriminator) => {
    const key = [resource.type, resource.userName, resource.name, discriminator].filter(Boolean).join('/');
    const finding: AuditFinding = {
      id: `${check}:${snapshot.accountId}:${key}`.toLowerCase(),
      check,
      severity,
      accountId: snapshot.accountId,
      resource,
      title,
      evidence,
    };
    if (snapshot.accountName) finding.accountName = snapshot.accountName;
    findings.push(finding);
  };
  for (const user of snapshot.users) auditUser(user, snapshot.accountId, options, add);
  auditRoot(snapshot, add);
  auditPasswordPolicy(snapshot, add);
  for (const role of snapshot.roles ?? []) auditRole(role, snapshot.accountId, options, add);
  const order = new Map(AUDIT_CHECKS.map((check, index) => [check, index]));
  return findings.sort(
    (a, b) =>
      (order.get(a.check) ?? 0) - (order.get(b.check) ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

type Add = (
  check: AuditCheck,
  severity: Severity,
  resource: AuditFinding['resource'],
  title: string,
  evidence: string,
  discriminator?: string,
) => void;

function auditUser(user: UserState, accountId: string, options: AuditOptions, add: Add): void {
  const resource = { type: 'user' as const, name: user.userName, ...(user.arn ? { arn: user.arn } : {}) };
  const activeKeys = user.accessKeys.filter((key) => key.active);
  const lastUse = latest([user.passwordLastUsedAt, ...user.accessKeys.map((key) => key.lastUsedAt)]);
  const staleSince = options.now.getTime() - options.staleDays * DAY_MS;
  const oldEnough = !user.createdAt || Date.parse(user.createdAt) < staleSince;
  if (oldEnough && (!lastUse || Date.parse(lastUse) < staleSince)) {
    add(
      'user-unused',
      'medium',
      resource,
      `IAM user ${user.userName} unused for ${options.staleDays}+ days`,
      lastUse
        ? `last console sign-in or key use ${lastUse}`
        : `never signed in to the console nor used an access key${user.createdAt ? ` (created ${user.createdAt})` : ''}`,
    );
  }
  for (const key of activeKeys) auditAccessKey(user, key, options, add);
  if (user.passwordEnabled && user.mfaActive === false) {
    add(
      'console-user-without-mfa',
      'high',
      resource,
      `Console user ${user.userName} has no MFA`,
      `console password enabled${user.passwordLastUsedAt ? `, last sign-in ${user.passwordLastUsedAt}` : ''}; no MFA device`,
    );
  }
  const direct = [
    ...user.attachedPolicies.map((policy) => `attached ${policy.name}`),
    ...user.inlinePolicies.map((policy) => `inline ${policy.name}`),
  ];
  if (direct.length > 0) {
    add(
      'user-direct-policy',
      'low',
      resource,
      `Permissions attached directly to IAM user ${user.userName}`,
      `${direct.join(', ')} (grant through groups or roles instead)`,
    );
  }
  const admin = [
    ...user.attachedPolicies
      .filter((policy) => isAdminManagedPolicyArn(policy.arn) || grantsAdmin(policy.document, accountId))
      .map((policy) => `attached ${policy.name}`),
    ...user.inlinePolicies
      .filter((policy) => grantsAdmin(policy.document, accountId))
      .map((policy) => `inline ${policy.name}`),
  ];
  if (admin.length > 0) {
    add('user-admin', 'high', resource, `IAM user ${user.userName} is an administrator`, admin.join(', '));
  }
}

function auditAccessKey(user: UserState, key: AccessKeyState, options: AuditOptions, add: Add): void {
  const name = key.accessKeyId ?? key.slot ?? 'access key';
  const resource = { type: 'access-key' as const, name, userName: user.userName };
  const ageDays = key.createdAt
    ? Math.floor((options.now.getTime() - Date.parse(key.createdAt)) / DAY_MS)
    : 0;
  if (key.createdAt && ageDays > options.keyAgeDays) {
    add(
      'access-key-old',
      'medium',
      resource,
      `Access key ${name} of ${user.userName} is ${ageDays} days old`,
      `created ${key.createdAt}, older than ${options.keyAgeDays} days; rotate it${key.lastUsedAt ? ` (last used ${key.lastUsedAt})` : ''}`,
    );
  }
  if (!key.lastUsedAt) {
    add(
      'access-key-unused',
      'low',
      resource,
      `Access key ${name} of ${user.userName} was never used`,
      `active${key.createdAt ? `, created ${key.createdAt}` : ''}, no recorded use; deactivate it if nobody needs it`,
    );
  }
}

function auditRoot(snapshot: AccountSnapshot, add: Add): void {
  const root = snapshot.root;
  if (!root) return;
  const resource = {
    type: 'root' as const,
    name: 'root',
    arn: root.arn ?? `arn:aws:iam::${snapshot.accountId}:root`,
  };
  const keys = root.accessKeys.filter((key) => key.active);
  if (keys.length > 0) {
    add(
      'root-access-key',
      'critical',
      resource,
      `Root user of ${snapshot.accountId} has access keys`,
      `${keys.length} active root access ${keys.length === 1 ? 'key' : 'keys'}${keys
        .map((key) => (key.lastUsedAt ? `, last used ${key.lastUsedAt}` : ''))
        .join('')}; delete them`,
    );
  }
  if (!root.mfaActive) {
    add(
      'root-without-mfa',
      'critical',
      resource,
      `Root user of ${snapshot.accountId} has no MFA`,
      'mfa_active is false in the credential report',
    );
  }
}

function auditPasswordPolicy(snapshot: AccountSnapshot, add: Add): void {
  const policy = snapshot.passwordPolicy;
  if (policy === undefined) return;
  const resource = { type: 'password-policy' as const, name: 'account password policy' };
  if (policy === null) {
    add(
      'password-policy-missing',
      'medium',
      resource,
      `Account ${snapshot.accountId} has no password policy`,
      `IAM defaults apply; CIS asks for length >= ${CIS_MINIMUM_PASSWORD_LENGTH} and reuse prevention >= ${CIS_PASSWORD_REUSE_PREVENTION}`,
    );
    return;
  }
  const gaps: string[] = [];
  if ((policy.minimumPasswordLength ?? 0) < CIS_MINIMUM_PASSWORD_LENGTH) {
    gaps.push(`minimum length ${policy.minimumPasswordLength ?? 'unset'} < ${CIS_MINIMUM_PASSWORD_LENGTH}`);
  }
  if ((policy.passwordReusePrevention ?? 0) < CIS_PASSWORD_REUSE_PREVENTION) {
    gaps.push(
      `reuse prevention ${policy.passwordReusePrevention ?? 'unset'} < ${CIS_PASSWORD_REUSE_PREVENTION}`,
    );
  }
  if (gaps.length > 0) {
    add(
      'password-policy-weak',
      'medium',
      resource,
      `Password policy of ${snapshot.accountId} is below the CIS baseline`,
      gaps.join('; '),
    );
  }
}

function auditRole(role: RoleState, accountId: string, options: AuditOptions, add: Add): void {
  if (role.path === SERVICE_LINKED_PATH) return;
  const resource = { type: 'role' as const, name: role.roleName, ...(role.arn ? { arn: role.arn } : {}) };
  if (role.maxSessionDuration !== undefined && role.maxSessionDuration > options.maxSessionSeconds) {
    add(
      'role-long-session',
      'low',
      resource,
      `Role ${role.roleName} allows ${hours(role.maxSessionDuration)} sessions`,
      `MaxSessionDuration ${role.maxSessionDuration}s exceeds ${options.maxSessionSeconds}s`,
    );
  }
  const staleSince = options.now.getTime() - options.staleDays * DAY_MS;
  const oldEnough = !role.createdAt || Date.parse(role.createdAt) < staleSince;
  if (oldEnough && (!role.lastUsedAt || Date.parse(role.lastUsedAt) < staleSince)) {
    add(
      'role-unused',
      'low',
      resource,
      `Role ${role.roleName} unused for ${options.staleDays}+ days`,
      role.lastUsedAt ? `last used ${role.lastUsedAt}` : 'no recorded use (RoleLastUsed is empty)',
    );
  }
  const trust = analyseTrust(parsePolicyDocument(role.trustPolicy), options.context, accountId);
  for (const finding of trust.findings) {
    if (finding.kind === 'external-account') {
      add(
        'role-trust-external',
        finding.severity,
        resource,
        `Role ${role.roleName} trusts account ${finding.accountId} outside the organization`,
        `trust policy principal ${finding.principal}`,
        finding.accountId,
      );
    } else {
      add(
        'role-trust-public',
        finding.severity,
        resource,
        `Role ${role.roleName} can be assumed by anyone`,
        finding.kind === 'public'
          ? 'trust policy allows principal * without a condition'
          : finding.kind === 'public-with-condition'
            ? 'trust policy allows principal * limited only by conditions that do not pin an account or organization'
            : finding.principal,
        finding.kind,
      );
    }
  }
}

function grantsAdmin(document: unknown, accountId: string): boolean {
  return document !== undefined && allowsAdmin(parsePolicyDocument(document), accountId);
}

function latest(times: readonly (string | undefined)[]): string | undefined {
  let newest: string | undefined;
  for (const time of times) {
    if (time && !Number.isNaN(Date.parse(time)) && (!newest || Date.parse(time) > Date.parse(newest))) {
      newest = time;
    }
  }
  return newest;
}

function hours(seconds: number): string {
  const value = seconds / 3600;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} h`;
}
