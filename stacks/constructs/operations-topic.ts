/**
 * Where iamwatch's own health is reported: a topic of its own (KMS, TLS-only, like the alert topic)
 * whose subscriptions carry no filter policy, so every operational message reaches every subscriber.
 * CloudWatch alarm notifications and EventBridge-relayed text carry no message attributes; on the
 * alert topic, whose subscriptions filter on attributes, SNS would deliver them to nobody.
 *
 * Besides `operations.subscriptions`, one Slack route (`operations.slackRoute`, else the first route)
 * receives operational messages through a small relay function subscribed to the topic.
 */
import { Annotations, Duration } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { OPERATIONS_ENV } from '../../handlers/shared/environment';
import type { IamwatchConfig } from '../config/schema';
import { AlertsTopic } from './alerts-topic';
import { AsyncFunction } from './async-function';
import type { IamwatchFunction } from './iamwatch-function';
import type { WatchedQueue } from './monitor-alarms';
import type { SlackSecrets } from './slack-secrets';

export interface OperationsTopicProps {
  config: IamwatchConfig;
  encryptionKey: kms.IKey;
  slack: SlackSecrets;
}

/** The Slack route that receives operational messages: the configured one, else the first route. */
function operationsSlackRoute(config: IamwatchConfig): string | undefined {
  return config.operations.slackRoute ?? config.slack.routes[0]?.name;
}

export class OperationsTopic extends Construct {
  readonly topic: sns.Topic;
  /** Present when a Slack route receives operational messages. */
  readonly relay?: IamwatchFunction;
  /** Queues whose messages mean an operational message was not delivered. */
  readonly queues: WatchedQueue[] = [];

  constructor(scope: Construct, id: string, props: OperationsTopicProps) {
    super(scope, id);
    const { config } = props;
    const prefix = config.resourcePrefix;
    const topic = new AlertsTopic(this, 'Topic', {
      topicName: `${prefix}-operations`,
      displayName: 'iamwatch operations',
      encryptionKey: props.encryptionKey,
      subscriptions: config.operations.subscriptions,
      deadLetterQueueName: `${prefix}-operations-subscription-dlq`,
    });
    this.topic = topic.topic;
    if (topic.deadLetterQueue) {
      this.queues.push({
        name: 'operations-subscription-dlq',
        queue: topic.deadLetterQueue,
        meaning: 'Operational messages SNS could not deliver to a subscriber',
      });
    }

    const routeName = operationsSlackRoute(config);
    const routeIndex = config.slack.routes.findIndex((route) => route.name === routeName);
    const secret = routeIndex >= 0 ? props.slack.secrets[routeIndex] : undefined;
    if (secret) this.relay = this.createRelay(prefix, config, secret);

    if (config.operations.subscriptions.length === 0 && !this.relay) {
      Annotations.of(this).addWarningV2(
        'iamwatch:operations-unheard',
        'Nobody receives operational alarms: add operations.subscriptions or a Slack route, or failures of iamwatch itself go unnoticed.',
      );
    }
  }

  private createRelay(
    prefix: string,
    config: IamwatchConfig,
    secret: secretsmanager.ISecret,
  ): IamwatchFunction {
    const relay = new AsyncFunction(this, 'Relay', {
      functionName: `${prefix}-operations-relay`,
      description: 'iamwatch: post operational messages (alarms, silent forwarders) to Slack',
      entry: 'handlers/operations/lambda.ts',
      memorySize: 256,
      timeout: Duration.minutes(2),
      logRetention: config.logRetentionDays,
      environment: { [OPERATIONS_ENV.slackSecretArn]: secret.secretArn },
      failuresId: 'RelayFailures',
      catches: 'asynchronous invocations of the operations relay',
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });
    const failures = relay.failures;
    secret.grantRead(relay);
    // Messages SNS cannot hand to the function land in the same queue as failed invocations.
    this.topic.addSubscription(new subscriptions.LambdaSubscription(relay, { deadLetterQueue: failures }));
    this.queues.push({
      name: 'operations-relay-failures',
      queue: failures,
      meaning: 'Operational messages the relay could not post to Slack',
    });
    return relay;
  }
}
