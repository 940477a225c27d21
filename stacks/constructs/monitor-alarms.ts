/**
 * The monitor's alarms, each notifying the operations topic on the way into ALARM and back to OK: function
 * errors and throttles, dead-letter queues that received anything, and a notify stream falling behind.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** How far the notify function may lag behind the ledger stream before someone is told. */
const ITERATOR_AGE_THRESHOLD = Duration.minutes(5);

export interface WatchedQueue {
  /** Alarm name suffix, usually the queue's name without the prefix. */
  name: string;
  queue: sqs.IQueue;
  /** What a message in the queue means. */
  meaning: string;
}

/** An alarm on any metric, above `threshold` (default 0) in one period. */
export interface WatchedMetric {
  /** Alarm name suffix. */
  name: string;
  description: string;
  metric: cloudwatch.IMetric;
  threshold?: number;
}

export interface MonitorAlarmsProps {
  resourcePrefix: string;
  topic: sns.ITopic;
  /** Functions by short name (`record`, `notify`): errors and throttles. */
  functions: Record<string, lambda.IFunction>;
  /** The function reading the ledger stream: iterator age. */
  streamConsumer: lambda.IFunction;
  queues: readonly WatchedQueue[];
  /** Further metrics to alarm on (delivery failures, silent forwarders). */
  metrics?: readonly WatchedMetric[];
}

export class MonitorAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly action: cloudwatchActions.SnsAction;
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: MonitorAlarmsProps) {
    super(scope, id);
    this.action = new cloudwatchActions.SnsAction(props.topic);
    this.prefix = props.resourcePrefix;
    const everyFiveMinutes = { period: Duration.minutes(5), statistic: 'Sum' };
    for (const [name, fn] of Object.entries(props.functions)) {
      this.add(`${name}-errors`, `The ${name} function failed`, fn.metricErrors(everyFiveMinutes));
      this.add(
        `${name}-throttles`,
        `The ${name} function was throttled`,
        fn.metricThrottles(everyFiveMinutes),
      );
    }
    this.add(
      'notify-iterator-age',
      `Alerts are more than ${ITERATOR_AGE_THRESHOLD.toMinutes()} minutes behind the ledger (the notify function is failing or slow)`,
      props.streamConsumer.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
      ITERATOR_AGE_THRESHOLD.toMilliseconds(),
    );
    for (const { name, queue, meaning } of props.queues) {
      this.add(
        `${name}-not-empty`,
        `${meaning}: inspect ${this.prefix}-${name}`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      );
    }
    for (const { name, description, metric, threshold } of props.metrics ?? []) {
      this.add(name, description, metric, threshold);
    }
  }

  private add(name: string, description: string, metric: cloudwatch.IMetric, threshold = 0): void {
    const alarm = new cloudwatch.Alarm(this, name, {
      alarmName: `${this.prefix}-${name}`,
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
  }
}
