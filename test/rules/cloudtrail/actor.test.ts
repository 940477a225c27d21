import { describe, expect, it } from 'vitest';
import { normaliseActor } from '../../../rules/cloudtrail/actor';
import type { Actor, CloudTrailRecord, CloudTrailUserIdentity } from '../../../rules/types';

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

const ROOT: CloudTrailUserIdentity = {
  type: 'Root',
  principalId: '111122223333',
  arn: 'arn:aws:iam::111122223333:root',
  accountId: '111122223333',
  accessKeyId: '',
};

/** The fields of a root console sign-in record, with MFAUsed as CloudTrail wrote it. */
const consoleLogin = (mfaUsed: string): Partial<CloudTrailRecord> => ({
  eventName: 'ConsoleLogin',
  eventSource: 'signin.amazonaws.com',
  additionalEventData: { MobileVersion: 'No', MFAUsed: mfaUsed },
});

interface ActorCase<A> {
  name: string;
  identity: CloudTrailUserIdentity | undefined;
  /** Other fields of the record around the identity. */
  record?: Partial<CloudTrailRecord>;
  actor: A;
}

/** Identities and the whole actor they give: nothing missing, nothing more. */
const WHOLE: ActorCase<Actor>[] = [
  {
    name: 'reads an IAM user with MFA stated in the session context',
    identity: {
      type: 'IAMUser',
      principalId: 'AIDACKCEVSQ6C2EXAMPLE',
      arn: 'arn:aws:iam::111122223333:user/alice',
      accountId: '111122223333',
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      userName: 'alice',
      sessionContext: { attributes: { creationDate: '2025-03-14T09:00:00Z', mfaAuthenticated: 'true' } },
    },
    actor: {
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/alice',
      principalId: 'AIDACKCEVSQ6C2EXAMPLE',
      name: 'alice',
      accountId: '111122223333',
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      mfa: true,
    },
  },
  {
    name: 'names the root user "root" on a console sign-in without MFA',
    identity: ROOT,
    record: consoleLogin('No'),
    actor: {
      type: 'Root',
      principalId: '111122223333',
      arn: 'arn:aws:iam::111122223333:root',
      name: 'root',
      accountId: '111122223333',
      mfa: false,
    },
  },
  {
    name: 'names an AWS service by its principal and keeps invokedBy',
    identity: { type: 'AWSService', invokedBy: 'config.amazonaws.com' },
    actor: { type: 'AWSService', name: 'config.amazonaws.com', invokedBy: 'config.amazonaws.com' },
  },
  {
    name: 'reads an Identity Center user from onBehalfOf',
    identity: {
      type: 'IdentityCenterUser',
      accountId: '111122223333',
      onBehalfOf: {
        userId: '906724a8-6011-70e3-3f89-0b7b5EXAMPLE',
        identityStoreArn: 'arn:aws:identitystore::111122223333:identitystore/d-9067EXAMPLE',
      },
      credentialId: 'EXAMPLEVHULjJdTUdPJfofVa1sufHDoj7aYcOYcxFVllWR_Whr1fEXAMPLE',
    },
    actor: {
      type: 'IdentityCenterUser',
      name: '906724a8-6011-70e3-3f89-0b7b5EXAMPLE',
      accountId: '111122223333',
    },
  },
  {
    name: 'never carries empty strings and never an issuer for non-session types',
    identity: {
      type: 'IAMUser',
      principalId: '',
      arn: '',
      accountId: '111122223333',
      accessKeyId: '',
      userName: 'bob',
      sessionContext: { sessionIssuer: { arn: 'arn:aws:iam::111122223333:role/x' } },
    },
    actor: { type: 'IAMUser', name: 'bob', accountId: '111122223333' },
  },
  {
    name: 'reports Unknown for a record without userIdentity',
    identity: undefined,
    actor: { type: 'Unknown' },
  },
  {
    name: 'keeps an unknown identity type as written and still finds a name',
    identity: { type: 'Unknown', principalId: '111122223333', arn: '', userName: 'user1' },
    actor: { type: 'Unknown', principalId: '111122223333', name: 'user1' },
  },
];

/** Identities and the actor fields they must give; the others are left to the cases above. */
const FIELDS: ActorCase<Partial<Actor>>[] = [
  {
    name: 'takes an IAM user name from a pathed ARN when userName is absent',
    identity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/division/team/carol' },
    actor: { name: 'carol' },
  },
  {
    name: 'names an assumed role by its session and keeps the issuer',
    identity: {
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
    },
    actor: {
      type: 'AssumedRole',
      name: 'deploy-1234',
      sessionIssuerArn: 'arn:aws:iam::111122223333:role/ci/deployer',
      sourceIdentity: 'alice',
      mfa: false,
    },
  },
  {
    name: 'names an Identity Center session after the SSO user',
    identity: {
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
    },
    actor: {
      name: 'alice@example.com',
      sessionIssuerArn: expect.stringContaining('AWSReservedSSO_AdministratorAccess_'),
    },
  },
  {
    name: 'names an assumed-role ARN without a session after the session in its principal id',
    identity: {
      type: 'AssumedRole',
      principalId: 'AROA3EXAMPLEROLE0001:bob',
      arn: 'arn:aws:sts::111122223333:assumed-role/tester',
    },
    actor: { name: 'bob' },
  },
  {
    name: 'names an assumed-role ARN without a session after the role when the principal id has no session',
    identity: {
      type: 'AssumedRole',
      principalId: 'tester',
      arn: 'arn:aws:sts::111122223333:assumed-role/tester',
    },
    actor: { name: 'tester' },
  },
  {
    name: 'reads a federated user and its issuing IAM user',
    identity: {
      type: 'FederatedUser',
      principalId: '111122223333:build-bot',
      arn: 'arn:aws:sts::111122223333:federated-user/build-bot',
      accountId: '111122223333',
      sessionContext: {
        sessionIssuer: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/federator' },
      },
    },
    actor: { name: 'build-bot', sessionIssuerArn: 'arn:aws:iam::111122223333:user/federator' },
  },
  {
    name: 'reads an AWS account caller by its principal id',
    identity: { type: 'AWSAccount', principalId: 'AIDAQRSTUVWXYZEXAMPLE', accountId: '777788889999' },
    actor: { name: 'AIDAQRSTUVWXYZEXAMPLE', accountId: '777788889999' },
  },
  {
    name: 'reads an AWS account caller without a principal id by its account',
    identity: { type: 'AWSAccount', accountId: '777788889999' },
    actor: { name: '777788889999' },
  },
  {
    name: 'reads a SAML user by user name',
    identity: {
      type: 'SAMLUser',
      principalId: 'SampleUkh1i4+ExamplexL/jEvs=:SamlExample',
      userName: 'SamlExample',
      identityProvider: 'bdGOnTesti4+ExamplexL/jEvs=',
    },
    actor: { name: 'SamlExample' },
  },
  {
    name: 'reads a web identity user by the user id in its principal id',
    identity: {
      type: 'WebIdentityUser',
      principalId: 'accounts.google.com:application-id.apps.googleusercontent.com:user-id',
      identityProvider: 'accounts.google.com',
    },
    actor: { name: 'user-id' },
  },
];

describe('normaliseActor', () => {
  for (const { name, identity, record, actor } of WHOLE) {
    it(name, () => {
      expect(normaliseActor(withIdentity(identity, record))).toEqual(actor);
    });
  }

  for (const { name, identity, record, actor } of FIELDS) {
    it(name, () => {
      expect(normaliseActor(withIdentity(identity, record))).toMatchObject(actor);
    });
  }

  it.each([
    ['No', false],
    ['Yes', true],
    ['YES', true],
    ['maybe', undefined],
  ])('reads root console MFAUsed %j as mfa %s', (mfaUsed, mfa) => {
    expect(normaliseActor(withIdentity(ROOT, consoleLogin(mfaUsed))).mfa).toBe(mfa);
  });

  it('leaves mfa absent when CloudTrail does not state it', () => {
    const actor = normaliseActor(withIdentity({ type: 'IAMUser', userName: 'alice' }));
    expect(actor).not.toHaveProperty('mfa');
  });
});
