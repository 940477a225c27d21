/**
 * The server access log bucket of another bucket: S3-managed encryption (the log delivery service
 * cannot use a KMS key), TLS-only, versioned, retained, logs expiring after a while.
 */
import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface AccessLogBucketProps {
  /** The bucket whose access it logs, for the acknowledgement (`the trail bucket`). */
  logsOf: string;
  /** How long a log object is kept. */
  expiration: Duration;
}

export class AccessLogBucket extends s3.Bucket {
  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id, {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: props.expiration }],
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-S1',
      reason: `This is the server access log bucket of ${props.logsOf}; logging it to itself would loop.`,
    });
  }
}
