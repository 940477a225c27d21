import { describe, expect, it } from 'vitest';
import { normaliseActor } from '../../../rules/cloudtrail/actor';
import type { CloudTrailRecord, CloudTrailUserIdentity } from '../../../rules/types';

function withIdentity(
  userIdentity: CloudTrailUserIdentity | undefined,
  extra: Partial<CloudTrailRecord> = {},
): CloudTrailRecord {
  return {
    eventID: '5b9f7c9e-1d2a-4c8e-9f3b-0a1b2c3d4e5f',
    eventTime: '2025-03-14T09:12:04Z',
    eventName: 'CreateUser',
    eventSource: 'iam.amazonaws.com',
    ...(userIdentity ? { userIdentity } : {}),
    ...extra,
  };
}

describe('normaliseActor', () => {
  it('reads an IAM user with MFA stated in the session context', () => {
    const actor = normaliseActor(
      withIdentity({
        type: 'IAMUser',
        principalId: 'AIDACKCEVSQ6C2EXAMPLE',
        arn: 'arn:aws:iam::111122223333:user/alice',
        accountId: '111122223333',
        accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
        userName: 'alice',
        sessionContext: { attributes: { creationDate: '2025-03-14T09:00:00Z', mfaAuthenticated: 'true' } },
      }),
    );
    expect(actor).toEqual({
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/alice',
      principalId: 'AIDACKCEVSQ6C2EXAMPLE',
      name: 'alice',
      accountId: '111122223333',
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      mfa: true,
    });
  });

  it('takes an IAM user name from a pathed ARN when userName is absent', () => {
    const actor = normaliseActor(
      withIdentity({ type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/division/team/carol' }),
    );
    expect(actor.name).toBe('carol');
  });

  it('names an assumed role by its session and keeps the issuer', () => {
    const actor = normaliseActor(
      withIdentity({
        type: 'AssumedRole',
        principalId: 'AROA3EXAMPLEROLE0001:deploy-1234',
        arn: 'arn:aws:sts::111122223333:assumed-role/deployer/deploy-1234',
        accountId: '111122223333',
        accessKeyId: 'ASIA3EXAMPLEKEY00001',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROA3EXAMPLEROLE0001',
            arn: 'arn:aws:iam::111122223333:role/ci/deployer',
            accountId: '111122223333',
            userName: 'deployer',
          },
          attributes: { creationDate: '2025-03-14T09:00:00Z', mfaAuthenticated: 'false' },
          sourceIdentity: 'alice',
        },
      }),
    );
    expect(actor).toMatchObject({
      type: 'AssumedRole',
      name: 'deploy-1234',
      sessionIssuerArn: 'arn:aws:iam::111122223333:role/ci/deployer',
      sourceIdentity: 'alice',
      mfa: false,
    });
  });

  it('names an Identity Center session after the SSO user', () => {
    const actor = normaliseActor(
      withIdentity({
        type: 'AssumedRole',
        principalId: 'AROA3EXAMPLESSO00001:alice@example.com',
        arn: 'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com',
        accountId: '111122223333',
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            arn: 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef',
          },
        },
      }),
    );
    expect(actor.name).toBe('alice@example.com');
    expect(actor.sessionIssuerArn).toContain('AWSReservedSSO_AdministratorAccess_');
  });

  it('falls back to the principal id, then the role, for an assumed-role ARN without a session', () => {
    const fromPrincipal = normaliseActor(
      withIdentity({
        type: 'AssumedRole',
        principalId: 'AROA3EXAMPLEROLE0001:bob',
        arn: 'arn:aws:sts::111122223333:assumed-role/tester',
      }),
    );
    expect(fromPrincipal.name).toBe('bob');
    const fromRole = normaliseActor(
      withIdentity({
        type: 'AssumedRole',
        principalId: 'tester',
        arn: 'arn:aws:sts::111122223333:assumed-role/tester',
      }),
    );
    expect(fromRole.name).toBe('tester');
  });

  it('names the root user "root" and reads console MFA from MFAUsed', () => {
    const root = {
      type: 'Root',
      principalId: '111122223333',
      arn: 'arn:aws:iam::111122223333:root',
      accountId: '111122223333',
      accessKeyId: '',
    };
    const login = (mfaUsed: string) =>
      normaliseActor(
        withIdentity(root, {
          eventName: 'ConsoleLogin',
          eventSource: 'signin.amazonaws.com',
          additionalEventData: { MobileVersion: 'No', MFAUsed: mfaUsed },
        }),
      );
    expect(login('No')).toEqual({
      type: 'Root',
      principalId: '111122223333',
      arn: 'arn:aws:iam::111122223333:root',
      name: 'root',
      accountId: '111122223333',
      mfa: false,
    });
    expect(login('Yes').mfa).toBe(true);
    expect(login('YES').mfa).toBe(true);
    expect(login('maybe').mfa).toBeUndefined();
  });

  it('leaves mfa absent when CloudTrail does not state it', () => {
    const actor = normaliseActor(withIdentity({ type: 'IAMUser', userName: 'alice' }));
    expect(actor).not.toHaveProperty('mfa');
  });

  it('names an AWS service by its principal and keeps invokedBy', () => {
    expect(normaliseActor(withIdentity({ type: 'AWSService', invokedBy: 'config.amazonaws.com' }))).toEqual({
      type: 'AWSService',
      name: 'config.amazonaws.com',
      invokedBy: 'config.amazonaws.com',
    });
  });

  it('reads a federated user and its issuing IAM user', () => {
    const actor = normaliseActor(
      withIdentity({
        type: 'FederatedUser',
        principalId: '111122223333:build-bot',
        arn: 'arn:aws:sts::111122223333:federated-user/build-bot',
        accountId: '111122223333',
        sessionContext: {
          sessionIssuer: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/federator' },
        },
      }),
    );
    expect(actor.name).toBe('build-bot');
    expect(actor.sessionIssuerArn).toBe('arn:aws:iam::111122223333:user/federator');
  });

  it('reads an Identity Center user from onBehalfOf', () => {
    const actor = normaliseActor(
      withIdentity({
        type: 'IdentityCenterUser',
        accountId: '111122223333',
        onBehalfOf: {
          userId: '906724a8-6011-70e3-3f89-0b7b5EXAMPLE',
          identityStoreArn: 'arn:aws:identitystore::111122223333:identitystore/d-9067EXAMPLE',
        },
        credentialId: 'EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE',
      }),
    );
    expect(actor).toEqual({
      type: 'IdentityCenterUser',
      name: '906724a8-6011-70e3-3f89-0b7b5EXAMPLE',
      accountId: '111122223333',
    });
  });

  it('reads an AWS account caller by its principal id', () => {
    const actor = normaliseActor(
      withIdentity({ type: 'AWSAccount', principalId: 'AIDAQRSTUVWXYZEXAMPLE', accountId: '777788889999' }),
    );
    expect(actor.name).toBe('AIDAQRSTUVWXYZEXAMPLE');
    expect(actor.accountId).toBe('777788889999');
    const bare = normaliseActor(withIdentity({ type: 'AWSAccount', accountId: '777788889999' }));
    expect(bare.name).toBe('777788889999');
  });

  it('reads SAML and web identity users by user name', () => {
    const saml = normaliseActor(
      withIdentity({
        type: 'SAMLUser',
        principalId: 'SampleUkh1i4+ExamplexL/jEvs=:SamlExample',
        userName: 'SamlExample',
        identityProvider: 'bdGOnTesti4+ExamplexL/jEvs=',
      }),
    );
    expect(saml.name).toBe('SamlExample');
    const web = normaliseActor(
      withIdentity({
        type: 'WebIdentityUser',
        principalId: 'accounts.google.com:application-id.apps.googleusercontent.com:user-id',
        identityProvider: 'accounts.google.com',
      }),
    );
    expect(web.name).toBe('user-id');
  });

  it('never carries empty strings and never an issuer for non-session types', () => {
    const actor = normaliseActor(
      withIdentity({
        type: 'IAMUser',
        principalId: '',
        arn: '',
        accountId: '111122223333',
        accessKeyId: '',
        userName: 'bob',
        sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/x' } },
      }),
    );
    expect(actor).toEqual({ type: 'IAMUser', name: 'bob', accountId: '111122223333' });
  });

  it('reports Unknown for a record without userIdentity', () => {
    expect(normaliseActor(withIdentity(undefined))).toEqual({ type: 'Unknown' });
  });

  it('keeps an unknown identity type as written and still finds a name', () => {
    const actor = normaliseActor(
      withIdentity({ type: 'Unknown', principalId: '111122223333', arn: '', userName: 'user1' }),
    );
    expect(actor).toEqual({ type: 'Unknown', principalId: '111122223333', name: 'user1' });
  });
});
