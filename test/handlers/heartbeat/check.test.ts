/**
 * The heartbeat check as a pure function over a fake clock: on time, late, recovered, a new account,
 * an account that left — and the promise of the issue: a forwarder that stops in one account and
 * region is reported silent within the lateness deadline (plus one check interval).
 */
import { describe, expect, it } from 'vitest';
import {
  checkHeartbeats,
  describeNotice,
  type HeartbeatNotice,
  type Reporter,
  type ReporterState,
  reporterKey,
} from '../../../handlers/heartbeat/check';

const MINUTE = 60_000;
const LATE = 45 * MINUTE;
const T0 = Date.parse('2026-12-02T12:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * MINUTE);
const iso = (minutes: number) => at(minutes).toISOString();

const A: Reporter = { accountId: '111111111111', region: 'us-east-1', accountName: 'management' };
const B: Reporter = { accountId: '333333333333', region: 'eu-north-1' };

/** The check at `minute`, with the 45-minute deadline. */
function check(minute: number, expected: Reporter[], states: ReporterState[]) {
  return checkHeartbeats({ now: at(minute), lateAfterMs: LATE, expected, states });
}

function state(reporter: Reporter, fields: Partial<ReporterState>): ReporterState {
  return { accountId: reporter.accountId, region: reporter.region, firstExpectedAt: iso(-600), ...fields };
}

describe('checkHeartbeats', () => {
  it('says nothing about a reporter whose heartbeat is on time', () => {
    const result = check(0, [A], [state(A, { lastSeenAt: iso(-44) })]);
    expect(result.notices).toEqual([]);
    expect(result.changed).toEqual([]);
    expect(result.departed).toEqual([]);
  });

  it('reports a late reporter silent once, since its last heartbeat', () => {
    const first = check(0, [A], [state(A, { lastSeenAt: iso(-46) })]);
    expect(first.notices).toEqual([{ kind: 'silent', reporter: A, since: iso(-46), neverReported: false }]);
    expect(first.changed).toEqual([state(A, { lastSeenAt: iso(-46), silentSince: iso(-46) })]);

    const second = check(5, [A], first.changed);
    expect(second.notices).toEqual([]);
  });

  it('reports recovery when a silent reporter beats again', () => {
    const result = check(0, [A], [state(A, { lastSeenAt: iso(-1), silentSince: iso(-120) })]);
    expect(result.notices).toEqual([
      { kind: 'recovered', reporter: A, silentSince: iso(-120), lastSeenAt: iso(-1) },
    ]);
    expect(result.changed[0]).not.toHaveProperty('silentSince');
  });

  it('gives a new account the full deadline from when it was first expected, then reports it', () => {
    const first = check(0, [B], []);
    expect(first.notices).toEqual([]);
    expect(first.changed).toEqual([{ accountId: B.accountId, region: B.region, firstExpectedAt: iso(0) }]);

    const onTime = check(45, [B], first.changed);
    expect(onTime.notices).toEqual([]);
    const late = check(46, [B], first.changed);
    expect(late.notices).toEqual([{ kind: 'silent', reporter: B, since: iso(0), neverReported: true }]);
  });

  it('forgets an account that left without a word, silent or not', () => {
    const result = check(
      0,
      [A],
      [state(A, { lastSeenAt: iso(-1) }), state(B, { lastSeenAt: iso(-300), silentSince: iso(-300) })],
    );
    expect(result.notices).toEqual([]);
    expect(result.departed.map(reporterKey)).toEqual([reporterKey(B)]);
  });

  it('reports a forwarder that stops within the deadline, and only that one', () => {
    // Two reporters beat every 15 minutes; B stops after its beat at minute 60. The check runs every 5.
    const states = new Map<string, ReporterState>();
    const notices: { minute: number; notice: HeartbeatNotice }[] = [];
    for (let minute = 0; minute <= 240; minute += 5) {
      for (const reporter of [A, B]) {
        const stopped = reporter === B && minute > 60;
        if (minute % 15 === 0 && !stopped) {
          const key = reporterKey(reporter);
          states.set(key, { ...(states.get(key) ?? state(reporter, {})), lastSeenAt: iso(minute) });
        }
      }
      const result = check(minute, [A, B], [...states.values()]);
      for (const changed of result.changed) states.set(reporterKey(changed), changed);
      for (const notice of result.notices) notices.push({ minute, notice });
    }
    expect(notices).toHaveLength(1);
    const [{ minute, notice }] = notices as [{ minute: number; notice: HeartbeatNotice }];
    expect(notice).toMatchObject({ kind: 'silent', reporter: B, since: iso(60) });
    expect(minute).toBeGreaterThan(60 + 45);
    expect(minute).toBeLessThanOrEqual(60 + 45 + 5);
  });
});

describe('describeNotice', () => {
  it('says which account and region fell silent since when, and when it came back', () => {
    const silent = describeNotice({ kind: 'silent', reporter: A, since: iso(-46), neverReported: false });
    expect(silent.message).toContain(
      `account management (111111111111) / region us-east-1 silent since ${iso(-46)}`,
    );
    expect(silent.subject.length).toBeLessThan(100);
    const recovered = describeNotice({
      kind: 'recovered',
      reporter: B,
      silentSince: iso(-120),
      lastSeenAt: iso(-1),
    });
    expect(recovered.subject).toBe('iamwatch: 333333333333 / eu-north-1 recovered');
    expect(recovered.message).toContain('account 333333333333 / region eu-north-1 recovered');
  });
});
