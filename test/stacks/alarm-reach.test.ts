/**
 * Every alarm reaches a person: for every CloudWatch alarm in every template the app deploys (the
 * monitor, the management-account forwarder stacks, the StackSet's template body, single-account
 * forwarders), follow the path its notification takes — alarm action → topic, or for forwarder
 * alarms, state-change event → forwarding rule → central rule → topic — and require at least one
 * subscription that SNS would deliver it to. Alarm notifications and EventBridge-published messages
 * carry no message attributes, which is exactly what a filtered subscription rejects.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { matchesPattern } from '../../rules/eventbridge/matcher';
import { filterPolicyAccepts } from './sns-filter';
import { buildTestApp, exampleConfig, stackSetTemplateBody } from './support';

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}
type Resources = Record<string, Resource>;

interface Deployment {
  monitor: Resources;
  /** Templates deployed into forwarding accounts and regions, by name. */
  forwarders: Record<string, Resources>;
}

/** Every operational message carries exactly these attributes: none. */
const NO_ATTRIBUTES = {};

function resourcesOf(template: Record<string, unknown>): Resources {
  return template.Resources as Resources;
}

function deploymentOf(config: ReturnType<typeof exampleConfig>): Deployment {
  const { stacks } = buildTestApp(config);
  const forwarders: Record<string, Resources> = {};
  for (const stack of stacks.forwarders) {
    forwarders[stack.stackName] = resourcesOf(Template.fromStack(stack).toJSON());
  }
  if (stacks.forwarderStackSet) {
    forwarders['stackset-body'] = resourcesOf(
      stackSetTemplateBody(Template.fromStack(stacks.forwarderStackSet)),
    );
  }
  return { monitor: resourcesOf(Template.fromStack(stacks.monitor).toJSON()), forwarders };
}

function refOf(value: unknown): string | undefined {
  return value && typeof value === 'object' && 'Ref' in value
    ? String((value as { Ref: unknown }).Ref)
    : undefined;
}

/** Subscriptions of the topic with this logical id that would receive an attribute-less message. */
function acceptingSubscriptions(resources: Resources, topicId: string): string[] {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::SNS::Subscription' && refOf(r.Properties?.TopicArn) === topicId)
    .filter(([, r]) => r.Properties?.FilterPolicyScope !== 'MessageBody')
    .filter(([, r]) => filterPolicyAccepts(r.Properties?.FilterPolicy, NO_ATTRIBUTES))
    .map(([id]) => id);
}

/** Topics (logical ids) an alarm notifies on entering ALARM. */
function alarmTopics(alarm: Resource): string[] {
  const actions = (alarm.Properties?.AlarmActions ?? []) as unknown[];
  return actions.map(refOf).filter((id): id is string => id !== undefined);
}

/** The state-change event EventBridge emits for an alarm, its ARN standing in as a placeholder. */
function stateChangeEvent(alarmId: string, alarm: Resource) {
  return {
    version: '0',
    id: '00000000-0000-0000-0000-000000000000',
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    account: '333333333333',
    region: 'eu-north-1',
    time: '2026-12-02T12:00:00Z',
    resources: [placeholderArn(alarmId)],
    detail: {
      alarmName: alarm.Properties?.AlarmName,
      state: { value: 'ALARM', reason: 'Threshold Crossed' },
      previousState: { value: 'OK' },
    },
  };
}

function placeholderArn(logicalId: string): string {
  return `arn:aws:cloudwatch:eu-north-1:333333333333:alarm:${logicalId}`;
}

/** A template pattern with `Fn::GetAtt [id, Arn]` replaced by the placeholder ARN of `id`. */
function resolvedPattern(pattern: unknown): unknown {
  return JSON.parse(JSON.stringify(pattern), (_key, value) => {
    if (value && typeof value === 'object' && Array.isArray(value['Fn::GetAtt'])) {
      return placeholderArn(value['Fn::GetAtt'][0]);
    }
    return value;
  });
}

/** Rules of `resources` whose pattern matches `event`, with their target ARNs. */
function matchingRules(resources: Resources, event: unknown): { id: string; targets: unknown[] }[] {
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties?.EventPattern)
    .filter(([, r]) => matchesPattern(resolvedPattern(r.Properties!.EventPattern) as never, event))
    .map(([id, r]) => ({
      id,
      targets: ((r.Properties?.Targets ?? []) as { Arn: unknown }[]).map((t) => t.Arn),
    }));
}

/** Who would hear an alarm of a forwarding template: forwarded → central rule → topic → subscription. */
function forwardedReceivers(deployment: Deployment, resources: Resources, alarmId: string): string[] {
  const event = stateChangeEvent(alarmId, resources[alarmId]!);
  const forwarded = matchingRules(resources, event).filter((rule) => rule.targets.length > 0);
  if (forwarded.length === 0) return [];
  return matchingRules(deployment.monitor, event).flatMap((rule) =>
    rule.targets
      .map(refOf)
      .filter((id): id is string => id !== undefined && deployment.monitor[id]?.Type === 'AWS::SNS::Topic')
      .flatMap((topic) => acceptingSubscriptions(deployment.monitor, topic)),
  );
}

function alarmsOf(resources: Resources): [string, Resource][] {
  return Object.entries(resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
}

function expectEveryAlarmHeard(deployment: Deployment): number {
  let checked = 0;
  for (const [id, alarm] of alarmsOf(deployment.monitor)) {
    const receivers = alarmTopics(alarm).flatMap((topic) =>
      acceptingSubscriptions(deployment.monitor, topic),
    );
    expect(receivers, `monitor alarm ${alarm.Properties?.AlarmName} (${id})`).not.toEqual([]);
    checked++;
  }
  for (const [name, resources] of Object.entries(deployment.forwarders)) {
    for (const [id, alarm] of alarmsOf(resources)) {
      const direct = alarmTopics(alarm).flatMap((topic) => acceptingSubscriptions(resources, topic));
      const receivers = [...direct, ...forwardedReceivers(deployment, resources, id)];
      expect(receivers, `${name} alarm ${alarm.Properties?.AlarmName} (${id})`).not.toEqual([]);
      checked++;
    }
  }
  return checked;
}

describe('every alarm reaches a person (SNS filter-policy semantics)', () => {
  let organization: Deployment;

  beforeAll(() => {
    organization = deploymentOf(exampleConfig());
  });

  it('holds for every alarm of the organization deployment, monitor and forwarders alike', () => {
    const checked = expectEveryAlarmHeard(organization);
    const forwarderAlarms = Object.values(organization.forwarders).flatMap(alarmsOf).length;
    expect(forwarderAlarms).toBeGreaterThanOrEqual(Object.keys(organization.forwarders).length);
    expect(checked).toBeGreaterThan(forwarderAlarms + 5);
  });

  it('holds with only a Slack route (no operations subscriptions) and with only subscriptions', () => {
    const slackOnly = exampleConfig({ operations: { subscriptions: [] } });
    expectEveryAlarmHeard(deploymentOf(slackOnly));
    const subscribersOnly = exampleConfig({
      slack: { routes: [] },
      operations: {
        subscriptions: [{ protocol: 'sqs', endpoint: 'arn:aws:sqs:us-east-1:222222222222:ops' }],
      },
    });
    expectEveryAlarmHeard(deploymentOf(subscribersOnly));
  });

  it('holds in single-account mode', () => {
    const single = exampleConfig({ mode: 'single-account', organization: undefined });
    expectEveryAlarmHeard(deploymentOf(single));
  });

  it('would fail on the alert topic: its filtered subscriptions accept no attribute-less message', () => {
    const alertTopic = Object.entries(organization.monitor).find(
      ([, r]) => r.Type === 'AWS::SNS::Topic' && r.Properties?.TopicName === 'iamwatch-alerts',
    )![0];
    expect(acceptingSubscriptions(organization.monitor, alertTopic)).toEqual([]);
    const operations = Object.entries(organization.monitor).find(
      ([, r]) => r.Type === 'AWS::SNS::Topic' && r.Properties?.TopicName === 'iamwatch-operations',
    )![0];
    expect(acceptingSubscriptions(organization.monitor, operations)).toHaveLength(2);
  });

  it('warns at synth when nobody would hear operational messages', () => {
    const { stacks } = buildTestApp(
      exampleConfig({ slack: { routes: [] }, operations: { subscriptions: [] } }),
    );
    const warnings = stacks.monitor.node
      .findAll()
      .flatMap((c) => c.node.metadata)
      .filter((m) => m.type === 'aws:cdk:warning')
      .map((m) => String(m.data));
    expect(warnings.some((w) => w.includes('Nobody receives operational alarms'))).toBe(true);
  });
});

describe('filterPolicyAccepts', () => {
  it('follows the SNS rules for absent attributes', () => {
    expect(filterPolicyAccepts(undefined, {})).toBe(true);
    expect(filterPolicyAccepts({ severity: ['critical'] }, {})).toBe(false);
    expect(filterPolicyAccepts({ severity: ['critical'] }, { severity: 'critical' })).toBe(true);
    expect(filterPolicyAccepts({ severity: [{ exists: false }] }, {})).toBe(true);
    expect(filterPolicyAccepts({ detection: ['a'] }, { detection: ['b', 'a'] })).toBe(true);
    expect(filterPolicyAccepts({ severity: ['high'], accountId: ['1'] }, { severity: 'high' })).toBe(false);
  });
});
