/**
 * Versions of a policy as CloudTrail records them: which policy a call wrote (its identity), the
 * document it wrote, and whether iamwatch compares it with the version before. Pure and total: a
 * record that names no policy, or a failed call, gives undefined.
 *
 * Identities (IAM names are unique regardless of case, so names compare lower-cased):
 * - trust policy: account + role name (CreateRole's `assumeRolePolicyDocument` is its first version);
 * - managed policy: policy ARN (CreatePolicy's document is its first version);
 * - inline policy: account + principal kind + principal name + policy name (Delete…Policy: empty);
 * - permission set inline policy: account + Identity Center instance ARN + permission set ARN
 *   (DeleteInlinePolicyFromPermissionSet: empty).
 */
import type { CloudTrailRecord, PolicyKind } from '../types';

/** How the ledger finds earlier entries of the same policy: a `HistoryFilter` target (and account). */
interface PolicyLookup {
  /** `type/name` (`role/deploy`) or an ARN, as `iamwatch history --target` takes it. */
  target: string;
  account?: string;
}

export interface PolicyVersion {
  kind: PolicyKind;
  /** Equal for every version of one policy, different for any two policies. */
  identity: string;
  /** The document as the request carried it (JSON text, possibly URL-encoded); parse before use. */
  document: unknown;
  /** Whether this call changes an existing policy (diffed) or creates one (only ever a previous version). */
  diffed: boolean;
  lookup: PolicyLookup;
}

/**
 * Every event that writes a policy version, which is what the ledger is searched for. Deleting an
 * inline policy writes an empty one: a policy put again under the same name is compared with nothing,
 * not with what it held before the deletion.
 */
export const POLICY_VERSION_EVENTS: ReadonlySet<string> = new Set([
  'CreateRole',
  'UpdateAssumeRolePolicy',
  'CreatePolicy',
  'CreatePolicyVersion',
  'PutUserPolicy',
  'PutGroupPolicy',
  'PutRolePolicy',
  'DeleteUserPolicy',
  'DeleteGroupPolicy',
  'DeleteRolePolicy',
  'PutInlinePolicyToPermissionSet',
  'DeleteInlinePolicyFromPermissionSet',
]);

/** What a deleted inline policy leaves: a document allowing nothing. */
const DELETED_POLICY_DOCUMENT = { Version: '2012-10-17', Statement: [] } as const;

const INLINE_PRINCIPALS = {
  PutUserPolicy: ['user', 'userName'],
  PutGroupPolicy: ['group', 'groupName'],
  PutRolePolicy: ['role', 'roleName'],
  DeleteUserPolicy: ['user', 'userName'],
  DeleteGroupPolicy: ['group', 'groupName'],
  DeleteRolePolicy: ['role', 'roleName'],
} as const;

/**
 * The policy version a successful call wrote, or undefined. `accountId` is the event's account (the
 * ledger entry's), which scopes names: a role `deploy` exists once per account.
 */
export function policyVersionOf(record: CloudTrailRecord, accountId: string): PolicyVersion | undefined {
  if (record.errorCode) return undefined;
  const request = record.requestParameters ?? {};
  const response = record.responseElements ?? {};
  const name = record.eventName;
  if (name === 'CreateRole' || name === 'UpdateAssumeRolePolicy') {
    const roleName = text(request.roleName);
    if (!roleName) return undefined;
    return {
      kind: 'trust',
      identity: `trust#${accountId}#${roleName.toLowerCase()}`,
      document: name === 'CreateRole' ? request.assumeRolePolicyDocument : request.policyDocument,
      diffed: name === 'UpdateAssumeRolePolicy',
      lookup: { target: `role/${roleName}`, account: accountId },
    };
  }
  if (name === 'CreatePolicy' || name === 'CreatePolicyVersion') {
    const policyArn =
      name === 'CreatePolicy' ? text(field(response, 'policy', 'arn')) : text(request.policyArn);
    if (!policyArn) return undefined;
    return {
      kind: 'managed',
      identity: `managed#${policyArn}`,
      document: request.policyDocument,
      diffed: name === 'CreatePolicyVersion',
      lookup: { target: policyArn },
    };
  }
  if (Object.hasOwn(INLINE_PRINCIPALS, name)) {
    const [kind, key] = INLINE_PRINCIPALS[name as keyof typeof INLINE_PRINCIPALS];
    const deleted = name.startsWith('Delete');
    const principal = text(request[key]);
    const policyName = text(request.policyName);
    if (!principal || !policyName) return undefined;
    return {
      kind: 'inline',
      identity: `inline#${accountId}#${kind}#${principal.toLowerCase()}#${policyName.toLowerCase()}`,
      document: deleted ? DELETED_POLICY_DOCUMENT : request.policyDocument,
      diffed: !deleted,
      lookup: { target: `${kind}/${principal}`, account: accountId },
    };
  }
  if (name === 'PutInlinePolicyToPermissionSet' || name === 'DeleteInlinePolicyFromPermissionSet') {
    const deleted = name === 'DeleteInlinePolicyFromPermissionSet';
    const instanceArn = text(request.instanceArn);
    const permissionSetArn = text(request.permissionSetArn);
    if (!instanceArn || !permissionSetArn) return undefined;
    return {
      kind: 'permission-set',
      identity: `permission-set#${accountId}#${instanceArn}#${permissionSetArn}`,
      document: deleted ? DELETED_POLICY_DOCUMENT : request.inlinePolicy,
      diffed: !deleted,
      lookup: { target: permissionSetArn, account: accountId },
    };
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function field(object: Record<string, unknown>, outer: string, inner: string): unknown {
  const value = object[outer];
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[inner] : undefined;
}
