import { describe, expect, it } from 'vitest';
import { makeContext } from '../../rules/context';
import {
  accountOfPrincipal,
  actionMatches,
  allowsAdmin,
  analyseTrust,
  analyseTrustInRequest,
  isAdminManagedPolicyArn,
  isOversizedPolicyDocument,
  MAX_POLICY_DOCUMENT_CHARS,
  parsePolicyDocument,
  policyDocumentOf,
  requestGrantsAdmin,
  wildcardMatches,
} from '../../rules/policy';

const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });
const text = (...statements: Record<string, unknown>[]) => JSON.stringify(doc(...statements));
const adminStatement = { Effect: 'Allow', Action: '*', Resource: '*' };

describe('parsePolicyDocument', () => {
  it('parses a JSON string and normalises a single statement to a list', () => {
    const parsed = parsePolicyDocument(JSON.stringify({ Version: '2012-10-17', Statement: adminStatement }));
    expect(parsed).toEqual({ Version: '2012-10-17', Statement: [adminStatement] });
  });

  it('parses URL-encoded documents as CloudTrail writes them in responseElements', () => {
    const encoded =
      '%7B%22Version%22%3A%20%222012-10-17%22%2C%20%22Statement%22%3A%20%5B%7B%22Action%22%3A%20%5B%22sts%3AAssumeRole%22%5D%2C%20%22Effect%22%3A%20%22Allow%22%2C%20%22Principal%22%3A%20%7B%22Service%22%3A%20%5B%22resource-explorer-2.amazonaws.com%22%5D%7D%7D%5D%7D';
    expect(parsePolicyDocument(encoded)?.Statement[0]).toEqual({
      Action: ['sts:AssumeRole'],
      Effect: 'Allow',
      Principal: { Service: ['resource-explorer-2.amazonaws.com'] },
    });
  });

  it('parses form-encoded documents with + for spaces', () => {
    const formEncoded = encodeURIComponent(text(adminStatement)).replace(/%20/g, '+').replace(/%3A/g, ':');
    const spaced = encodeURIComponent(
      '{ "Statement": [ { "Effect": "Allow", "Action": "*", "Resource": "*" } ] }',
    ).replace(/%20/g, '+');
    expect(parsePolicyDocument(formEncoded)?.Statement).toEqual([adminStatement]);
    expect(parsePolicyDocument(spaced)?.Statement).toEqual([adminStatement]);
  });

  it('accepts an already parsed object', () => {
    expect(parsePolicyDocument(doc(adminStatement))?.Statement).toHaveLength(1);
  });

  it.each([
    ['garbage', 'not json'],
    ['truncated JSON', '{"Statement": ['],
    ['a broken escape', '%7B%ZZ'],
    ['no Statement', '{"Version":"2012-10-17"}'],
    ['a Statement of the wrong type', '{"Statement":"*"}'],
    ['an Action of the wrong type', '{"Statement":[{"Effect":"Allow","Action":7}]}'],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
  ])('returns undefined for %s', (_name, value) => {
    expect(parsePolicyDocument(value)).toBeUndefined();
  });

  it('refuses documents beyond the size bound instead of parsing them', () => {
    const padded = text({ ...adminStatement, Sid: 'x'.repeat(MAX_POLICY_DOCUMENT_CHARS) });
    expect(parsePolicyDocument(padded)).toBeUndefined();
  });

  it('parses every document a successful call can carry, whitespace padding included', () => {
    // IAM does not count whitespace against its 10,240-character quota; the API takes 131,072.
    const padded = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ ...adminStatement, Sid: 'padded' }],
    }).replace('"Statement"', `${' '.repeat(120_000)}"Statement"`);
    expect(padded.length).toBeLessThanOrEqual(131_072);
    expect(isOversizedPolicyDocument(padded)).toBe(false);
    expect(allowsAdmin(parsePolicyDocument(padded))).toBe(true);
    expect(allowsAdmin(parsePolicyDocument(encodeURIComponent(padded)))).toBe(true);
  });

  it('policyDocumentOf parses once per request object', () => {
    const request = { policyDocument: text(adminStatement) };
    const first = policyDocumentOf(request, 'policyDocument');
    expect(first).toBeDefined();
    expect(policyDocumentOf(request, 'policyDocument')).toBe(first);
    expect(policyDocumentOf(request, 'missing')).toBeUndefined();
  });
});

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
    expect(requestGrantsAdmin({ policyDocument: oversized }, 'policyDocument')).toBe(true);
    expect(requestGrantsAdmin({ policyDocument: harmless }, 'policyDocument')).toBe(false);
    expect(requestGrantsAdmin({ policyDocument: text(adminStatement) }, 'policyDocument')).toBe(true);
    expect(requestGrantsAdmin({}, 'policyDocument')).toBe(false);
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

describe('analyseTrust', () => {
  const ctx = makeContext({
    organizationAccountIds: ['111122223333', '444455556666'],
    trustedAccountIds: ['777777777777'],
  });
  const trust = (
    principal: unknown,
    condition?: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) =>
    parsePolicyDocument(
      text({
        Effect: 'Allow',
        Principal: principal,
        Action: 'sts:AssumeRole',
        ...(condition ? { Condition: condition } : {}),
        ...extra,
      }),
    );

  it('"*" without a condition is public and critical', () => {
    expect(analyseTrust(trust('*'), ctx)).toEqual({
      findings: [{ kind: 'public', principal: '*', severity: 'critical' }],
      severity: 'critical',
    });
    expect(analyseTrust(trust({ AWS: '*' }), ctx).severity).toBe('critical');
  });

  it('"*" held back only by an external id is high', () => {
    const analysis = analyseTrust(trust('*', { StringEquals: { 'sts:ExternalId': '12345' } }), ctx);
    expect(analysis.severity).toBe('high');
    expect(analysis.findings[0]?.kind).toBe('public-with-condition');
  });

  it('"*" pinned to the organization is not a finding', () => {
    expect(
      analyseTrust(trust({ AWS: '*' }, { StringEquals: { 'aws:PrincipalOrgID': 'o-abc' } }), ctx).findings,
    ).toEqual([]);
  });

  it.each([
    [
      'a negated organization condition (everyone outside it)',
      { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc' } },
    ],
    [
      'an …IfExists organization condition (passes for accounts in no organization)',
      { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc' } },
    ],
    ['a Null check (any organization at all)', { Null: { 'aws:PrincipalOrgID': 'false' } }],
    ['a wildcard organization', { StringLike: { 'aws:PrincipalOrgID': 'o-*' } }],
    [
      'a ForAllValues organization condition',
      { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-abc' } },
    ],
    ['a wildcard account', { StringLike: { 'aws:PrincipalAccount': '*' } }],
    ['a wildcard-account ARN', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ci' } }],
    ['a negated account condition', { StringNotEquals: { 'aws:PrincipalAccount': '444455556666' } }],
  ])('"*" with %s is not pinned: public-with-condition', (_name, condition) => {
    expect(analyseTrust(trust({ AWS: '*' }, condition), ctx).findings).toEqual([
      { kind: 'public-with-condition', principal: '*', severity: 'high' },
    ]);
  });

  it('"*" pinned to organization paths or case-variant operators still counts as pinned', () => {
    expect(
      analyseTrust(
        trust(
          { AWS: '*' },
          { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-abc/r-ab12/ou-ab12-1/*' } },
        ),
        ctx,
      ).findings,
    ).toEqual([]);
    expect(
      analyseTrust(trust({ AWS: '*' }, { stringEquals: { 'aws:principalorgid': 'o-abc' } }), ctx).findings,
    ).toEqual([]);
  });

  it('analyseTrustInRequest reports a trust policy too large to inspect', () => {
    const oversized = text({
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Sid: 'x'.repeat(MAX_POLICY_DOCUMENT_CHARS),
    });
    const analysis = analyseTrustInRequest({ policyDocument: oversized }, 'policyDocument', ctx);
    expect(analysis.severity).toBe('high');
    expect(analysis.findings[0]?.kind).toBe('uninspectable');
    expect(
      analyseTrustInRequest(
        { policyDocument: text({ Effect: 'Allow', Principal: '*' }) },
        'policyDocument',
        ctx,
      ).severity,
    ).toBe('critical');
  });

  it('"*" pinned to accounts is judged by those accounts', () => {
    const inside = trust({ AWS: '*' }, { StringEquals: { 'aws:PrincipalAccount': '444455556666' } });
    const outside = trust(
      { AWS: '*' },
      { StringEquals: { 'aws:PrincipalAccount': ['444455556666', '999988887777'] } },
    );
    expect(analyseTrust(inside, ctx).findings).toEqual([]);
    expect(analyseTrust(outside, ctx).findings).toEqual([
      { kind: 'external-account', principal: '*', accountId: '999988887777', severity: 'high' },
    ]);
  });

  it('AWS principals outside the organization and trusted list are high, in every spelling', () => {
    for (const principal of [
      '999988887777',
      'arn:aws:iam::999988887777:root',
      'arn:aws:iam::999988887777:role/path/x',
      'arn:aws:sts::999988887777:assumed-role/x/y',
    ]) {
      expect(analyseTrust(trust({ AWS: principal }), ctx).findings).toEqual([
        { kind: 'external-account', principal, accountId: '999988887777', severity: 'high' },
      ]);
    }
  });

  it('organization, trusted and home accounts, services and federation are fine', () => {
    expect(
      analyseTrust(trust({ AWS: ['444455556666', 'arn:aws:iam::777777777777:root'] }), ctx).findings,
    ).toEqual([]);
    expect(analyseTrust(trust({ AWS: '555555555555' }), makeContext(), '555555555555').findings).toEqual([]);
    expect(analyseTrust(trust({ Service: 'ec2.amazonaws.com' }), ctx).findings).toEqual([]);
    expect(
      analyseTrust(trust({ Federated: 'arn:aws:iam::111122223333:saml-provider/okta' }), ctx).findings,
    ).toEqual([]);
  });

  it('without configured accounts, any other account is external', () => {
    expect(analyseTrust(trust({ AWS: '444455556666' }), makeContext(), '111122223333').severity).toBe('high');
  });

  it('Allow with NotPrincipal trusts everyone else', () => {
    const document = parsePolicyDocument(
      text({
        Effect: 'Allow',
        NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' },
        Action: 'sts:AssumeRole',
      }),
    );
    expect(analyseTrust(document, ctx).severity).toBe('critical');
  });

  it('Deny statements and unique-id principals are not findings', () => {
    const deny = parsePolicyDocument(text({ Effect: 'Deny', Principal: '*', Action: 'sts:AssumeRole' }));
    expect(analyseTrust(deny, ctx).findings).toEqual([]);
    expect(analyseTrust(trust({ AWS: 'AROAEXAMPLEDELETEDROLE' }), ctx).findings).toEqual([]);
    expect(analyseTrust(undefined, ctx)).toEqual({ findings: [] });
  });

  it('accountOfPrincipal reads the account from ids and ARNs only', () => {
    expect(accountOfPrincipal('123456789012')).toBe('123456789012');
    expect(accountOfPrincipal('arn:aws-cn:iam::123456789012:user/x')).toBe('123456789012');
    expect(accountOfPrincipal('AIDAEXAMPLE')).toBeUndefined();
    expect(accountOfPrincipal('arn:aws:s3:::bucket')).toBeUndefined();
  });
});
