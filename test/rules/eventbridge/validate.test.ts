import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  compilePatternText,
  InvalidEventPatternError,
  InvalidTestEventError,
  MAX_OR_COMBINATIONS,
  testEventPattern,
  validatePattern,
} from '../../../rules/eventbridge';

/** The reason a pattern is rejected for, or undefined when it is accepted. */
function reasonFor(pattern: unknown): string | undefined {
  try {
    validatePattern(pattern);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return error.reason;
    throw error;
  }
}

describe('validatePattern', () => {
  it('accepts the operators EventBridge documents', () => {
    const pattern = {
      source: ['aws.iam', { prefix: 'aws.' }],
      detail: {
        eventName: [{ suffix: 'User' }, { 'equals-ignore-case': 'createuser' }, { wildcard: 'Create*' }],
        n: [{ numeric: ['>', 0, '<=', 5] }, { numeric: ['=', 3.5] }],
        ip: [{ cidr: '10.0.0.0/24' }, { cidr: '2001:db8::/32' }],
        a: [
          { 'anything-but': ['x'] },
          { 'anything-but': { prefix: 'y' } },
          { 'anything-but': { wildcard: 'z*' } },
        ],
        e: [{ exists: false }],
        $or: [{ x: [null] }, { y: [true, 1, 'one'] }],
      },
    };
    expect(reasonFor(pattern)).toBeUndefined();
  });

  it.each([
    [[], 'Filter is not an object'],
    [{}, 'Empty objects are not allowed'],
    [{ a: 'x' }, '"a" must be an object or an array'],
    [{ a: [] }, 'Empty arrays are not allowed'],
    [{ a: [['x']] }, 'Match value must be String, number, true, false, or null'],
    [{ a: [{}] }, 'Match expression name not found'],
    [{ a: [{ prefix: 'a', suffix: 'b' }] }, 'Only one key allowed in match expression'],
    [{ a: [{ exactly: 'a' }] }, 'Unrecognized match type exactly'],
    [{ a: [{ numeric: ['<', 10, '>', 1] }] }, 'Too many elements in numeric expression'],
    [{ a: [{ numeric: ['>', 5, '<', 5] }] }, 'Bottom must be less than top'],
    [{ a: [{ numeric: [] }] }, 'Invalid member in numeric match: ]'],
    [{ a: [{ numeric: ['!', 1] }] }, 'Unrecognized numeric range operator: !'],
    [{ a: [{ numeric: ['>', 1, 2] }] }, 'Bad value in numeric range: 2'],
    [
      { a: [{ 'anything-but': [] }] },
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    [{ a: [{ 'anything-but': {} }] }, 'Anything-But expression name not found'],
    [{ a: [{ 'anything-but': { numeric: [1] } }] }, 'Unsupported anything-but pattern: numeric'],
    [{ a: [{ prefix: { 'equals-ignore-case': 'a', x: 1 } }] }, 'Only one key allowed in match expression'],
    [{ a: [{ suffix: { exists: true } }] }, 'Unsupported suffix pattern: exists'],
    [{ a: [{ cidr: '10.0.0.256/8' }] }, 'Invalid IP address: 10.0.0.256'],
    [{ a: [{ cidr: '10.0.0.0/-1' }] }, 'Malformed CIDR, mask bits must not be negative'],
    [{ a: [{ cidr: '10.0.0.0/33' }] }, 'IPv4 mask bits must be < 32'],
    [{ a: [{ exists: 'true' }] }, 'exists match pattern must be either true or false.'],
    [{ a: [{ wildcard: 'a\\' }] }, 'Invalid escape character at pos 2'],
    [{ a: [{ wildcard: 'é**' }] }, 'Consecutive wildcard characters at pos 3'],
    [{ $or: { a: ['1'] } }, 'It must be an Array followed with $or.'],
    [{ $or: [{ a: ['1'] }, ['b']] }, 'Only JSON object is allowed in array of $or relationship.'],
    [
      { $or: [{ a: ['1'] }, { b: { numeric: ['1'] } }] },
      'numeric is Ruler reserved fieldName which cannot be used inside $or.',
    ],
  ])('rejects %j: %s', (pattern, reason) => {
    expect(reasonFor(pattern)).toBe(reason);
  });

  it('reports the first problem in document order', () => {
    expect(reasonFor({ a: [{ prefix: 1 }], b: [] })).toBe('prefix match pattern must be a string');
    expect(reasonFor({ b: [], a: [{ prefix: 1 }] })).toBe('Empty arrays are not allowed');
  });

  it('refuses values JSON cannot hold', () => {
    expect(reasonFor({ a: [Number.NaN] })).toMatch(/not a JSON number/);
    expect(reasonFor({ a: [() => 1] })).toMatch(/not a JSON value/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(reasonFor(cyclic)).toMatch(/cycle/);
    expect(reasonFor({ a: ['x'], b: undefined })).toBeUndefined();
  });

  it('caps $or expansions at the documented 1000 combinations', () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ [`f${i}`]: ['1'] }));
    // 6 × 6 × 6 = 216 is fine; a fourth $or makes 1296.
    expect(reasonFor({ a: { $or: six }, b: { $or: six }, c: { $or: six } })).toBeUndefined();
    expect(reasonFor({ a: { $or: six }, b: { $or: six }, c: { $or: six }, d: { $or: six } })).toContain(
      `more than ${MAX_OR_COMBINATIONS}`,
    );
  });

  it('limits wildcard complexity per field, across all wildcards on it', () => {
    expect(reasonFor({ k: [{ wildcard: '*:*:*:*:*:event-bus/*' }] })).toMatch(/^Rule is too complex/);
    expect(
      reasonFor({ k: [{ wildcard: '*/datasync/*.bif' }, { wildcard: '*/datasync/*.tif' }] }),
    ).toBeUndefined();
    const four = ['bif', 'tif', 'svs', 'tiff'].map((ext) => ({ wildcard: `*/datasync/*.${ext}` }));
    expect(reasonFor({ k: four })).toMatch(/^Rule is too complex/);
    // The same wildcards spread over different fields are costed separately.
    expect(reasonFor({ a: four.slice(0, 2), b: four.slice(2) })).toBeUndefined();
  });

  it('takes a string as pattern text', () => {
    expect(reasonFor('{"a": [{"numeric": [">", 0.10000000000000001]}]}')).toBe(
      'Cannot compare number : 0.10000000000000001',
    );
    expect(reasonFor('{"a": [{"numeric": [">", 0.1]}]}')).toBeUndefined();
  });
});

describe('pattern text', () => {
  it('words and locates syntax errors like AWS (Jackson)', () => {
    const error = (() => {
      try {
        compilePatternText('{\n  "a": [tru]\n}');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidEventPatternError);
    expect((error as Error).message).toBe(
      "Event pattern is not valid. Reason: Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n" +
        ' at [Source: (String)"{\n  "a": [tru]\n}"; line: 2, column: 12]',
    );
  });

  it.each([
    ['{"a": ["x"]', 'Unexpected end-of-input: expected close marker for Object'],
    [
      '{"a": ["x"] "b": ["y"]}',
      "Unexpected character ('\"' (code 34)): was expecting comma to separate Object entries",
    ],
    [
      '{"a" ["x"]}',
      "Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value",
    ],
    ['{"a": [#]}', "Unexpected character ('#' (code 35)): expected a valid value"],
    ['{"a": [01]}', 'Invalid numeric value: Leading zeroes not allowed'],
    ['{"a": ["\\q"]}', "Unrecognized character escape 'q' (code 113)"],
    ['{"a": ["x"]} {}', "Unexpected character ('{' (code 123))"],
    ['', 'No content to map due to end-of-input'],
  ])('rejects %j', (text, start) => {
    expect(() => compilePatternText(text)).toThrow(start);
  });

  it('keeps every occurrence of a repeated key, the last one winning for the same field', () => {
    const compiled = compilePatternText(
      '{"detail": {"a": ["1"]}, "detail": {"b": ["2"]}, "source": ["x"], "source": ["y"]}',
    );
    expect(compiled.matches({ source: 'y', detail: { a: '1', b: '2' } })).toBe(true);
    expect(compiled.matches({ source: 'x', detail: { a: '1', b: '2' } })).toBe(false);
    expect(compiled.matches({ source: 'y', detail: { b: '2' } })).toBe(false);
  });

  it('reads number spellings exactly, as JSON.parse cannot', () => {
    expect(compilePatternText('{"n": [3.0e2]}').matches({ n: 300 })).toBe(true);
    expect(() => compilePatternText('{"n": [{"anything-but": [1e400]}]}')).toThrow(
      'Cannot compare number : 1e400',
    );
    // An exact value that is not exactly a double is still accepted (compared as the double it reads as).
    expect(
      compilePatternText('{"n": [12345678901234567890]}').matches(JSON.parse('{"n": 12345678901234567890}')),
    ).toBe(true);
  });

  it('compilePattern and compilePatternText agree on ordinary patterns', () => {
    const pattern = { source: ['aws.iam'], detail: { eventName: [{ prefix: 'Create' }] } };
    const event = { source: 'aws.iam', detail: { eventName: 'CreateUser' } };
    expect(compilePattern(pattern).matches(event)).toBe(true);
    expect(compilePatternText(JSON.stringify(pattern)).matches(event)).toBe(true);
  });
});

describe('testEventPattern', () => {
  const envelope = {
    id: '1',
    account: '111122223333',
    source: 'aws.iam',
    time: '2026-01-01T00:00:00Z',
    region: 'us-east-1',
    'detail-type': 'AWS API Call via CloudTrail',
  };

  it('answers like the AWS API', () => {
    expect(testEventPattern('{"source": ["aws.iam"]}', JSON.stringify(envelope))).toBe(true);
    expect(testEventPattern('{"source": ["aws.s3"]}', JSON.stringify(envelope))).toBe(false);
  });

  it.each([
    ['not JSON', '{"id": '],
    ['a string', '"plain string"'],
    ['an array', '[]'],
    ['null', 'null'],
    ['without region', JSON.stringify({ ...envelope, region: undefined })],
  ])('refuses an event that is %s with ValidationException', (_what, eventJson) => {
    const attempt = () => testEventPattern('{"source": ["aws.iam"]}', eventJson);
    expect(attempt).toThrow(InvalidTestEventError);
    expect(attempt).toThrow('Parameter Event is not valid.');
  });

  it('rejects an invalid pattern with InvalidEventPatternException', () => {
    const attempt = () => testEventPattern('{"source": "aws.iam"}', JSON.stringify(envelope));
    expect(attempt).toThrow(InvalidEventPatternError);
    expect(attempt).toThrow('Event pattern is not valid. Reason: "source" must be an object or an array');
  });
});
