/**
 * The daily digest: an EventBridge Scheduler schedule (08:00 UTC every day by default, in a configurable
 * time zone) invokes the digest Lambda with its scheduled time, so a retried run covers the same
 * window; the Lambda reads the window from the ledger with Query and posts one digest per Slack route.
 * The function may Query the table and its facet index and BatchGet entries, decrypt with the monitor
 * key and read the Slack webhook secrets: nothing else.
 */
import { Aws, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { FACET_INDEX_NAME } from '../../handlers/ledger/table';
import { DIGEST_ENV } from '../../handlers/shared/environment';
import type { IamwatchConfig } from '../config/schema';
import { AsyncFunction } from './async-function';
import { assertEnvironmentFits } from './environment-size';
import type { LedgerTable } from './ledger-table';
import type { WatchedQueue } from './monitor-alarms';

/**
 * What the digest does on the ledger (`handlers/digest/query.ts` through `history.ts`): Query the day
 * directory on the table and the day (or account) partitions on the facet index, BatchGetItem entries.
 */
const DIGEST_QUERY_ACTIONS = ['dynamodb:Query'];
const DIGEST_READ_ACTIONS = ['dynamodb:BatchGetItem'];

/** What EventBridge Scheduler puts in each invocation: the time it was due, filled in by Scheduler. */
export const DIGEST_SCHEDULE_INPUT = JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' });

export interface DigestProps {
  config: IamwatchConfig;
  table: LedgerTable;
  key: kms.IKey;
  slackRoutesJson: string;
  slackSecrets: readonly secretsmanager.ISecret[];
}

export class Digest extends Construct {
  readonly function: AsyncFunction;
  readonly schedule: scheduler.CfnSchedule;
  /** Runs that failed (a route not posted, the schedule unable to invoke). */
  readonly queues: WatchedQueue[];

  constructor(scope: Construct, id: string, props: DigestProps) {
    super(scope, id);
    const { config } = props;
    const prefix = config.resourcePrefix;
    const environment = {
      [DIGEST_ENV.tableName]: props.table.tableName,
      [DIGEST_ENV.slackRoutes]: props.slackRoutesJson,
      [DIGEST_ENV.windowHours]: String(config.digest.windowHours),
    };
    assertEnvironmentFits(`${prefix}-digest`, environment);
    this.function = new AsyncFunction(this, 'Function', {
      functionName: `${prefix}-digest`,
      description: 'iamwatch: post the digest of IAM changes to each Slack route',
      entry: 'handlers/digest/lambda.ts',
      memorySize: 512,
      timeout: Duration.minutes(5),
      logRetention: config.logRetentionDays,
      environment,
      failuresId: 'Failures',
      catches: 'digest runs that failed and schedules that could not invoke the digest function',
      // A retry would post the digest again to the routes that already have it; a failed run goes to
      // the failures queue, whose alarm tells operations.
      retryAttempts: 0,
      maxEventAge: Duration.hours(6),
    });
    const fn = this.function;
    const failures = fn.failures;
    this.queues = [
      { name: 'digest-failures', queue: failures, meaning: 'Daily digests that were not posted' },
    ];
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: DIGEST_QUERY_ACTIONS,
        resources: [props.table.tableArn, `${props.table.tableArn}/index/${FACET_INDEX_NAME}`],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: DIGEST_READ_ACTIONS, resources: [props.table.tableArn] }),
    );
    props.key.grant(fn, 'kms:Decrypt', 'kms:DescribeKey');
    for (const secret of props.slackSecrets) secret.grantRead(fn);

    const role = new iam.Role(this, 'ScheduleRole', {
      description: 'Lets EventBridge Scheduler invoke the iamwatch digest function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      }),
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
    );
    // Scheduler sends what it could not deliver to the dead-letter queue with this role.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [failures.queueArn] }),
    );
    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      name: `${prefix}-digest`,
      description: 'iamwatch: post the digest of IAM changes to Slack',
      scheduleExpression: config.digest.schedule,
      scheduleExpressionTimezone: config.digest.timezone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: fn.functionArn,
        roleArn: role.roleArn,
        input: DIGEST_SCHEDULE_INPUT,
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: failures.queueArn },
      },
    });
  }
}
