import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FACET_INDEX_NAME,
  LEDGER_TABLE,
  NOTIFY_STREAM_FILTERS,
  toCreateTableInput,
} from '../../handlers/ledger/table';
import { DELIVERY_FAILURE_METRICS, METRICS_NAMESPACE } from '../../handlers/notify/metrics';
import { derivePatterns } from '../../rules/eventbridge/derive';
import { CATALOG } from '../../rules/registry';
import { ConfigError } from '../../stacks/config/load';
import { ALERT_MESSAGE_ATTRIBUTES } from '../../stacks/constructs/alerts-topic';
import { archivePatternFor, forwarderAlarmPattern } from '../../stacks/monitor-patterns';
import { MonitorStack, notifyBudget } from '../../stacks/monitor-stack';
import { OrgTrailStack } from '../../stacks/org-trail-stack';
import { RegionGuardError } from '../../stacks/region-guard';
import { buildTestApp, exampleConfig } from './support';

const derived = derivePatterns(CATALOG);
const config = exampleConfig();

let template: Template;
let monitor: MonitorStack;

beforeAll(() => {
  const { stacks } = buildTestApp(config);
  monitor = stacks.monitor;
  template = Template.fromStack(monitor);
});

/** The properties of the function named `name` (in `from`, default the example monitor). */
function functionNamed(name: string, from: Template = template) {
  const found = Object.values(
    from.findResources('AWS::Lambda::Function', { Properties: { FunctionName: name } }),
  );
  expect(found).toHaveLength(1);
  return found[0]!.Properties;
}

/** Logical id of the single resource of a type whose properties match. */
function logicalIdOf(type: string, props: Record<string, unknown>): string {
  const ids = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

describe('MonitorStack placement', () => {
  it('is pinned to us-east-1 in the security account', () => {
    expect(monitor.region).toBe('us-east-1');
    expect(monitor.account).toBe(config.securityAccountId);
  });

  it('refuses any other region with a clear message', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const inEuWest1 = (id: string) => () =>
      new MonitorStack(app, id, {
        env: { account: '222222222222', region: 'eu-west-1' },
        config,
        patterns: derived,
      });
    expect(inEuWest1('Elsewhere')).toThrow(RegionGuardError);
    expect(inEuWest1('Elsewhere2')).toThrow(
      /must be deployed in us-east-1, not eu-west-1: IAM, Organizations and root sign-in events/,
    );
    expect(() => new MonitorStack(app, 'Agnostic', { config, patterns: derived })).toThrow(
      /env\.region is not set/,
    );
    expect(
      () =>
        new OrgTrailStack(new App(), 'Trail', {
          env: { account: '111111111111', region: 'eu-central-1' },
          resourcePrefix: 'iamwatch',
          trailName: 't',
          glacierTransitionDays: 30,
          expirationDays: 60,
          noncurrentVersionExpirationDays: 30,
        }),
    ).toThrow(RegionGuardError);
    expect(Stack.isStack(monitor)).toBe(true);
  });
});

describe('central bus', () => {
  it('is a custom bus named with the prefix', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'iamwatch-central' });
  });

  it('admits events:PutEvents only from the forwarder roles of the organization', () => {
    const policies = template.findResources('AWS::Events::EventBusPolicy');
    const statements = Object.values(policies).map((p) => p.Properties.Statement);
    expect(statements).toEqual([
      {
        Sid: expect.any(String),
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: 'events:PutEvents',
        Resource: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
        Condition: {
          StringEquals: { 'aws:PrincipalOrgID': config.organization!.id },
          // The forwarder role name of every account and region (forwarderRoleName).
          ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/iamwatch-forwarder-*' },
        },
      },
    ]);
  });

  it('is archived for replay with the configured retention', () => {
    template.hasResourceProperties('AWS::Events::Archive', {
      ArchiveName: 'iamwatch-events',
      RetentionDays: config.archiveRetentionDays,
      SourceArn: {
        'Fn::GetAtt': [logicalIdOf('AWS::Events::EventBus', { Name: 'iamwatch-central' }), 'Arn'],
      },
      EventPattern: archivePatternFor([...derived.map((p) => p.pattern), forwarderAlarmPattern('iamwatch')]),
    });
  });
});

describe('monitor rules', () => {
  it('are exactly the derived patterns, one rule each, on the central bus', () => {
    const own = [
      'iamwatch-forwarder-alarms',
      'iamwatch-notify-burst-flush',
      'iamwatch-heartbeats',
      'iamwatch-heartbeat-check',
      'iamwatch-organization-schedule',
      'iamwatch-organization-changes',
    ];
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (r) => !own.includes(r.Properties.Name),
    );
    expect(rules.map((r) => r.Properties.Name).sort()).toEqual(
      derived.map((p) => `iamwatch-${p.name}`).sort(),
    );
    for (const pattern of derived) {
      const rule = rules.find((r) => r.Properties.Name === `iamwatch-${pattern.name}`);
      expect(rule?.Properties.EventPattern).toEqual(pattern.pattern);
      expect(rule?.Properties.State).toBe(pattern.state);
      expect(rule?.Properties.EventBusName).toEqual({ Ref: logicalIdOf('AWS::Events::EventBus', {}) });
    }
  });

  it('include a one-minute schedule that has the notify function flush closed burst windows', () => {
    const notifyId = logicalIdOf('AWS::Lambda::Function', { FunctionName: 'iamwatch-notify' });
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'iamwatch-notify-burst-flush',
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [notifyId, 'Arn'] } })],
    });
  });

  it('target the record function with bounded retries and a dead-letter queue', () => {
    const recordId = logicalIdOf('AWS::Lambda::Function', { FunctionName: 'iamwatch-record' });
    const dlqId = logicalIdOf('AWS::SQS::Queue', { QueueName: 'iamwatch-record-rule-dlq' });
    for (const pattern of derived) {
      template.hasResourceProperties('AWS::Events::Rule', {
        Name: `iamwatch-${pattern.name}`,
        Targets: [
          {
            Arn: { 'Fn::GetAtt': [recordId, 'Arn'] },
            Id: Match.anyValue(),
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
          },
        ],
      });
    }
  });
});

describe('record function', () => {
  it('runs Node 22+ on arm64 with source maps, the detection context compiled into its code', () => {
    const fn = functionNamed('iamwatch-record');
    expect(Number(/^nodejs(\d+)\.x$/.exec(fn.Runtime)?.[1])).toBeGreaterThanOrEqual(22);
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe('index.handler');
    expect(fn.Environment.Variables).toEqual({
      IAMWATCH_ORGANIZATION_SNAPSHOT: 'true',
      IAMWATCH_RETENTION_DAYS: '400',
      IAMWATCH_TABLE_NAME: { Ref: logicalIdOf('AWS::DynamoDB::GlobalTable', {}) },
      NODE_OPTIONS: '--enable-source-maps',
    });
    expect(monitor.detectionContext).toEqual({
      organizationAccountIds: ['111111111111', '222222222222', '333333333333', '444444444444'],
      trustedAccountIds: ['555555555555'],
      automationPrincipals: config.automationPrincipals,
      deploymentPrincipals: config.deployment.principals,
      monitorResourcePrefix: 'iamwatch',
      accountNames: config.accountNames,
      accountOuPaths: {},
      canary: {
        accountId: '222222222222',
        roleName: 'iamwatch-canary',
        writerRoleName: 'iamwatch-canary-writer',
      },
    });
  });

  it('sends failed asynchronous invocations to an encrypted, TLS-only queue', () => {
    const recordId = logicalIdOf('AWS::Lambda::Function', { FunctionName: 'iamwatch-record' });
    const failuresId = logicalIdOf('AWS::SQS::Queue', { QueueName: 'iamwatch-record-failures' });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: recordId },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failuresId, 'Arn'] } } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'iamwatch-record-failures',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: failuresId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('ledger table', () => {
  it('is built from the ledger description: keys, index, TTL and stream', () => {
    // Local and test ledgers are created from the same description: the deployed one has their keys.
    const localTable = toCreateTableInput('iamwatch-ledger');
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'iamwatch-ledger',
      KeySchema: localTable.KeySchema,
      GlobalSecondaryIndexes: localTable.GlobalSecondaryIndexes,
      TimeToLiveSpecification: { AttributeName: LEDGER_TABLE.timeToLiveAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
      BillingMode: 'PAY_PER_REQUEST',
    });
    expect(LEDGER_TABLE.globalSecondaryIndexes.map((i) => i.indexName)).toContain(FACET_INDEX_NAME);
  });

  it('is hardened: point-in-time recovery, customer-managed encryption, deletion protection, retained', () => {
    const keyId = logicalIdOf('AWS::KMS::Key', { Description: Match.stringLikeRegexp('monitor') });
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            Region: 'us-east-1',
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
          }),
        ],
      }),
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });
});

describe('notify function and stream mapping', () => {
  it('reads INSERTs of entry items with batching, bisect, bounded retries and partial failures', () => {
    const notifyId = logicalIdOf('AWS::Lambda::Function', { FunctionName: 'iamwatch-notify' });
    const failuresId = logicalIdOf('AWS::SQS::Queue', { QueueName: 'iamwatch-notify-failures' });
    const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mapping).toHaveLength(1);
    const props = mapping[0]!.Properties;
    expect(props).toMatchObject({
      FunctionName: { Ref: notifyId },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf('AWS::DynamoDB::GlobalTable', {}), 'StreamArn'] },
      MaximumBatchingWindowInSeconds: 1,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 43200,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      StartingPosition: 'TRIM_HORIZON',
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [failuresId, 'Arn'] } } },
    });
    const filters = props.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern));
    expect(filters).toEqual([...NOTIFY_STREAM_FILTERS]);
    expect(filters[0].eventName).toEqual(['INSERT']);
  });

  it('has a timeout covering a whole batch when Slack is at its slowest', () => {
    const fn = functionNamed('iamwatch-notify');
    const mapping = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'))[0]!;
    const batchSize = mapping.Properties.BatchSize as number;
    // handlers/notify/slack-sender.ts: one post may take 4 tries of 5 s plus 20 s of waits; entries
    // of a batch are delivered one after another, each to every route, then to the topic.
    const slackWorstCaseSeconds = 4 * 5 + 20;
    const perEntrySeconds = config.slack.routes.length * slackWorstCaseSeconds;
    expect(config.slack.routes.length).toBeGreaterThan(1);
    expect(batchSize).toBeGreaterThanOrEqual(1);
    expect(fn.Timeout).toBeGreaterThan(batchSize * perEntrySeconds);
    expect(fn.Timeout).toBeLessThanOrEqual(900);
  });

  it('sizes batches to the Slack routes and refuses more routes than one invocation can serve', () => {
    expect(notifyBudget(0)).toMatchObject({ batchSize: 10 });
    expect(notifyBudget(0).timeout.toSeconds()).toBeGreaterThanOrEqual(120);
    for (const routes of [1, 3, 8, 20]) {
      const { batchSize, timeout } = notifyBudget(routes);
      expect(batchSize).toBeGreaterThanOrEqual(1);
      expect(timeout.toSeconds()).toBeGreaterThan(batchSize * routes * 40);
      expect(timeout.toSeconds()).toBeLessThanOrEqual(900);
    }
    expect(() => notifyBudget(23)).toThrow(ConfigError);
  });

  it('gets the routing contract in its environment and never a webhook URL', () => {
    const env = functionNamed('iamwatch-notify').Environment.Variables;
    expect(env).toEqual({
      IAMWATCH_ALERT_ON_REPLAY: 'false',
      // The routes, read below.
      IAMWATCH_SLACK_ROUTES: expect.anything(),
      IAMWATCH_SNS_MIN_SEVERITY: 'high',
      IAMWATCH_SNS_TOPIC_ARN: { Ref: logicalIdOf('AWS::SNS::Topic', { TopicName: 'iamwatch-alerts' }) },
      IAMWATCH_TABLE_NAME: { Ref: logicalIdOf('AWS::DynamoDB::GlobalTable', {}) },
      NODE_OPTIONS: '--enable-source-maps',
    });
    const routes = JSON.stringify(Stack.of(monitor).resolve(env.IAMWATCH_SLACK_ROUTES));
    expect(routes).not.toMatch(/hooks\.slack\.com/);
    const secretIds = Object.keys(template.findResources('AWS::SecretsManager::Secret'));
    expect(secretIds).toHaveLength(config.slack.routes.length);
    for (const id of secretIds) expect(routes).toContain(id);
    expect(routes).toContain('\\"minSeverity\\":\\"critical\\"');
    expect(routes).toContain('\\"accounts\\":[\\"333333333333\\"]');
  });
});

describe('Slack webhook secrets', () => {
  it('are created per route under the prefix, encrypted, with no value in the template', () => {
    const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
    expect(secrets.map((s) => s.Properties.Name).sort()).toEqual([
      'iamwatch/slack/identity-team',
      'iamwatch/slack/prod-critical',
      'iamwatch/slack/security',
    ]);
    for (const secret of secrets) {
      expect(secret.Properties.SecretString).toBeUndefined();
      expect(secret.Properties.GenerateSecretString).toBeDefined();
      expect(secret.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    }
  });
});

describe('configuration edge cases', () => {
  const standalone = (overrides: Record<string, unknown>) =>
    new MonitorStack(
      new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false }),
      'Monitor',
      {
        env: { account: '222222222222', region: 'us-east-1' },
        config: exampleConfig(overrides),
        patterns: derived,
      },
    );

  it('uses an existing Slack secret by ARN without creating one, and grants only that secret', () => {
    const secretArn = 'arn:aws:secretsmanager:us-east-1:222222222222:secret:team/slack-AbCdEf';
    const stack = standalone({ slack: { routes: [{ name: 'existing', secretArn }] } });
    const existing = Template.fromStack(stack);
    existing.resourceCountIs('AWS::SecretsManager::Secret', 0);
    const notify = functionNamed('iamwatch-notify', existing);
    expect(JSON.parse(notify.Environment.Variables.IAMWATCH_SLACK_ROUTES)).toEqual([
      { name: 'existing', secretArn, minSeverity: 'medium' },
    ]);
    existing.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['secretsmanager:GetSecretValue']),
            Resource: secretArn,
          }),
        ]),
      },
    });
  });

  it('keeps account lists out of the 4 KB Lambda environment, however many accounts are named', () => {
    const accountNames = Object.fromEntries(
      Array.from({ length: 5000 }, (_, i) => [String(100000000000 + i), `workload-account-number-${i}`]),
    );
    const stack = standalone({ accountNames });
    expect(Object.keys(stack.detectionContext.accountNames)).toHaveLength(5000);
    for (const fn of Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))) {
      expect(JSON.stringify(fn.Properties.Environment ?? {}).length).toBeLessThan(1024);
    }
  });
});

describe('alert topic', () => {
  it('is encrypted with the customer-managed key and only accepts TLS', () => {
    const keyId = logicalIdOf('AWS::KMS::Key', {});
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'iamwatch-alerts',
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': config.securityAccountId } },
          }),
        ]),
      },
    });
  });

  it('has the configured subscriptions with severity filter policies and a redrive policy', () => {
    const dlqId = logicalIdOf('AWS::SQS::Queue', { QueueName: 'iamwatch-alerts-subscription-dlq' });
    const topicOf = (name: string) => ({ Ref: logicalIdOf('AWS::SNS::Topic', { TopicName: name }) });
    const subscriptionsOf = (name: string) =>
      Object.values(template.findResources('AWS::SNS::Subscription')).filter(
        (s) => JSON.stringify(s.Properties.TopicArn) === JSON.stringify(topicOf(name)),
      );
    expect(subscriptionsOf('iamwatch-alerts')).toHaveLength(3);
    // The operations topic: the configured e-mail and the Slack relay, neither filtered.
    expect(
      subscriptionsOf('iamwatch-operations')
        .map((s) => s.Properties.Protocol)
        .sort(),
    ).toEqual(['email', 'lambda']);
    for (const subscription of subscriptionsOf('iamwatch-operations')) {
      expect(subscription.Properties.FilterPolicy).toBeUndefined();
    }
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'security-oncall@example.com',
      FilterPolicy: { [ALERT_MESSAGE_ATTRIBUTES.severity]: ['critical'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] } },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'https',
      FilterPolicy: { [ALERT_MESSAGE_ATTRIBUTES.severity]: ['high', 'critical'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      Endpoint: 'arn:aws:sqs:us-east-1:222222222222:soc-intake',
      FilterPolicy: {
        [ALERT_MESSAGE_ATTRIBUTES.detection]: [
          'root-console-login',
          'root-access-key-created',
          'org-account-removed',
        ],
      },
    });
  });
});

describe('alarms', () => {
  it('cover function errors and throttles, every dead-letter queue and the stream iterator age', () => {
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (a) => a.Properties.AlarmName,
    );
    expect(names.sort()).toEqual(
      [
        'iamwatch-alarm-rule-dlq-not-empty',
        'iamwatch-alerts-subscription-dlq-not-empty',
        'iamwatch-canary-errors',
        'iamwatch-canary-failures-not-empty',
        'iamwatch-canary-throttles',
        'iamwatch-digest-failures-not-empty',
        'iamwatch-heartbeat-errors',
        'iamwatch-heartbeat-failures-not-empty',
        'iamwatch-heartbeat-throttles',
        'iamwatch-notify-errors',
        'iamwatch-notify-failures-not-empty',
        'iamwatch-notify-iterator-age',
        'iamwatch-notify-not-configured',
        'iamwatch-notify-permanent',
        'iamwatch-notify-retries-exhausted',
        'iamwatch-notify-throttles',
        'iamwatch-operations-relay-errors',
        'iamwatch-operations-relay-failures-not-empty',
        'iamwatch-operations-relay-throttles',
        'iamwatch-operations-subscription-dlq-not-empty',
        'iamwatch-organization-failures-not-empty',
        'iamwatch-record-errors',
        'iamwatch-record-failures-not-empty',
        'iamwatch-record-rule-dlq-not-empty',
        'iamwatch-record-throttles',
      ].sort(),
    );
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'iamwatch-notify-iterator-age',
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Threshold: 300000,
    });
  });

  it('count each kind of delivery failure the notify function reports', () => {
    for (const [kind, metricName] of Object.entries(DELIVERY_FAILURE_METRICS)) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `iamwatch-notify-${kind}`,
        Namespace: METRICS_NAMESPACE,
        MetricName: metricName,
        Dimensions: [{ Name: 'Service', Value: 'notify' }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it('all notify the operations topic, going into alarm and back', () => {
    const topic = { Ref: logicalIdOf('AWS::SNS::Topic', { TopicName: 'iamwatch-operations' }) };
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([topic]);
      expect(alarm.Properties.OKActions).toEqual([topic]);
    }
  });

  it('publish forwarder alarms from any account to the topic through a role, with a DLQ', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: 'iamwatch-forwarder-alarms',
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { alarmName: [{ prefix: 'iamwatch-forwarder-' }], state: { value: ['ALARM'] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { Ref: logicalIdOf('AWS::SNS::Topic', { TopicName: 'iamwatch-operations' }) },
          RoleArn: Match.anyValue(),
          DeadLetterConfig: {
            Arn: {
              'Fn::GetAtt': [logicalIdOf('AWS::SQS::Queue', { QueueName: 'iamwatch-alarm-rule-dlq' }), 'Arn'],
            },
          },
        }),
      ],
    });
  });
});

describe('logs', () => {
  it('keep each function log group for the configured retention, as JSON', () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    expect(Object.values(groups).map((g) => g.Properties.RetentionInDays)).toEqual([
      365, 365, 365, 365, 365, 365, 365,
    ]);
    for (const name of [
      'iamwatch-record',
      'iamwatch-notify',
      'iamwatch-operations-relay',
      'iamwatch-heartbeat',
      'iamwatch-canary',
      'iamwatch-organization',
      'iamwatch-digest',
    ]) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: name,
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: Match.anyValue() } },
        TracingConfig: { Mode: 'Active' },
      });
    }
  });
});
