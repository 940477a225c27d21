import { describe, expect, it } from 'vitest';
import { actors, apiCall, rootUser } from '../../../rules/examples';
import { extractTarget, isRootTarget } from '../../../rules/target';
import { ACCOUNT, itExtractsTargets, resource, role, type TargetCase, user } from './support';

const OIDC_ARN = 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com';
const SAML_ARN = 'arn:aws:iam::111122223333:saml-provider/okta';

const CASES: Record<string, TargetCase> = {
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
};

describe('IAM targets', () => {
  itExtractsTargets(['aws.iam'], CASES);

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
});
