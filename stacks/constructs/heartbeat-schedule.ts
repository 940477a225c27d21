/**
 * The heartbeat of one account and region: an EventBridge Scheduler schedule that puts an
 * `iamwatch.heartbeat` event on this account's default bus every few minutes (templated PutEvents
 * target: no Lambda in member accounts). From there it travels like a real event: a forwarder rule,
 * the forwarder role, the central bus policy, a central rule. EventBridge stamps the event with the
 * account and region it was put in, which is how the monitor knows who is alive.
 */
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { HEARTBEAT_DETAIL_TYPE, HEARTBEAT_SOURCE } from '../../handlers/heartbeat/handler';
import type { EventPattern } from '../../rules/eventbridge/derive';

/** The pattern of heartbeat events, for the forwarder rule and the central rule alike. */
export const HEARTBEAT_PATTERN: EventPattern = {
  source: [HEARTBEAT_SOURCE],
  'detail-type': [HEARTBEAT_DETAIL_TYPE],
};

export interface HeartbeatScheduleProps {
  resourcePrefix: string;
  intervalMinutes: number;
}

export class HeartbeatSchedule extends Construct {
  readonly schedule: scheduler.CfnSchedule;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: HeartbeatScheduleProps) {
    super(scope, id);
    const defaultBus = `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:event-bus/default`;
    this.role = new iam.Role(this, 'Role', {
      // IAM is global: one role per region, so StackSet instances in several regions do not collide.
      roleName: `${props.resourcePrefix}-heartbeat-${Aws.REGION}`,
      description: 'Lets EventBridge Scheduler put the iamwatch heartbeat on this default bus',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      }),
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [defaultBus] }),
    );
    const minutes = props.intervalMinutes;
    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      name: `${props.resourcePrefix}-heartbeat`,
      description: 'iamwatch: heartbeat of this account and region, forwarded to the monitor like any event',
      scheduleExpression: `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: defaultBus,
        roleArn: this.role.roleArn,
        eventBridgeParameters: { source: HEARTBEAT_SOURCE, detailType: HEARTBEAT_DETAIL_TYPE },
        input: JSON.stringify({ intervalMinutes: minutes }),
        // A heartbeat that cannot be put in time is worthless; the next one is due anyway.
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: minutes * 60 },
      },
    });
  }
}
