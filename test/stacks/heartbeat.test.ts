/**
 * The heartbeat's path in the templates: every forwarding template (StackSet body, management-account
 * stacks) has a schedule putting the heartbeat on its default bus, a forwarder rule that matches that
 * event and sends it through the same role and target as the real events, and the monitor has a
 * central rule matching it too, into the heartbeat function, plus the scheduled check.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEARTBEAT_DETAIL_TYPE, HEARTBEAT_SOURCE } from '../../handlers/heartbeat/handler';
import { derivePatterns } from '../../rules/eventbridge/derive';
import { matchesPattern } from '../../rules/eventbridge/matcher';
import { CATALOG } from '../../rules/registry';
import { regionsWithForwarding } from '../../stacks/iamwatch-app';
import { buildTestApp, exampleConfig, stackSetTemplateBody } from './support';

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;
interface RuleProps {
  Name?: string;
  EventPattern?: Record<string, unknown>;
  ScheduleExpression?: string;
  Condition?: unknown;
  Targets: { Arn: unknown; RoleArn?: unknown }[];
}
interface ScheduleProps {
  ScheduleExpression: string;
  Target: { Arn: unknown; EventBridgeParameters: unknown };
}

const heartbeatEvent = {
  version: '0',
  id: '11111111-2222-3333-4444-555555555555',
  source: HEARTBEAT_SOURCE,
  'detail-type': HEARTBEAT_DETAIL_TYPE,
  account: '333333333333',
  region: 'eu-north-1',
  time: '2026-12-02T12:00:00Z',
  resources: [],
  detail: { intervalMinutes: 15 },
};

const ofType = (resources: Resources, type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type);

describe('heartbeat in the organization deployment', () => {
  let monitor: Resources;
  let forwarderRegions: string[];
  const forwarding: Record<string, Resources> = {};

  beforeAll(() => {
    const config = exampleConfig({ heartbeat: { intervalMinutes: 10, lateAfterMinutes: 30 } });
    const { stacks } = buildTestApp(config);
    forwarderRegions = regionsWithForwarding(config, derivePatterns(CATALOG));
    monitor = Template.fromStack(stacks.monitor).toJSON().Resources as Resources;
    for (const stack of stacks.forwarders) {
      forwarding[stack.stackName] = Template.fromStack(stack).toJSON().Resources as Resources;
    }
    forwarding['stackset-body'] = (
      stackSetTemplateBody(Template.fromStack(stacks.forwarderStackSet!)) as { Resources: Resources }
    ).Resources;
  });

  it('is emitted on every forwarding template default bus and forwarded like a real event', () => {
    // One management-account stack per forwarder region, plus the StackSet body.
    expect(Object.keys(forwarding)).toHaveLength(forwarderRegions.length + 1);
    for (const [name, resources] of Object.entries(forwarding)) {
      const schedules = ofType(resources, 'AWS::Scheduler::Schedule');
      expect(schedules, name).toHaveLength(1);
      const schedule = schedules[0]![1].Properties as unknown as ScheduleProps;
      expect(schedule.ScheduleExpression).toBe('rate(10 minutes)');
      expect(schedule.Target.EventBridgeParameters).toEqual({
        Source: HEARTBEAT_SOURCE,
        DetailType: HEARTBEAT_DETAIL_TYPE,
      });
      expect(JSON.stringify(schedule.Target.Arn)).toContain(':event-bus/default');

      const rules = ofType(resources, 'AWS::Events::Rule').map(
        ([, r]) => r.Properties as unknown as RuleProps,
      );
      // The alarm rule's pattern names its alarm by a CloudFormation reference; it is not about heartbeats.
      const heartbeatRules = rules
        .filter((r) => r.Name !== 'iamwatch-fwd-alarms')
        .filter((r) => matchesPattern(r.EventPattern!, heartbeatEvent));
      expect(
        heartbeatRules.map((r) => r.Name),
        name,
      ).toEqual(['iamwatch-fwd-heartbeat']);
      const [forward] = heartbeatRules;
      const ordinary = rules.find(
        (r) => r.Name !== 'iamwatch-fwd-heartbeat' && r.Name !== 'iamwatch-fwd-alarms',
      )!;
      // Same target bus and same role as the rules carrying real events.
      expect(forward!.Targets[0]!.Arn).toEqual(ordinary.Targets[0]!.Arn);
      expect(forward!.Targets[0]!.RoleArn).toEqual(ordinary.Targets[0]!.RoleArn);
      expect(forward!.Condition).toBeUndefined();
    }
  });

  it('reaches the heartbeat function through a central rule, and a schedule runs the check', () => {
    const functions = Object.fromEntries(
      ofType(monitor, 'AWS::Lambda::Function').map(([id, r]) => [r.Properties!.FunctionName, id]),
    );
    const central = ofType(monitor, 'AWS::Events::Rule')
      .map(([, r]) => r.Properties as unknown as RuleProps)
      .filter((r) => r.EventPattern && matchesPattern(r.EventPattern!, heartbeatEvent));
    expect(central.map((r) => r.Name)).toEqual(['iamwatch-heartbeats']);
    expect(central[0]!.Targets[0]!.Arn).toEqual({ 'Fn::GetAtt': [functions['iamwatch-heartbeat'], 'Arn'] });
    const check = ofType(monitor, 'AWS::Events::Rule')
      .map(([, r]) => r.Properties as unknown as RuleProps)
      .find((r) => r.Name === 'iamwatch-heartbeat-check')!;
    expect(check.ScheduleExpression).toBe('rate(5 minutes)');

    const env = (
      monitor[functions['iamwatch-heartbeat']!]!.Properties as {
        Environment: { Variables: Record<string, string> };
      }
    ).Environment.Variables;
    expect(env.IAMWATCH_HEARTBEAT_LATE_MINUTES).toBe('30');
    expect(JSON.parse(env.IAMWATCH_HEARTBEAT_REGIONS!)).toEqual(forwarderRegions);
    expect(forwarderRegions).toEqual(expect.arrayContaining(['us-east-1', 'eu-west-1', 'eu-north-1']));
    // Expected accounts come from the StackSet's targets (the root here), not a list.
    expect(JSON.parse(env.IAMWATCH_HEARTBEAT_TARGETS!)).toEqual({
      kind: 'organization',
      targetIds: ['r-a1b2'],
      managementAccountId: '111111111111',
    });
  });
});

describe('heartbeat configuration', () => {
  it('is absent everywhere when disabled', () => {
    const { stacks } = buildTestApp(exampleConfig({ heartbeat: { enabled: false } }));
    const monitor = Template.fromStack(stacks.monitor);
    expect(
      Object.keys(
        monitor.findResources('AWS::Lambda::Function', {
          Properties: { FunctionName: 'iamwatch-heartbeat' },
        }),
      ),
    ).toEqual([]);
    for (const stack of stacks.forwarders)
      Template.fromStack(stack).resourceCountIs('AWS::Scheduler::Schedule', 0);
  });

  it('beats on the monitored default bus itself in single-account mode', () => {
    const { stacks } = buildTestApp(exampleConfig({ mode: 'single-account', organization: undefined }));
    const monitor = Template.fromStack(stacks.monitor);
    // The heartbeat's schedule, the end-to-end canary's and the daily digest's.
    expect(
      Object.values(monitor.findResources('AWS::Scheduler::Schedule'))
        .map((s) => s.Properties.Name)
        .sort(),
    ).toEqual(['iamwatch-canary', 'iamwatch-digest', 'iamwatch-heartbeat']);
    const fn = Object.values(
      monitor.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'iamwatch-heartbeat' } }),
    )[0]!;
    expect(JSON.parse(fn.Properties.Environment.Variables.IAMWATCH_HEARTBEAT_TARGETS)).toEqual({
      kind: 'accounts',
      accountIds: ['222222222222'],
    });
  });

  it('rejects a lateness that one late heartbeat would trip', () => {
    expect(() => exampleConfig({ heartbeat: { intervalMinutes: 30, lateAfterMinutes: 45 } })).toThrow(
      /lateAfterMinutes must be at least twice intervalMinutes/,
    );
  });

  it('rejects a filter on an operations subscription and an unknown operations Slack route', () => {
    expect(() =>
      exampleConfig({
        operations: {
          subscriptions: [{ protocol: 'email', endpoint: 'a@example.com', filter: { minSeverity: 'high' } }],
        },
      }),
    ).toThrow(/operational messages .* carry no message attributes/);
    expect(() => exampleConfig({ operations: { slackRoute: 'nope' } })).toThrow(
      /"nope" is not one of slack.routes/,
    );
  });
});
