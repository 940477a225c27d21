import { describe, expect, it } from 'vitest';
import { eventBridgeSource } from '../../rules/engine';
import { actors, apiCall, type CallOptions, iamUser, rootUser, signinEvent } from '../../rules/examples';
import { CATALOG } from '../../rules/registry';
import { extractTarget, HIDDEN_VALUE, isRootTarget, isSamePrincipal } from '../../rules/target';
import type { Actor, CloudTrailRecord, Target } from '../../rules/types';

const ACCOUNT = '111122223333';
const PS_ARN = 'arn:aws:sso:::permissionSet/ssoins-72233af8ea2d1f14/ps-ae5d1fa1f80b684e';
const OIDC_ARN = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
const SAML_ARN = 'arn:aws:iam::111122223333:saml-provider/okta';
const ROOT_TASK_ARN = 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials';

interface TargetCase {
  options?: CallOptions;
  target: Target | undefined;
  policyArn?: string;
  record?: CloudTrailRecord;
}

const SERVICE_HOST: Record<string, string> = {
  'aws.iam': 'iam.amazonaws.com',
  'aws.organizations': 'organizations.amazonaws.com',
  'aws.sso': 'sso.amazonaws.com',
  'aws.identitystore': 'identitystore.amazonaws.com',
  'aws.sso-directory': 'sso-directory.amazonaws.com',
  'aws.cloudtrail': 'cloudtrail.amazonaws.com',
  'aws.events': 'events.amazonaws.com',
  'aws.lambda': 'lambda.amazonaws.com',
  'aws.dynamodb': 'dynamodb.amazonaws.com',
  'aws.sns': 'sns.amazonaws.com',
  'aws.signin': 'signin.amazonaws.com',
  'aws.sts': 'sts.amazonaws.com',
};

const user = (name: string, arn?: string): Target =>
  arn ? { type: 'user', name, arn } : { type: 'user', name };
const role = (name: string, arn?: string): Target =>
  arn ? { type: 'role', name, arn } : { type: 'role', name };
const resource = (name: string, arn?: string): Target =>
  arn ? { type: 'resource', name, arn } : { type: 'resource', name };
const fn = (functionName: string): TargetCase => ({
  options: { request: { functionName } },
  target: resource('iamwatch-record'),
});

/** One case per event name any detection triggers on, keyed `<EventBridge source> <eventName>`. */
const CASES: Record<string, TargetCase> = {
  // IAM principals
  'aws.iam CreateUser': {
    options: {
      request: { userName: 'bob' },
      response: { user: { userName: 'bob', path: '/', arn: `arn:aws:iam::${ACCOUNT}:user/bob` } },
    },
    target: user('bob', `arn:aws:iam::${ACCOUNT}:user/bob`),
  },
  'aws.iam DeleteUser': { options: { request: { userName: 'bob' } }, target: user('bob') },
  'aws.iam AddUserToGroup': {
    options: { request: { userName: 'bob', groupName: 'admins' } },
    target: user('bob'),
  },
  'aws.iam CreateRole': {
    options: { request: { roleName: 'app', path: '/service/' } },
    target: role('app', `arn:aws:iam::${ACCOUNT}:role/service/app`),
  },
  'aws.iam UpdateRole': {
    options: { request: { roleName: 'app', maxSessionDuration: 7200 } },
    target: role('app'),
  },
  'aws.iam UpdateAssumeRolePolicy': {
    options: { request: { roleName: 'app', policyDocument: '{}' } },
    target: role('app'),
  },
  'aws.iam CreateAccessKey': {
    options: {
      request: { userName: 'bob' },
      response: { accessKey: { userName: 'bob', accessKeyId: 'AKIANEW' } },
    },
    target: user('bob'),
  },
  'aws.iam CreateLoginProfile': { options: { request: { userName: 'bob' } }, target: user('bob') },
  'aws.iam UpdateLoginProfile': { options: { request: { userName: 'bob' } }, target: user('bob') },
  'aws.iam DeactivateMFADevice': {
    options: { request: { userName: 'bob', serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/bob` } },
    target: user('bob'),
  },
  'aws.iam DeleteVirtualMFADevice': {
    options: { request: { serialNumber: `arn:aws:iam::${ACCOUNT}:mfa/bob-phone` } },
    target: { type: 'mfa-device', name: 'bob-phone', arn: `arn:aws:iam::${ACCOUNT}:mfa/bob-phone` },
  },
  'aws.iam UploadSSHPublicKey': { options: { request: { userName: 'bob' } }, target: user('bob') },
  'aws.iam CreateServiceSpecificCredential': {
    options: { request: { userName: 'bob', serviceName: 'codecommit.amazonaws.com' } },
    target: user('bob'),
  },
  'aws.iam UploadSigningCertificate': {
    options: { actor: actors.bob, request: { certificateBody: '-----BEGIN CERTIFICATE-----' } },
    target: user('bob', `arn:aws:iam::${ACCOUNT}:user/bob`),
  },
  'aws.iam AttachUserPolicy': {
    options: { request: { userName: 'bob', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' } },
    target: user('bob'),
    policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
  },
  'aws.iam AttachGroupPolicy': {
    options: { request: { groupName: 'devs', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' } },
    target: { type: 'group', name: 'devs' },
    policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
  },
  'aws.iam AttachRolePolicy': {
    options: { request: { roleName: 'ci', policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' } },
    target: role('ci'),
    policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess',
  },
  'aws.iam PutUserPolicy': {
    options: { request: { userName: 'bob', policyName: 'p' } },
    target: user('bob'),
  },
  'aws.iam PutGroupPolicy': {
    options: { request: { groupName: 'devs', policyName: 'p' } },
    target: { type: 'group', name: 'devs' },
  },
  'aws.iam PutRolePolicy': { options: { request: { roleName: 'ci', policyName: 'p' } }, target: role('ci') },
  'aws.iam CreatePolicyVersion': {
    options: { request: { policyArn: `arn:aws:iam::${ACCOUNT}:policy/deploy`, setAsDefault: true } },
    target: { type: 'policy', name: 'deploy', arn: `arn:aws:iam::${ACCOUNT}:policy/deploy` },
    policyArn: `arn:aws:iam::${ACCOUNT}:policy/deploy`,
  },
  'aws.iam SetDefaultPolicyVersion': {
    options: { request: { policyArn: `arn:aws:iam::${ACCOUNT}:policy/team/deploy`, versionId: 'v1' } },
    target: { type: 'policy', name: 'deploy', arn: `arn:aws:iam::${ACCOUNT}:policy/team/deploy` },
    policyArn: `arn:aws:iam::${ACCOUNT}:policy/team/deploy`,
  },
  'aws.iam DeleteUserPermissionsBoundary': { options: { request: { userName: 'bob' } }, target: user('bob') },
  'aws.iam DeleteRolePermissionsBoundary': {
    options: { request: { roleName: 'App_test2' } },
    target: role('App_test2'),
  },
  'aws.iam CreateSAMLProvider': {
    options: { request: { name: 'okta' }, response: { sAMLProviderArn: SAML_ARN } },
    target: { type: 'identity-provider', name: 'okta', arn: SAML_ARN },
  },
  'aws.iam UpdateSAMLProvider': {
    options: { request: { sAMLProviderArn: SAML_ARN } },
    target: { type: 'identity-provider', name: 'okta', arn: SAML_ARN },
  },
  'aws.iam DeleteSAMLProvider': {
    options: { request: { sAMLProviderArn: SAML_ARN } },
    target: { type: 'identity-provider', name: 'okta', arn: SAML_ARN },
  },
  'aws.iam CreateOpenIDConnectProvider': {
    options: {
      request: { url: 'https://token.actions.githubusercontent.com' },
      response: { openIDConnectProviderArn: OIDC_ARN },
    },
    target: { type: 'identity-provider', name: 'https://token.actions.githubusercontent.com', arn: OIDC_ARN },
  },
  'aws.iam DeleteOpenIDConnectProvider': {
    options: { request: { openIDConnectProviderArn: OIDC_ARN } },
    target: { type: 'identity-provider', name: 'token.actions.githubusercontent.com', arn: OIDC_ARN },
  },
  'aws.iam AddClientIDToOpenIDConnectProvider': {
    options: { request: { openIDConnectProviderArn: OIDC_ARN, clientID: 'sts.amazonaws.com' } },
    target: { type: 'identity-provider', name: 'token.actions.githubusercontent.com', arn: OIDC_ARN },
  },
  'aws.iam RemoveClientIDFromOpenIDConnectProvider': {
    options: { request: { openIDConnectProviderArn: OIDC_ARN, clientID: 'sts.amazonaws.com' } },
    target: { type: 'identity-provider', name: 'token.actions.githubusercontent.com', arn: OIDC_ARN },
  },
  'aws.iam UpdateOpenIDConnectProviderThumbprint': {
    options: { request: { openIDConnectProviderArn: OIDC_ARN, thumbprintList: [] } },
    target: { type: 'identity-provider', name: 'token.actions.githubusercontent.com', arn: OIDC_ARN },
  },
  'aws.iam UpdateAccountPasswordPolicy': {
    options: { request: { minimumPasswordLength: 14 } },
    target: { type: 'password-policy', name: 'account password policy' },
  },
  'aws.iam DeleteAccountPasswordPolicy': {
    target: { type: 'password-policy', name: 'account password policy' },
  },
  // Organizations
  'aws.organizations LeaveOrganization': {
    options: { actor: iamUser('admin', '444455556666') },
    target: { type: 'account', name: '444455556666', accountId: '444455556666' },
  },
  'aws.organizations RemoveAccountFromOrganization': {
    options: { request: { accountId: '444455556666' } },
    target: { type: 'account', name: '444455556666', accountId: '444455556666' },
  },
  'aws.organizations CreateAccount': {
    options: {
      request: { accountName: 'sandbox', email: 'a@example.com' },
      response: { createAccountStatus: { id: 'car-1', accountName: 'sandbox', accountId: '555566667777' } },
    },
    target: { type: 'account', name: 'sandbox', accountId: '555566667777' },
  },
  'aws.organizations CreateGovCloudAccount': {
    options: { request: { accountName: 'gov', email: 'g@example.com' } },
    target: { type: 'account', name: 'gov' },
  },
  'aws.organizations InviteAccountToOrganization': {
    options: { request: { target: { type: 'ACCOUNT', id: '999988887777' } } },
    target: { type: 'account', name: '999988887777', accountId: '999988887777' },
  },
  'aws.organizations CreatePolicy': {
    options: {
      request: { name: 'deny-leave', type: 'SERVICE_CONTROL_POLICY', content: '{}' },
      response: {
        policy: {
          policySummary: {
            id: 'p-1',
            name: 'deny-leave',
            arn: 'arn:aws:organizations::111122223333:policy/o-1/service_control_policy/p-1',
          },
        },
      },
    },
    target: {
      type: 'organization-policy',
      name: 'deny-leave',
      arn: 'arn:aws:organizations::111122223333:policy/o-1/service_control_policy/p-1',
    },
  },
  'aws.organizations UpdatePolicy': {
    options: { request: { policyId: 'p-bvdv3rx3', content: '{}' } },
    target: { type: 'organization-policy', name: 'p-bvdv3rx3' },
  },
  'aws.organizations DeletePolicy': {
    options: { request: { policyId: 'p-bvdv3rx3' } },
    target: { type: 'organization-policy', name: 'p-bvdv3rx3' },
  },
  'aws.organizations AttachPolicy': {
    options: { request: { policyId: 'p-bvdv3rx3', targetId: '444455556666' } },
    target: { type: 'account', name: '444455556666', accountId: '444455556666' },
  },
  'aws.organizations DetachPolicy': {
    options: { request: { policyId: 'p-bvdv3rx3', targetId: 'ou-ab12-cdef3456' } },
    target: { type: 'organizational-unit', name: 'ou-ab12-cdef3456' },
  },
  'aws.organizations EnablePolicyType': {
    options: { request: { rootId: 'r-bmrv', policyType: 'SERVICE_CONTROL_POLICY' } },
    target: resource('r-bmrv'),
  },
  'aws.organizations DisablePolicyType': {
    options: {
      request: { rootId: 'r-bmrv', policyType: 'SERVICE_CONTROL_POLICY' },
      response: { root: { id: 'r-bmrv', arn: 'arn:aws:organizations::111122223333:root/o-1/r-bmrv' } },
    },
    target: resource('r-bmrv', 'arn:aws:organizations::111122223333:root/o-1/r-bmrv'),
  },
  // Identity Center
  'aws.sso CreatePermissionSet': {
    options: {
      request: { name: 'Admin', instanceArn: 'arn:aws:sso:::instance/ssoins-1' },
      response: { permissionSet: { name: 'Admin', permissionSetArn: PS_ARN } },
    },
    target: { type: 'permission-set', name: 'Admin', arn: PS_ARN },
  },
  'aws.sso UpdatePermissionSet': psCase(),
  'aws.sso DeletePermissionSet': psCase(),
  'aws.sso AttachManagedPolicyToPermissionSet': {
    ...psCase({ managedPolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }),
    policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
  },
  'aws.sso DetachManagedPolicyFromPermissionSet': {
    ...psCase({ managedPolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
    policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
  },
  'aws.sso PutInlinePolicyToPermissionSet': psCase({ inlinePolicy: '{}' }),
  'aws.sso DeleteInlinePolicyFromPermissionSet': psCase(),
  'aws.sso AttachCustomerManagedPolicyReferenceToPermissionSet': psCase({
    customerManagedPolicyReference: { name: 'deploy', path: '/' },
  }),
  'aws.sso DetachCustomerManagedPolicyReferenceFromPermissionSet': psCase({
    customerManagedPolicyReference: { name: 'deploy', path: '/' },
  }),
  'aws.sso PutPermissionsBoundaryToPermissionSet': {
    ...psCase({ permissionsBoundary: { managedPolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' } }),
    policyArn: 'arn:aws:iam::aws:policy/PowerUserAccess',
  },
  'aws.sso DeletePermissionsBoundaryFromPermissionSet': psCase(),
  'aws.sso CreateAccountAssignment': {
    options: {
      request: {
        targetId: '444455556666',
        targetType: 'AWS_ACCOUNT',
        permissionSetArn: PS_ARN,
        principalType: 'GROUP',
        principalId: '34887428-4081-7042-c3c6-928d413009e7',
      },
    },
    target: {
      type: 'account-assignment',
      name: '34887428-4081-7042-c3c6-928d413009e7',
      accountId: '444455556666',
    },
  },
  'aws.sso DeleteAccountAssignment': {
    options: {
      request: {
        targetId: '444455556666',
        permissionSetArn: PS_ARN,
        principalType: 'USER',
        principalId: 'u-1',
      },
    },
    target: { type: 'account-assignment', name: 'u-1', accountId: '444455556666' },
  },
  'aws.identitystore CreateUser': {
    options: {
      request: { identityStoreId: 'd-1', userName: 'carol', displayName: 'Carol' },
      response: { userId: 'uid-1', identityStoreId: 'd-1' },
    },
    target: { type: 'identity-center-user', name: 'carol' },
  },
  'aws.sso-directory CreateUser': {
    // Identity Center hides some values; the user id in the response still names the user.
    options: {
      request: { identityStoreId: 'd-1', userName: HIDDEN_VALUE },
      response: { user: { userId: 'uid-2' } },
    },
    target: { type: 'identity-center-user', name: 'uid-2' },
  },
  // Sign-in: the actor is the subject, there is no target.
  'aws.signin ConsoleLogin': { record: signinEvent('ConsoleLogin'), target: undefined },
  // CloudTrail
  'aws.cloudtrail StopLogging': {
    options: { request: { name: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail' } },
    target: {
      type: 'trail',
      name: 'org-trail',
      arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail',
    },
  },
  'aws.cloudtrail DeleteTrail': {
    options: { request: { name: 'org-trail' } },
    target: { type: 'trail', name: 'org-trail' },
  },
  'aws.cloudtrail UpdateTrail': {
    options: {
      request: { name: 'org-trail', isMultiRegionTrail: false },
      response: { name: 'org-trail', trailARN: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail' },
    },
    target: {
      type: 'trail',
      name: 'org-trail',
      arn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail',
    },
  },
  'aws.cloudtrail PutEventSelectors': {
    options: { request: { trailName: 'org-trail', eventSelectors: [] } },
    target: { type: 'trail', name: 'org-trail' },
  },
  // EventBridge
  'aws.events DisableRule': {
    options: { request: { name: 'iamwatch-forward', eventBusName: 'default' } },
    target: { type: 'event-rule', name: 'iamwatch-forward' },
  },
  'aws.events DeleteRule': {
    options: { request: { name: 'iamwatch-forward' } },
    target: { type: 'event-rule', name: 'iamwatch-forward' },
  },
  'aws.events RemoveTargets': {
    options: { request: { rule: 'iamwatch-record', eventBusName: 'iamwatch-central', ids: ['1'] } },
    target: { type: 'event-rule', name: 'iamwatch-record' },
  },
  'aws.events PutRule': {
    options: {
      request: { name: 'iamwatch-record', state: 'DISABLED' },
      response: { ruleArn: 'arn:aws:events:us-east-1:111122223333:rule/iamwatch-record' },
    },
    target: {
      type: 'event-rule',
      name: 'iamwatch-record',
      arn: 'arn:aws:events:us-east-1:111122223333:rule/iamwatch-record',
    },
  },
  'aws.events DeleteEventBus': {
    options: { request: { name: 'iamwatch-central' } },
    target: resource('iamwatch-central'),
  },
  'aws.events RemovePermission': {
    options: {
      request: { eventBusName: 'arn:aws:events:us-east-1:111122223333:event-bus/iamwatch-central' },
    },
    target: resource('iamwatch-central', 'arn:aws:events:us-east-1:111122223333:event-bus/iamwatch-central'),
  },
  // Lambda (plain names, full and partial ARNs)
  'aws.lambda DeleteFunction': fn('iamwatch-record'),
  'aws.lambda DeleteFunction20150331': fn('iamwatch-record'),
  'aws.lambda UpdateFunctionCode': fn('iamwatch-record'),
  'aws.lambda UpdateFunctionCode20150331': fn('iamwatch-record'),
  'aws.lambda UpdateFunctionCode20150331v2': fn('111122223333:function:iamwatch-record'),
  'aws.lambda UpdateFunctionConfiguration': fn('iamwatch-record'),
  'aws.lambda UpdateFunctionConfiguration20150331': fn('iamwatch-record'),
  'aws.lambda UpdateFunctionConfiguration20150331v2': {
    options: {
      request: { functionName: 'arn:aws:lambda:us-east-1:111122223333:function:iamwatch-record:live' },
    },
    target: resource(
      'iamwatch-record',
      'arn:aws:lambda:us-east-1:111122223333:function:iamwatch-record:live',
    ),
  },
  'aws.lambda RemovePermission20150331': fn('iamwatch-record'),
  'aws.lambda RemovePermission20150331v2': fn('iamwatch-record'),
  'aws.lambda PutFunctionConcurrency20171031': fn('iamwatch-record'),
  'aws.lambda UpdateEventSourceMapping20150331': fn('iamwatch-record'),
  'aws.lambda DeleteEventSourceMapping20150331': {
    // Only the mapping's UUID is in the request; the response names the function.
    options: {
      request: { uUID: '14e0db71-5d35-4eb5-b481-8945cf9d10c2' },
      response: { functionArn: 'arn:aws:lambda:us-east-1:111122223333:function:iamwatch-notify' },
    },
    target: resource('iamwatch-notify', 'arn:aws:lambda:us-east-1:111122223333:function:iamwatch-notify'),
  },
  // DynamoDB, SNS
  'aws.dynamodb DeleteTable': {
    options: { request: { tableName: 'iamwatch-ledger' } },
    target: resource('iamwatch-ledger'),
  },
  'aws.dynamodb UpdateTable': {
    options: { request: { tableName: 'arn:aws:dynamodb:us-east-1:111122223333:table/iamwatch-ledger' } },
    target: resource('iamwatch-ledger', 'arn:aws:dynamodb:us-east-1:111122223333:table/iamwatch-ledger'),
  },
  'aws.sns DeleteTopic': topicCase(),
  'aws.sns SetTopicAttributes': topicCase(),
  'aws.sns RemovePermission': topicCase(),
  'aws.sns Unsubscribe': subscriptionCase(),
  'aws.sns SetSubscriptionAttributes': subscriptionCase(),
  // STS: the member account of a centralized root session; the task policy is the policy
  'aws.sts AssumeRoot': {
    options: {
      request: {
        targetPrincipal: '444455556666',
        taskPolicyArn: { arn: ROOT_TASK_ARN },
        durationSeconds: 900,
      },
      response: { credentials: { accessKeyId: 'ASIAROOTSESSION', expiration: 'Jan 15, 2026, 10:15:00 AM' } },
    },
    target: { type: 'account', name: '444455556666', accountId: '444455556666' },
    policyArn: ROOT_TASK_ARN,
  },
};

function psCase(extra: Record<string, unknown> = {}): TargetCase {
  return {
    options: {
      request: { instanceArn: 'arn:aws:sso:::instance/ssoins-1', permissionSetArn: PS_ARN, ...extra },
    },
    target: { type: 'permission-set', name: 'ps-ae5d1fa1f80b684e', arn: PS_ARN },
  };
}

function topicCase(): TargetCase {
  const arn = 'arn:aws:sns:us-east-1:111122223333:iamwatch-alerts';
  return { options: { request: { topicArn: arn } }, target: resource('iamwatch-alerts', arn) };
}

function subscriptionCase(): TargetCase {
  const arn = 'arn:aws:sns:us-east-1:111122223333:iamwatch-alerts:7f0c1a52-0f2e-4b55-9d8a-1f0e4c2b9a11';
  return { options: { request: { subscriptionArn: arn } }, target: resource('iamwatch-alerts', arn) };
}

function triggeredEventNames(): string[] {
  const keys = new Set<string>();
  for (const detection of CATALOG) {
    for (const trigger of [detection.trigger].flat()) {
      for (const source of trigger.sources ?? []) {
        for (const name of trigger.eventNames ?? []) keys.add(`${source} ${name}`);
      }
    }
  }
  return [...keys].sort();
}

function recordFor(key: string, c: TargetCase): CloudTrailRecord {
  if (c.record) return c.record;
  const [source = '', eventName = ''] = key.split(' ');
  const host = SERVICE_HOST[source];
  if (!host) throw new Error(`no event source host for ${source}`);
  return apiCall(host, eventName, c.options);
}

describe('extractTarget', () => {
  it('has a case for every event name a detection triggers on', () => {
    const missing = triggeredEventNames().filter((key) => !(key in CASES));
    expect(missing).toEqual([]);
  });

  it.each(Object.entries(CASES))('%s', (key, c) => {
    const record = recordFor(key, c);
    expect(eventBridgeSource(record.eventSource)).toBe(key.split(' ')[0]);
    const extracted = extractTarget(record);
    expect(extracted.target).toEqual(c.target);
    expect(extracted.policyArn).toEqual(c.policyArn);
  });

  describe('AssumeRoot', () => {
    const assumeRoot = (request: Record<string, unknown>) =>
      extractTarget(apiCall('sts.amazonaws.com', 'AssumeRoot', { request }));

    it('takes the member account from a root principal ARN', () => {
      expect(
        assumeRoot({
          targetPrincipal: 'arn:aws:iam::444455556666:root',
          taskPolicyArn: { arn: ROOT_TASK_ARN },
        }),
      ).toEqual({
        target: {
          type: 'account',
          name: '444455556666',
          arn: 'arn:aws:iam::444455556666:root',
          accountId: '444455556666',
        },
        policyArn: ROOT_TASK_ARN,
      });
    });

    it('reads a task policy ARN rendered as a plain string', () => {
      expect(assumeRoot({ targetPrincipal: '444455556666', taskPolicyArn: ROOT_TASK_ARN }).policyArn).toBe(
        ROOT_TASK_ARN,
      );
    });

    it('names no target when the request was not logged', () => {
      expect(assumeRoot({})).toEqual({});
    });

    it('other STS calls (AssumeRole) name no target', () => {
      const record = apiCall('sts.amazonaws.com', 'AssumeRole', {
        request: { roleArn: 'arn:aws:iam::444455556666:role/admin', roleSessionName: 'alice' },
      });
      expect(extractTarget(record)).toEqual({});
    });
  });

  describe('self-targeting calls', () => {
    it('CreateAccessKey without userName targets the calling IAM user', () => {
      const { target } = extractTarget(
        apiCall('iam.amazonaws.com', 'CreateAccessKey', { actor: actors.bob }),
      );
      expect(target).toEqual(user('bob', `arn:aws:iam::${ACCOUNT}:user/bob`));
    });

    it('CreateAccessKey by root without userName targets the root user', () => {
      const { target } = extractTarget(
        apiCall('iam.amazonaws.com', 'CreateAccessKey', { actor: rootUser() }),
      );
      expect(target).toEqual({ type: 'user', name: 'root', arn: `arn:aws:iam::${ACCOUNT}:root` });
      expect(target && isRootTarget(target)).toBe(true);
    });

    it('CreateAccessKey response user name wins when the request names nobody', () => {
      const record = apiCall('iam.amazonaws.com', 'CreateAccessKey', {
        actor: actors.alice,
        response: { accessKey: { userName: 'carol', accessKeyId: 'AKIA1' } },
      });
      expect(extractTarget(record).target).toEqual(user('carol'));
    });

    it('an assumed-role session without userName names no target', () => {
      const record = apiCall('iam.amazonaws.com', 'CreateAccessKey', { actor: actors.deployRole });
      expect(extractTarget(record).target).toBeUndefined();
    });

    it('"AWS ROOT USER" (how IAM writes root as userName) is the root user', () => {
      const record = apiCall('iam.amazonaws.com', 'EnableMFADevice', {
        actor: rootUser(),
        request: {
          userName: 'AWS ROOT USER',
          serialNumber: 'arn:aws:iam::111122223333:mfa/root-account-mfa-device',
        },
      });
      expect(extractTarget(record).target).toEqual({
        type: 'user',
        name: 'root',
        arn: `arn:aws:iam::${ACCOUNT}:root`,
      });
    });
  });

  describe('ARNs are built only when unambiguous', () => {
    it('a bare user name gives no ARN (the user may live under a path)', () => {
      expect(
        extractTarget(apiCall('iam.amazonaws.com', 'DeleteUser', { request: { userName: 'bob' } })).target,
      ).toEqual(user('bob'));
    });

    it('a known path gives the ARN, in the partition of the caller', () => {
      const record = apiCall('iam.amazonaws.com', 'CreateUser', {
        actor: { ...actors.alice, arn: 'arn:aws-cn:iam::111122223333:user/alice' },
        request: { userName: 'svc', path: '/service/' },
        region: 'cn-north-1',
      });
      expect(extractTarget(record).target).toEqual(
        user('svc', 'arn:aws-cn:iam::111122223333:user/service/svc'),
      );
    });
  });

  it('covers generic IAM calls the catch-all sees', () => {
    const target = (eventName: string, request: Record<string, unknown>) =>
      extractTarget(apiCall('iam.amazonaws.com', eventName, { request })).target;
    expect(target('TagUser', { userName: 'bob', tags: [] })).toEqual(user('bob'));
    expect(target('CreateGroup', { groupName: 'ops', path: '/' })).toEqual({
      type: 'group',
      name: 'ops',
      arn: `arn:aws:iam::${ACCOUNT}:group/ops`,
    });
    expect(
      target('AddRoleToInstanceProfile', { roleName: 'web', instanceProfileName: 'web-profile' }),
    ).toEqual(role('web'));
    expect(target('CreateInstanceProfile', { instanceProfileName: 'web-profile' })).toEqual(
      resource('web-profile'),
    );
    expect(target('CreateAccountAlias', { accountAlias: 'acme-prod' })).toEqual({
      type: 'account',
      name: 'acme-prod',
    });
  });

  it('is total: odd parameters or unknown services give no target', () => {
    expect(extractTarget(apiCall('iam.amazonaws.com', 'CreateUser', { request: { userName: 42 } }))).toEqual(
      {},
    );
    expect(
      extractTarget(apiCall('ec2.amazonaws.com', 'RunInstances', { request: { userName: 'x' } })),
    ).toEqual({});
    const noParams = apiCall('iam.amazonaws.com', 'DeleteRole');
    expect(extractTarget({ ...noParams, requestParameters: null, responseElements: null })).toEqual({});
  });
});

describe('isSamePrincipal', () => {
  const iamActor = (name: string, accountId = ACCOUNT): Actor => ({
    type: 'IAMUser',
    name,
    arn: `arn:aws:iam::${accountId}:user/${name}`,
    accountId,
  });
  const session = (roleName: string, sessionName: string): Actor => ({
    type: 'AssumedRole',
    name: sessionName,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${roleName}/${sessionName}`,
    sessionIssuerArn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`,
    accountId: ACCOUNT,
  });

  it('an IAM user is its own target, by ARN or by case-insensitive name', () => {
    expect(isSamePrincipal(iamActor('bob'), user('bob', `arn:aws:iam::${ACCOUNT}:user/bob`))).toBe(true);
    expect(isSamePrincipal(iamActor('bob'), user('BOB'))).toBe(true);
    expect(isSamePrincipal(iamActor('alice'), user('bob'))).toBe(false);
  });

  it('compares ARNs when both are known (same name in another account is someone else)', () => {
    expect(
      isSamePrincipal(iamActor('bob', '444455556666'), user('bob', `arn:aws:iam::${ACCOUNT}:user/bob`)),
    ).toBe(false);
  });

  it('an assumed-role session is never an IAM user, whatever its session name', () => {
    expect(isSamePrincipal(session('bob', 'bob'), user('bob'))).toBe(false);
  });

  it('a role target is the actor when the session was issued by that role', () => {
    expect(isSamePrincipal(session('deploy', 'ci-run-1'), role('deploy'))).toBe(true);
    expect(
      isSamePrincipal(session('deploy', 'ci-run-1'), role('deploy', `arn:aws:iam::${ACCOUNT}:role/deploy`)),
    ).toBe(true);
    expect(isSamePrincipal(session('deploy', 'ci-run-1'), role('admin'))).toBe(false);
    expect(isSamePrincipal(iamActor('deploy'), role('deploy'))).toBe(false);
  });

  it('the root user is only its own target', () => {
    const root: Actor = {
      type: 'Root',
      name: 'root',
      arn: `arn:aws:iam::${ACCOUNT}:root`,
      accountId: ACCOUNT,
    };
    const rootTarget: Target = { type: 'user', name: 'root', arn: `arn:aws:iam::${ACCOUNT}:root` };
    expect(isSamePrincipal(root, rootTarget)).toBe(true);
    expect(isSamePrincipal(root, user('bob'))).toBe(false);
    expect(isSamePrincipal(iamActor('root'), rootTarget)).toBe(false);
  });
});
