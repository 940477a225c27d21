import { describe, expect, it } from 'vitest';
import { InvalidHistoryFilterError } from '../../../handlers/ledger/errors';
import { resolveFilter } from '../../../handlers/ledger/filter';
import { planHistory } from '../../../handlers/ledger/history';
import type { HistoryFilter } from '../../../handlers/ports';

const plan = (filter: HistoryFilter) => planHistory(resolveFilter(filter));

describe('planHistory: the most selective facet the filter pins down', () => {
  it.each<[string, HistoryFilter, string[]]>([
    [
      'typed target in an account',
      { target: 'user/Bob', account: '111122223333', actor: 'alice' },
      ['target-in#111122223333#user#bob'],
    ],
    ['actor before target', { actor: 'Alice', target: 'bob', ip: '203.0.113.7' }, ['actor#alice']],
    [
      'target by ARN',
      { target: 'arn:aws:iam::111122223333:user/bob', account: '111122223333' },
      ['target#arn:aws:iam::111122223333:user/bob'],
    ],
    ['typed target without account', { target: 'role/deployer' }, ['target#deployer']],
    ['ip before detection', { ip: '203.0.113.7', detection: 'iam-user-created' }, ['ip#203.0.113.7']],
    [
      'detection before event',
      { detection: 'root-activity', eventName: 'CreateUser' },
      ['detection#root-activity'],
    ],
    ['event before severity', { eventName: 'CreateUser', minSeverity: 'high' }, ['event#createuser']],
    [
      'severity floor: one partition per level',
      { minSeverity: 'high', account: '111122223333' },
      ['severity#high', 'severity#critical'],
    ],
    ['account', { account: '111122223333', since: '2026-11-01' }, ['account#111122223333']],
  ])('%s', (_name, filter, facets) => {
    const result = plan(filter);
    expect(result.kind).toBe('facets');
    expect(result.kind === 'facets' && result.facets).toEqual(facets);
  });

  it('walks the days of the range when nothing else is pinned down', () => {
    expect(
      plan({ since: '2026-11-18T10:00:00Z', until: '2026-11-20T09:00:00+02:00', minSeverity: 'info' }),
    ).toEqual({
      kind: 'days',
      fromDay: '2026-11-18',
      untilDay: '2026-11-20',
      range: { from: '2026-11-18T10:00:00.000Z', until: '2026-11-20T07:00:00.000Z$' },
    });
    expect(plan({})).toEqual({ kind: 'days', range: {} });
  });

  it('puts the time bounds on the sort key of facet queries', () => {
    expect(plan({ actor: 'alice', since: '2026-11-18' }).range).toEqual({ from: '2026-11-18T00:00:00.000Z' });
  });
});

describe('resolveFilter', () => {
  it.each<[string, HistoryFilter]>([
    ['an unparseable time', { since: 'last tuesday' }],
    ['an unknown severity', { minSeverity: 'urgent' as never }],
    ['a zero limit', { limit: 0 }],
    ['a fractional limit', { limit: 2.5 }],
    ['a target kind without a name', { target: 'user/' }],
    ['a target kind with a blank name', { target: ' Role/  ' }],
  ])('refuses %s', (_name, filter) => {
    expect(() => resolveFilter(filter)).toThrow(InvalidHistoryFilterError);
  });

  it('reads type/name targets, and anything else as a name or ARN', () => {
    expect(resolveFilter({ target: 'User/Bob' }).target).toEqual({ type: 'user', name: 'bob' });
    expect(resolveFilter({ target: 'team/' }).target).toEqual({ value: 'team/' });
  });

  it('normalises values and drops empty ones', () => {
    expect(resolveFilter({ actor: ' Alice ', ip: '', eventName: 'CreateUser', minSeverity: 'info' })).toEqual(
      {
        actor: 'alice',
        eventName: 'createuser',
      },
    );
  });
});
