/**
 * A dead-letter queue the iamwatch way: encrypted, TLS-only, holding messages for the SQS maximum of
 * 14 days so a failure found on Monday can still be replayed.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  queueName: string;
  /** What fails into this queue, for the acknowledgements. */
  catches: string;
}

export class DeadLetterQueue extends sqs.Queue {
  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id, {
      queueName: props.queueName,
      // SQS-managed keys: EventBridge and SNS can write without a key policy per service.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason = `This queue is itself the dead-letter queue for ${props.catches}; a queue behind it would only move the problem.`;
    Validations.of(this).acknowledge({ id: 'AwsSolutions-SQS3', reason });
    Validations.of(this).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });
  }
}
