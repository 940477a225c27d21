/**
 * Does a policy grant admin: AWS managed admin policies by ARN, and documents that grant all of IAM.
 */
import { listOf, type PolicyDocument, type PolicyStatement, type RequestPolicies } from './document';
import { actionMatches, wildcardMatches } from './wildcard';

/** The AWS managed policies iamwatch treats as admin when attached. */
const ADMIN_MANAGED_POLICY_NAMES = ['AdministratorAccess', 'IAMFullAccess', 'PowerUserAccess'] as const;

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
export function requestGrantsAdmin(policies: RequestPolicies, key: string, accountId?: string): boolean {
  return policies.oversized(key) || allowsAdmin(policies.document(key), accountId);
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
