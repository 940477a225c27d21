/**
 * IAM policy documents as CloudTrail carries them, and the two questions detections ask of them:
 * does it grant admin, and whom does a trust policy let in.
 *
 * Documents in requestParameters are JSON strings; in responseElements (and in some request
 * renderings) they are URL-encoded, sometimes form-encoded with `+` for spaces. Everything here is
 * total: garbage in gives `undefined` or "nothing found", never an exception into a detection.
 */
import { z } from 'zod';
import type { DetectionContext } from './types';

/**
 * The longest policy document text a successful call can carry, as CloudTrail may render it: IAM
 * accepts a PolicyDocument parameter of up to 131,072 characters (its 2,048/5,120/10,240 quotas do
 * not count whitespace, so padding is free), and a URL-encoded rendering at most triples that.
 * Longer text is not parsed, which keeps a hostile record from making the parser do unbounded work;
 * {@link isOversizedPolicyDocument} lets detections treat it as uninspectable rather than harmless.
 */
export const MAX_POLICY_DOCUMENT_CHARS = 131_072 * 3;

const stringOrList = z.union([z.string(), z.array(z.string())]);

const statementSchema = z.looseObject({
  Sid: z.string().optional(),
  Effect: z.string().optional(),
  Action: stringOrList.optional(),
  NotAction: stringOrList.optional(),
  Resource: stringOrList.optional(),
  NotResource: stringOrList.optional(),
  Principal: z.unknown().optional(),
  NotPrincipal: z.unknown().optional(),
  Condition: z.record(z.string(), z.unknown()).optional(),
});

const documentSchema = z.looseObject({
  Version: z.string().optional(),
  Statement: z.union([statementSchema, z.array(statementSchema)]),
});

/** One statement of a policy document. */
export type PolicyStatement = z.infer<typeof statementSchema>;

/** A parsed policy document; `Statement` is always a list here. */
export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement[];
}

/**
 * Parses a policy document given as an object, a JSON string, or a URL-encoded JSON string.
 * Returns undefined for anything that is not a policy document or exceeds the size bound.
 */
export function parsePolicyDocument(value: unknown): PolicyDocument | undefined {
  const raw = typeof value === 'string' ? parseJsonText(value) : value;
  if (raw === undefined) return undefined;
  const parsed = documentSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const { Statement, Version } = parsed.data;
  const document: PolicyDocument = { Statement: Array.isArray(Statement) ? Statement : [Statement] };
  if (Version !== undefined) document.Version = Version;
  return document;
}

/**
 * Whether a policy document is too long to inspect. No successful IAM call carries one (see
 * {@link MAX_POLICY_DOCUMENT_CHARS}), so detections must fail closed on it, never read it as harmless.
 */
export function isOversizedPolicyDocument(value: unknown): boolean {
  return typeof value === 'string' && value.length > MAX_POLICY_DOCUMENT_CHARS;
}

function parseJsonText(text: string): unknown {
  if (text.length > MAX_POLICY_DOCUMENT_CHARS) return undefined;
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const direct = tryJson(trimmed);
    if (direct !== undefined) return direct;
  }
  if (!trimmed.includes('%')) return undefined;
  try {
    // Form encoding writes spaces as `+`; a literal `+` is always `%2B` there, so this is lossless.
    return tryJson(decodeURIComponent(trimmed.replace(/\+/g, ' ')).trim());
  } catch {
    return undefined;
  }
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The AWS managed policies iamwatch treats as admin when attached. */
export const ADMIN_MANAGED_POLICY_NAMES = [
  'AdministratorAccess',
  'IAMFullAccess',
  'PowerUserAccess',
] as const;

/**
 * Whether an ARN is one of the AWS managed admin policies, in any partition
 * (`arn:aws:`, `arn:aws-cn:`, `arn:aws-us-gov:`). A customer policy that merely shares the name
 * (`arn:aws:iam::111122223333:policy/AdministratorAccess`) is not: its content is unknown here.
 */
export function isAdminManagedPolicyArn(arn: string | undefined): boolean {
  if (!arn) return false;
  const match = /^arn:aws(?:-[a-z-]+)?:iam::aws:policy\/([A-Za-z]+)$/.exec(arn);
  return !!match && (ADMIN_MANAGED_POLICY_NAMES as readonly string[]).includes(match[1] ?? '');
}

/**
 * Stand-ins for "all of IAM": a document granting every one of these can create principals,
 * attach any policy and pass any role, which is administrator in all but name.
 */
const IAM_PROBE_ACTIONS = [
  'iam:CreateUser',
  'iam:AttachUserPolicy',
  'iam:PutRolePolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:CreateAccessKey',
  'iam:PassRole',
];

/** Stands for an unknown account: only resources with a wildcard account cover it. */
const PROBE_ACCOUNT = '000000000000';

/** The IAM resources the probe actions act on (users, roles, policies) in one account. */
function probeResources(accountId: string): string[] {
  return ['user/iamwatch-probe', 'role/iamwatch-probe', 'policy/iamwatch-probe'].map(
    (resource) => `arn:aws:iam::${accountId}:${resource}`,
  );
}

/**
 * A policy only names ARNs of its own partition (`aws`, `aws-cn`, `aws-us-gov` …), so resource
 * patterns are compared with the probes as if every partition were `aws`.
 */
function inProbePartition(pattern: string): string {
  return pattern.replace(/^arn:aws-[a-z-]+:/, 'arn:aws:');
}

/**
 * Whether a document grants admin: each IAM probe action is allowed on each IAM probe resource by
 * some Allow statement, however the grants are spread over statements, and no unconditioned Deny
 * takes any of them back. Actions count through `*`, `*:*`, `iam:*` or a NotAction that leaves IAM
 * in; resources through `*`, an ARN wildcard such as `arn:aws:iam::*:*`, or a NotResource that
 * leaves IAM in. Conditions do not make a grant smaller here: a conditioned admin is still admin.
 *
 * `accountId` is the account the policy takes effect in: resources pinned to it count as covered;
 * without it only a wildcard account does.
 */
export function allowsAdmin(document: PolicyDocument | undefined, accountId?: string): boolean {
  if (!document) return false;
  // IAM actions only ever act on the caller's own account, so that is the account to probe.
  const account = accountId && /^\d{12}$/.test(accountId) ? accountId : PROBE_ACCOUNT;
  const allows = document.Statement.filter((s) => s.Effect === 'Allow');
  const denies = document.Statement.filter((s) => s.Effect === 'Deny' && !s.Condition);
  const resources = probeResources(account);
  const covers = (s: PolicyStatement, action: string, resource: string) =>
    coversAction(s, action) && coversResource(s, resource);
  return IAM_PROBE_ACTIONS.every((action) =>
    resources.every(
      (resource) =>
        allows.some((s) => covers(s, action, resource)) && !denies.some((s) => covers(s, action, resource)),
    ),
  );
}

/**
 * Whether the request field holds a document that grants admin, or one too large to inspect (which
 * no successful call carries: fail closed rather than let padding hide a grant).
 */
export function requestGrantsAdmin(
  request: Record<string, unknown>,
  key: string,
  accountId?: string,
): boolean {
  return isOversizedPolicyDocument(request[key]) || allowsAdmin(policyDocumentOf(request, key), accountId);
}

function coversAction(statement: PolicyStatement, action: string): boolean {
  if (statement.Action !== undefined) {
    return listOf(statement.Action).some((pattern) => actionMatches(pattern, action));
  }
  if (statement.NotAction !== undefined) {
    return !listOf(statement.NotAction).some((pattern) => actionMatches(pattern, action));
  }
  return false;
}

/** The resource is named by Resource, or left out of NotResource (resource ARNs are case-sensitive). */
function coversResource(statement: PolicyStatement, resource: string): boolean {
  if (statement.Resource !== undefined) {
    return listOf(statement.Resource).some((pattern) => wildcardMatches(inProbePartition(pattern), resource));
  }
  if (statement.NotResource !== undefined) {
    return !listOf(statement.NotResource).some((pattern) =>
      wildcardMatches(inProbePartition(pattern), resource),
    );
  }
  return false;
}

/** IAM action names are case-insensitive; `*` and `?` are the only wildcards. */
export function actionMatches(pattern: string, action: string): boolean {
  return pattern === '*' || wildcardMatches(pattern.toLowerCase(), action.toLowerCase());
}

/**
 * `*` (any run, across `:` and `/` too) and `?` (one character), matched in O(pattern × value)
 * steps: policy text is attacker-controlled, and a backtracking regular expression over `*a*a*a…`
 * takes exponential time.
 */
export function wildcardMatches(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resume = 0;
  while (v < value.length) {
    const c = pattern[p];
    if (c === '*') {
      star = p++;
      resume = v;
    } else if (c !== undefined && (c === '?' || c === value[v])) {
      p++;
      v++;
    } else if (star >= 0) {
      p = star + 1;
      v = ++resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Why a trust policy lets someone outside in. */
export type TrustFindingKind = 'public' | 'public-with-condition' | 'external-account' | 'uninspectable';

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
  request: Record<string, unknown>,
  key: string,
  ctx: Pick<DetectionContext, 'organizationAccountIds' | 'trustedAccountIds'>,
  homeAccountId?: string,
): TrustAnalysis {
  if (isOversizedPolicyDocument(request[key])) {
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
  return analyseTrust(policyDocumentOf(request, key), ctx, homeAccountId);
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

function listOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

const parsedByRequest = new WeakMap<object, Map<string, PolicyDocument | undefined>>();

/**
 * The policy document in `request[key]`, parsed once per request object: several detections look
 * at the same document of the same event (inline policy, inline admin policy, trust policy …).
 */
export function policyDocumentOf(request: Record<string, unknown>, key: string): PolicyDocument | undefined {
  let cache = parsedByRequest.get(request);
  if (!cache) {
    cache = new Map();
    parsedByRequest.set(request, cache);
  }
  if (cache.has(key)) return cache.get(key);
  const document = parsePolicyDocument(request[key]);
  cache.set(key, document);
  return document;
}
