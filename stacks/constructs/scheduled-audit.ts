/**
 * The scheduled audit: an EventBridge schedule (every 14 days by default) invokes the audit Lambda,
 * which assumes the read-only audit role in each account, keeps the run in the ledger, writes the
 * report (JSON and CSV) to an encrypted, versioned bucket and posts the summary to Slack and the
 * alert topic. Every grant names its resource; the wildcards cdk-nag asks about are explained.
 */
import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AUDIT_ENV, NOTIFY_ENV, RECORD_ENV } from '../../handlers/shared/environment';
import type { IamwatchConfig } from '../config/schema';
import { AccessLogBucket } from './access-log-bucket';
import { AsyncFunction } from './async-function';
import { auditFunctionRoleName, auditReadRoleName } from './audit-read-role';
import type { DeadLetterQueue } from './dead-letter-queue';
import { assertEnvironmentFits } from './environment-size';
import type { LedgerTable } from './ledger-table';

/**
 * What the audit does on the ledger (`handlers/audit/run.ts`): history queries (Query on the table
 * and its index, BatchGetItem) to find whom to contact, and the audit run read and kept.
 */
const AUDIT_LEDGER_ACTIONS = ['dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:PutItem'];
const KEY_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*'];

export interface ScheduledAuditProps {
  config: IamwatchConfig;
  table: LedgerTable;
  key: kms.IKey;
  topic: sns.ITopic;
  slackRoutesJson: string;
  slackSecrets: readonly secretsmanager.ISecret[];
  detectionContextJson: string;
}

export class ScheduledAudit extends Construct {
  readonly bucket: s3.Bucket;
  readonly function: AsyncFunction;
  readonly schedule: events.Rule;
  /** Runs that failed after their retries. */
  readonly failures: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: ScheduledAuditProps) {
    super(scope, id);
    const { config } = props;
    const prefix = config.resourcePrefix;
    const accessLogs = new AccessLogBucket(this, 'ReportAccessLogs', {
      logsOf: 'the report bucket',
      expiration: Duration.days(365),
    });
    this.bucket = new s3.Bucket(this, 'Reports', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      versioned: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'reports/',
    });

    const environment = {
      [RECORD_ENV.tableName]: props.table.tableName,
      [RECORD_ENV.retentionDays]: String(config.ledger.retentionDays),
      [RECORD_ENV.detectionContext]: props.detectionContextJson,
      [NOTIFY_ENV.slackRoutes]: props.slackRoutesJson,
      [NOTIFY_ENV.snsTopicArn]: props.topic.topicArn,
      [AUDIT_ENV.bucket]: this.bucket.bucketName,
      [AUDIT_ENV.roleName]: auditReadRoleName(prefix),
      [AUDIT_ENV.accounts]: JSON.stringify(config.audit.accounts),
      [AUDIT_ENV.staleDays]: String(config.audit.staleDays),
      [AUDIT_ENV.keyAgeDays]: String(config.audit.keyAgeDays),
      [AUDIT_ENV.maxSessionSeconds]: String(config.audit.maxSessionHours * 3600),
    };
    assertEnvironmentFits(`${prefix}-audit`, environment);
    this.function = new AsyncFunction(this, 'Function', {
      functionName: `${prefix}-audit`,
      description: 'iamwatch: audit every IAM user and role of the organization; report to S3, Slack, SNS',
      entry: 'handlers/audit/lambda.ts',
      memorySize: 512,
      timeout: Duration.minutes(15),
      logRetention: config.logRetentionDays,
      environment,
      roleName: auditFunctionRoleName(prefix),
      failuresId: 'Failures',
      catches: 'audit runs that failed after their retries',
      retryAttempts: 1,
      maxEventAge: Duration.hours(6),
    });
    const fn = this.function;
    this.failures = fn.failures;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'AssumeAuditReadRoleInEveryAccount',
        actions: ['sts:AssumeRole'],
        resources: [`arn:aws:iam::*:role/${auditReadRoleName(prefix)}`],
      }),
    );
    if (config.audit.accounts.length === 0) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'ListOrganizationAccounts',
          actions: ['organizations:ListAccounts'],
          resources: ['*'],
        }),
      );
    }
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: AUDIT_LEDGER_ACTIONS,
        resources: [props.table.tableArn, `${props.table.tableArn}/index/*`],
      }),
    );
    props.key.grant(fn, ...KEY_ACTIONS);
    this.bucket.grantPut(fn);
    props.topic.grantPublish(fn);
    for (const secret of props.slackSecrets) secret.grantRead(fn);
    const role = fn.role as iam.Role;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:aws:iam::*:role/${auditReadRoleName(prefix)}]`,
      reason:
        'The audit reads every account of the organization through the same read-only role name in each.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'organizations:ListAccounts and the X-Ray tracing actions support no resource-level permissions.',
    });
    const logicalId = (construct: Construct) =>
      Stack.of(this).getLogicalId(construct.node.defaultChild as CfnElement);
    const acknowledgements: [string, string][] = [
      [
        `Resource::<${logicalId(this.bucket)}.Arn>/*`,
        'Each run writes new report objects under audits/<time>/ in the report bucket.',
      ],
      [
        `Resource::<${logicalId(props.table)}.Arn>/index/*`,
        "History queries read the ledger's one facet index (byFacet).",
      ],
      [
        'Action::s3:Abort*',
        'grantPut lets an interrupted multipart upload of a report be aborted; the bucket is the report bucket only.',
      ],
    ];
    for (const [finding, reason] of acknowledgements) {
      Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[${finding}]`, reason });
    }
    fn.acknowledgeKeyWildcards(
      'The ledger and the report bucket are encrypted with the monitor key; the grant names that one key.',
    );

    this.schedule = fn.addScheduleRule('Schedule', {
      ruleName: `${prefix}-audit-schedule`,
      description: 'iamwatch: run the IAM audit',
      schedule: events.Schedule.expression(config.audit.schedule),
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });
  }
}
