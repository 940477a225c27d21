import { describe, expect, it } from 'vitest';
import {
  lookupWindow,
  mergeWindows,
  missingWindows,
  overlaps,
  windowOf,
} from '../../../handlers/backfill/window';

const w = (start: string, end: string) => ({ start: `${start}Z`, end: `${end}Z` });

describe('backfill windows', () => {
  it('cuts instants to whole seconds', () => {
    expect(windowOf('2025-03-01T00:00:00.900Z', new Date('2025-03-02T10:11:12.345Z'))).toEqual(
      w('2025-03-01T00:00:00', '2025-03-02T10:11:12'),
    );
  });

  it('limits a window to the 90 days LookupEvents keeps and to now', () => {
    const now = new Date('2025-06-01T12:00:00Z');
    expect(lookupWindow('2025-01-01T00:00:00Z', '2025-07-01T00:00:00Z', now)).toEqual(
      w('2025-03-03T12:00:00', '2025-06-01T12:00:00'),
    );
    expect(lookupWindow('2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z', now)).toBeUndefined();
  });

  it('finds the gaps a checkpoint has not covered, exactly, without overlapping seconds', () => {
    const wanted = w('2025-03-01T00:00:00', '2025-03-10T00:00:00');
    expect(missingWindows(wanted, [])).toEqual([wanted]);
    expect(missingWindows(wanted, [wanted])).toEqual([]);
    expect(missingWindows(wanted, [w('2025-02-01T00:00:00', '2025-03-05T00:00:00')])).toEqual([
      w('2025-03-05T00:00:01', '2025-03-10T00:00:00'),
    ]);
    expect(
      missingWindows(wanted, [
        w('2025-03-02T00:00:00', '2025-03-03T00:00:00'),
        w('2025-03-09T00:00:00', '2025-03-12T00:00:00'),
      ]),
    ).toEqual([
      w('2025-03-01T00:00:00', '2025-03-01T23:59:59'),
      w('2025-03-03T00:00:01', '2025-03-08T23:59:59'),
    ]);
  });

  it('merges windows that overlap or meet, and keeps the others apart', () => {
    expect(
      mergeWindows([
        w('2025-03-05T00:00:00', '2025-03-06T00:00:00'),
        w('2025-03-01T00:00:00', '2025-03-02T00:00:00'),
        w('2025-03-02T00:00:01', '2025-03-03T00:00:00'),
      ]),
    ).toEqual([
      w('2025-03-01T00:00:00', '2025-03-03T00:00:00'),
      w('2025-03-05T00:00:00', '2025-03-06T00:00:00'),
    ]);
  });

  it('tells overlapping windows from disjoint ones', () => {
    expect(
      overlaps(
        w('2025-03-01T00:00:00', '2025-03-02T00:00:00'),
        w('2025-03-02T00:00:00', '2025-03-03T00:00:00'),
      ),
    ).toBe(true);
    expect(
      overlaps(
        w('2025-03-01T00:00:00', '2025-03-02T00:00:00'),
        w('2025-03-02T00:00:01', '2025-03-03T00:00:00'),
      ),
    ).toBe(false);
  });
});
