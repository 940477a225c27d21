import { describe, expect, it } from 'vitest';
import { allowsAdmin, isAdminManagedPolicyArn, requestGrantsAdmin } from '../../../rules/policy/admin';
import {
  MAX_POLICY_DOCUMENT_CHARS,
  parsePolicyDocument,
  RequestPolicies,
} from '../../../rules/policy/document';
import { actionMatches, wildcardMatches } from '../../../rules/policy/wildcard';
import { adminStatement, text } from './support';

describe('allowsAdmin', () => {
  const admin = (...statements: Record<string, unknown>[]) =>
    allowsAdmin(parsePolicyDocument(text(...statements)));

  it.each([
    ['Action * on *', adminStatement],
    ['Action *:* on *', { Effect: 'Allow', Action: '*:*', Resource: '*' }],
    [
      'iam:* in an action list on [*]',
      { Effect: 'Allow', Action: ['s3:GetObject', 'iam:*'], Resource: ['*'] },
    ],
    ['upper-case IAM:*', { Effect: 'Allow', Action: 'IAM:*', Resource: '*' }],
    ['a wildcard covering iam (i*)', { Effect: 'Allow', Action: 'i*', Resource: '*' }],
    ['NotAction that leaves IAM in', { Effect: 'Allow', NotAction: ['s3:*', 'ec2:*'], Resource: '*' }],
    ['Action * with NotResource', { Effect: 'Allow', Action: '*', NotResource: 'arn:aws:s3:::audit/*' }],
    [
      'a conditioned admin grant',
      { ...adminStatement, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
    ],
  ])('admin: %s', (_name, statement) => {
    expect(admin(statement)).toBe(true);
  });

  it.each([
    ['a Deny of everything', { Effect: 'Deny', Action: '*', Resource: '*' }],
    [
      'iam:* on a specific resource',
      { Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::111122223333:role/x' },
    ],
    ['only part of IAM (iam:Get*)', { Effect: 'Allow', Action: 'iam:Get*', Resource: '*' }],
    ['s3:* on *', { Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    [
      'NotAction that excludes IAM (PowerUserAccess style)',
      { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
    ],
    ['no Resource at all', { Effect: 'Allow', Action: '*' }],
    ['an unknown Effect', { Effect: 'allow', Action: '*', Resource: '*' }],
  ])('not admin: %s', (_name, statement) => {
    expect(admin(statement)).toBe(false);
  });

  it('an unconditioned Deny of IAM cancels the grant; a conditioned one does not', () => {
    expect(admin(adminStatement, { Effect: 'Deny', Action: 'iam:*', Resource: '*' })).toBe(false);
    expect(
      admin(adminStatement, {
        Effect: 'Deny',
        Action: 'iam:*',
        Resource: '*',
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
      }),
    ).toBe(true);
  });

  it('is false for an unparseable document', () => {
    expect(allowsAdmin(undefined)).toBe(false);
  });

  it('sees admin spread over several statements', () => {
    expect(
      admin(
        { Effect: 'Allow', Action: ['iam:Create*', 'iam:Attach*'], Resource: '*' },
        { Effect: 'Allow', Action: ['iam:Put*', 'iam:Update*', 'iam:PassRole'], Resource: '*' },
      ),
    ).toBe(true);
    expect(
      admin(
        { Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::*:user/*' },
        { Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::*:role/*' },
        { Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::*:policy/*' },
      ),
    ).toBe(true);
    expect(
      admin(
        { Effect: 'Allow', Action: ['iam:Create*', 'iam:Attach*'], Resource: '*' },
        { Effect: 'Allow', Action: ['iam:Put*', 'iam:Update*'], Resource: '*' },
      ),
    ).toBe(false);
  });

  it.each([
    ['arn:aws:iam::*:*'],
    ['arn:aws:iam::*'],
    ['arn:*'],
    ['arn:aws:*:*:*:*'],
    ['arn:aws-cn:iam::*:*'],
  ])('an ARN wildcard covering all of IAM (%s) is as broad as *', (resource) => {
    expect(admin({ Effect: 'Allow', Action: 'iam:*', Resource: resource })).toBe(true);
  });

  it("resources pinned to the policy's own account cover it, another account's do not", () => {
    const own = parsePolicyDocument(
      text({ Effect: 'Allow', Action: 'iam:*', Resource: 'arn:aws:iam::111122223333:*' }),
    );
    expect(allowsAdmin(own, '111122223333')).toBe(true);
    expect(allowsAdmin(own, '444455556666')).toBe(false);
    expect(allowsAdmin(own)).toBe(false);
  });

  it('NotResource counts only when it leaves IAM in', () => {
    expect(admin({ Effect: 'Allow', Action: '*', NotResource: '*' })).toBe(false);
    expect(admin({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:iam::*:*' })).toBe(false);
    expect(admin({ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:iam::*:user/breakglass' })).toBe(true);
  });

  it('a Deny that spares IAM (NotResource) does not cancel the grant', () => {
    expect(admin(adminStatement, { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:iam::*:*' })).toBe(
      true,
    );
    expect(admin(adminStatement, { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:s3:::audit/*' })).toBe(
      false,
    );
    expect(admin(adminStatement, { Effect: 'Deny', Action: 'iam:PassRole', Resource: '*' })).toBe(false);
    expect(admin(adminStatement, { Effect: 'Deny', Action: 's3:*', Resource: '*' })).toBe(true);
  });

  it('requestGrantsAdmin fails closed on a document too large to inspect', () => {
    const oversized = text({ ...adminStatement, Sid: 'x'.repeat(MAX_POLICY_DOCUMENT_CHARS) });
    const harmless = text({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
    expect(requestGrantsAdmin(new RequestPolicies({ policyDocument: oversized }), 'policyDocument')).toBe(
      true,
    );
    expect(requestGrantsAdmin(new RequestPolicies({ policyDocument: harmless }), 'policyDocument')).toBe(
      false,
    );
    expect(
      requestGrantsAdmin(new RequestPolicies({ policyDocument: text(adminStatement) }), 'policyDocument'),
    ).toBe(true);
    expect(requestGrantsAdmin(new RequestPolicies({}), 'policyDocument')).toBe(false);
  });

  // A backtracking matcher would not finish these within the test timeout (40 stars: 2^40 paths).
  it('matches hostile wildcard patterns without exponential backtracking', () => {
    const hostile = `iam:${'*a'.repeat(40)}*z`;
    expect(actionMatches(hostile, 'iam:UpdateAssumeRolePolicy')).toBe(false);
    expect(
      allowsAdmin(
        parsePolicyDocument(text({ Effect: 'Allow', Action: hostile, Resource: `arn:${'*a'.repeat(40)}*z` })),
      ),
    ).toBe(false);
  });

  it('wildcardMatches: * spans any run (colons and slashes too), ? one character', () => {
    expect(wildcardMatches('arn:aws:iam::*', 'arn:aws:iam::111122223333:role/a/b')).toBe(true);
    expect(wildcardMatches('arn:aws:iam::?:*', 'arn:aws:iam::111122223333:role/x')).toBe(false);
    expect(wildcardMatches('a?c', 'abc')).toBe(true);
    expect(wildcardMatches('a*b*c', 'a-b-b-c')).toBe(true);
    expect(wildcardMatches('a*b*c', 'a-b-b-d')).toBe(false);
    expect(wildcardMatches('User/Bob', 'user/bob')).toBe(false);
  });

  it('matches IAM action wildcards case-insensitively', () => {
    expect(actionMatches('iam:Put*Policy', 'iam:PutRolePolicy')).toBe(true);
    expect(actionMatches('iam:?ut*', 'iam:PutRolePolicy')).toBe(true);
    expect(actionMatches('iam:Put*Policy', 'iam:PassRole')).toBe(false);
    expect(actionMatches('iam:passrole', 'iam:PassRole')).toBe(true);
  });
});

describe('isAdminManagedPolicyArn', () => {
  it.each([
    ['arn:aws:iam::aws:policy/AdministratorAccess', true],
    ['arn:aws:iam::aws:policy/IAMFullAccess', true],
    ['arn:aws:iam::aws:policy/PowerUserAccess', true],
    ['arn:aws-us-gov:iam::aws:policy/AdministratorAccess', true],
    ['arn:aws:iam::aws:policy/ReadOnlyAccess', false],
    ['arn:aws:iam::aws:policy/job-function/AdministratorAccess', false],
    ['arn:aws:iam::111122223333:policy/AdministratorAccess', false],
    [undefined, false],
  ])('%s → %s', (arn, expected) => {
    expect(isAdminManagedPolicyArn(arn)).toBe(expected);
  });
});
