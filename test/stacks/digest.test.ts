/**
 * The daily digest in the monitor stack: its EventBridge Scheduler schedule (expression, time zone,
 * the scheduled time as input, dead-letter queue), the least-privilege roles of the function and of
 * the schedule, the failures alarm, and when it is not deployed.
 */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../stacks/config/load';
import { DIGEST_SCHEDULE_INPUT } from '../../stacks/constructs/digest';
import { buildTestApp, exampleConfig } from './support';

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

const actionsOf = (statement: Statement) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

function statementsOf(template: Template, logicalIdPrefix: string): Statement[] {
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith(logicalIdPrefix))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

describe('daily digest', () => {
  let monitor: Template;

  beforeAll(() => {
    const config = exampleConfig({
      digest: { schedule: 'cron(30 7 ? * MON-FRI *)', timezone: 'Europe/Berlin' },
    });
    const { app, stacks } = buildTestApp(config, { nag: true });
    // cdk-nag reports unacknowledged findings as errors at synth: this must not throw.
    app.synth();
    monitor = Template.fromStack(stacks.monitor);
  }, 120_000);

  it('runs on the configured schedule in the configured time zone, passing the scheduled time', () => {
    monitor.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'iamwatch-digest',
      ScheduleExpression: 'cron(30 7 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DigestFunction'), 'Arn'] },
        Input: DIGEST_SCHEDULE_INPUT,
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DigestFailures'), 'Arn'] } },
      }),
    });
    expect(JSON.parse(DIGEST_SCHEDULE_INPUT)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    monitor.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'iamwatch-digest',
      Environment: {
        Variables: Match.objectLike({
          IAMWATCH_DIGEST_WINDOW_HOURS: '24',
          // The routes name their secrets by ARN, so the JSON is joined at deploy time.
          IAMWATCH_SLACK_ROUTES: Match.anyValue(),
        }),
      },
    });
  });

  it('lets the function only Query the table and its facet index, BatchGet entries and read secrets', () => {
    const statements = statementsOf(monitor, 'DigestFunctionRole');
    const actions = statements.flatMap(actionsOf);
    expect(actions.filter((action) => action.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
    ]);
    const query = statements.find((statement) => actionsOf(statement).includes('dynamodb:Query'));
    expect(JSON.stringify(query?.Resource)).toContain('/index/byFacet');
    expect(JSON.stringify(query?.Resource)).not.toContain('/index/*');
    const services = new Set(actions.map((action) => action.split(':')[0]));
    expect([...services].sort()).toEqual(['dynamodb', 'kms', 'logs', 'secretsmanager', 'sqs', 'xray']);
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions.filter((action) => action.startsWith('kms:')).sort()).toEqual([
      'kms:Decrypt',
      'kms:DescribeKey',
    ]);
  });

  it('lets the schedule invoke only the digest function and write only to its dead-letter queue', () => {
    const statements = statementsOf(monitor, 'DigestScheduleRole');
    expect(statements.map((statement) => [actionsOf(statement), statement.Resource])).toEqual([
      [['lambda:InvokeFunction'], { 'Fn::GetAtt': [expect.stringMatching(/^DigestFunction/), 'Arn'] }],
      [['sqs:SendMessage'], { 'Fn::GetAtt': [expect.stringMatching(/^DigestFailures/), 'Arn'] }],
    ]);
  });

  it('alarms on its failures queue to the operations topic', () => {
    monitor.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DigestFailures'), 'QueueName'] },
        },
      ],
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^OperationsTopic') }],
    });
  });
});

describe('daily digest configuration', () => {
  const minimal = {
    mode: 'single-account',
    securityAccountId: '123456789012',
    slack: { routes: [{ name: 'alerts' }] },
  };

  it('deploys nothing when disabled or when there is no Slack route to post to', () => {
    for (const value of [
      { ...minimal, digest: { enabled: false } },
      { ...minimal, slack: { routes: [] } },
    ]) {
      const { stacks } = buildTestApp(parseConfig({ name: 'inline', value }));
      const template = Template.fromStack(stacks.monitor);
      // Single-account mode has the heartbeat's schedule; no digest schedule.
      expect(JSON.stringify(template.findResources('AWS::Scheduler::Schedule'))).not.toContain(
        'iamwatch-digest',
      );
      expect(JSON.stringify(template.findResources('AWS::Lambda::Function'))).not.toContain(
        'iamwatch-digest',
      );
    }
  });
});
