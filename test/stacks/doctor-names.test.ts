/**
 * `iamwatch doctor --fleet` finds iamwatch's resources by the names the stacks give them and expects
 * the forwarder and central rules the stacks deploy: its defaults and derivations are checked here
 * against the synthesized templates, so a renamed resource or a changed rule fails a test, not a
 * doctor run in production.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedForwarderRules } from '../../handlers/doctor/forwarder-checks';
import { derivePatterns } from '../../rules/eventbridge/derive';
import { ENABLED } from '../../rules/eventbridge/rule-state';
import { centralRuleName } from '../../rules/placement';
import { CATALOG } from '../../rules/registry';
import type { IamwatchConfig } from '../../stacks/config/schema';
import type { IamwatchStacks } from '../../stacks/iamwatch-app';
import { buildTestApp, exampleConfig } from './support';

interface RuleResource {
  Properties: { Name?: string; State?: string; EventPattern?: unknown; EventBusName?: unknown };
}

const PATTERNS = derivePatterns(CATALOG);

describe('names and rules the doctor expects', () => {
  let config: IamwatchConfig;
  let stacks: IamwatchStacks;
  let monitor: Template;

  beforeAll(() => {
    config = exampleConfig();
    stacks = buildTestApp(config).stacks;
    monitor = Template.fromStack(stacks.monitor);
  });

  it('derives the forwarder rules of every region exactly as the forwarder stacks deploy them', () => {
    const prefix = config.resourcePrefix;
    expect(stacks.forwarders.length).toBeGreaterThan(1);
    for (const stack of stacks.forwarders) {
      const deployed = Object.values(
        Template.fromStack(stack).findResources('AWS::Events::Rule') as Record<string, RuleResource>,
      )
        .map((rule) => rule.Properties)
        .filter((rule) => rule.Name?.startsWith(`${prefix}-fwd-`))
        .filter((rule) => rule.Name !== `${prefix}-fwd-heartbeat` && rule.Name !== `${prefix}-fwd-alarms`)
        .map((rule) => ({ name: rule.Name, state: rule.State, pattern: rule.EventPattern }))
        .sort((a, b) => ((a.name ?? '') < (b.name ?? '') ? -1 : 1));
      const expected = expectedForwarderRules(PATTERNS, stack.region, config.regions, prefix).sort((a, b) =>
        a.name < b.name ? -1 : 1,
      );
      expect(deployed, stack.region).toEqual(expected);
    }
  });

  it('expects the central rules, bus, StackSet, topics, queues, alarms and secrets by their synthesized names', () => {
    const prefix = config.resourcePrefix;
    const central = Object.values(monitor.findResources('AWS::Events::Rule') as Record<string, RuleResource>)
      .map((rule) => rule.Properties)
      .filter((rule) => PATTERNS.some((p) => centralRuleName(prefix, p.name) === rule.Name));
    expect(central).toHaveLength(PATTERNS.length);
    for (const derived of PATTERNS) {
      const rule = central.find((r) => r.Name === centralRuleName(prefix, derived.name));
      expect(rule?.State).toBe(derived.state ?? ENABLED);
      expect(rule?.EventPattern).toEqual(derived.pattern);
    }
    monitor.hasResourceProperties('AWS::Events::EventBus', { Name: `${prefix}-central` });
    for (const topic of [`${prefix}-alerts`, `${prefix}-operations`]) {
      monitor.hasResourceProperties('AWS::SNS::Topic', { TopicName: topic });
    }
    const queues = Object.values(monitor.findResources('AWS::SQS::Queue')).map(
      (queue) => (queue.Properties as { QueueName?: string }).QueueName,
    );
    expect(queues.length).toBeGreaterThan(0);
    expect(queues.every((name) => name?.startsWith(`${prefix}-`))).toBe(true);
    const alarms = Object.values(monitor.findResources('AWS::CloudWatch::Alarm')).map(
      (alarm) => (alarm.Properties as { AlarmName?: string }).AlarmName,
    );
    expect(alarms.length).toBeGreaterThan(0);
    expect(alarms.every((name) => name?.startsWith(`${prefix}-`))).toBe(true);
    const secrets = Object.values(monitor.findResources('AWS::SecretsManager::Secret')).map(
      (secret) => (secret.Properties as { Name?: string }).Name,
    );
    expect(secrets.every((name) => name?.startsWith(`${prefix}/slack/`))).toBe(true);
    Template.fromStack(stacks.forwarderStackSet!).hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: `${prefix}-forwarders`,
    });
  });
});
