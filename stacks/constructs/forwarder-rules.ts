/**
 * Forwarding on an account's default bus: one rule per derived pattern that can fire in this region,
 * each sending the event to the monitored bus in us-east-1 through an IAM role, with a dead-letter
 * queue. An alarm watches the queue; its state changes are forwarded too, so a broken forwarder in any
 * account shows up on the monitor's topic.
 *
 * In a region-pinned stack the patterns are chosen at synth time. In a region-agnostic stack (the
 * StackSet template, deployed to many regions) CloudFormation conditions choose them per region, which
 * is why the rules are L1 resources: nothing else in the template may reference a rule that a
 * condition leaves out, so the role and queue policies name the rules by their `<prefix>-fwd-` prefix.
 */
import { Aws, CfnCondition, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { DerivedPattern, EventPattern } from '../../rules/eventbridge/derive';
import { ENABLED, type RuleState } from '../../rules/eventbridge/rule-state';
import {
  type Emission,
  forwarderRuleName,
  type PlacedPattern,
  patternsForRegion,
  placePatterns,
} from '../../rules/placement';
import type { RegionsConfig } from '../../rules/regions';
import { MONITOR_REGION } from '../config/schema';
import { DeadLetterQueue } from './dead-letter-queue';
import { HEARTBEAT_PATTERN, HeartbeatSchedule } from './heartbeat-schedule';

export interface ForwarderRulesProps {
  resourcePrefix: string;
  /** Every derived pattern; this construct picks the ones that fire in its region. */
  patterns: readonly DerivedPattern[];
  /** The bus events are forwarded to (central bus, or the default bus in us-east-1 in single-account mode). */
  targetBusArn: string;
  /** Emit and forward a heartbeat this often (minutes); no heartbeat when absent. */
  heartbeatIntervalMinutes?: number;
  /** Where each placement's rules run (the Identity Center home region above all). */
  regions: RegionsConfig;
}

/** Name of the forwarder role in every account and region; the central bus policy admits only these. */
export function forwarderRoleName(resourcePrefix: string, region: string): string {
  return `${resourcePrefix}-forwarder-${region}`;
}

export class ForwarderRules extends Construct {
  readonly rules: events.CfnRule[] = [];
  readonly role: iam.Role;
  readonly deadLetterQueue: DeadLetterQueue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ForwarderRulesProps) {
    super(scope, id);
    const prefix = props.resourcePrefix;
    const ruleNamePrefix = forwarderRuleName(prefix, '');

    this.role = new iam.Role(this, 'Role', {
      // IAM is global: one role per region, so StackSet instances in several regions do not collide.
      roleName: forwarderRoleName(prefix, Aws.REGION),
      description: 'Lets EventBridge forward IAM events from this account to the iamwatch monitor bus',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      }),
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['events:PutEvents'], resources: [props.targetBusArn] }),
    );
    this.deadLetterQueue = new DeadLetterQueue(this, 'Dlq', {
      queueName: `${prefix}-forwarder-dlq`,
      catches: 'the iamwatch forwarding rules',
    });
    this.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'ForwardingRulesMayDeadLetter',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': `arn:${Aws.PARTITION}:events:${Aws.REGION}:${Aws.ACCOUNT_ID}:rule/${ruleNamePrefix}*`,
          },
        },
      }),
    );
    const forwardTo = (
      name: string,
      description: string,
      pattern: EventPattern,
      state: RuleState = ENABLED,
    ): events.CfnRule =>
      new events.CfnRule(this, `Rule-${name}`, {
        name: forwarderRuleName(prefix, name),
        description: truncate(description, 512),
        state,
        eventPattern: structuredClone(pattern),
        targets: [
          {
            id: 'monitor-bus',
            arn: props.targetBusArn,
            roleArn: this.role.roleArn,
            deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
          },
        ],
      });

    for (const placed of this.placedPatterns(props.patterns, props.regions)) {
      const rule = forwardTo(
        placed.name,
        `iamwatch forwarder: ${placed.description}`,
        placed.pattern,
        placed.state,
      );
      const condition = this.conditionFor(placed.placement, props.regions);
      if (condition) rule.cfnOptions.condition = condition;
      this.rules.push(rule);
    }

    this.alarm = new cloudwatch.Alarm(this, 'DlqAlarm', {
      alarmName: `${prefix}-forwarder-dlq-not-empty`,
      alarmDescription:
        'iamwatch forwarding failed: events from this account and region did not reach the monitor bus. ' +
        `Inspect ${prefix}-forwarder-dlq and the rule targets.`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.heartbeatIntervalMinutes) {
      new HeartbeatSchedule(this, 'Heartbeat', {
        resourcePrefix: prefix,
        intervalMinutes: props.heartbeatIntervalMinutes,
      });
      // Through the same role and target as real events, so a heartbeat proves that path works.
      forwardTo(
        'heartbeat',
        'iamwatch forwarder: the heartbeat of this account and region',
        HEARTBEAT_PATTERN,
      );
    }
    forwardTo('alarms', 'iamwatch forwarder: state changes of the forwarder alarm, for the monitor topic', {
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      resources: [this.alarm.alarmArn],
    });
  }

  /** Region-pinned: the patterns for that region. Region-agnostic: every placement, conditioned. */
  private placedPatterns(patterns: readonly DerivedPattern[], regions: RegionsConfig): PlacedPattern[] {
    const region = Stack.of(this).region;
    return Token.isUnresolved(region)
      ? placePatterns(patterns)
      : patternsForRegion(patterns, region, regions);
  }

  /** Region-agnostic templates only: us-east-1 and Identity Center rules exist in their one region. */
  private conditionFor(placement: Emission, regions: RegionsConfig): CfnCondition | undefined {
    if (!Token.isUnresolved(Stack.of(this).region)) return undefined;
    if (placement === 'us-east-1') return this.regionCondition('InMonitorRegion', MONITOR_REGION);
    if (placement === 'identity-center-home') {
      return regions.identityCenter === MONITOR_REGION
        ? this.regionCondition('InMonitorRegion', MONITOR_REGION)
        : this.regionCondition('InIdentityCenterRegion', regions.identityCenter);
    }
    return undefined;
  }

  private regionCondition(id: string, region: string): CfnCondition {
    const existing = this.node.tryFindChild(id);
    if (existing instanceof CfnCondition) return existing;
    return new CfnCondition(this, id, { expression: Fn.conditionEquals(Aws.REGION, region) });
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
