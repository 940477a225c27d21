/**
 * The end-to-end canary in the templates: the dedicated role (trusted by nobody, denied everything),
 * the writer function with TagRole on that one role for that one tag key, the Scheduler schedule, the
 * record function's arrival grant, the check's configuration — and the canary's CloudTrail event
 * delivered by the project's EventBridge matcher: the security account's forwarder in us-east-1 (a
 * StackSet instance) and a central rule in organization mode, the monitored default bus alone in
 * single-account mode.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { canaryEnvelope } from '../../rules/canary';
import { matchesPattern } from '../../rules/eventbridge/matcher';
import { type RuleState, stateAdmits } from '../../rules/eventbridge/rule-state';
import type { EventBridgeEnvelope } from '../../rules/types';
import { parseConfig } from '../../stacks/config/load';
import type { IamwatchConfig } from '../../stacks/config/schema';
import { canaryIdentityOf } from '../../stacks/constructs/canary';
import { buildTestApp, exampleConfig, MIXED_PATTERNS, stackSetTemplateBody } from './support';

interface Resource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown> & {
    Name?: string;
    State?: RuleState;
    EventPattern?: Record<string, unknown>;
  };
}
type Resources = Record<string, Resource>;

const singleConfig = (heartbeat: Record<string, unknown> = {}) =>
  parseConfig({
    name: 'single',
    value: {
      mode: 'single-account',
      securityAccountId: '123456789012',
      slack: { routes: [{ name: 'alerts' }] },
      heartbeat,
    },
  });

function monitorOf(config: IamwatchConfig, patterns = undefined as typeof MIXED_PATTERNS | undefined) {
  const { stacks } = buildTestApp(config, patterns ? { patterns } : {});
  return { stacks, monitor: Template.fromStack(stacks.monitor).toJSON().Resources as Resources };
}

const ofType = (resources: Resources, type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type);
const functionNamed = (resources: Resources, name: string) =>
  ofType(resources, 'AWS::Lambda::Function').find(([, r]) => r.Properties.FunctionName === name);

/** The pattern rules (not schedules, not the alarm rule) that exist in us-east-1 and deliver `envelope`. */
function delivering(
  resources: Resources,
  envelope: EventBridgeEnvelope,
  conditions: Record<string, unknown> = {},
) {
  return ofType(resources, 'AWS::Events::Rule')
    .map(([, r]) => r)
    .filter((r) => r.Properties.EventPattern && !JSON.stringify(r.Properties.EventPattern).includes('"Fn::'))
    .filter((r) => {
      if (!r.Condition) return true;
      const [, region] = (conditions[r.Condition] as { 'Fn::Equals': [unknown, string] })['Fn::Equals'];
      return region === 'us-east-1';
    })
    .filter(
      (r) => r.Properties.State !== ('DISABLED' as RuleState) && stateAdmits(r.Properties.State, envelope),
    )
    .filter((r) => matchesPattern(r.Properties.EventPattern!, envelope))
    .map((r) => r.Properties.Name as string);
}

describe('the canary in the organization deployment (example configuration)', () => {
  const config = exampleConfig();
  const identity = canaryIdentityOf(config)!;
  const { stacks, monitor } = monitorOf(config);

  it('is on by default, in the security account, named after the prefix', () => {
    expect(identity).toEqual({
      accountId: '222222222222',
      roleName: 'iamwatch-canary',
      writerRoleName: 'iamwatch-canary-writer',
    });
    expect(config.heartbeat.canary).toEqual({ enabled: true, schedule: 'rate(15 minutes)' });
  });

  it('has a dedicated role that nobody can assume and that is denied everything', () => {
    const [, role] = ofType(monitor, 'AWS::IAM::Role').find(
      ([, r]) => r.Properties.RoleName === 'iamwatch-canary',
    )!;
    const trust = JSON.stringify(role.Properties.AssumeRolePolicyDocument);
    expect(trust).toContain('aws:PrincipalArn');
    expect(trust).toContain(':role/iamwatch-canary"');
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toEqual([
      {
        PolicyName: 'DenyEverything',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }],
        },
      },
    ]);
  });

  it('tags it from a function allowed TagRole on that role, for the canary tag key only', () => {
    const [, fn] = functionNamed(monitor, 'iamwatch-canary')!;
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    expect(monitor[roleId]!.Properties.RoleName).toBe('iamwatch-canary-writer');
    expect((fn.Properties.Environment as { Variables: Record<string, string> }).Variables).toMatchObject({
      IAMWATCH_CANARY_ROLE_NAME: 'iamwatch-canary',
    });
    const [canaryRoleId] = ofType(monitor, 'AWS::IAM::Role').find(
      ([, r]) => r.Properties.RoleName === 'iamwatch-canary',
    )!;
    const iamStatements = ofType(monitor, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: unknown }[] }).Statement)
      .filter((s) => JSON.stringify(s.Action).includes('iam:'));
    expect(iamStatements).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:TagRole',
        Resource: { 'Fn::GetAtt': [canaryRoleId, 'Arn'] },
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['iamwatch:canary'] } },
      },
    ]);
    // No other principal in any template may tag or untag roles.
    for (const stack of [stacks.monitor, ...stacks.forwarders, stacks.trail!]) {
      const text = JSON.stringify(Template.fromStack(stack).toJSON());
      expect(text.split('iam:TagRole').length - 1, stack.stackName).toBe(stack === stacks.monitor ? 1 : 0);
    }
  });

  it('runs it on an EventBridge Scheduler schedule with retries and a dead-letter queue', () => {
    const [, schedule] = ofType(monitor, 'AWS::Scheduler::Schedule').find(
      ([, s]) => s.Properties.Name === 'iamwatch-canary',
    )!;
    const [fnId] = functionNamed(monitor, 'iamwatch-canary')!;
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^CanaryFailures/), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
      },
    });
    const invokerId = (schedule.Properties.Target as { RoleArn: { 'Fn::GetAtt': [string] } }).RoleArn[
      'Fn::GetAtt'
    ][0];
    const invokerActions = ofType(monitor, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(invokerId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: unknown }[] }).Statement)
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(invokerActions.sort()).toEqual([
      'lambda:InvokeFunction',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
  });

  it('lets the record function note arrivals in the heartbeat partition only, and the check watch them', () => {
    const [, record] = functionNamed(monitor, 'iamwatch-record')!;
    const recordRole = (record.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const updates = ofType(monitor, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(recordRole))
      .flatMap(
        ([, p]) =>
          (p.Properties.PolicyDocument as { Statement: { Action: unknown; Condition?: unknown }[] })
            .Statement,
      )
      .filter((s) => JSON.stringify(s.Action).includes('dynamodb:UpdateItem'));
    expect(updates).toHaveLength(1);
    expect(updates[0]!.Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['HEARTBEATS'] },
    });
    expect(stacks.monitor.detectionContext.canary).toEqual(identity);
    const [, heartbeat] = functionNamed(monitor, 'iamwatch-heartbeat')!;
    expect(
      JSON.parse(
        (heartbeat.Properties.Environment as { Variables: Record<string, string> }).Variables
          .IAMWATCH_CANARY!,
      ),
    ).toEqual({ accountId: '222222222222', roleName: 'iamwatch-canary' });
  });

  it("forwards the canary's TagRole from the security account in us-east-1 and matches it centrally", () => {
    const envelope = canaryEnvelope(identity);
    expect(envelope).toMatchObject({ account: '222222222222', region: 'us-east-1', source: 'aws.iam' });
    const body = stackSetTemplateBody(Template.fromStack(stacks.forwarderStackSet!)) as {
      Resources: Resources;
      Conditions: Record<string, unknown>;
    };
    expect(delivering(body.Resources, envelope, body.Conditions)).toEqual([
      expect.stringMatching(/^iamwatch-fwd-iam-/),
    ]);
    expect(delivering(monitor, envelope)).toEqual([expect.stringMatching(/^iamwatch-iam-/)]);
    // The derived iam pattern already delivers it: no canary-specific rule is added.
    expect(delivering(monitor, envelope).some((name) => name.includes('canary'))).toBe(false);
  });

  it('adds the narrowest canary rule, forwarder and central, when the patterns would not deliver it', () => {
    const { stacks: mixed, monitor: mixedMonitor } = monitorOf(config, MIXED_PATTERNS);
    const envelope = canaryEnvelope(identity);
    expect(delivering(mixedMonitor, envelope)).toEqual(['iamwatch-canary']);
    const body = stackSetTemplateBody(Template.fromStack(mixed.forwarderStackSet!)) as {
      Resources: Resources;
      Conditions: Record<string, unknown>;
    };
    expect(delivering(body.Resources, envelope, body.Conditions)).toEqual(['iamwatch-fwd-canary']);
    const other = canaryEnvelope({ ...identity, roleName: 'payments-deploy' });
    expect(delivering(mixedMonitor, other)).toEqual([]);
  });
});

describe('the canary in single-account mode', () => {
  it('tags in the one account, whose default bus is the monitored bus', () => {
    const config = singleConfig();
    const identity = canaryIdentityOf(config)!;
    expect(identity.accountId).toBe('123456789012');
    const { monitor } = monitorOf(config);
    expect(functionNamed(monitor, 'iamwatch-canary')).toBeDefined();
    const rules = delivering(monitor, canaryEnvelope(identity));
    expect(rules).toEqual([expect.stringMatching(/^iamwatch-iam-/)]);
    const [, rule] = ofType(monitor, 'AWS::Events::Rule').find(([, r]) => r.Properties.Name === rules[0])!;
    expect(rule.Properties.EventBusName).toBe('default');
  });

  it('follows a configured schedule and role name', () => {
    const config = singleConfig({ canary: { schedule: 'rate(5 minutes)', roleName: 'acme-iam-canary' } });
    const { monitor } = monitorOf(config);
    const [, schedule] = ofType(monitor, 'AWS::Scheduler::Schedule').find(
      ([, s]) => s.Properties.Name === 'iamwatch-canary',
    )!;
    expect(schedule.Properties.ScheduleExpression).toBe('rate(5 minutes)');
    expect(
      ofType(monitor, 'AWS::IAM::Role').some(([, r]) => r.Properties.RoleName === 'acme-iam-canary'),
    ).toBe(true);
  });
});

describe('without the canary', () => {
  it.each([
    ['canary: false', { canary: false }],
    ['canary.enabled false', { canary: { enabled: false } }],
    ['heartbeats off', { enabled: false }],
  ])('%s: no role, function, schedule, grant or check configuration', (_name, heartbeat) => {
    const config = singleConfig(heartbeat);
    expect(canaryIdentityOf(config)).toBeUndefined();
    const { stacks, monitor } = monitorOf(config);
    const text = JSON.stringify(monitor);
    expect(text).not.toContain('iamwatch-canary');
    expect(text).not.toContain('IAMWATCH_CANARY');
    expect(text).not.toContain('iam:TagRole');
    expect(stacks.monitor.detectionContext.canary).toBeUndefined();
    expect(stacks.monitor.canary).toBeUndefined();
  });
});
