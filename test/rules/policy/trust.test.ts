import { describe, expect, it } from 'vitest';
import { makeContext } from '../../../rules/context';
import {
  MAX_POLICY_DOCUMENT_CHARS,
  parsePolicyDocument,
  RequestPolicies,
} from '../../../rules/policy/document';
import { accountOfPrincipal, analyseTrust, analyseTrustInRequest } from '../../../rules/policy/trust';
import { text } from './support';

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
    const analysis = analyseTrustInRequest(
      new RequestPolicies({ policyDocument: oversized }),
      'policyDocument',
      ctx,
    );
    expect(analysis.severity).toBe('high');
    expect(analysis.findings[0]?.kind).toBe('uninspectable');
    expect(
      analyseTrustInRequest(
        new RequestPolicies({ policyDocument: text({ Effect: 'Allow', Principal: '*' }) }),
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
