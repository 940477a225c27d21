/** IAM calls: users, roles and groups first, then the IAM resource the call names. */
import { lastArnSegment } from '../arn';
import type { CloudTrailUserIdentity, Target } from '../types';
import { type CallView, compact, type ExtractedTarget, field, fields, text } from './call';

/** How IAM renders the root user as `userName` (EnableMFADevice by root). */
const ROOT_USER_NAME = 'AWS ROOT USER';

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

export function iamTarget(call: CallView): ExtractedTarget {
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
  if (userName) return withPolicy(iamPrincipalTarget(call, 'user', userName));
  if (SELF_DEFAULT_USER_CALLS.has(eventName)) return withPolicy(callerAsTarget(call));

  const roleName = text(request.roleName) ?? text(field(response, 'role', 'roleName'));
  if (roleName) return withPolicy(iamPrincipalTarget(call, 'role', roleName));

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

/** A user or role: its ARN from the response when the call created it, else from its path. */
function iamPrincipalTarget(call: CallView, type: 'user' | 'role', name: string): Target {
  const { request, response } = call;
  const created = fields(response[type]);
  const arn =
    (text(created[`${type}Name`]) === name ? text(created.arn) : undefined) ??
    pathArn(call, type, request.path ?? created.path, name);
  return compact({ type, name, arn });
}

/** The caller of a self-defaulting call: an IAM user acts on itself, the root user on the root user. */
function callerAsTarget(call: CallView): Target | undefined {
  const identity: CloudTrailUserIdentity = call.record.userIdentity ?? {};
  if (identity.type === 'Root' || identity.sessionContext?.assumedRoot === 'true') return rootTarget(call);
  if (identity.type !== 'IAMUser') return undefined;
  const arn = text(identity.arn);
  const name = text(identity.userName) ?? lastArnSegment(arn);
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
    lastArnSegment(arn);
  if (!arn && !name) return undefined;
  return compact({ type: 'identity-provider', name, arn });
}

function mfaDeviceTarget(call: CallView): Target | undefined {
  const { request, response } = call;
  const serial = text(request.serialNumber) ?? text(field(response, 'virtualMFADevice', 'serialNumber'));
  const name = text(request.virtualMFADeviceName) ?? lastArnSegment(serial);
  if (!serial && !name) return undefined;
  return compact({ type: 'mfa-device', name, arn: serial?.startsWith('arn:') ? serial : undefined });
}

function iamPolicyTarget(call: CallView, policyArn: string | undefined): Target | undefined {
  const arn = policyArn ?? text(call.request.policyArn);
  const name = text(call.request.policyName) ?? lastArnSegment(arn);
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
