/**
 * The canary check as a pure function over a fake clock (on time, late → silent once, recovered), and
 * the heartbeat function checking the canary over dynalite and a local SNS endpoint: the record path's
 * arrival note, the operations message, the same state machine as heartbeats (no repeated pages).
 */
import { PublishCommand } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { staticDirectory } from '../../../handlers/heartbeat/accounts';
import { checkCanary, describeCanaryNotice } from '../../../handlers/heartbeat/check';
import { readHeartbeatConfig } from '../../../handlers/heartbeat/config';
import { createHeartbeatHandler, type HeartbeatDeps } from '../../../handlers/heartbeat/handler';
import { DynamoHeartbeatStore, MemoryHeartbeatStore } from '../../../handlers/heartbeat/store';
import { ConfigurationError } from '../../../handlers/shared/env';
import { silentLogger } from '../../../handlers/shared/logger';
import { startFakeSns, TOPIC_ARN } from '../../e2e/support/sns';
import { useSuiteResource } from '../../support/suite';
import { startDynaliteLedger } from '../ledger/support/dynalite';

const MINUTE = 60_000;
const LATE = 45 * MINUTE;
const T0 = Date.parse('2026-12-02T12:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * MINUTE);
const iso = (minutes: number) => at(minutes).toISOString();
const CANARY = { accountId: '222222222222', roleName: 'iamwatch-canary' };

describe('checkCanary', () => {
  it('starts the clock at the first check and says nothing while a write is on time', () => {
    const first = checkCanary({ now: at(0), lateAfterMs: LATE, state: undefined });
    expect(first).toEqual({ changed: { firstExpectedAt: iso(0) } });
    const onTime = checkCanary({
      now: at(50),
      lateAfterMs: LATE,
      state: { firstExpectedAt: iso(0), lastSeenAt: iso(6), arrivedAt: iso(7) },
    });
    expect(onTime).toEqual({});
  });

  it('reports a late canary once, with when it was last seen, then recovered', () => {
    let state = { firstExpectedAt: iso(-600), lastSeenAt: iso(0), arrivedAt: iso(1) };
    expect(checkCanary({ now: at(45), lateAfterMs: LATE, state })).toEqual({});
    const late = checkCanary({ now: at(46), lateAfterMs: LATE, state });
    expect(late.notice).toEqual({ kind: 'silent', since: iso(0), lastSeenAt: iso(0), arrivedAt: iso(1) });
    state = late.changed as typeof state;
    expect(state).toMatchObject({ silentSince: iso(0) });
    // Still late at the next checks: no second page.
    expect(checkCanary({ now: at(51), lateAfterMs: LATE, state })).toEqual({});
    expect(checkCanary({ now: at(300), lateAfterMs: LATE, state })).toEqual({});

    const back = checkCanary({
      now: at(305),
      lateAfterMs: LATE,
      state: { ...state, lastSeenAt: iso(302), arrivedAt: iso(303) },
    });
    expect(back.notice).toEqual({
      kind: 'recovered',
      silentSince: iso(0),
      lastSeenAt: iso(302),
      arrivedAt: iso(303),
    });
    expect(back.changed).not.toHaveProperty('silentSince');
  });

  it('reports a canary that never arrived, counted from its first expectation', () => {
    const never = checkCanary({ now: at(46), lateAfterMs: LATE, state: { firstExpectedAt: iso(0) } });
    expect(never.notice).toEqual({ kind: 'silent', since: iso(0) });
    expect(describeCanaryNotice(never.notice!, CANARY).message).toContain('never seen');
  });

  it('counts a write that arrives but took longer than the deadline as late', () => {
    // Written at 0, recorded at 50: the trip itself broke the deadline.
    const slow = checkCanary({
      now: at(51),
      lateAfterMs: LATE,
      state: { firstExpectedAt: iso(-600), lastSeenAt: iso(0), arrivedAt: iso(50) },
    });
    expect(slow.notice).toMatchObject({ kind: 'silent', since: iso(0) });
  });

  it('says what is silent, since when, last seen, and where to look', () => {
    const silent = describeCanaryNotice(
      { kind: 'silent', since: iso(0), lastSeenAt: iso(0), arrivedAt: iso(1) },
      CANARY,
    );
    expect(silent.subject).toBe('iamwatch: end-to-end canary silent');
    expect(silent.message).toContain(
      'End-to-end canary silent since 2026-12-02T12:00:00.000Z (last seen: written at 2026-12-02T12:00:00.000Z, recorded at 2026-12-02T12:01:00.000Z)',
    );
    expect(silent.message).toContain('iam:TagRole on role iamwatch-canary in account 222222222222');
    const recovered = describeCanaryNotice(
      { kind: 'recovered', silentSince: iso(0), lastSeenAt: iso(302), arrivedAt: iso(303) },
      CANARY,
    );
    expect(recovered.subject).toBe('iamwatch: end-to-end canary recovered');
  });
});

describe('the heartbeat function checks the canary', () => {
  const ledger = useSuiteResource(startDynaliteLedger);
  const sns = useSuiteResource(startFakeSns);

  const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event' };

  it('over dynalite: arrival noted apart from heartbeats, silent once, recovered', async () => {
    let now = T0;
    const store = new DynamoHeartbeatStore(ledger.client, ledger.tableName);
    const deps: HeartbeatDeps = {
      store,
      directory: staticDirectory([{ id: '222222222222' }]),
      regions: ['us-east-1'],
      lateAfterMs: LATE,
      canary: CANARY,
      clock: { now: () => new Date(now) },
      publish: async ({ subject, message }) => {
        await sns.client.send(
          new PublishCommand({ TopicArn: TOPIC_ARN, Subject: subject, Message: message }),
        );
      },
      logger: silentLogger,
    };
    const handler = createHeartbeatHandler(deps);
    await store.recordHeartbeat('222222222222', 'us-east-1', iso(0));
    await store.recordCanary(iso(0), iso(1));
    // A duplicate or older write arriving late never moves the clock back.
    await store.recordCanary(iso(-15), iso(2));
    expect(await handler(scheduled)).toMatchObject({ kind: 'checked', expected: 1, notices: [] });
    expect(await store.canaryState()).toEqual({
      firstExpectedAt: iso(0),
      lastSeenAt: iso(0),
      arrivedAt: iso(1),
    });
    // The canary item is not a reporter: heartbeats see one account × region, and nothing departs.
    expect(await store.states()).toHaveLength(1);

    // Heartbeats keep coming, the canary does not.
    for (let minute = 15; minute <= 45; minute += 15)
      await store.recordHeartbeat('222222222222', 'us-east-1', iso(minute));
    now = T0 + 50 * MINUTE;
    const late = await handler(scheduled);
    expect(late).toMatchObject({ notices: [], canaryNotice: { kind: 'silent', since: iso(0) } });
    expect(sns.published.map((m) => m.subject)).toEqual(['iamwatch: end-to-end canary silent']);
    expect(sns.published[0]!.rawMessage).toContain('End-to-end canary silent since 2026-12-02T12:00:00.000Z');

    now = T0 + 55 * MINUTE;
    await store.recordHeartbeat('222222222222', 'us-east-1', iso(55));
    expect(await handler(scheduled)).not.toHaveProperty('canaryNotice');
    expect(sns.published).toHaveLength(1);

    await store.recordCanary(iso(56), iso(57));
    now = T0 + 60 * MINUTE;
    expect(await handler(scheduled)).toMatchObject({ canaryNotice: { kind: 'recovered' } });
    expect(sns.published.map((m) => m.subject)).toEqual([
      'iamwatch: end-to-end canary silent',
      'iamwatch: end-to-end canary recovered',
    ]);
    expect(await store.canaryState()).toEqual({
      firstExpectedAt: iso(0),
      lastSeenAt: iso(56),
      arrivedAt: iso(57),
    });
  });

  it('checks the canary even when the account directory fails', async () => {
    const store = new MemoryHeartbeatStore();
    const published: string[] = [];
    const handler = createHeartbeatHandler({
      store,
      directory: {
        expectedAccounts: async () => {
          throw new Error('Organizations unavailable');
        },
      },
      regions: ['us-east-1'],
      lateAfterMs: LATE,
      canary: CANARY,
      clock: { now: () => at(100) },
      publish: async ({ subject }) => {
        published.push(subject);
      },
      logger: silentLogger,
    });
    await store.saveCanaryCheck({ firstExpectedAt: iso(0) });
    await expect(handler(scheduled)).rejects.toThrow('Organizations unavailable');
    expect(published).toEqual(['iamwatch: end-to-end canary silent']);
  });
});

describe('IAMWATCH_CANARY', () => {
  const env = {
    IAMWATCH_TABLE_NAME: 't',
    IAMWATCH_OPERATIONS_TOPIC_ARN: TOPIC_ARN,
    IAMWATCH_HEARTBEAT_REGIONS: '["us-east-1"]',
    IAMWATCH_HEARTBEAT_TARGETS: '{"kind":"accounts","accountIds":["222222222222"]}',
  };
  it('is optional, and checked when present', () => {
    expect(readHeartbeatConfig(env).canary).toBeUndefined();
    expect(readHeartbeatConfig({ ...env, IAMWATCH_CANARY: JSON.stringify(CANARY) }).canary).toEqual(CANARY);
    expect(() => readHeartbeatConfig({ ...env, IAMWATCH_CANARY: '{"roleName":"x"}' })).toThrow(
      ConfigurationError,
    );
  });
});
