/**
 * The end-to-end canary in the monitor (security) account: a dedicated role that grants nothing and
 * nobody can assume, and a function that tags it on an EventBridge Scheduler schedule. The tag write is
 * an ordinary IAM change: its CloudTrail event is delivered to EventBridge in us-east-1, forwarded like
 * any other (the account's forwarder, or the monitored default bus in single-account mode), matched by
 * the central `iam` rule (prefix `Tag`), recorded and labelled `canary` (`rules/canary.ts`), never
 * alerted on. The heartbeat check reports the canary silent when no write reached the ledger in time.
 */
import { Aws, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { CANARY_ENV } from '../../handlers/shared/environment';
import { CANARY_TAG_KEY } from '../../rules/canary';
import type { CanaryIdentity } from '../../rules/types';
import type { IamwatchConfig } from '../config/schema';
import { AsyncFunction } from './async-function';
import type { WatchedQueue } from './monitor-alarms';

/** Whether the configuration deploys the canary: it is checked by the heartbeat function, so both. */
function canaryEnabled(config: IamwatchConfig): boolean {
  return config.heartbeat.enabled && config.heartbeat.canary.enabled;
}

/** The canary's identity as the record path recognises it; undefined when no canary is deployed. */
export function canaryIdentityOf(config: IamwatchConfig): CanaryIdentity | undefined {
  if (!canaryEnabled(config)) return undefined;
  const prefix = config.resourcePrefix;
  return {
    accountId: config.securityAccountId,
    roleName: config.heartbeat.canary.roleName ?? `${prefix}-canary`,
    writerRoleName: `${prefix}-canary-writer`,
  };
}

export interface CanaryProps {
  config: IamwatchConfig;
}

export class Canary extends Construct {
  /** The role the canary tags. */
  readonly role: iam.Role;
  readonly function: AsyncFunction;
  readonly schedule: scheduler.CfnSchedule;
  readonly queues: WatchedQueue[] = [];

  constructor(scope: Construct, id: string, props: CanaryProps) {
    super(scope, id);
    const { config } = props;
    const identity = canaryIdentityOf(config);
    if (!identity) throw new Error('Canary constructed while heartbeat.canary is disabled');
    const prefix = config.resourcePrefix;
    const roleArn = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${identity.roleName}`;

    // Trusted only by itself (a session of this role is needed to assume it, and none can start),
    // and denied everything should anyone ever attach a policy: a name to tag, nothing more.
    this.role = new iam.Role(this, 'Role', {
      roleName: identity.roleName,
      description: 'iamwatch end-to-end canary: tagged on a schedule; grants nothing, nobody can assume it',
      assumedBy: new iam.AccountPrincipal(Aws.ACCOUNT_ID).withConditions({
        ArnEquals: { 'aws:PrincipalArn': roleArn },
      }),
      maxSessionDuration: Duration.hours(1),
      inlinePolicies: {
        DenyEverything: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['*'], resources: ['*'] }),
          ],
        }),
      },
    });

    this.function = new AsyncFunction(this, 'Function', {
      functionName: `${prefix}-canary`,
      roleName: identity.writerRoleName,
      description: 'iamwatch: tag the canary role so its CloudTrail event proves the whole pipeline works',
      entry: 'handlers/canary/lambda.ts',
      memorySize: 128,
      timeout: Duration.seconds(30),
      logRetention: config.logRetentionDays,
      environment: { [CANARY_ENV.roleName]: identity.roleName },
      failuresId: 'Failures',
      catches: 'canary runs (the schedule could not invoke the function, or the function failed)',
      retryAttempts: 2,
      maxEventAge: Duration.minutes(15),
    });
    const failures = this.function.failures;
    // TagRole on the canary role only, and only the canary's own tag key.
    this.function.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:TagRole'],
        resources: [this.role.roleArn],
        conditions: { 'ForAllValues:StringEquals': { 'aws:TagKeys': [CANARY_TAG_KEY] } },
      }),
    );
    this.queues.push({
      name: 'canary-failures',
      queue: failures,
      meaning: 'Canary runs that could not be invoked or failed: the end-to-end canary will fall silent',
    });

    const invoker = new iam.Role(this, 'SchedulerRole', {
      roleName: `${prefix}-canary-scheduler`,
      description: 'Lets EventBridge Scheduler run the iamwatch canary function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      }),
    });
    invoker.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.function.functionArn] }),
    );
    failures.grantSendMessages(invoker);
    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      name: `${prefix}-canary`,
      description: 'iamwatch: the end-to-end canary, a harmless IAM write that must reach the ledger',
      scheduleExpression: config.heartbeat.canary.schedule,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: this.function.functionArn,
        roleArn: invoker.roleArn,
        deadLetterConfig: { arn: failures.queueArn },
        // A canary that cannot run in time is worthless; the next one is due anyway.
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 900 },
      },
    });
  }
}
