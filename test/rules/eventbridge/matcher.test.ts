import { describe, expect, it } from 'vitest';
import { compilePattern, type EventPattern, matchesPattern } from '../../../rules/eventbridge';

/** An envelope around `detail`, with the fields EventBridge events always carry. */
function event(detail: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '0',
    id: 'e1',
    source: 'aws.iam',
    'detail-type': 'AWS API Call via CloudTrail',
    account: '111122223333',
    time: '2026-11-20T14:03:11Z',
    region: 'us-east-1',
    resources: [],
    detail,
    ...extra,
  };
}

const matches = (pattern: EventPattern, detail: unknown) => matchesPattern(pattern, event(detail));

describe('array consistency', () => {
  const pattern = { detail: { r: { type: ['AWS::IAM::Role'], arn: [{ prefix: 'arn:aws:iam::1:role/' }] } } };

  it('matches when both fields come from the same array element', () => {
    expect(
      matches(pattern, {
        r: [{ type: 'AWS::IAM::User' }, { type: 'AWS::IAM::Role', arn: 'arn:aws:iam::1:role/a' }],
      }),
    ).toBe(true);
  });

  it('does not combine fields of different elements', () => {
    expect(
      matches(pattern, {
        r: [
          { type: 'AWS::IAM::Role', arn: 'arn:aws:iam::1:user/bob' },
          { type: 'AWS::IAM::User', arn: 'arn:aws:iam::1:role/a' },
        ],
      }),
    ).toBe(false);
  });

  it('backtracks: a later field can force a different element for an earlier one', () => {
    const p = { detail: { r: { a: ['x'], b: ['2'] } } };
    expect(
      matches(p, {
        r: [
          { a: 'x', b: '1' },
          { a: 'y', b: '2' },
          { a: 'x', b: '2' },
        ],
      }),
    ).toBe(true);
    expect(
      matches(p, {
        r: [
          { a: 'x', b: '1' },
          { a: 'y', b: '2' },
        ],
      }),
    ).toBe(false);
  });

  it('keeps nested arrays consistent level by level', () => {
    const p = { detail: { outer: { inner: { k: ['1'], v: ['a'] } } } };
    expect(
      matches(p, {
        outer: [
          { inner: [{ k: '1', v: 'b' }] },
          {
            inner: [
              { k: '2', v: 'a' },
              { k: '1', v: 'a' },
            ],
          },
        ],
      }),
    ).toBe(true);
    expect(matches(p, { outer: [{ inner: [{ k: '1', v: 'b' }] }, { inner: [{ k: '2', v: 'a' }] }] })).toBe(
      false,
    );
  });

  it('lets separate arrays vary independently', () => {
    const p = { detail: { a: { x: ['1'] }, b: { y: ['2'] } } };
    expect(matches(p, { a: [{ x: '0' }, { x: '1' }], b: [{ y: '2' }, { y: '3' }] })).toBe(true);
  });

  it('matches any element of an array of scalars, nested arrays flattened', () => {
    expect(matches({ detail: { tags: ['c'] } }, { tags: [['a', 'b'], ['c']] })).toBe(true);
    expect(matches({ detail: { tags: ['d'] } }, { tags: [['a', 'b'], ['c']] })).toBe(false);
  });
});

describe('exists', () => {
  it('treats null and the empty string as present, objects and empty arrays as absent', () => {
    const present = { detail: { k: [{ exists: true }] } };
    const absent = { detail: { k: [{ exists: false }] } };
    expect([null, '', 0, false, ['a']].map((k) => matches(present, { k }))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([{}, { a: 1 }, []].map((k) => matches(present, { k }))).toEqual([false, false, false]);
    expect([{}, { a: 1 }, []].map((k) => matches(absent, { k }))).toEqual([true, true, true]);
    expect(matches(absent, {})).toBe(true);
    expect(matches(absent, { k: null })).toBe(false);
  });

  it('exists: false means absent in every array element', () => {
    const p = { detail: { r: { a: [{ exists: false }] } } };
    expect(matches(p, { r: [{ b: 1 }, { b: 2 }] })).toBe(true);
    expect(matches(p, { r: [{ b: 1 }, { a: 2 }] })).toBe(false);
  });

  it('combines with other alternatives of the same field', () => {
    const p = { detail: { state: [{ 'anything-but': 'stopped' }, { exists: false }] } };
    expect(matches(p, {})).toBe(true);
    expect(matches(p, { state: 'running' })).toBe(true);
    expect(matches(p, { state: 'stopped' })).toBe(false);
  });
});

describe('dotted keys', () => {
  it('an event key with dots is the nested path, and a pattern key with dots too', () => {
    expect(matches({ detail: { a: { b: { c: ['x'] } } } }, { 'a.b': { c: 'x' } })).toBe(true);
    expect(matches({ detail: { 'a.b.c': ['x'] } }, { a: { 'b.c': 'x' } })).toBe(true);
    expect(matches({ detail: { 'a.b': ['x'] } }, { a: { b: { c: 'x' } } })).toBe(false);
  });

  it('does not read inherited properties as event fields', () => {
    expect(matches({ detail: { constructor: [{ 'anything-but': 'x' }] } }, {})).toBe(false);
    expect(matches({ detail: { toString: [{ exists: true }] } }, {})).toBe(false);
  });
});

describe('values and types', () => {
  it('compares numbers by value, not spelling, and never equal to strings', () => {
    expect(matches({ detail: { n: [300] } }, { n: 3e2 })).toBe(true);
    expect(matches({ detail: { n: [300] } }, { n: '300' })).toBe(false);
    expect(matches({ detail: { n: ['300'] } }, { n: 300 })).toBe(false);
    expect(matches({ detail: { n: [{ numeric: ['>=', 10, '<', 20] }] } }, { n: 19.5 })).toBe(true);
    expect(matches({ detail: { n: [{ numeric: ['>=', 10, '<', 20] }] } }, { n: 20 })).toBe(false);
    expect(matches({ detail: { n: [{ numeric: ['=', 5] }] } }, { n: '5' })).toBe(false);
  });

  it('keeps booleans, null and strings apart', () => {
    expect(matches({ detail: { b: [true] } }, { b: 'true' })).toBe(false);
    expect(matches({ detail: { b: [null] } }, { b: 'null' })).toBe(false);
    expect(matches({ detail: { b: [null] } }, { b: null })).toBe(true);
    expect(matches({ detail: { b: [false] } }, { b: false })).toBe(true);
  });

  it('string operators never match numbers', () => {
    for (const op of [{ prefix: '' }, { suffix: '3' }, { 'equals-ignore-case': '123' }, { wildcard: '*' }]) {
      expect(matches({ detail: { n: [op] } }, { n: 123 }), JSON.stringify(op)).toBe(false);
    }
  });

  it('anything-but passes leaves of another type, fails on missing fields and objects', () => {
    const p = { detail: { n: [{ 'anything-but': ['a', 'b'] }] } };
    expect([5, true, null, 'c'].map((n) => matches(p, { n }))).toEqual([true, true, true, true]);
    expect(matches(p, { n: 'a' })).toBe(false);
    expect(matches(p, {})).toBe(false);
    expect(matches(p, { n: { a: 1 } })).toBe(false);
    expect(matches(p, { n: ['a', 'c'] })).toBe(true);
    expect(matches(p, { n: ['a', 'b'] })).toBe(false);
  });

  it('anything-but with operators', () => {
    const prefix = { detail: { u: [{ 'anything-but': { prefix: ['svc-', 'ci-'] } }] } };
    expect(matches(prefix, { u: 'alice' })).toBe(true);
    expect(matches(prefix, { u: 'ci-runner' })).toBe(false);
    const ignoreCase = { detail: { u: [{ 'anything-but': { 'equals-ignore-case': ['Root'] } }] } };
    expect(matches(ignoreCase, { u: 'ROOT' })).toBe(false);
    expect(matches(ignoreCase, { u: 'rooted' })).toBe(true);
    const wildcard = { detail: { u: [{ 'anything-but': { wildcard: 'arn:*:role/*' } }] } };
    expect(matches(wildcard, { u: 'arn:aws:iam::1:role/x' })).toBe(false);
    expect(matches(wildcard, { u: 'arn:aws:iam::1:user/x' })).toBe(true);
  });

  it('ignores case per character, including ß ↔ SS', () => {
    expect(matches({ detail: { k: [{ 'equals-ignore-case': 'straße' }] } }, { k: 'STRASSE' })).toBe(true);
    expect(matches({ detail: { k: [{ 'equals-ignore-case': 'CreateUser' }] } }, { k: 'createuser' })).toBe(
      true,
    );
    expect(matches({ detail: { k: [{ 'equals-ignore-case': 'CreateUser' }] } }, { k: 'createusers' })).toBe(
      false,
    );
    expect(matches({ detail: { k: [{ prefix: { 'equals-ignore-case': 'a.b' } }] } }, { k: 'axb' })).toBe(
      false,
    );
    expect(matches({ detail: { k: [{ suffix: { 'equals-ignore-case': '.PNG' } }] } }, { k: 'x.png' })).toBe(
      true,
    );
  });

  it('wildcards: any run of characters, escaped stars literal', () => {
    const role = { detail: { arn: [{ wildcard: 'arn:aws:sts::*:assumed-role/Admin*/*' }] } };
    expect(matches(role, { arn: 'arn:aws:sts::1:assumed-role/AdminRole/alice' })).toBe(true);
    expect(matches(role, { arn: 'arn:aws:sts::1:assumed-role/ReadOnly/alice' })).toBe(false);
    expect(matches({ detail: { k: [{ wildcard: 'a\\*b' }] } }, { k: 'a*b' })).toBe(true);
    expect(matches({ detail: { k: [{ wildcard: 'a\\*b' }] } }, { k: 'axb' })).toBe(false);
    expect(matches({ detail: { k: [{ wildcard: 'a*a*a' }] } }, { k: 'aa' })).toBe(false);
    expect(matches({ detail: { k: [{ wildcard: 'a*a*a' }] } }, { k: 'aaa' })).toBe(true);
  });
});

describe('IP addresses', () => {
  it('matches CIDR blocks of the right family only', () => {
    const v4 = { detail: { ip: [{ cidr: '10.0.0.0/8' }] } };
    expect(matches(v4, { ip: '10.255.0.1' })).toBe(true);
    expect(matches(v4, { ip: '11.0.0.1' })).toBe(false);
    expect(matches(v4, { ip: 'iam.amazonaws.com' })).toBe(false);
    expect(matches(v4, { ip: '::ffff:a00:1' })).toBe(true);
    const v6 = { detail: { ip: [{ cidr: '2001:db8::/32' }] } };
    expect(matches(v6, { ip: '2001:DB8:ffff::1' })).toBe(true);
    expect(matches(v6, { ip: '2001:db9::1' })).toBe(false);
    expect(matches(v6, { ip: '10.0.0.1' })).toBe(false);
  });

  it('an exact address matches every spelling of it, other strings stay exact', () => {
    expect(
      matches({ detail: { ip: ['2001:db8::1'] } }, { ip: '2001:0db8:0000:0000:0000:0000:0000:0001' }),
    ).toBe(true);
    expect(matches({ detail: { ip: ['10.0.0.1'] } }, { ip: '10.0.0.01' })).toBe(true);
    expect(matches({ detail: { ip: ['10.0.0.1'] } }, { ip: '10.0.0.2' })).toBe(false);
    expect(matches({ detail: { ip: ['10.0.0.1', 'AWS Internal'] } }, { ip: 'AWS Internal' })).toBe(true);
  });
});

describe('$or', () => {
  const pattern = {
    source: ['aws.iam'],
    detail: { $or: [{ eventName: ['CreateUser'] }, { userIdentity: { type: ['Root'] } }] },
  };

  it('matches when any branch matches, with the fields outside $or in every branch', () => {
    expect(matchesPattern(pattern, event({ eventName: 'CreateUser' }))).toBe(true);
    expect(matchesPattern(pattern, event({ eventName: 'DeleteUser', userIdentity: { type: 'Root' } }))).toBe(
      true,
    );
    expect(matchesPattern(pattern, event({ eventName: 'DeleteUser' }))).toBe(false);
    expect(matchesPattern(pattern, event({ eventName: 'CreateUser' }, { source: 'aws.s3' }))).toBe(false);
  });

  it('a later field replaces an earlier one of the same path in that branch', () => {
    const p = { detail: { a: ['1'], $or: [{ a: ['2'] }, { b: ['3'] }] } };
    expect(matches(p, { a: '2' })).toBe(true);
    expect(matches(p, { a: '1', b: '3' })).toBe(true);
    expect(matches(p, { a: '1' })).toBe(false);
  });
});

describe('compiled patterns', () => {
  it('reuse: one compiled pattern answers many events independently', () => {
    const compiled = compilePattern({ detail: { r: { a: ['x'], b: ['2'] } } });
    const yes = event({ r: [{ a: 'x', b: '2' }] });
    const no = event({ r: [{ a: 'x' }, { b: '2' }] });
    expect([yes, no, yes, no].map((e) => compiled.matches(e))).toEqual([true, false, true, false]);
  });

  it('never matches something that is not an event object', () => {
    const compiled = compilePattern({ source: [{ exists: false }] });
    expect([null, undefined, 'x', 1, [], [{}]].map((e) => compiled.matches(e))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(compiled.matches({})).toBe(true);
  });

  it('does not see the pattern change after compiling', () => {
    const pattern: EventPattern = { source: ['aws.iam'] };
    const compiled = compilePattern(pattern);
    pattern.source = ['aws.s3'];
    expect(compiled.matches(event({}))).toBe(true);
  });
});
