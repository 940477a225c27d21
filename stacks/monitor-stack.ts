/**
 * The monitor, in the security (or delegated-admin) account, pinned to us-east-1: the monitored bus
 * (a central bus open to the organization, or the default bus in single-account mode) with an archive;
 * one rule per derived pattern → record function → ledger table → stream → notify function → Slack
 * and the on-call topic; dead-letter queues and alarms on every way this can fail, heard on the
 * operations topic.
 */
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { HEARTBEATS_PARTITION } from '../handlers/heartbeat/store';
import { FACET_INDEX_NAME, NOTIFY_STREAM_FILTERS } from '../handlers/ledger/table';
import {
  DELIVERY_FAILURE_METRICS,
  type DeliveryFailureKind,
  METRICS_NAMESPACE,
  NOTIFY_METRICS_SERVICE,
} from '../handlers/notify/metrics';
import { slackPostWorstCaseMs } from '../handlers/notify/slack-retry';
import { ORGANIZATION_CHANGE_EVENTS } from '../handlers/organization/refresh';
import { ORGANIZATION_PARTITION } from '../handlers/organization/store';
import { NOTIFY_ENV, ORGANIZATION_ENV, RECORD_ENV } from '../handlers/shared/environment';
import type { DerivedPattern } from '../rules/eventbridge/derive';
import { ENABLED } from '../rules/eventbridge/rule-state';
import { centralRuleName } from '../rules/placement';
import type { DetectionContext } from '../rules/types';
import { ConfigError } from './config/load';
import { type IamwatchConfig, MONITOR_REGION } from './config/schema';
import { AlertsTopic } from './constructs/alerts-topic';
import { AsyncFunction } from './constructs/async-function';
import { Canary, canaryIdentityOf } from './constructs/canary';
import { DeadLetterQueue } from './constructs/dead-letter-queue';
import { Digest } from './constructs/digest';
import { assertEnvironmentFits } from './constructs/environment-size';
import { forwarderRoleName } from './constructs/forwarder-rules';
import { HeartbeatCheck } from './constructs/heartbeat-check';
import { IamwatchFunction } from './constructs/iamwatch-function';
import { LedgerTable } from './constructs/ledger-table';
import { MonitorAlarms, type WatchedMetric, type WatchedQueue } from './constructs/monitor-alarms';
import { OperationsTopic } from './constructs/operations-topic';
import { S3Backfill } from './constructs/s3-backfill';
import { ScheduledAudit } from './constructs/scheduled-audit';
import { SlackSecrets } from './constructs/slack-secrets';
import { archivePatternFor, forwarderAlarmPattern } from './monitor-patterns';
import { organizationReaderRoleName, organizationRefreshRoleName } from './organization-reader-stack';
import { assertMonitorRegion } from './region-guard';

const MONITOR_KEY_REASON =
  'The ledger table, alert topic and Slack secrets are encrypted with the monitor key; the grant names that one key.';

/**
 * The ledger calls each function makes (`handlers/ledger/dynamo-store.ts`), on the table itself and
 * nothing else: the ledger is the source of truth, so neither function may delete or scan it.
 */
const RECORD_LEDGER_ACTIONS = [
  // putIfAbsent: conditional put of the entry and day items; on a duplicate, repair reads the
  // stored entry and its item collection and batch-writes the missing companions.
  'dynamodb:PutItem',
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:BatchWriteItem',
  // A policy change is compared with the previous version (handlers/record/policy-diff.ts): a history
  // query on the facet index (below), whose entries are fetched with BatchGetItem, then GetItem of raw records.
  'dynamodb:BatchGetItem',
];
/** The one index the record function reads, for the previous version of a changed policy. */
const RECORD_INDEX_ACTIONS = ['dynamodb:Query'];
/** get (consistent read of the entry) and markDelivery (per-channel update). */
/**
 * Notify reads an entry and writes its delivery state; burst windows and follow-ups are counted
 * (UpdateItem), opened and put back (PutItem), listed (Query on their partition) and handed over
 * (DeleteItem); suppressions are listed and, once expired, deleted with an audit item (PutItem).
 */
const NOTIFY_LEDGER_ACTIONS = [
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
];
/** How often the notify function sends the follow-ups of burst windows that have closed. */
const BURST_FLUSH_RATE = Duration.minutes(1);
/**
 * The organization refresh keeps the snapshot in the ledger table: head and parts under `pk = ORG`
 * (`handlers/organization/store.ts`), and only there (`dynamodb:LeadingKeys`).
 */
const ORGANIZATION_LEDGER_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:Query',
  'dynamodb:BatchWriteItem',
];
/** How often the organization is read even when no membership event says it changed. */
const ORGANIZATION_REFRESH_INTERVAL = Duration.minutes(30);
/** What DynamoDB needs of a caller's permissions on the table's customer-managed key. */
const LEDGER_KEY_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey*',
  'kms:ReEncrypt*',
];

/** Worst case of one Slack post by the notify function's sender, from the sender's own retry settings. */
const SLACK_POST_WORST_CASE = Duration.millis(slackPostWorstCaseMs());
/** The rest of one entry's work: webhook secret, SNS publish with SDK retries, ledger read and updates. */
const NOTIFY_ENTRY_OVERHEAD = Duration.seconds(15);
const LAMBDA_MAX_TIMEOUT = Duration.minutes(15);
const NOTIFY_MAX_BATCH_SIZE = 10;
const NOTIFY_MIN_TIMEOUT = Duration.minutes(2);

/**
 * Stream batch size and timeout of the notify function. Entries of a batch are delivered one after
 * another, each to every Slack route and the topic, so the timeout must cover the batch at its worst:
 * a timed-out invocation reports no partial failure, retries the whole batch, and never reaches the
 * SNS publish that comes after the Slack posts.
 */
export function notifyBudget(slackRoutes: number): { batchSize: number; timeout: Duration } {
  const perEntry = slackRoutes * SLACK_POST_WORST_CASE.toSeconds() + NOTIFY_ENTRY_OVERHEAD.toSeconds();
  const limit = LAMBDA_MAX_TIMEOUT.toSeconds();
  if (perEntry > limit) {
    throw new ConfigError(
      `${slackRoutes} Slack routes could take ${perEntry}s to alert on one entry, beyond Lambda's ${limit}s limit: use fewer routes (filter on the Slack side instead).`,
    );
  }
  const batchSize = Math.min(NOTIFY_MAX_BATCH_SIZE, Math.floor(limit / perEntry));
  const timeout = Math.max(NOTIFY_MIN_TIMEOUT.toSeconds(), batchSize * perEntry);
  return { batchSize, timeout: Duration.seconds(timeout) };
}

export interface MonitorStackProps extends StackProps {
  config: IamwatchConfig;
  /** Every derived pattern (`derivePatterns(CATALOG)`). */
  patterns: readonly DerivedPattern[];
  /** Every region with forwarders, whose heartbeats are expected (default: the monitor region). */
  forwarderRegions?: readonly string[];
  /** The trail's bucket and key when the trail stack is in this account (single-account mode). */
  trailBucket?: { bucketName: string; keyArn: string };
}

export class MonitorStack extends Stack {
  readonly key: kms.Key;
  /** The bus the monitor rules listen on. */
  readonly bus: events.IEventBus;
  readonly rules: events.Rule[] = [];
  readonly table: LedgerTable;
  readonly recordFunction: AsyncFunction;
  readonly notifyFunction: IamwatchFunction;
  /** Organization mode: keeps the organization snapshot in the ledger table. */
  readonly organizationFunction?: IamwatchFunction;
  /** What the record function judges with, compiled into its code (not its 4 KB environment). */
  readonly detectionContext: DetectionContext;
  readonly topic: sns.Topic;
  /** Where alarms and other operational messages go (unfiltered subscriptions). */
  readonly operationsTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[];
  /** Present when `audit.enabled`. */
  readonly audit?: ScheduledAudit;
  /** Present when `digest.enabled` and there is a Slack route to post it to. */
  readonly digest?: Digest;
  /** The S3 backfill state machine, when `backfill.enabled`. */
  readonly backfill: S3Backfill | undefined;
  /** The end-to-end canary, when `heartbeat.enabled` and `heartbeat.canary.enabled`. */
  readonly canary: Canary | undefined;

  constructor(scope: Construct, id: string, props: MonitorStackProps) {
    super(scope, id, props);
    assertMonitorRegion(this);
    const { config } = props;
    const prefix = config.resourcePrefix;

    this.key = new kms.Key(this, 'Key', {
      alias: `alias/${prefix}-monitor`,
      description: 'iamwatch monitor: ledger table, alert topic, Slack webhook secrets',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bus = this.monitoredBus(config);
    new events.CfnArchive(this, 'Archive', {
      archiveName: `${prefix}-events`,
      description: 'Every event the iamwatch rules see, for EventBridge replay into the same rules',
      sourceArn: this.bus.eventBusArn,
      retentionDays: config.archiveRetentionDays,
      eventPattern: archivePatternFor([
        ...props.patterns.map((p) => p.pattern),
        forwarderAlarmPattern(prefix),
      ]),
    });

    this.table = new LedgerTable(this, 'Ledger', { tableName: `${prefix}-ledger`, encryptionKey: this.key });

    const alerts = new AlertsTopic(this, 'Alerts', {
      topicName: `${prefix}-alerts`,
      encryptionKey: this.key,
      subscriptions: config.sns.subscriptions,
      deadLetterQueueName: `${prefix}-alerts-subscription-dlq`,
    });
    this.topic = alerts.topic;
    const slack = new SlackSecrets(this, 'Slack', {
      routes: config.slack.routes,
      resourcePrefix: prefix,
      encryptionKey: this.key,
    });

    const operations = new OperationsTopic(this, 'Operations', { config, encryptionKey: this.key, slack });
    this.operationsTopic = operations.topic;

    const ruleDlq = new DeadLetterQueue(this, 'RuleDlq', {
      queueName: `${prefix}-record-rule-dlq`,
      catches: 'the monitor rules (events EventBridge could not hand to the record function)',
    });
    const notifyFailures = new DeadLetterQueue(this, 'NotifyFailures', {
      queueName: `${prefix}-notify-failures`,
      catches: 'ledger stream batches the notify function gave up on',
    });
    const organizationMode = config.mode === 'organization' && !!config.organization;
    const recordEnvironment = {
      [RECORD_ENV.tableName]: this.table.tableName,
      [RECORD_ENV.retentionDays]: String(config.ledger.retentionDays),
      [RECORD_ENV.organizationSnapshot]: String(organizationMode),
    };
    this.detectionContext = detectionContextOf(config);
    const recordDefine = {
      IAMWATCH_BUNDLED_DETECTION_CONTEXT: JSON.stringify(JSON.stringify(this.detectionContext)),
    };
    assertEnvironmentFits(`${prefix}-record`, recordEnvironment);
    this.recordFunction = new AsyncFunction(this, 'Record', {
      functionName: `${prefix}-record`,
      description: 'iamwatch: normalise a CloudTrail event, judge it, write it once to the ledger',
      entry: 'handlers/record/lambda.ts',
      memorySize: 512,
      timeout: Duration.seconds(30),
      logRetention: config.logRetentionDays,
      environment: recordEnvironment,
      define: recordDefine,
      failuresId: 'RecordFailures',
      catches: 'asynchronous invocations of the record function',
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });
    this.grantLedger(this.recordFunction, RECORD_LEDGER_ACTIONS, RECORD_INDEX_ACTIONS);
    if (this.detectionContext.canary) {
      // The canary's arrival is one item of the heartbeat partition (`handlers/heartbeat/store.ts`).
      this.recordFunction.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:UpdateItem'],
          resources: [this.table.tableArn],
          conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [HEARTBEATS_PARTITION] } },
        }),
      );
    }

    this.backfill = config.backfill.enabled
      ? new S3Backfill(this, 'S3Backfill', {
          config: config.backfill,
          resourcePrefix: prefix,
          bucketName: config.backfill.bucketName ?? (props.trailBucket?.bucketName as string),
          bucketKeyArn: config.backfill.bucketKeyArn ?? props.trailBucket?.keyArn,
          recordEnvironment,
          recordDefine,
          logRetention: config.logRetentionDays,
          grantLedger: (fn) => this.grantLedger(fn, RECORD_LEDGER_ACTIONS, RECORD_INDEX_ACTIONS),
        })
      : undefined;

    this.notifyFunction = this.createNotifyFunction(config, slack, alerts.topic, notifyFailures);
    this.addMonitorRules(props.patterns, prefix, ruleDlq);
    const alarmRuleDlq = this.addForwarderAlarmRoute(prefix, operations.topic);

    const organizationFailures = organizationMode ? this.addOrganizationRefresh(config) : undefined;

    if (config.audit.enabled) {
      this.audit = new ScheduledAudit(this, 'Audit', {
        config,
        table: this.table,
        key: this.key,
        topic: alerts.topic,
        slackRoutesJson: JSON.stringify(slack.routes),
        slackSecrets: slack.secrets,
        detectionContextJson: JSON.stringify(detectionContextOf(config)),
      });
    }

    if (config.digest.enabled && slack.routes.length > 0) {
      this.digest = new Digest(this, 'Digest', {
        config,
        table: this.table,
        key: this.key,
        slackRoutesJson: JSON.stringify(slack.routes),
        slackSecrets: slack.secrets,
      });
    }

    const queues: WatchedQueue[] = [
      {
        name: 'record-failures',
        queue: this.recordFunction.failures,
        meaning: 'Events the record function could not record',
      },
      {
        name: 'record-rule-dlq',
        queue: ruleDlq,
        meaning: 'Events EventBridge could not hand to the record function',
      },
      {
        name: 'notify-failures',
        queue: notifyFailures,
        meaning: 'Ledger entries whose alerts could not be sent',
      },
      {
        name: 'alarm-rule-dlq',
        queue: alarmRuleDlq,
        meaning: 'Forwarder alarms EventBridge could not publish',
      },
    ];
    queues.push(...operations.queues);
    const heartbeat = config.heartbeat.enabled
      ? new HeartbeatCheck(this, 'Heartbeat', {
          config,
          bus: this.bus,
          tableArn: this.table.tableArn,
          tableName: this.table.tableName,
          encryptionKey: this.key,
          operationsTopic: operations.topic,
          regions: props.forwarderRegions ?? [MONITOR_REGION],
        })
      : undefined;
    if (heartbeat) queues.push(...heartbeat.queues);
    this.canary = this.detectionContext.canary ? new Canary(this, 'Canary', { config }) : undefined;
    if (this.canary) queues.push(...this.canary.queues);
    if (organizationFailures) {
      queues.push({
        name: 'organization-failures',
        queue: organizationFailures,
        meaning: 'Organization refreshes that failed after retries (the last snapshot stays in use)',
      });
    }
    if (this.audit) {
      queues.push({
        name: 'audit-failures',
        queue: this.audit.failures,
        meaning: 'Scheduled audits that failed',
      });
    }
    if (this.digest) queues.push(...this.digest.queues);
    if (alerts.deadLetterQueue) {
      queues.push({
        name: 'alerts-subscription-dlq',
        queue: alerts.deadLetterQueue,
        meaning: 'Alerts SNS could not deliver to a subscriber',
      });
    }
    this.alarms = new MonitorAlarms(this, 'Alarms', {
      resourcePrefix: prefix,
      topic: operations.topic,
      functions: {
        record: this.recordFunction,
        notify: this.notifyFunction,
        ...(operations.relay ? { 'operations-relay': operations.relay } : {}),
        ...(heartbeat ? { heartbeat: heartbeat.function } : {}),
        ...(this.canary ? { canary: this.canary.function } : {}),
      },
      streamConsumer: this.notifyFunction,
      queues,
      metrics: deliveryFailureAlarms(),
    }).alarms;
  }

  /**
   * The organization refresh: a function assuming the read role in the management account, run on a
   * schedule and on every membership event on the monitored bus, writing the snapshot to the ledger.
   */
  private addOrganizationRefresh(config: IamwatchConfig): DeadLetterQueue {
    const prefix = config.resourcePrefix;
    const management = config.organization?.managementAccountId ?? this.account;
    const readerRoleArn = `arn:aws:iam::${management}:role/${organizationReaderRoleName(prefix)}`;
    const fn = new AsyncFunction(this, 'Organization', {
      functionName: `${prefix}-organization`,
      description: 'iamwatch: read the organization (accounts, names, OU paths) into the ledger table',
      entry: 'handlers/organization/lambda.ts',
      memorySize: 512,
      timeout: Duration.minutes(5),
      logRetention: config.logRetentionDays,
      roleName: organizationRefreshRoleName(prefix),
      environment: {
        [ORGANIZATION_ENV.tableName]: this.table.tableName,
        [ORGANIZATION_ENV.roleArn]: readerRoleArn,
      },
      failuresId: 'OrganizationFailures',
      catches: 'organization refreshes (the function and the rules invoking it)',
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
    });
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [readerRoleArn] }));
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ORGANIZATION_LEDGER_ACTIONS,
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [ORGANIZATION_PARTITION] } },
      }),
    );
    this.grantLedgerKey(fn);
    const retry = { retryAttempts: 4, maxEventAge: Duration.hours(1) };
    fn.addScheduleRule('OrganizationSchedule', {
      ruleName: `${prefix}-organization-schedule`,
      description: 'iamwatch: read the organization even when no membership event arrived',
      schedule: events.Schedule.rate(ORGANIZATION_REFRESH_INTERVAL),
      ...retry,
    });
    new events.Rule(this, 'OrganizationChanges', {
      ruleName: `${prefix}-organization-changes`,
      description: 'iamwatch: read the organization again when an account joins, leaves or moves',
      eventBus: this.bus,
      eventPattern: {
        source: ['aws.organizations'],
        detail: { eventName: [...ORGANIZATION_CHANGE_EVENTS] },
      },
      targets: [fn.ruleTarget(retry)],
    });
    (this as { organizationFunction?: IamwatchFunction }).organizationFunction = fn;
    return fn.failures;
  }

  private monitoredBus(config: IamwatchConfig): events.IEventBus {
    if (config.mode === 'single-account' || !config.organization) {
      return events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    }
    const bus = new events.EventBus(this, 'CentralBus', {
      eventBusName: `${config.resourcePrefix}-central`,
      description: 'iamwatch: IAM events forwarded from every account of the organization',
    });
    // Only the forwarder roles, and only from accounts of the organization: any other principal of the
    // organization could otherwise put forged "AWS API Call via CloudTrail" events on the bus.
    bus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ForwarderRolesMayPutEvents',
        principals: [new iam.AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [bus.eventBusArn],
        conditions: {
          StringEquals: { 'aws:PrincipalOrgID': config.organization.id },
          ArnLike: {
            'aws:PrincipalArn': `arn:${this.partition}:iam::*:role/${forwarderRoleName(config.resourcePrefix, '*')}`,
          },
        },
      }),
    );
    return bus;
  }

  private createNotifyFunction(
    config: IamwatchConfig,
    slack: SlackSecrets,
    topic: sns.Topic,
    failures: sqs.IQueue,
  ): IamwatchFunction {
    const environment = {
      [NOTIFY_ENV.tableName]: this.table.tableName,
      [NOTIFY_ENV.slackRoutes]: JSON.stringify(slack.routes),
      [NOTIFY_ENV.snsTopicArn]: topic.topicArn,
      [NOTIFY_ENV.snsMinSeverity]: config.sns.minSeverity,
      [NOTIFY_ENV.alertOnReplay]: 'false',
    };
    assertEnvironmentFits(`${config.resourcePrefix}-notify`, environment);
    const budget = notifyBudget(slack.routes.length);
    const fn = new IamwatchFunction(this, 'Notify', {
      functionName: `${config.resourcePrefix}-notify`,
      description: 'iamwatch: announce new ledger entries in Slack and on the alert topic',
      entry: 'handlers/notify/lambda.ts',
      memorySize: 256,
      // Slack answers 429 with Retry-After and the sender retries 5xx: a whole batch must fit.
      timeout: budget.timeout,
      logRetention: config.logRetentionDays,
      environment,
    });
    fn.addEventSource(
      new sources.DynamoEventSource(this.table, {
        // Delivery state on each entry makes a re-read harmless; starting late would lose alerts.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: budget.batchSize,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 10,
        maxRecordAge: Duration.hours(12),
        reportBatchItemFailures: true,
        onFailure: new sources.SqsDlq(failures),
        filters: NOTIFY_STREAM_FILTERS.map((filter) => lambda.FilterCriteria.filter(structuredClone(filter))),
      }),
    );
    // A follow-up is due when its window closes even if no further entry arrives: a stream batch would
    // never come after the last change of the day, so a schedule flushes too.
    const flush = new events.Rule(this, 'NotifyBurstFlush', {
      ruleName: `${config.resourcePrefix}-notify-burst-flush`,
      description: 'iamwatch: send the follow-ups of folded alert bursts whose window has closed',
      schedule: events.Schedule.rate(BURST_FLUSH_RATE),
      targets: [new targets.LambdaFunction(fn, { retryAttempts: 0 })],
    });
    Validations.of(flush).acknowledge({
      id: 'Serverless-EventBusDLQ',
      reason:
        'A missed flush carries no data: the follow-ups stay in the ledger and the next run, a minute later, sends them.',
    });
    this.grantLedger(fn, NOTIFY_LEDGER_ACTIONS);
    for (const secret of slack.secrets) secret.grantRead(fn);
    topic.grantPublish(fn);
    const reason =
      'Invoked by the ledger stream mapping, whose on-failure destination (notify-failures) catches failed batches, and by a one-minute flush schedule whose missed run the next run repeats (follow-ups stay in the ledger until sent).';
    Validations.of(fn).acknowledge({ id: 'Serverless-LambdaDLQ', reason });
    Validations.of(fn).acknowledge({ id: 'Serverless-LambdaAsyncFailureDestination', reason });
    return fn;
  }

  /**
   * `actions` on the ledger table, `indexActions` on its facet index (by name, no wildcard), and use of
   * its key, with the wildcards cdk-nag asks about explained.
   */
  private grantLedger(
    fn: IamwatchFunction,
    actions: readonly string[],
    indexActions: readonly string[] = [],
  ): void {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: [...actions], resources: [this.table.tableArn] }));
    if (indexActions.length > 0) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: [...indexActions],
          resources: [`${this.table.tableArn}/index/${FACET_INDEX_NAME}`],
        }),
      );
    }
    this.grantLedgerKey(fn);
  }

  /** Use of the ledger's key, with the wildcards cdk-nag asks about explained. */
  private grantLedgerKey(fn: IamwatchFunction): void {
    this.key.grant(fn, ...LEDGER_KEY_ACTIONS);
    fn.acknowledgeKeyWildcards(MONITOR_KEY_REASON);
  }

  private addMonitorRules(
    patterns: readonly DerivedPattern[],
    prefix: string,
    deadLetterQueue: sqs.IQueue,
  ): void {
    const target = new targets.LambdaFunction(this.recordFunction, {
      deadLetterQueue,
      retryAttempts: 8,
      maxEventAge: Duration.hours(6),
    });
    // Every derived pattern, whole: each forwarder rule carries one of them or a part of one cut by
    // source, so whatever any forwarder in any region sends matches a central rule here.
    for (const derived of patterns) {
      const rule = new events.Rule(this, `Rule-${derived.name}`, {
        ruleName: centralRuleName(prefix, derived.name),
        description: `iamwatch: ${derived.description}`.slice(0, 512),
        eventBus: this.bus,
        eventPattern: structuredClone(derived.pattern) as events.EventPattern,
        targets: [target],
      });
      // The L2 rule knows only ENABLED/DISABLED; read-only CloudTrail events need the third state.
      (rule.node.defaultChild as events.CfnRule).state = derived.state ?? ENABLED;
      this.rules.push(rule);
    }
  }

  /** Forwarder alarms from every account arrive on the bus as state-change events: publish them. */
  private addForwarderAlarmRoute(prefix: string, topic: sns.Topic): DeadLetterQueue {
    const deadLetterQueue = new DeadLetterQueue(this, 'AlarmRuleDlq', {
      queueName: `${prefix}-alarm-rule-dlq`,
      catches: 'the forwarder-alarm rule',
    });
    const rule = new events.Rule(this, 'ForwarderAlarms', {
      ruleName: `${prefix}-forwarder-alarms`,
      description: 'iamwatch: a forwarder in some account or region could not deliver events',
      eventBus: this.bus,
      eventPattern: forwarderAlarmPattern(prefix) as events.EventPattern,
      targets: [
        new targets.SnsTopic(topic, {
          authorizeUsingRole: true,
          deadLetterQueue,
          retryAttempts: 8,
          maxEventAge: Duration.hours(6),
          message: events.RuleTargetInput.fromText(
            `iamwatch forwarder alarm ${events.EventField.fromPath('$.detail.alarmName')} is ` +
              `${events.EventField.fromPath('$.detail.state.value')} in account ${events.EventField.account} ` +
              `region ${events.EventField.region}: ${events.EventField.fromPath('$.detail.state.reason')}`,
          ),
        }),
      ],
    });
    Validations.of(rule).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to the KMS-encrypted operations topic needs data keys of the monitor key; the grant names that key only.',
    });
    return deadLetterQueue;
  }
}

/** One alarm per delivery-failure kind the notify function counts (`handlers/notify/metrics.ts`). */
function deliveryFailureAlarms(): WatchedMetric[] {
  const meaning: Record<DeliveryFailureKind, string> = {
    'not-configured':
      'An alert could not be sent because a Slack route has no webhook URL yet (the secret holds the placeholder): store the URL, then run `iamwatch resend --since`',
    permanent:
      'A channel refused an alert for good (archived channel, revoked webhook, SNS authorization or KMS error): see the notify log for the channel and reason',
    'retries-exhausted':
      'Alerts are failing and being retried (rate limit, 5xx, timeouts): they arrive late, and land in notify-failures if this persists',
  };
  return (Object.entries(DELIVERY_FAILURE_METRICS) as [DeliveryFailureKind, string][]).map(
    ([kind, name]) => ({
      name: `notify-${kind}`,
      description: meaning[kind],
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { Service: NOTIFY_METRICS_SERVICE },
        statistic: 'Sum',
        period: Duration.minutes(5),
      }),
    }),
  );
}

/** The detection context the record function judges with (`IAMWATCH_DETECTION_CONTEXT`). */
export function detectionContextOf(config: IamwatchConfig): DetectionContext {
  const organization = config.organization;
  const canary = canaryIdentityOf(config);
  const known = [
    config.securityAccountId,
    ...(organization
      ? [
          organization.managementAccountId,
          ...(organization.stackSets.adminAccountId ? [organization.stackSets.adminAccountId] : []),
          ...organization.memberAccountIds,
        ]
      : []),
    ...Object.keys(config.accountNames),
  ];
  return {
    organizationAccountIds: [...new Set(known)].sort(),
    trustedAccountIds: config.trustedAccountIds,
    automationPrincipals: config.automationPrincipals,
    deploymentPrincipals: config.deployment.principals,
    monitorResourcePrefix: config.resourcePrefix,
    accountNames: config.accountNames,
    accountOuPaths: {},
    ...(canary ? { canary } : {}),
  };
}
