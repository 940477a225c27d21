import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { withCanaryPattern } from '../../rules/canary';
import { patternsForRegion } from '../../rules/placement';
import { parseConfig } from '../../stacks/config/load';
import { canaryIdentityOf } from '../../stacks/constructs/canary';
import type { IamwatchStacks } from '../../stacks/iamwatch-app';
import { buildTestApp, MIXED_PATTERNS } from './support';

const config = parseConfig({
  name: 'single',
  value: {
    mode: 'single-account',
    securityAccountId: '123456789012',
    regions: { monitor: 'us-east-1', forwarders: ['eu-west-1'], identityCenter: 'eu-west-1' },
    slack: { routes: [{ name: 'alerts', minSeverity: 'high' }] },
  },
});
const defaultBusArn = 'arn:aws:events:us-east-1:123456789012:event-bus/default';
let stacks: IamwatchStacks;
let monitor: Template;

beforeAll(() => {
  stacks = buildTestApp(config, { patterns: MIXED_PATTERNS }).stacks;
  monitor = Template.fromStack(stacks.monitor);
});

describe('single-account mode', () => {
  it('has no StackSet and no central bus', () => {
    expect(stacks.forwarderStackSet).toBeUndefined();
    monitor.resourceCountIs('AWS::Events::EventBus', 0);
    monitor.resourceCountIs('AWS::Events::EventBusPolicy', 0);
  });

  it('puts the monitor rules, the derived patterns, on the default bus in us-east-1', () => {
    const rules = Object.values(monitor.findResources('AWS::Events::Rule')).filter(
      (r) =>
        ![
          'iamwatch-forwarder-alarms',
          'iamwatch-notify-burst-flush',
          'iamwatch-heartbeats',
          'iamwatch-heartbeat-check',
        ].includes(r.Properties.Name),
    );
    // MIXED_PATTERNS' iam-1 does not deliver the canary's TagRole, so synth adds the canary's own rule.
    expect(rules.map((r) => [r.Properties.Name, r.Properties.EventPattern])).toEqual(
      withCanaryPattern(MIXED_PATTERNS, canaryIdentityOf(config)).map((p) => [
        `iamwatch-${p.name}`,
        p.pattern,
      ]),
    );
    expect(rules.map((r) => r.Properties.Name)).toContain('iamwatch-canary');
    for (const rule of rules) expect(rule.Properties.EventBusName).toBe('default');
    expect(stacks.monitor.region).toBe('us-east-1');
  });

  it('archives only what the rules can match', () => {
    monitor.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: defaultBusArn,
      EventPattern: {
        source: ['aws.cloudwatch', 'aws.iam', 'aws.signin', 'aws.sso', 'aws.sts'],
        'detail-type': [
          'AWS API Call via CloudTrail',
          'AWS Console Sign In via CloudTrail',
          'AWS Console Signin via CloudTrail',
          'CloudWatch Alarm State Change',
        ],
      },
    });
  });

  it('forwards what is emitted in the other forwarder regions to the us-east-1 default bus', () => {
    expect(stacks.forwarders.map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['iamwatch-forwarder-eu-west-1', '123456789012', 'eu-west-1'],
    ]);
    const template = Template.fromStack(stacks.forwarders[0]!).toJSON();
    const rules = Object.values(
      template.Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
    ).filter(
      (r) =>
        r.Type === 'AWS::Events::Rule' &&
        !['iamwatch-fwd-alarms', 'iamwatch-fwd-heartbeat'].includes(r.Properties.Name as string),
    );
    expect(rules.map((r) => r.Properties.EventPattern)).toEqual(
      patternsForRegion(MIXED_PATTERNS, 'eu-west-1', config.regions).map((p) => p.pattern),
    );
    for (const rule of rules)
      expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: defaultBusArn })]);
  });

  it('creates an account trail rather than an organization trail', () => {
    Template.fromStack(stacks.trail!).hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'iamwatch-trail',
      IsOrganizationTrail: false,
    });
    expect(stacks.trail!.account).toBe('123456789012');
  });

  it('counts only this account as the organization', () => {
    const fn = Object.values(
      monitor.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'iamwatch-record' } }),
    )[0]!;
    expect(stacks.monitor.detectionContext.organizationAccountIds).toEqual(['123456789012']);
    expect(fn.Properties.Environment.Variables.IAMWATCH_ORGANIZATION_SNAPSHOT).toBe('false');
    expect(
      monitor.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: 'iamwatch-organization' },
      }),
    ).toEqual({});
  });
});
