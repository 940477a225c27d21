/**
 * The monitor's half of the heartbeat: a central rule hands every forwarded heartbeat to the heartbeat
 * function, which records it in the ledger table (apart from entries); a schedule runs the same
 * function as the check, which reads the expected accounts from AWS Organizations (the StackSet's
 * targets) and reports silent and recovered forwarders on the operations topic — and, when deployed,
 * the end-to-end canary (`IAMWATCH_CANARY`, see `canary.ts`), whose arrivals the record function notes.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { HeartbeatTargets } from '../../handlers/heartbeat/config';
import { HEARTBEAT_ENV } from '../../handlers/shared/environment';
import type { IamwatchConfig } from '../config/schema';
import { AsyncFunction } from './async-function';
import { canaryIdentityOf } from './canary';
import { assertEnvironmentFits } from './environment-size';
import { HEARTBEAT_PATTERN, HeartbeatSchedule } from './heartbeat-schedule';
import type { WatchedQueue } from './monitor-alarms';

/** How often the check runs: a fraction of the lateness threshold, so silence is reported promptly. */
const HEARTBEAT_CHECK_INTERVAL = Duration.minutes(5);

/** The ledger calls the heartbeat function makes (`handlers/heartbeat/store.ts`). */
const HEARTBEAT_LEDGER_ACTIONS = ['dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:DeleteItem'];

export interface HeartbeatCheckProps {
  config: IamwatchConfig;
  bus: events.IEventBus;
  tableArn: string;
  tableName: string;
  encryptionKey: kms.IKey;
  operationsTopic: sns.ITopic;
  /** Every region with forwarders. */
  regions: readonly string[];
}

export class HeartbeatCheck extends Construct {
  readonly function: AsyncFunction;
  readonly queues: WatchedQueue[] = [];

  constructor(scope: Construct, id: string, props: HeartbeatCheckProps) {
    super(scope, id);
    const { config } = props;
    const prefix = config.resourcePrefix;
    const organization = config.mode === 'organization' ? config.organization : undefined;
    const heartbeatTargets: HeartbeatTargets = organization
      ? {
          kind: 'organization',
          targetIds:
            organization.targetOrganizationalUnitIds.length > 0
              ? organization.targetOrganizationalUnitIds
              : [organization.rootId],
          managementAccountId: organization.managementAccountId,
        }
      : { kind: 'accounts', accountIds: [config.securityAccountId] };
    const environment = {
      [HEARTBEAT_ENV.tableName]: props.tableName,
      [HEARTBEAT_ENV.operationsTopicArn]: props.operationsTopic.topicArn,
      [HEARTBEAT_ENV.regions]: JSON.stringify(props.regions),
      [HEARTBEAT_ENV.lateMinutes]: String(config.heartbeat.lateAfterMinutes),
      [HEARTBEAT_ENV.targets]: JSON.stringify(heartbeatTargets),
      ...canaryEnvironment(config),
    };
    assertEnvironmentFits(`${prefix}-heartbeat`, environment);
    this.function = new AsyncFunction(this, 'Function', {
      functionName: `${prefix}-heartbeat`,
      description: 'iamwatch: record forwarder heartbeats; report forwarders that fell silent',
      entry: 'handlers/heartbeat/lambda.ts',
      memorySize: 256,
      timeout: Duration.minutes(2),
      logRetention: config.logRetentionDays,
      environment,
      failuresId: 'Failures',
      catches: 'asynchronous invocations of the heartbeat function',
      retryAttempts: 2,
      maxEventAge: Duration.hours(1),
    });
    this.queues.push({
      name: 'heartbeat-failures',
      queue: this.function.failures,
      meaning: 'Heartbeats or checks the heartbeat function could not process',
    });

    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: HEARTBEAT_LEDGER_ACTIONS, resources: [props.tableArn] }),
    );
    // The ledger table and the operations topic are both encrypted with the monitor key.
    props.encryptionKey.grantEncryptDecrypt(this.function);
    this.function.acknowledgeKeyWildcards(
      'The ledger table and operations topic are encrypted with the monitor key; the grant names that one key.',
    );
    props.operationsTopic.grantPublish(this.function);
    if (organization) {
      this.function.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['organizations:ListAccountsForParent', 'organizations:ListOrganizationalUnitsForParent'],
          resources: ['*'],
        }),
      );
      Validations.of(this.function.role!).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Organizations List* calls on parents accept resource ARNs only with the organization id of the management account; read-only listing of the StackSet targets.',
      });
    }

    new events.Rule(this, 'Heartbeats', {
      ruleName: `${prefix}-heartbeats`,
      description: 'iamwatch: forwarder heartbeats from every account and region, to the heartbeat function',
      eventBus: props.bus,
      eventPattern: structuredClone(HEARTBEAT_PATTERN) as events.EventPattern,
      targets: [this.function.ruleTarget({ retryAttempts: 4, maxEventAge: Duration.hours(1) })],
    });
    this.function.addScheduleRule('Check', {
      ruleName: `${prefix}-heartbeat-check`,
      description: 'iamwatch: run the heartbeat check',
      schedule: events.Schedule.rate(HEARTBEAT_CHECK_INTERVAL),
      retryAttempts: 2,
    });

    // In single-account mode no forwarder runs in us-east-1: the monitored default bus beats itself.
    if (!organization) {
      new HeartbeatSchedule(this, 'Schedule', {
        resourcePrefix: prefix,
        intervalMinutes: config.heartbeat.intervalMinutes,
      });
    }
  }
}

/** The canary the check watches (`IAMWATCH_CANARY`), when one is deployed. */
function canaryEnvironment(config: IamwatchConfig): Record<string, string> {
  const canary = canaryIdentityOf(config);
  if (!canary) return {};
  return {
    [HEARTBEAT_ENV.canary]: JSON.stringify({ accountId: canary.accountId, roleName: canary.roleName }),
  };
}
