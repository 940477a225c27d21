import { describe, expect, it } from 'vitest';
import { allPassed, check, formatAge } from '../../../handlers/doctor/check';

describe('doctor checks', () => {
  it('prints ages in their largest unit and the next one', () => {
    expect(formatAge(0)).toBe('0s');
    expect(formatAge(42_000)).toBe('42s');
    expect(formatAge(3_600_000)).toBe('1h');
    expect(formatAge(2 * 86_400_000 + 5 * 3_600_000 + 59_000)).toBe('2d 5h');
    expect(formatAge(90_061_000)).toBe('1d 1h');
    expect(formatAge(-5)).toBe('0s');
  });

  it('passes with warnings, fails with any failure', () => {
    const pass = check('g', 'a', 'a', 'pass', '');
    const warn = check('g', 'b', 'b', 'warn', '');
    expect(allPassed([pass, warn])).toBe(true);
    expect(allPassed([pass, check('g', 'c', 'c', 'fail', '')])).toBe(false);
  });
});
