/** Whom a role trust policy lets in from outside the organization. */
import type { DetectionContext } from '../types';
import { listOf, type PolicyDocument, type RequestPolicies } from './document';

/** Why a trust policy lets someone outside in. */
type TrustFindingKind = 'public' | 'public-with-condition' | 'external-account' | 'uninspectable';

export interface TrustFinding {
  kind: TrustFindingKind;
  /** The principal as written in the policy (`*`, an account id, an ARN). */
  principal: string;
  /** The outside account, for `external-account`. */
  accountId?: string;
  severity: 'critical' | 'high';
}

export interface TrustAnalysis {
  findings: TrustFinding[];
  /** The worst finding's severity; absent when the policy trusts no outsider. */
  severity?: 'critical' | 'high';
}

/**
 * Condition keys that pin a wildcard principal to known accounts or to an organization. With one
 * of these a `*` principal is not public: the pinned accounts are judged instead (org ids cannot be
 * checked against the context and are taken as the caller's own organization).
 */
const ORG_SCOPING_KEYS = [
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:sourceorgid',
  'aws:sourceorgpaths',
];
const ACCOUNT_SCOPING_KEYS = ['aws:principalaccount', 'aws:sourceaccount'];
const ARN_SCOPING_KEYS = ['aws:principalarn', 'aws:sourcearn'];

/**
 * Which principals a role trust policy lets in from outside: `*` without a condition (critical),
 * `*` limited only by other conditions such as `sts:ExternalId` (high), and AWS principals in accounts
 * outside the organization, the configured trusted accounts and the role's own account (high).
 * Service and federated principals are the platform's own and are not findings.
 */
export function analyseTrust(
  document: PolicyDocument | undefined,
  ctx: Pick<DetectionContext, 'organizationAccountIds' | 'trustedAccountIds'>,
  homeAccountId?: string,
): TrustAnalysis {
  const findings: TrustFinding[] = [];
  if (!document) return { findings };
  const trusted = new Set([...ctx.organizationAccountIds, ...ctx.trustedAccountIds]);
  if (homeAccountId) trusted.add(homeAccountId);
  for (const statement of document.Statement) {
    if (statement.Effect !== 'Allow') continue;
    // Allow + NotPrincipal trusts everyone except the listed principals.
    const principals = statement.NotPrincipal !== undefined ? ['*'] : awsPrincipals(statement.Principal);
    for (const principal of principals) {
      if (principal === '*') {
        findings.push(...wildcardFindings(statement.Condition, trusted));
        continue;
      }
      const accountId = accountOfPrincipal(principal);
      if (accountId && !trusted.has(accountId)) {
        findings.push({ kind: 'external-account', principal, accountId, severity: 'high' });
      }
    }
  }
  const severity = findings.some((f) => f.severity === 'critical')
    ? 'critical'
    : findings.length > 0
      ? 'high'
      : undefined;
  return severity ? { findings, severity } : { findings };
}

/**
 * The trust policy in `request[key]`, analysed. A document too large to inspect is a finding of its
 * own (high): no successful call carries one, and padding must not hide who is trusted.
 */
export function analyseTrustInRequest(
  policies: RequestPolicies,
  key: string,
  ctx: Pick<DetectionContext, 'organizationAccountIds' | 'trustedAccountIds'>,
  homeAccountId?: string,
): TrustAnalysis {
  if (policies.oversized(key)) {
    return {
      findings: [
        {
          kind: 'uninspectable',
          principal: 'unknown principals (trust policy too large to inspect)',
          severity: 'high',
        },
      ],
      severity: 'high',
    };
  }
  return analyseTrust(policies.document(key), ctx, homeAccountId);
}

function wildcardFindings(
  condition: Record<string, unknown> | undefined,
  trusted: ReadonlySet<string>,
): TrustFinding[] {
  if (!condition || Object.keys(condition).length === 0) {
    return [{ kind: 'public', principal: '*', severity: 'critical' }];
  }
  const scoped = scopingValues(condition);
  if (ORG_SCOPING_KEYS.some((key) => (scoped.get(key) ?? []).some(namesOneOrganization))) return [];
  const pinned = [
    ...ACCOUNT_SCOPING_KEYS.flatMap((key) => scoped.get(key) ?? []),
    ...ARN_SCOPING_KEYS.flatMap((key) => scoped.get(key) ?? []),
  ];
  const pinnedAccounts = pinned.map(accountOfPrincipal);
  // A pin that names no concrete account (`*`, `arn:aws:iam::*:role/x`) lets any account in.
  if (pinned.length > 0 && pinnedAccounts.every((accountId) => accountId !== undefined)) {
    return pinnedAccounts
      .filter((accountId): accountId is string => !!accountId && !trusted.has(accountId))
      .map((accountId) => ({ kind: 'external-account', principal: '*', accountId, severity: 'high' }));
  }
  return [{ kind: 'public-with-condition', principal: '*', severity: 'high' }];
}

/**
 * Operators under which a condition key limits who gets in to the listed values. Negated
 * operators (`StringNotEquals`: everyone *but* them), `…IfExists` (passes when the key is absent,
 * as aws:PrincipalOrgID is for accounts in no organization), `Null` and `ForAllValues:` (true
 * for an absent key) do not.
 */
const SCOPING_OPERATOR =
  /^(?:ForAnyValue:)?(?:StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/i;

/** Condition key (lower case) → the values a scoping operator compares it with. */
function scopingValues(condition: Record<string, unknown>): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const [operator, block] of Object.entries(condition)) {
    if (!SCOPING_OPERATOR.test(operator)) continue;
    if (block === null || typeof block !== 'object' || Array.isArray(block)) continue;
    for (const [key, value] of Object.entries(block)) {
      const list = values.get(key.toLowerCase()) ?? [];
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item === 'string') list.push(item);
      }
      values.set(key.toLowerCase(), list);
    }
  }
  return values;
}

/**
 * An organization id (`o-abc123`) or path (`o-abc123/r-ab12/ou-…/*`) that pins one organization:
 * no wildcard in the organization id itself (`o-*` would be every organization).
 */
function namesOneOrganization(value: string): boolean {
  const organization = value.split('/')[0] ?? '';
  return /^o-[a-z0-9]+$/i.test(organization);
}

/** The `AWS` principals of a statement; a bare `"*"` principal means everyone. */
function awsPrincipals(principal: unknown): string[] {
  if (principal === '*') return ['*'];
  if (principal === null || typeof principal !== 'object' || Array.isArray(principal)) return [];
  const aws = (principal as Record<string, unknown>).AWS;
  return listOf(aws);
}

/**
 * The account of an AWS principal: `123456789012`, `arn:aws:iam::123456789012:root|user/…|role/…`,
 * `arn:aws:sts::123456789012:assumed-role/…`. Unique ids (`AROA…`, left when a trusted role is
 * deleted) name no account and give undefined.
 */
export function accountOfPrincipal(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  const match = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(principal);
  return match?.[1];
}
