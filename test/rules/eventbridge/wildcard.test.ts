import { describe, expect, it } from 'vitest';
import { matchesWildcard, parseWildcard, wildcardComplexity } from '../../../rules/eventbridge/wildcard';

const score = (...values: string[]) =>
  wildcardComplexity(
    values.map((value) => ({ identity: value, values: [value] })),
    1000,
  );

describe('wildcardComplexity', () => {
  // Scores event-ruler's MachineComplexityEvaluator gives (recorded in the shared vectors), and the
  // two AWS-recorded anchors: 7 is accepted, 11 is refused.
  it.each([
    ['', 1],
    ['a\\*b', 1],
    ['*', 2],
    ['a*b', 2],
    ['1*', 2],
    ['a\\\\*', 2],
    ['arn:aws:sts::*:assumed-role/Admin*/*', 5],
    ['/Users/*/dir/dir/dir/dir/dir/doc.txt', 7],
    ['*:*:*:*:*:event-bus/*', 11],
  ])('%j scores %i', (value, expected) => {
    expect(score(value)).toBe(expected);
  });

  it('adds up the wildcards of one field', () => {
    expect(score('*.bif', '*.tiff', '*.tif', '*.svs')).toBe(8);
    expect(score('*/datasync/*.bif', '*/datasync/*.tif')).toBe(8);
    expect(
      score('*/datasync/*.bif', '*/datasync/*.tif', '*/datasync/*.svs', '*/datasync/*.tiff'),
    ).toBeGreaterThan(10);
  });

  it('counts a repeated wildcard once', () => {
    expect(
      wildcardComplexity([
        { identity: 'w', values: ['/Users/*/dir/dir/dir/dir/dir/doc.txt'] },
        { identity: 'w', values: ['/Users/*/dir/dir/dir/dir/dir/doc.txt'] },
      ]),
    ).toBe(7);
  });

  it('stops counting past the cap', () => {
    expect(wildcardComplexity([{ identity: 'w', values: ['*:*:*:*:*:event-bus/*'] }], 3)).toBeGreaterThan(3);
  });
});

describe('parseWildcard', () => {
  it('splits at unescaped stars and unescapes', () => {
    expect(parseWildcard('a*b\\*c*')).toEqual(['a', 'b*c', '']);
    expect(parseWildcard('\\\\')).toEqual(['\\']);
  });

  it('locates errors in UTF-8 bytes of the quoted value', () => {
    expect(() => parseWildcard('ü\\x')).toThrow('Invalid escape character at pos 3');
    expect(() => parseWildcard('a**')).toThrow('Consecutive wildcard characters at pos 2');
  });
});

describe('matchesWildcard', () => {
  it.each([
    ['*', '', true],
    ['a*', 'a', true],
    ['*a', 'ba', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
    ['x*y*z', 'x-y-y-z', true],
    ['', 'a', false],
  ])('%j on %j → %s', (wildcard, text, expected) => {
    expect(matchesWildcard(parseWildcard(wildcard), text)).toBe(expected);
  });
});
