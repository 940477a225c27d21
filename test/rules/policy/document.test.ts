import { describe, expect, it } from 'vitest';
import {
  isOversizedPolicyDocument,
  MAX_POLICY_DOCUMENT_CHARS,
  parsePolicyDocument,
  RequestPolicies,
} from '../../../rules/policy/document';
import { adminStatement, doc, text } from './support';

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
    const statements = [{ ...adminStatement, Sid: 'padded' }];
    expect(parsePolicyDocument(padded)?.Statement).toEqual(statements);
    expect(parsePolicyDocument(encodeURIComponent(padded))?.Statement).toEqual(statements);
  });

  it('refuses documents whose statements have fields of the wrong type, keeps unknown fields', () => {
    const statement = (extra: Record<string, unknown>) => doc({ ...adminStatement, ...extra });
    expect(parsePolicyDocument(statement({ Action: 42 }))).toBeUndefined();
    expect(parsePolicyDocument(statement({ Resource: ['*', 7] }))).toBeUndefined();
    expect(parsePolicyDocument(statement({ Effect: null }))).toBeUndefined();
    expect(parsePolicyDocument(statement({ Condition: ['x'] }))).toBeUndefined();
    expect(parsePolicyDocument({ Version: 2012, Statement: adminStatement })).toBeUndefined();
    expect(parsePolicyDocument({ Version: '2012-10-17' })).toBeUndefined();
    expect(parsePolicyDocument({ Statement: [adminStatement, 'x'] })).toBeUndefined();
    expect(parsePolicyDocument([adminStatement])).toBeUndefined();
    expect(parsePolicyDocument(statement({ Principal: { AWS: 1 }, Extra: true }))?.Statement).toEqual([
      { ...adminStatement, Principal: { AWS: 1 }, Extra: true },
    ]);
  });

  it('RequestPolicies parses each document of a request once', () => {
    const policies = new RequestPolicies({ policyDocument: text(adminStatement) });
    const first = policies.document('policyDocument');
    expect(first).toEqual({ Version: '2012-10-17', Statement: [adminStatement] });
    expect(policies.document('policyDocument')).toBe(first);
    expect(policies.document('missing')).toBeUndefined();
  });

  it('RequestPolicies tells a document too large to inspect from a missing one', () => {
    const oversized = text({ ...adminStatement, Sid: 'x'.repeat(MAX_POLICY_DOCUMENT_CHARS) });
    const policies = new RequestPolicies({ policyDocument: oversized });
    expect(policies.oversized('policyDocument')).toBe(true);
    expect(policies.document('policyDocument')).toBeUndefined();
    expect(policies.oversized('missing')).toBe(false);
  });
});
