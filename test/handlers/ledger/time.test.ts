import { describe, expect, it } from 'vitest';
import { parseTimeBound, TimeBoundError } from '../../../handlers/ledger/time';

const now = new Date('2026-11-20T14:03:11.250Z');

describe('parseTimeBound', () => {
  it.each([
    // A duration, counted back from now.
    ['30m', '2026-11-20T13:33:11.250Z'],
    ['12h', '2026-11-20T02:03:11.250Z'],
    ['7d', '2026-11-13T14:03:11.250Z'],
    ['2w', '2026-11-06T14:03:11.250Z'],
    ['45s', '2026-11-20T14:02:26.250Z'],
    [' 1d ', '2026-11-19T14:03:11.250Z'],
    // An ISO-8601 time, as UTC.
    ['2026-11-20', '2026-11-20T00:00:00.000Z'],
    ['2026-11-20T14:03:11Z', '2026-11-20T14:03:11.000Z'],
    ['2026-11-20T14:03:11.5Z', '2026-11-20T14:03:11.500Z'],
    ['2026-11-20T14:03', '2026-11-20T14:03:00.000Z'],
    ['2026-11-20 14:03:11', '2026-11-20T14:03:11.000Z'],
    ['2026-11-20T16:03:11+02:00', '2026-11-20T14:03:11.000Z'],
    ['2026-11-20T09:03:11-0500', '2026-11-20T14:03:11.000Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('reads %j as %s', (text, expected) => {
    expect(parseTimeBound(text, now)).toBe(expected);
  });

  it.each([
    'yesterday',
    '7',
    '7y',
    '-7d',
    '',
    '2026-13-01',
    '2026-02-30',
    '2025-02-29',
    '2026-11-20T24:00',
    '20261120',
  ])('refuses %j with a message naming the input', (text) => {
    expect(() => parseTimeBound(text, now)).toThrow(TimeBoundError);
    expect(() => parseTimeBound(text, now)).toThrow(`"${text}"`);
  });

  it('suggests the accepted forms', () => {
    expect(() => parseTimeBound('last week', now)).toThrow(/30m, 12h, 7d, 2w .*ISO-8601/);
  });
});
