/**
 * The on-call topic: KMS-encrypted with the monitor's customer-managed key, TLS-only, publishable by
 * the notify function and EventBridge rule roles (granted separately), by this account's CloudWatch
 * alarms, and by nothing else. Subscriptions come from config; each carries a filter policy over the message
 * attributes the SNS notifier sets, and a dead-letter queue for deliveries SNS gives up on.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { severitiesFrom } from '../../rules/severity';
import type { SubscriptionConfig } from '../config/schema';
import { DeadLetterQueue } from './dead-letter-queue';

/**
 * Message attributes the SNS notifier sets on every publish; subscription filter policies match on
 * them. `detection` holds the ids of the detections that fired.
 */
export const ALERT_MESSAGE_ATTRIBUTES = {
  severity: 'severity',
  detection: 'detection',
  account: 'accountId',
} as const;

export interface AlertsTopicProps {
  topicName: string;
  encryptionKey: kms.IKey;
  subscriptions: readonly SubscriptionConfig[];
  /** Name of the queue that catches deliveries SNS abandons. */
  deadLetterQueueName: string;
  /** Default `iamwatch alerts`. */
  displayName?: string;
}

export class AlertsTopic extends Construct {
  readonly topic: sns.Topic;
  /** Present when there is at least one subscription. */
  readonly deadLetterQueue?: sqs.Queue;

  constructor(scope: Construct, id: string, props: AlertsTopicProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: props.displayName ?? 'iamwatch alerts',
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    // Alarm actions publish as the CloudWatch service; EventBridge rules publish through a role instead.
    this.topic.grantPublish(
      new iam.ServicePrincipal('cloudwatch.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': account },
      }),
    );

    if (props.subscriptions.length === 0) return;
    this.deadLetterQueue = new DeadLetterQueue(this, 'SubscriptionDlq', {
      queueName: props.deadLetterQueueName,
      catches: 'SNS subscription deliveries',
    });
    props.subscriptions.forEach((subscription, index) => {
      this.topic.addSubscription(toSubscriber(this, `Endpoint${index}`, subscription, this.deadLetterQueue!));
    });
  }
}

/** The filter policy for a subscription's filter, empty when it has none. */
function filterPolicyOf(filter: SubscriptionConfig['filter']): Record<string, sns.SubscriptionFilter> {
  const policy: Record<string, sns.SubscriptionFilter> = {};
  if (filter?.minSeverity) {
    policy[ALERT_MESSAGE_ATTRIBUTES.severity] = sns.SubscriptionFilter.stringFilter({
      allowlist: severitiesFrom(filter.minSeverity),
    });
  }
  if (filter?.detections) {
    policy[ALERT_MESSAGE_ATTRIBUTES.detection] = sns.SubscriptionFilter.stringFilter({
      allowlist: filter.detections,
    });
  }
  if (filter?.accounts) {
    policy[ALERT_MESSAGE_ATTRIBUTES.account] = sns.SubscriptionFilter.stringFilter({
      allowlist: filter.accounts,
    });
  }
  return policy;
}

function toSubscriber(
  scope: Construct,
  id: string,
  subscription: SubscriptionConfig,
  deadLetterQueue: sqs.IQueue,
): sns.ITopicSubscription {
  const policy = filterPolicyOf(subscription.filter);
  // No filter policy at all (not an empty one) when the subscription has no filter: it receives everything.
  const options = { filterPolicy: Object.keys(policy).length > 0 ? policy : undefined, deadLetterQueue };
  switch (subscription.protocol) {
    case 'email':
      return new subscriptions.EmailSubscription(subscription.endpoint, options);
    case 'https':
      return new subscriptions.UrlSubscription(subscription.endpoint, {
        ...options,
        protocol: sns.SubscriptionProtocol.HTTPS,
      });
    case 'sqs':
      return new subscriptions.SqsSubscription(
        sqs.Queue.fromQueueArn(scope, id, subscription.endpoint),
        options,
      );
  }
}
