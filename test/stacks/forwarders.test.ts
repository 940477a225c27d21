import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { withCanaryPattern } from '../../rules/canary';
import { derivePatterns } from '../../rules/eventbridge/derive';
import { patternsForRegion, placePatterns } from '../../rules/placement';
import { DEFAULT_ENABLED_REGIONS } from '../../rules/regions';
import { CATALOG } from '../../rules/registry';
import { canaryIdentityOf } from '../../stacks/constructs/canary';
import { ForwarderStackSetStack } from '../../stacks/forwarder-stackset-stack';
import { StackSetTemplateError, synthesizeForwarderTemplate } from '../../stacks/forwarder-template';
import type { IamwatchStacks } from '../../stacks/iamwatch-app';
import { buildTestApp, cdkJsonContext, exampleConfig, MIXED_PATTERNS, stackSetTemplateBody } from './support';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; Condition?: string }>;

const config = exampleConfig();
const centralBusArn = 'arn:aws:events:us-east-1:222222222222:event-bus/iamwatch-central';
let stacks: IamwatchStacks;
let stackSet: Template;
let body: { Resources: Resources; Conditions?: Record<string, unknown>; Parameters?: unknown };

beforeAll(() => {
  stacks = buildTestApp(config, { patterns: MIXED_PATTERNS }).stacks;
  stackSet = Template.fromStack(stacks.forwarderStackSet!);
  body = stackSetTemplateBody(stackSet) as typeof body;
});

function rulesOf(resources: Resources) {
  return Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule');
}

describe('forwarder StackSet', () => {
  it('is service-managed, auto-deploying, called as the configured administrator', () => {
    stackSet.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: 'iamwatch-forwarders',
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'DELEGATED_ADMIN',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
    });
    expect(stacks.forwarderStackSet!.account).toBe('222222222222');
    expect(stacks.forwarderStackSet!.region).toBe('us-east-1');
  });

  it('deploys to the organization root in every forwarder region, us-east-1 first', () => {
    stackSet.hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackInstancesGroup: [
        {
          DeploymentTargets: { OrganizationalUnitIds: ['r-a1b2'] },
          Regions: [...DEFAULT_ENABLED_REGIONS],
        },
      ],
    });
  });

  it('targets the configured OUs and CallAs SELF from the management account', () => {
    const selfConfig = exampleConfig({
      organization: {
        id: 'o-a1b2c3d4e5',
        rootId: 'r-a1b2',
        managementAccountId: '111111111111',
        targetOrganizationalUnitIds: ['ou-a1b2-11111111', 'ou-a1b2-22222222'],
      },
    });
    const selfStacks = buildTestApp(selfConfig, { patterns: MIXED_PATTERNS }).stacks;
    expect(selfStacks.forwarderStackSet!.account).toBe('111111111111');
    Template.fromStack(selfStacks.forwarderStackSet!).hasResourceProperties('AWS::CloudFormation::StackSet', {
      CallAs: 'SELF',
      StackInstancesGroup: [
        Match.objectLike({
          DeploymentTargets: { OrganizationalUnitIds: ['ou-a1b2-11111111', 'ou-a1b2-22222222'] },
        }),
      ],
    });
  });

  it('deploys after the monitor, whose bus policy the forwarders need', () => {
    expect(stacks.forwarderStackSet!.dependencies).toContain(stacks.monitor);
    for (const forwarder of stacks.forwarders) expect(forwarder.dependencies).toContain(stacks.monitor);
    expect(stacks.monitor.dependencies).toContain(stacks.trail);
  });
});

describe('forwarder StackSet template', () => {
  it('is asset-free: no parameters, no bootstrap or asset references, no code', () => {
    const text = JSON.stringify(body);
    expect(body.Parameters).toBeUndefined();
    expect(text).not.toMatch(/cdk-hnb659fds|AssetParameters|BootstrapVersion|aws:asset|S3Bucket|ZipFile/);
    expect(Object.values(body.Resources).map((r) => r.Type)).not.toContain('AWS::Lambda::Function');
    expect(text).not.toContain('aws:cdk:path');
  });

  it('has one rule per placed pattern, conditioned on the region, with the derived patterns unchanged', () => {
    const rules = rulesOf(body.Resources);
    const byName = new Map(rules.map((r) => [r.Properties.Name, r]));
    expect([...byName.keys()].sort()).toEqual(
      [
        'iamwatch-fwd-alarms',
        // MIXED_PATTERNS' iam-1 does not deliver the canary's TagRole: synth adds the canary's own rule.
        'iamwatch-fwd-canary',
        'iamwatch-fwd-heartbeat',
        'iamwatch-fwd-iam-1',
        'iamwatch-fwd-identity-1-identity-center',
        'iamwatch-fwd-identity-1-regional',
        'iamwatch-fwd-signin-1',
      ].sort(),
    );
    expect(byName.get('iamwatch-fwd-iam-1')?.Properties.EventPattern).toEqual(MIXED_PATTERNS[0]?.pattern);
    expect(byName.get('iamwatch-fwd-signin-1')?.Properties.EventPattern).toEqual(MIXED_PATTERNS[1]?.pattern);
    expect(byName.get('iamwatch-fwd-identity-1-regional')?.Properties.EventPattern).toEqual({
      ...MIXED_PATTERNS[2]?.pattern,
      source: ['aws.sts'],
    });
    const conditionOf = (name: string) => {
      const condition = byName.get(name)?.Condition;
      return condition === undefined ? undefined : body.Conditions?.[condition];
    };
    expect(conditionOf('iamwatch-fwd-iam-1')).toEqual({
      'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'],
    });
    expect(conditionOf('iamwatch-fwd-identity-1-identity-center')).toEqual({
      'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'],
    });
    expect(conditionOf('iamwatch-fwd-identity-1-regional')).toBeUndefined();
    expect(conditionOf('iamwatch-fwd-signin-1')).toBeUndefined();
  });

  it('forwards to the central bus through a role, each rule with the dead-letter queue', () => {
    const role = Object.entries(body.Resources).find(([, r]) => r.Type === 'AWS::IAM::Role')!;
    const queue = Object.entries(body.Resources).find(([, r]) => r.Type === 'AWS::SQS::Queue')!;
    for (const rule of rulesOf(body.Resources)) {
      expect(rule.Properties.Targets).toEqual([
        {
          Id: 'monitor-bus',
          Arn: centralBusArn,
          RoleArn: { 'Fn::GetAtt': [role[0], 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue[0], 'Arn'] } },
        },
      ]);
    }
    const policy = Object.values(body.Resources).find((r) => r.Type === 'AWS::IAM::Policy')!;
    expect(policy.Properties.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: centralBusArn }],
    });
  });

  it('references no conditioned rule from another resource', () => {
    const conditioned = new Set(
      Object.entries(body.Resources)
        .filter(([, r]) => r.Condition !== undefined)
        .map(([id]) => id),
    );
    for (const [id, resource] of Object.entries(body.Resources)) {
      if (conditioned.has(id)) continue;
      const text = JSON.stringify(resource);
      for (const other of conditioned) expect(text).not.toContain(`"${other}"`);
    }
  });

  it('alarms on its dead-letter queue and forwards that alarm to the monitor', () => {
    const alarm = Object.entries(body.Resources).find(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')!;
    expect(alarm[1].Properties).toMatchObject({
      AlarmName: 'iamwatch-forwarder-dlq-not-empty',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 0,
    });
    const forward = rulesOf(body.Resources).find((r) => r.Properties.Name === 'iamwatch-fwd-alarms');
    expect(forward?.Properties.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      resources: [{ 'Fn::GetAtt': [alarm[0], 'Arn'] }],
    });
  });

  it('carries exactly the derived patterns of the real catalog', () => {
    const template = synthesizeForwarderTemplate({
      resourcePrefix: 'iamwatch',
      patterns: derivePatterns(CATALOG),
      targetBusArn: centralBusArn,
      regions: config.regions,
      context: cdkJsonContext(),
      cloudFormationValidation: false,
    }) as { Resources: Resources };
    const patterns = rulesOf(template.Resources)
      .filter((r) => !['iamwatch-fwd-alarms', 'iamwatch-fwd-heartbeat'].includes(r.Properties.Name as string))
      .map((r) => [r.Properties.Name, r.Properties.EventPattern]);
    const expected = placePatterns(derivePatterns(CATALOG)).map((p) => [`iamwatch-fwd-${p.name}`, p.pattern]);
    expect(patterns.sort()).toEqual(expected.sort());
  });

  it('refuses a template beyond the inline TemplateBody limit', () => {
    const huge = {
      Resources: { Big: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'x'.repeat(60_000) } } },
    };
    expect(
      () =>
        new ForwarderStackSetStack(new App(), 'TooBig', {
          env: { account: '111111111111', region: 'us-east-1' },
          resourcePrefix: 'iamwatch',
          template: huge,
          organizationalUnitIds: ['r-a1b2'],
          regions: ['us-east-1'],
          callAs: 'SELF',
        }),
    ).toThrow(StackSetTemplateError);
  });
});

describe('management-account forwarders', () => {
  it('exist in every forwarder region, in the management account', () => {
    expect(stacks.forwarders.map((s) => [s.stackName, s.account, s.region])).toEqual(
      DEFAULT_ENABLED_REGIONS.map((region) => [
        `iamwatch-forwarder-management-${region}`,
        '111111111111',
        region,
      ]),
    );
  });

  it('carry in each region only the patterns that fire there, without conditions', () => {
    for (const stack of stacks.forwarders) {
      const template = Template.fromStack(stack);
      const rules = rulesOf(template.toJSON().Resources as Resources);
      const expected = patternsForRegion(
        withCanaryPattern(MIXED_PATTERNS, canaryIdentityOf(config)),
        stack.region,
        config.regions,
      );
      expect(
        rules
          .filter(
            (r) => !['iamwatch-fwd-alarms', 'iamwatch-fwd-heartbeat'].includes(r.Properties.Name as string),
          )
          .map((r) => r.Properties.EventPattern),
      ).toEqual(expected.map((p) => p.pattern));
      expect(rules.every((r) => r.Condition === undefined)).toBe(true);
      for (const rule of rules) {
        expect(rule.Properties.Targets).toEqual([expect.objectContaining({ Arn: centralBusArn })]);
      }
    }
  });
});
