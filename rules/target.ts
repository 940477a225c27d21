/**
 * The target of a call: whom or what the actor acted on. Actor vs target is the heart of iamwatch,
 * and where well-known rule sets went wrong, so the rules are spelled out:
 *
 * - The target comes from `requestParameters` (userName, roleName, groupName, policyArn …) or, for
 *   created things, from `responseElements` (the new user's ARN, the new key's user …).
 * - When a call names a principal, the principal is the target (AttachUserPolicy → the user, the
 *   policy goes to `policyArn`; CreateAccessKey → the user who gets the key). Otherwise the resource
 *   is (a trail, a permission set, an identity provider).
 * - Calls whose user name is optional act on the caller when it is left out (CreateAccessKey without
 *   userName mints a key for the caller itself; for the root user, a root key).
 * - ARNs are built from names only when unambiguous: IAM users and roles can live under a path that
 *   most calls do not repeat, so a bare name gives a name, not a guessed ARN.
 */
import type { Actor, CloudTrailRecord, CloudTrailUserIdentity, Target, TargetType } from './types';

/** What a call acted on, and the managed policy it names (attach, detach, boundary, version). */
export interface ExtractedTarget {
  target?: Target;
  policyArn?: string;
}

/** CloudTrail writes this instead of values it will not log (user names of failed sign-ins, emails). */
export const HIDDEN_VALUE = 'HIDDEN_DUE_TO_SECURITY_REASONS';

/** How IAM renders the root user as `userName` (EnableMFADevice by root). */
const ROOT_USER_NAME = 'AWS ROOT USER';

type Fields = Record<string, unknown>;

interface CallView {
  record: CloudTrailRecord;
  eventName: string;
  request: Fields;
  response: Fields;
  accountId?: string;
  partition: string;
}

type Extractor = (call: CallView) => ExtractedTarget;

/** Finds the target of a record. Total: an unknown call or odd parameters give `{}`. */
export function extractTarget(record: CloudTrailRecord): ExtractedTarget {
  const service = serviceOf(record.eventSource);
  const extractor = EXTRACTORS[service];
  if (!extractor) return {};
  const call: CallView = {
    record,
    eventName: record.eventName,
    request: fields(record.requestParameters),
    response: fields(record.responseElements),
    partition: partitionOf(record),
  };
  const accountId = text(record.recipientAccountId) ?? text(record.userIdentity?.accountId);
  if (accountId) call.accountId = accountId;
  return extractor(call);
}

/**
 * Whether the actor is the target principal itself ("bob creates his own key").
 *
 * - A user target is the actor only when the actor is that IAM user (same ARN, or same name in the
 *   same account; IAM names are case-insensitive). An assumed-role session is never the same
 *   principal as an IAM user, whatever its session name: that is the mistake behind Sigma's rule.
 * - The root user is the target of its own root calls only.
 * - A role target is the actor when the actor's session was issued by that role.
 */
export function isSamePrincipal(actor: Actor, target: Target): boolean {
  if (target.type === 'user') {
    if (isRootTarget(target)) return actor.type === 'Root' && sameAccountArn(actor.arn, target.arn);
    if (actor.type !== 'IAMUser') return false;
    if (actor.arn && target.arn) return actor.arn === target.arn;
    return (
      !!actor.name &&
      !!target.name &&
      sameName(actor.name, target.name) &&
      (!target.accountId || !actor.accountId || target.accountId === actor.accountId)
    );
  }
  if (target.type === 'role') {
    if (actor.type !== 'AssumedRole' || !actor.sessionIssuerArn) return false;
    if (target.arn) return target.arn === actor.sessionIssuerArn;
    const issuerRole = lastSegment(actor.sessionIssuerArn);
    return !!issuerRole && !!target.name && sameName(issuerRole, target.name);
  }
  return false;
}

/** Whether a target is an account's root user (`arn:aws:iam::<account>:root`). */
export function isRootTarget(target: Target): boolean {
  return !!target.arn && /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(target.arn);
}

function sameAccountArn(actorArn: string | undefined, targetArn: string | undefined): boolean {
  return !actorArn || !targetArn || actorArn === targetArn;
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// IAM

/** Calls whose UserName is optional and defaults to the caller. */
const SELF_DEFAULT_USER_CALLS = new Set([
  'CreateAccessKey',
  'DeleteAccessKey',
  'UpdateAccessKey',
  'UploadSigningCertificate',
  'UpdateSigningCertificate',
  'DeleteSigningCertificate',
  'CreateLoginProfile',
  'UpdateLoginProfile',
  'DeleteLoginProfile',
  'ChangePassword',
  'DeactivateMFADevice',
  'ListAccessKeys',
]);

const POLICY_ARN_CALLS = new Set([
  'AttachUserPolicy',
  'AttachGroupPolicy',
  'AttachRolePolicy',
  'DetachUserPolicy',
  'DetachGroupPolicy',
  'DetachRolePolicy',
  'CreatePolicyVersion',
  'SetDefaultPolicyVersion',
  'DeletePolicyVersion',
  'DeletePolicy',
  'TagPolicy',
  'UntagPolicy',
]);

const PASSWORD_POLICY_CALLS = new Set(['UpdateAccountPasswordPolicy', 'DeleteAccountPasswordPolicy']);

function iamTarget(call: CallView): ExtractedTarget {
  const { request, response, eventName } = call;
  const policyArn = iamPolicyArn(call);
  const withPolicy = (target: Target | undefined): ExtractedTarget => {
    const result: ExtractedTarget = {};
    if (target) result.target = target;
    if (policyArn) result.policyArn = policyArn;
    return result;
  };

  if (PASSWORD_POLICY_CALLS.has(eventName)) {
    return withPolicy(compact({ type: 'password-policy', name: 'account password policy' }));
  }
  if (eventName === 'CreateAccountAlias' || eventName === 'DeleteAccountAlias') {
    return withPolicy(compact({ type: 'account', name: text(request.accountAlias) ?? call.accountId }));
  }

  const userName = text(request.userName) ?? text(field(response, 'accessKey', 'userName'));
  if (userName === ROOT_USER_NAME) return withPolicy(rootTarget(call));
  if (userName) return withPolicy(iamUserTarget(call, userName));
  if (SELF_DEFAULT_USER_CALLS.has(eventName)) return withPolicy(callerAsTarget(call));

  const roleName = text(request.roleName) ?? text(field(response, 'role', 'roleName'));
  if (roleName) return withPolicy(iamRoleTarget(call, roleName));

  const groupName = text(request.groupName);
  if (groupName) {
    return withPolicy(
      compact({
        type: 'group',
        name: groupName,
        arn: text(field(response, 'group', 'arn')) ?? pathArn(call, 'group', request.path, groupName),
      }),
    );
  }

  const provider = identityProviderTarget(call);
  if (provider) return withPolicy(provider);

  const mfa = mfaDeviceTarget(call);
  if (mfa) return withPolicy(mfa);

  const instanceProfile = text(request.instanceProfileName);
  if (instanceProfile) return withPolicy(compact({ type: 'resource', name: instanceProfile }));

  const policy = iamPolicyTarget(call, policyArn);
  if (policy) return withPolicy(policy);

  const certificate = text(request.serverCertificateName);
  if (certificate) return withPolicy(compact({ type: 'resource', name: certificate }));
  return withPolicy(undefined);
}

function iamPolicyArn(call: CallView): string | undefined {
  const { request, response, eventName } = call;
  if (POLICY_ARN_CALLS.has(eventName)) return text(request.policyArn);
  if (eventName === 'PutUserPermissionsBoundary' || eventName === 'PutRolePermissionsBoundary') {
    return text(request.permissionsBoundary);
  }
  if (eventName === 'CreatePolicy') return text(field(response, 'policy', 'arn'));
  return undefined;
}

function iamUserTarget(call: CallView, name: string): Target {
  const { request, response } = call;
  const created = fields(response.user);
  const arn =
    (text(created.userName) === name ? text(created.arn) : undefined) ??
    pathArn(call, 'user', request.path ?? created.path, name);
  return compact({ type: 'user', name, arn });
}

function iamRoleTarget(call: CallView, name: string): Target {
  const { request, response } = call;
  const created = fields(response.role);
  const arn =
    (text(created.roleName) === name ? text(created.arn) : undefined) ??
    pathArn(call, 'role', request.path ?? created.path, name);
  return compact({ type: 'role', name, arn });
}

/** The caller of a self-defaulting call: an IAM user acts on itself, the root user on the root user. */
function callerAsTarget(call: CallView): Target | undefined {
  const identity: CloudTrailUserIdentity = call.record.userIdentity ?? {};
  if (identity.type === 'Root' || identity.sessionContext?.assumedRoot === 'true') return rootTarget(call);
  if (identity.type !== 'IAMUser') return undefined;
  const arn = text(identity.arn);
  const name = text(identity.userName) ?? lastSegment(arn);
  return name ? compact({ type: 'user', name, arn }) : undefined;
}

function rootTarget(call: CallView): Target {
  const identityArn = text(call.record.userIdentity?.arn);
  const arn =
    identityArn && /:root$/.test(identityArn)
      ? identityArn
      : call.accountId
        ? `arn:${call.partition}:iam::${call.accountId}:root`
        : undefined;
  return compact({ type: 'user', name: 'root', arn });
}

function identityProviderTarget(call: CallView): Target | undefined {
  const { request, response } = call;
  const arn =
    text(request.sAMLProviderArn) ??
    text(response.sAMLProviderArn) ??
    text(request.openIDConnectProviderArn) ??
    text(response.openIDConnectProviderArn);
  const name =
    (call.eventName === 'CreateSAMLProvider' ? text(request.name) : undefined) ??
    (call.eventName === 'CreateOpenIDConnectProvider' ? text(request.url) : undefined) ??
    lastSegment(arn);
  if (!arn && !name) return undefined;
  return compact({ type: 'identity-provider', name, arn });
}

function mfaDeviceTarget(call: CallView): Target | undefined {
  const { request, response } = call;
  const serial = text(request.serialNumber) ?? text(field(response, 'virtualMFADevice', 'serialNumber'));
  const name = text(request.virtualMFADeviceName) ?? lastSegment(serial);
  if (!serial && !name) return undefined;
  return compact({ type: 'mfa-device', name, arn: serial?.startsWith('arn:') ? serial : undefined });
}

function iamPolicyTarget(call: CallView, policyArn: string | undefined): Target | undefined {
  const arn = policyArn ?? text(call.request.policyArn);
  const name = text(call.request.policyName) ?? lastSegment(arn);
  if (!arn && !name) return undefined;
  return compact({ type: 'policy', name, arn });
}

/** `arn:<partition>:iam::<account>:<kind><path><name>`, only when the path is known. */
function pathArn(call: CallView, kind: 'user' | 'role' | 'group', path: unknown, name: string) {
  const knownPath = text(path);
  if (!knownPath || !call.accountId || !knownPath.startsWith('/') || !knownPath.endsWith('/'))
    return undefined;
  return `arn:${call.partition}:iam::${call.accountId}:${kind}${knownPath}${name}`;
}

// ---------------------------------------------------------------------------------------------
// Organizations

function organizationsTarget(call: CallView): ExtractedTarget {
  const { request, response, eventName } = call;
  switch (eventName) {
    case 'LeaveOrganization':
      return wrap(accountTarget(call.accountId));
    case 'CreateAccount':
    case 'CreateGovCloudAccount': {
      const status = fields(response.createAccountStatus);
      const accountId = text(status.accountId);
      return wrap(
        compact({
          type: 'account',
          name: text(request.accountName) ?? text(status.accountName) ?? accountId,
          accountId,
        }),
      );
    }
    case 'InviteAccountToOrganization': {
      const invited = fields(request.target);
      const id = text(invited.id);
      const isAccount = text(invited.type) === 'ACCOUNT' && !!id && /^\d{12}$/.test(id);
      return wrap(compact({ type: 'account', name: id, accountId: isAccount ? id : undefined }));
    }
    case 'CreatePolicy':
    case 'UpdatePolicy':
    case 'DeletePolicy': {
      const summary = fields(field(response, 'policy', 'policySummary'));
      return wrap(
        compact({
          type: 'organization-policy',
          name: text(summary.name) ?? text(request.name) ?? text(request.policyId),
          arn: text(summary.arn),
        }),
      );
    }
    case 'AttachPolicy':
    case 'DetachPolicy':
      return wrap(organizationNodeTarget(text(request.targetId)));
    case 'EnablePolicyType':
    case 'DisablePolicyType': {
      const root = fields(response.root);
      return wrap(compact({ type: 'resource', name: text(request.rootId), arn: text(root.arn) }));
    }
    case 'CreateOrganizationalUnit': {
      const ou = fields(response.organizationalUnit);
      return wrap(
        compact({
          type: 'organizational-unit',
          name: text(ou.name) ?? text(request.name),
          arn: text(ou.arn),
        }),
      );
    }
    default: {
      const accountId = text(request.accountId);
      if (accountId) return wrap(accountTarget(accountId));
      const ou = text(request.organizationalUnitId);
      if (ou) return wrap(compact({ type: 'organizational-unit', name: ou }));
      const policyId = text(request.policyId);
      if (policyId) return wrap(compact({ type: 'organization-policy', name: policyId }));
      const servicePrincipal = text(request.servicePrincipal);
      return wrap(servicePrincipal ? compact({ type: 'resource', name: servicePrincipal }) : undefined);
    }
  }
}

function accountTarget(accountId: string | undefined): Target | undefined {
  return accountId ? { type: 'account', name: accountId, accountId } : undefined;
}

/** A policy target id: an account (12 digits), an OU (`ou-…`) or the root (`r-…`). */
function organizationNodeTarget(id: string | undefined): Target | undefined {
  if (!id) return undefined;
  if (/^\d{12}$/.test(id)) return accountTarget(id);
  if (id.startsWith('ou-')) return { type: 'organizational-unit', name: id };
  return { type: 'resource', name: id };
}

// ---------------------------------------------------------------------------------------------
// IAM Identity Center (sso admin, identity store, legacy sso-directory)

function ssoTarget(call: CallView): ExtractedTarget {
  const { request, response, eventName } = call;
  const policyArn =
    text(request.managedPolicyArn) ?? text(field(request, 'permissionsBoundary', 'managedPolicyArn'));
  const result: ExtractedTarget = policyArn ? { policyArn } : {};

  if (eventName === 'CreateAccountAssignment' || eventName === 'DeleteAccountAssignment') {
    const principalId = text(request.principalId);
    const accountId = text(request.targetId);
    if (principalId || accountId) {
      result.target = compact({
        type: 'account-assignment',
        name: principalId,
        accountId: accountId && /^\d{12}$/.test(accountId) ? accountId : undefined,
      });
    }
    return result;
  }
  const created = fields(response.permissionSet);
  const arn = text(request.permissionSetArn) ?? text(created.permissionSetArn);
  const name = text(created.name) ?? (eventName === 'CreatePermissionSet' ? text(request.name) : undefined);
  if (arn || name) result.target = compact({ type: 'permission-set', name: name ?? lastSegment(arn), arn });
  return result;
}

function identityStoreTarget(call: CallView): ExtractedTarget {
  const { request, response } = call;
  const user = fields(response.user);
  const member = fields(request.member);
  const memberId = fields(request.memberId);
  const name =
    text(request.userName) ??
    text(user.userName) ??
    text(request.displayName) ??
    text(response.userId) ??
    text(user.userId) ??
    text(request.userId) ??
    text(member.memberId) ??
    text(memberId.userId);
  if (name) return { target: { type: 'identity-center-user', name } };
  const groupId = text(request.groupId) ?? text(field(response, 'group', 'groupId'));
  return groupId ? { target: { type: 'resource', name: groupId } } : {};
}

// ---------------------------------------------------------------------------------------------
// STS

/**
 * AssumeRoot (centralized root access): the member account whose root session was issued, named
 * by account id or by its root principal ARN; the task policy that scopes the session is the policy.
 * Other STS calls name no target here.
 */
function stsTarget(call: CallView): ExtractedTarget {
  if (call.eventName !== 'AssumeRoot') return {};
  const { request } = call;
  const result: ExtractedTarget = {};
  const policyArn = text(field(request, 'taskPolicyArn', 'arn')) ?? text(request.taskPolicyArn);
  if (policyArn) result.policyArn = policyArn;
  const principal = text(request.targetPrincipal);
  if (!principal) return result;
  const accountId = /^\d{12}$/.test(principal)
    ? principal
    : /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(principal)?.[1];
  result.target = compact({
    type: 'account',
    name: accountId ?? principal,
    arn: arnOrUndefined(principal),
    accountId,
  });
  return result;
}

// ---------------------------------------------------------------------------------------------
// The services iamwatch itself relies on: CloudTrail, EventBridge, Lambda, DynamoDB, SNS

function cloudTrailTarget(call: CallView): ExtractedTarget {
  const { request, response } = call;
  const given = text(request.name) ?? text(request.trailName);
  const arn = given?.startsWith('arn:') ? given : text(response.trailARN);
  const name = given?.startsWith('arn:') ? lastSegment(given) : (given ?? text(response.name));
  return name || arn ? { target: compact({ type: 'trail', name, arn }) } : {};
}

function eventsTarget(call: CallView): ExtractedTarget {
  const { request, response, eventName } = call;
  if (eventName === 'DeleteEventBus' || eventName === 'RemovePermission' || eventName === 'PutPermission') {
    const bus = text(request.name) ?? text(request.eventBusName) ?? 'default';
    return { target: compact({ type: 'resource', name: lastSegment(bus) ?? bus, arn: arnOrUndefined(bus) }) };
  }
  const rule = text(request.name) ?? text(request.rule);
  if (!rule) return {};
  return {
    target: compact({
      type: 'event-rule',
      name: lastSegment(rule) ?? rule,
      arn: arnOrUndefined(rule) ?? text(response.ruleArn),
    }),
  };
}

function lambdaTarget(call: CallView): ExtractedTarget {
  const { request, response } = call;
  const given = text(request.functionName) ?? text(response.functionArn);
  if (!given) return {};
  return { target: compact({ type: 'resource', name: functionName(given), arn: arnOrUndefined(given) }) };
}

/** `name`, `arn:aws:lambda:r:a:function:name[:qualifier]` or `a:function:name` → `name`. */
function functionName(value: string): string {
  const parts = value.split(':');
  const at = parts.indexOf('function');
  return at >= 0 ? (parts[at + 1] ?? value) : value;
}

function dynamodbTarget(call: CallView): ExtractedTarget {
  const table = text(call.request.tableName);
  if (!table) return {};
  return {
    target: compact({ type: 'resource', name: lastSegment(table) ?? table, arn: arnOrUndefined(table) }),
  };
}

function snsTarget(call: CallView): ExtractedTarget {
  const { request } = call;
  const topicArn = text(request.topicArn);
  if (topicArn) return { target: compact({ type: 'resource', name: arnPart(topicArn, 5), arn: topicArn }) };
  // arn:aws:sns:<region>:<account>:<topic>:<subscription id> — the topic is what matters.
  const subscriptionArn = text(request.subscriptionArn);
  if (subscriptionArn) {
    return { target: compact({ type: 'resource', name: arnPart(subscriptionArn, 5), arn: subscriptionArn }) };
  }
  return {};
}

const EXTRACTORS: Readonly<Record<string, Extractor>> = {
  iam: iamTarget,
  organizations: organizationsTarget,
  sso: ssoTarget,
  identitystore: identityStoreTarget,
  'sso-directory': identityStoreTarget,
  sts: stsTarget,
  cloudtrail: cloudTrailTarget,
  events: eventsTarget,
  lambda: lambdaTarget,
  dynamodb: dynamodbTarget,
  sns: snsTarget,
};

// ---------------------------------------------------------------------------------------------
// Helpers

function serviceOf(eventSource: string): string {
  const dot = eventSource.indexOf('.');
  return dot < 0 ? eventSource : eventSource.slice(0, dot);
}

function partitionOf(record: CloudTrailRecord): string {
  const fromArn = /^arn:(aws[a-z-]*):/.exec(text(record.userIdentity?.arn) ?? '')?.[1];
  if (fromArn) return fromArn;
  const region = record.awsRegion ?? '';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function wrap(target: Target | undefined): ExtractedTarget {
  return target ? { target } : {};
}

/** A target without the fields that came out empty. */
function compact(target: { type: TargetType; name?: string; arn?: string; accountId?: string }): Target {
  const result: Target = { type: target.type };
  if (target.name) result.name = target.name;
  if (target.arn) result.arn = target.arn;
  if (target.accountId) result.accountId = target.accountId;
  return result;
}

/** The last `/`-separated segment of an ARN's resource part (`role/path/name` → `name`). */
function lastSegment(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const resource = value.startsWith('arn:') ? value.split(':').slice(5).join(':') : value;
  const slash = resource.lastIndexOf('/');
  return text(slash < 0 ? resource : resource.slice(slash + 1));
}

function arnPart(arn: string, index: number): string | undefined {
  return text(arn.split(':')[index]);
}

function arnOrUndefined(value: string): string | undefined {
  return value.startsWith('arn:') ? value : undefined;
}

function field(object: Fields, key: string, inner: string): unknown {
  return fields(object[key])[inner];
}

function fields(value: unknown): Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 && value !== HIDDEN_VALUE ? value : undefined;
}
