/**
 * The fleet check families over fakes: every fault moto cannot produce (StackSet instance statuses,
 * PendingConfirmation subscriptions, an account denying access) and the judgements themselves.
 */
import { describe, expect, it } from 'vitest';
import {
  type CentralPort,
  checkCentral,
  judgeAlarms,
  judgeBusPolicy,
  judgeQueues,
} from '../../../handlers/doctor/central-checks';
import type { Check } from '../../../handlers/doctor/check';
import { isAccessDenied, sampleAccounts } from '../../../handlers/doctor/fleet';
import { checkFleet, type FleetPorts } from '../../../handlers/doctor/fleet-checks';
import {
  checkForwarders,
  type EventRule,
  expectedForwarderRules,
  type ForwarderPort,
  judgeRules,
  samePattern,
} from '../../../handlers/doctor/forwarder-checks';
import { checkHeartbeatStore, judgeCanary, judgeHeartbeats } from '../../../handlers/doctor/heartbeat-checks';
import {
  checkNotifications,
  judgeSlackSecret,
  judgeSubscriptions,
  type NotificationPort,
} from '../../../handlers/doctor/notification-checks';
import {
  checkStackSet,
  judgeStackInstances,
  type StackInstance,
} from '../../../handlers/doctor/stackset-checks';
import { deepFleetOptions, PATTERNS, PLACEMENT, REGIONS } from './support/fleet';

const MGMT = '111111111111';
const PROD = '222222222222';
const DEV = '333333333333';
const ACCOUNTS = [
  { accountId: MGMT, accountName: 'management' },
  { accountId: PROD, accountName: 'prod' },
  { accountId: DEV, accountName: 'dev' },
];
const NOW = new Date('2026-12-01T12:00:00Z');
const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX';

const ids = (checks: readonly Check[]) => checks.map((c) => `${c.id} ${c.status}`);

function denied(message = 'User is not authorized to perform: sts:AssumeRole'): Error {
  const cause = Object.assign(new Error(message), { name: 'AccessDenied' });
  return Object.assign(new Error(`cannot assume role: ${message}`, { cause }), { name: 'AssumeRoleError' });
}

/** Rules exactly as the stacks deploy them, per account × region. */
function healthyRules(region: string): EventRule[] {
  return expectedForwarderRules(PATTERNS, region, PLACEMENT, 'iamwatch').map((rule) => ({
    name: rule.name,
    state: rule.state,
    eventPattern: JSON.stringify(rule.pattern),
  }));
}

describe('StackSet instances', () => {
  const members = ACCOUNTS.slice(1);
  const current = (account: string, region: string): StackInstance => ({
    account,
    region,
    status: 'CURRENT',
  });
  const options = { stackSetName: 'iamwatch-forwarders', accounts: members, regions: REGIONS };

  it('passes when every member account × region has a CURRENT instance', () => {
    const instances = members.flatMap((a) => REGIONS.map((r) => current(a.accountId, r)));
    expect(ids(judgeStackInstances(instances, options))).toEqual(['stackset:instances pass']);
    expect(judgeStackInstances(instances, options)[0]?.detail).toContain('4 of 4 instances CURRENT');
  });

  // moto cannot put an instance into OUTDATED, FAILED or INOPERABLE: the statuses are fed here.
  it('names the missing, OUTDATED (failed or under way) and INOPERABLE instances with their reason', () => {
    const instances: StackInstance[] = [
      current(PROD, 'us-east-1'),
      {
        account: PROD,
        region: 'eu-west-1',
        status: 'OUTDATED',
        detailedStatus: 'FAILED',
        statusReason:
          'ResourceLogicalId:ForwarderRole, ResourceType:AWS::IAM::Role, ResourceStatusReason:already exists',
      },
      { account: DEV, region: 'us-east-1', status: 'INOPERABLE', detailedStatus: 'INOPERABLE' },
      // eu-west-1 of dev is missing
    ];
    const checks = judgeStackInstances(instances, options);
    expect(ids(checks)).toEqual([
      'stackset:instances fail',
      `stackset:${PROD}:eu-west-1 fail`,
      `stackset:${DEV}:us-east-1 fail`,
      `stackset:${DEV}:eu-west-1 fail`,
    ]);
    expect(checks[1]?.title).toBe(`prod (${PROD}) eu-west-1`);
    expect(checks[1]?.detail).toContain('OUTDATED (FAILED): ResourceLogicalId:ForwarderRole');
    expect(checks[2]?.detail).toContain('INOPERABLE');
    expect(checks[3]?.detail).toContain('no stack instance');
    const running = judgeStackInstances(
      [
        ...members.map((a) => current(a.accountId, 'us-east-1')),
        current(PROD, 'eu-west-1'),
        { account: DEV, region: 'eu-west-1', status: 'OUTDATED', detailedStatus: 'RUNNING' },
      ],
      options,
    );
    expect(ids(running)).toEqual(['stackset:instances warn', `stackset:${DEV}:eu-west-1 warn`]);
  });

  it('takes the regions from the instances when none are configured', () => {
    const instances = [current(PROD, 'us-east-1'), current(PROD, 'eu-north-1')];
    const checks = judgeStackInstances(instances, { ...options, regions: [] });
    expect(checks[0]?.detail).toContain('us-east-1');
    expect(checks[0]?.detail).toContain('eu-north-1');
    expect(ids(checks)).toContain(`stackset:${DEV}:eu-north-1 fail`);
  });

  it('says how to find a StackSet that is not there, and reports access denied', async () => {
    const notFound = Object.assign(new Error('StackSet iamwatch-forwarders not found'), {
      name: 'StackSetNotFoundException',
    });
    const missing = await checkStackSet(
      { listStackInstances: async () => Promise.reject(notFound) },
      options,
    );
    expect(missing.checks[0]).toMatchObject({ id: 'stackset:found', status: 'fail' });
    expect(missing.checks[0]?.detail).toContain('--call-as');
    const forbidden = Object.assign(new Error('not authorized'), { name: 'AccessDenied' });
    const refused = await checkStackSet(
      { listStackInstances: async () => Promise.reject(forbidden) },
      options,
    );
    expect(refused.checks[0]?.detail).toMatch(/^access denied: AccessDenied: not authorized/);
  });
});

describe('forwarder rules', () => {
  const expected = expectedForwarderRules(PATTERNS, 'us-east-1', PLACEMENT, 'iamwatch');

  it('derives the rules the stacks deploy: names, states (read-only STS) and patterns', () => {
    expect(expected.map((r) => r.name)).toContain('iamwatch-fwd-iam-1');
    expect(expected.find((r) => r.name === 'iamwatch-fwd-sts-1')?.state).toBe(
      'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    );
    // Global services only in us-east-1.
    const europe = expectedForwarderRules(PATTERNS, 'eu-west-1', PLACEMENT, 'iamwatch').map((r) => r.name);
    expect(europe).not.toContain('iamwatch-fwd-iam-1');
    expect(europe).toContain('iamwatch-fwd-signin-1');
  });

  it('compares patterns whatever the key order', () => {
    expect(
      samePattern('{"detail-type":["x"],"source":["aws.iam"]}', {
        source: ['aws.iam'],
        'detail-type': ['x'],
      }),
    ).toBe(true);
    expect(samePattern('{"source":["aws.iam","aws.sts"]}', { source: ['aws.iam'] })).toBe(false);
    expect(samePattern('not json', { source: ['aws.iam'] })).toBe(false);
  });

  it('names a missing rule, a disabled rule and a rule with a wrong pattern', () => {
    const rules = healthyRules('us-east-1');
    expect(judgeRules(rules, expected, 'forwarders', 'x', 'x').status).toBe('pass');
    const broken = rules
      .filter((r) => r.name !== 'iamwatch-fwd-organizations-1')
      .map((r) => (r.name === 'iamwatch-fwd-iam-1' ? { ...r, state: 'DISABLED' } : r))
      .map((r) =>
        r.name === 'iamwatch-fwd-signin-1' ? { ...r, eventPattern: '{"source":["aws.signin"]}' } : r,
      );
    const verdict = judgeRules(broken, expected, 'forwarders', 'x', 'x');
    expect(verdict.status).toBe('fail');
    expect(verdict.detail).toContain('missing: iamwatch-fwd-organizations-1');
    expect(verdict.detail).toContain('iamwatch-fwd-iam-1 is DISABLED, not ENABLED');
    expect(verdict.detail).toContain(
      'pattern differs from the derived one (edited by hand, or an old deployment): iamwatch-fwd-signin-1',
    );
    const wrongState = rules.map((r) => (r.name === 'iamwatch-fwd-sts-1' ? { ...r, state: 'ENABLED' } : r));
    expect(judgeRules(wrongState, expected, 'forwarders', 'x', 'x').detail).toContain(
      'iamwatch-fwd-sts-1 is ENABLED, not ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS',
    );
  });

  it('reports an account that denies access once and checks the others (partial results)', async () => {
    const calls: string[] = [];
    const port: ForwarderPort = {
      listRules: async (account, region) => {
        calls.push(`${account}:${region}`);
        if (account === PROD) throw denied();
        return healthyRules(region);
      },
    };
    const checks = await checkForwarders(port, {
      resourcePrefix: 'iamwatch',
      accounts: ACCOUNTS,
      regions: REGIONS,
      placement: PLACEMENT,
      patterns: PATTERNS,
      concurrency: 2,
    });
    expect(ids(checks)).toEqual([
      `forwarders:${MGMT}:us-east-1 pass`,
      `forwarders:${MGMT}:eu-west-1 pass`,
      `forwarders:${PROD}:us-east-1 fail`,
      `forwarders:${DEV}:us-east-1 pass`,
      `forwarders:${DEV}:eu-west-1 pass`,
    ]);
    expect(checks[2]?.detail).toMatch(/^access denied: AccessDenied: cannot assume role/);
    expect(calls).not.toContain(`${PROD}:eu-west-1`);
  });

  it('never runs more accounts at once than the concurrency allows', async () => {
    let running = 0;
    let most = 0;
    const many = Array.from({ length: 20 }, (_, i) => ({ accountId: String(100000000000 + i) }));
    await checkForwarders(
      {
        listRules: async (_account, region) => {
          running++;
          most = Math.max(most, running);
          await new Promise((resolve) => setImmediate(resolve));
          running--;
          return healthyRules(region);
        },
      },
      {
        resourcePrefix: 'iamwatch',
        accounts: many,
        regions: ['us-east-1'],
        placement: PLACEMENT,
        patterns: PATTERNS,
        concurrency: 8,
      },
    );
    expect(most).toBe(8);
  });

  it('samples accounts evenly and deterministically', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ accountId: String(100000000000 + i) }));
    const sample = sampleAccounts(many, 5).map((a) => a.accountId.slice(-2));
    expect(sample).toEqual(['00', '25', '50', '74', '99']);
    expect(sampleAccounts(many.slice(0, 3), 10)).toHaveLength(3);
  });

  it('recognises access denied on the call and behind a failed AssumeRole', () => {
    expect(isAccessDenied(Object.assign(new Error('x'), { name: 'AccessDeniedException' }))).toBe(true);
    expect(isAccessDenied(denied())).toBe(true);
    expect(isAccessDenied(Object.assign(new Error('x'), { name: 'ThrottlingException' }))).toBe(false);
  });
});

describe('heartbeats', () => {
  const options = { accounts: ACCOUNTS, regions: REGIONS, now: NOW, lateAfterMs: 45 * 60_000 };
  const fresh = '2026-12-01T11:50:00Z';

  it('passes when every account × region was heard from lately, names the late and the never-heard', () => {
    const states = ACCOUNTS.flatMap((a) =>
      REGIONS.map((region) => ({ accountId: a.accountId, region, lastSeenAt: fresh })),
    );
    expect(ids(judgeHeartbeats(states, options))).toEqual(['heartbeats:fresh pass']);
    const late = states
      .filter((s) => !(s.accountId === DEV && s.region === 'eu-west-1'))
      .map((s) =>
        s.accountId === PROD && s.region === 'us-east-1' ? { ...s, lastSeenAt: '2026-12-01T09:00:00Z' } : s,
      );
    const checks = judgeHeartbeats(late, options);
    expect(ids(checks)).toEqual([
      'heartbeats:fresh fail',
      `heartbeat:${PROD}:us-east-1 fail`,
      `heartbeat:${DEV}:eu-west-1 fail`,
    ]);
    expect(checks[0]?.detail).toBe('4 of 6 account × region heard within 45m');
    expect(checks[1]?.detail).toContain('late: newest heartbeat 3h ago (2026-12-01T09:00:00Z), allowed 45m');
    expect(checks[2]?.detail).toContain('never sent a heartbeat');
  });

  it('warns when no heartbeat is stored at all (heartbeats disabled)', () => {
    expect(ids(judgeHeartbeats([], options))).toEqual(['heartbeats:any warn']);
  });

  it('judges the end-to-end canary by its write time: on time, late (even if it arrived), never', () => {
    const onTime = judgeCanary(
      { lastSeenAt: '2026-12-01T11:40:00Z', arrivedAt: '2026-12-01T11:46:00Z' },
      options,
    );
    expect(onTime).toMatchObject({ id: 'heartbeat:canary', status: 'pass' });
    expect(onTime.detail).toBe('newest write 20m ago, recorded 6m after it was written');
    const late = judgeCanary(
      { lastSeenAt: '2026-12-01T10:00:00Z', arrivedAt: '2026-12-01T11:55:00Z' },
      options,
    );
    expect(late.status).toBe('fail');
    expect(late.detail).toContain('2h ago (2026-12-01T10:00:00Z), recorded 1h 55m after it was written');
    expect(late.detail).toContain('allowed 45m');
    expect(judgeCanary(undefined, options)).toMatchObject({ status: 'warn' });
    expect(judgeCanary(undefined, options).detail).toContain('StackSet target');
  });

  it('reads the canary beside the heartbeats, and a failed canary read is a failed line, not a crash', async () => {
    const states = ACCOUNTS.flatMap((a) =>
      REGIONS.map((region) => ({ accountId: a.accountId, region, lastSeenAt: fresh })),
    );
    const store = {
      states: async () => states,
      canaryState: async () => ({ lastSeenAt: fresh }),
    };
    expect(ids(await checkHeartbeatStore(store, options))).toEqual([
      'heartbeats:fresh pass',
      'heartbeat:canary pass',
    ]);
    const broken = {
      ...store,
      canaryState: async () => {
        throw Object.assign(new Error('User is not authorized to perform: dynamodb:GetItem'), {
          name: 'AccessDeniedException',
        });
      },
    };
    const checks = await checkHeartbeatStore(broken, options);
    expect(ids(checks)).toEqual(['heartbeats:fresh pass', 'heartbeat:canary fail']);
    expect(checks[1]?.detail).toContain('cannot read');
  });
});

describe('central', () => {
  const closed = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ForwarderRolesMayPutEvents',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'events:PutEvents',
        Resource: 'arn:aws:events:us-east-1:123456789012:event-bus/iamwatch-central',
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': 'o-abc' },
          ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/iamwatch-forwarder-*' },
        },
      },
    ],
  });

  it('passes a closed bus policy, warns on one open to the organization, fails an open or absent one', () => {
    expect(judgeBusPolicy(closed, 'b').status).toBe('pass');
    const orgOnly = closed.replace(/,"ArnLike":\{[^}]*\}/, '');
    expect(judgeBusPolicy(orgOnly, 'b')).toMatchObject({ status: 'warn' });
    const open = JSON.stringify({
      Statement: [{ Sid: 'Anyone', Effect: 'Allow', Principal: '*', Action: 'events:PutEvents' }],
    });
    expect(judgeBusPolicy(open, 'b').detail).toContain('open: Anyone allows any AWS principal');
    const account = JSON.stringify({
      Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' } }],
    });
    expect(judgeBusPolicy(account, 'b').status).toBe('pass');
    expect(judgeBusPolicy(undefined, 'b')).toMatchObject({ status: 'fail' });
  });

  it('names every non-empty dead-letter queue and every alarm in ALARM', () => {
    expect(ids(judgeQueues([{ name: 'iamwatch-record-failures', visible: 0 }], 'iamwatch'))).toEqual([
      'central:dlq pass',
    ]);
    const full = judgeQueues(
      [
        { name: 'iamwatch-record-failures', visible: 0 },
        { name: 'iamwatch-notify-failures', visible: 3 },
      ],
      'iamwatch',
    );
    expect(full).toEqual([
      expect.objectContaining({
        id: 'central:dlq:iamwatch-notify-failures',
        status: 'fail',
        title: 'iamwatch-notify-failures',
      }),
    ]);
    expect(full[0]?.detail).toMatch(/^3 messages waiting/);
    expect(judgeAlarms([], 'iamwatch')[0]?.status).toBe('pass');
    const alarm = judgeAlarms(
      [{ name: 'iamwatch-record-errors', reason: 'Threshold Crossed', since: '2026-12-01T11:00:00.000Z' }],
      'iamwatch',
    );
    expect(alarm[0]).toMatchObject({ title: 'iamwatch-record-errors', status: 'fail' });
    expect(alarm[0]?.detail).toBe('in ALARM since 2026-12-01T11:00:00.000Z: Threshold Crossed');
  });

  it('keeps checking when one read fails', async () => {
    const port: CentralPort = {
      busPolicy: async () =>
        Promise.reject(Object.assign(new Error('no bus'), { name: 'ResourceNotFoundException' })),
      listRules: async () => [],
      queueDepths: async () => Promise.reject(Object.assign(new Error('nope'), { name: 'AccessDenied' })),
      alarmsInAlarm: async () => [],
    };
    const checks = await checkCentral(port, {
      resourcePrefix: 'iamwatch',
      busName: 'iamwatch-central',
      patterns: PATTERNS,
    });
    expect(ids(checks)).toEqual([
      'central:bus-policy fail',
      'central:rules fail',
      'central:dlq fail',
      'central:alarms pass',
    ]);
    expect(checks[0]?.detail).toContain('not found');
  });
});

describe('notifications', () => {
  it('passes a Slack webhook URL, bare or as JSON, and never prints it', () => {
    for (const value of [WEBHOOK, JSON.stringify({ webhookUrl: WEBHOOK })]) {
      const verdict = judgeSlackSecret('iamwatch/slack/security', value);
      expect(verdict.status).toBe('pass');
      expect(JSON.stringify(verdict)).not.toContain('XXXXXXXX');
    }
  });

  it('fails the placeholder, an empty secret and a URL that is not a Slack webhook, saying what to do', () => {
    const placeholder = judgeSlackSecret('iamwatch/slack/security', 'Vq8#kLz!2pR^dX0@w');
    expect(placeholder.status).toBe('fail');
    expect(placeholder.detail).toContain(
      'aws secretsmanager put-secret-value --secret-id iamwatch/slack/security',
    );
    expect(placeholder.detail).not.toContain('Vq8#kLz');
    expect(judgeSlackSecret('s', undefined).status).toBe('fail');
    const elsewhere = judgeSlackSecret('s', 'https://example.com/hook?token=hunter2');
    expect(elsewhere.status).toBe('fail');
    expect(elsewhere.detail).not.toContain('hunter2');
  });

  // moto confirms every subscription at once: PendingConfirmation is fed here.
  it('fails a topic with a PendingConfirmation subscription and warns on a topic nobody subscribed to', () => {
    const pending = judgeSubscriptions('iamwatch-alerts', [
      {
        subscriptionArn: 'arn:aws:sns:us-east-1:1:iamwatch-alerts:1',
        protocol: 'https',
        endpoint: 'https://events.pagerduty.com/x',
      },
      { subscriptionArn: 'PendingConfirmation', protocol: 'email', endpoint: 'oncall@example.com' },
    ]);
    expect(pending.status).toBe('fail');
    expect(pending.detail).toContain('1 of 2 subscriptions PendingConfirmation (email oncall@example.com)');
    expect(judgeSubscriptions('iamwatch-operations', []).status).toBe('warn');
  });

  it('checks the named secrets besides the listed ones and reports a missing topic', async () => {
    const read: string[] = [];
    const port: NotificationPort = {
      listSecrets: async () => [{ name: 'iamwatch/slack/security' }],
      secretString: async (id) => {
        read.push(id);
        return WEBHOOK;
      },
      topicArn: async (name) => `arn:aws:sns:us-east-1:123456789012:${name}`,
      subscriptions: async () =>
        Promise.reject(Object.assign(new Error('gone'), { name: 'NotFoundException' })),
    };
    const checks = await checkNotifications(port, {
      resourcePrefix: 'iamwatch',
      extraSecrets: ['arn:aws:secretsmanager:us-east-1:123456789012:secret:team-webhook'],
      topics: ['iamwatch-alerts'],
    });
    expect(read).toEqual([
      'iamwatch/slack/security',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:team-webhook',
    ]);
    expect(ids(checks)).toEqual([
      'slack:iamwatch/slack/security pass',
      'slack:arn:aws:secretsmanager:us-east-1:123456789012:secret:team-webhook pass',
      'sns:iamwatch-alerts fail',
    ]);
  });
});

describe('checkFleet', () => {
  function ports(overrides: Partial<FleetPorts> = {}): FleetPorts {
    return {
      stackSet: {
        listStackInstances: async () =>
          [PROD, DEV].flatMap((account) => REGIONS.map((region) => ({ account, region, status: 'CURRENT' }))),
      },
      forwarders: { listRules: async (_account, region) => healthyRules(region) },
      central: {
        busPolicy: async () =>
          JSON.stringify({
            Statement: [
              {
                Effect: 'Allow',
                Principal: '*',
                Condition: {
                  StringEquals: { 'aws:PrincipalOrgID': 'o-1' },
                  ArnLike: { 'aws:PrincipalArn': 'x' },
                },
              },
            ],
          }),
        listRules: async () =>
          PATTERNS.map((p) => ({
            name: `iamwatch-${p.name}`,
            state: p.state ?? 'ENABLED',
            eventPattern: JSON.stringify(p.pattern),
          })),
        queueDepths: async () => [{ name: 'iamwatch-record-failures', visible: 0 }],
        alarmsInAlarm: async () => [],
      },
      notifications: {
        listSecrets: async () => [{ name: 'iamwatch/slack/security' }],
        secretString: async () => WEBHOOK,
        topicArn: async (name) => `arn:aws:sns:us-east-1:123456789012:${name}`,
        subscriptions: async (arn) => [{ subscriptionArn: `${arn}:1`, protocol: 'email' }],
      },
      heartbeats: {
        states: async () =>
          ACCOUNTS.flatMap((a) =>
            REGIONS.map((region) => ({ accountId: a.accountId, region, lastSeenAt: '2026-12-01T11:55:00Z' })),
          ),
        canaryState: async () => ({ lastSeenAt: '2026-12-01T11:45:00Z', arrivedAt: '2026-12-01T11:51:00Z' }),
      },
      ...overrides,
    };
  }
  const options = deepFleetOptions(ACCOUNTS, NOW);

  it('passes a healthy fleet, with the regions taken from the StackSet and the management account left out of it', async () => {
    const checks = await checkFleet(ports(), options);
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(checks.find((c) => c.id === 'stackset:instances')?.detail).toContain('4 of 4 instances CURRENT');
    expect(checks.filter((c) => c.group === 'forwarders')).toHaveLength(6);
  });

  it('goes on with the other accounts and families when one account denies access', async () => {
    const checks = await checkFleet(
      ports({
        forwarders: {
          listRules: async (account, region) => {
            if (account === DEV) throw denied();
            return healthyRules(region);
          },
        },
      }),
      options,
    );
    const failed = checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.id)).toEqual([`forwarders:${DEV}:us-east-1`]);
    expect(failed[0]?.detail).toContain('access denied');
    expect(checks.some((c) => c.group === 'notifications')).toBe(true);
  });

  it('samples the forwarder accounts unless deep, and says heartbeats need the table', async () => {
    const { heartbeats: _, ...withoutTable } = ports();
    const checks = await checkFleet(withoutTable, { ...options, deep: false, sampleSize: 2 });
    expect(checks.find((c) => c.id === 'forwarders:sample')?.detail).toBe(
      'a sample of 2 of 3 accounts (--deep for all)',
    );
    expect(checks.filter((c) => c.id.startsWith('forwarders:') && c.id.endsWith(':us-east-1'))).toHaveLength(
      2,
    );
    expect(checks.find((c) => c.group === 'heartbeats')).toMatchObject({
      status: 'warn',
      id: 'heartbeats:store',
    });
  });
});
