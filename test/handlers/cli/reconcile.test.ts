import { describe, expect, it } from 'vitest';
import { type ReplayCounts, reconcile, renderSummary } from '../../../handlers/cli/replay';
import { emptyVerdictCounts } from '../../../handlers/shared/verdict-counts';

function counts(overrides: Partial<ReplayCounts>): ReplayCounts {
  return {
    read: 10,
    delivered: 6,
    notDelivered: 3,
    invalid: 1,
    inserted: 4,
    duplicates: 1,
    unrecordable: 1,
    warned: 0,
    ...emptyVerdictCounts(),
    ...overrides,
  };
}

describe('replay reconciliation', () => {
  it('accepts counts where every record read is accounted for once', () => {
    expect(reconcile(counts({}))).toBeUndefined();
  });

  it('names the difference when a record went missing between reading and recording', () => {
    expect(reconcile(counts({ read: 11 }))).toBe(
      'records unaccounted for: 11 read, but 6 delivered + 3 not delivered + 1 invalid = 10',
    );
    expect(reconcile(counts({ inserted: 3 }))).toBe(
      'records unaccounted for: 6 delivered, but 3 recorded + 1 already in ledger + 1 unrecordable = 5',
    );
  });

  it('shows unrecordable records, warnings and resumed alerts only when there are some', () => {
    const quiet = renderSummary(counts({ unrecordable: 0, inserted: 5 }), { sent: 2, failed: 0 }, 'memory');
    expect(quiet).not.toContain('not recordable');
    expect(quiet).not.toContain('warnings');
    expect(quiet).toMatch(/alerts sent\s+2\n/);
    const loud = renderSummary(counts({ warned: 2 }), { sent: 3, failed: 1, resumed: 2 }, 'memory');
    expect(loud).toMatch(/not recordable\s+1\n/);
    expect(loud).toMatch(/recorded with warnings 2\n/);
    expect(loud).toMatch(/alerts sent\s+3 {2}\(2 resumed from an earlier run, 1 failed\)\n/);
  });
});
