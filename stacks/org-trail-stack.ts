/**
 * The trail EventBridge's "AWS API Call via CloudTrail" events depend on: an organization trail from
 * the management account (or CloudTrail delegated admin), or an account trail in single-account mode.
 * Multi-region, global service events, log-file validation, all management events; logs in a
 * versioned, KMS-encrypted, TLS-only, private bucket with a lifecycle, and the bucket and key policies
 * CloudTrail needs. Skipped entirely when the configuration says a trail already exists.
 */
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { AccessLogBucket } from './constructs/access-log-bucket';
import { assertMonitorRegion } from './region-guard';

export interface OrgTrailStackProps extends StackProps {
  resourcePrefix: string;
  trailName: string;
  /** The organization id for an organization trail; undefined for an account trail. */
  organizationId?: string;
  /**
   * The account that owns the trail. An organization trail created by the CloudTrail delegated
   * administrator is owned by the management account, and its ARN says so. Default: this stack's.
   */
  trailOwnerAccountId?: string;
  glacierTransitionDays: number;
  expirationDays: number;
  noncurrentVersionExpirationDays: number;
  /**
   * Roles of the S3 backfill in the security account (`backfill.enabled`): the lister may list the log
   * files, the reader may read and decrypt them. Nothing else in that account may.
   */
  backfillRoles?: { reader: string; lister: string; logsPrefix: string };
}

export class OrgTrailStack extends Stack {
  readonly trail: cloudtrail.Trail;
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: OrgTrailStackProps) {
    super(scope, id, props);
    // The trail's home region receives the global service events the monitor depends on.
    assertMonitorRegion(this);
    const owner = props.trailOwnerAccountId ?? this.account;
    const trailArn = `arn:${this.partition}:cloudtrail:${this.region}:${owner}:trail/${props.trailName}`;

    this.key = new kms.Key(this, 'Key', {
      alias: `alias/${props.resourcePrefix}-trail`,
      description: 'iamwatch: encrypts CloudTrail log files',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const cloudtrailPrincipal = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncryptsLogs',
        principals: [cloudtrailPrincipal],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceArn': trailArn },
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${this.partition}:cloudtrail:*:${owner}:trail/*`,
          },
        },
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribesKey',
        principals: [cloudtrailPrincipal],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
      }),
    );

    const accessLogs = new AccessLogBucket(this, 'AccessLogs', {
      logsOf: 'the trail bucket',
      expiration: Duration.days(props.expirationDays),
    });

    this.bucket = new s3.Bucket(this, 'Logs', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'trail-bucket/',
      lifecycleRules: [
        {
          id: 'archive-then-expire',
          transitions: [
            {
              storageClass: s3.StorageClass.GLACIER,
              transitionAfter: Duration.days(props.glacierTransitionDays),
            },
          ],
          expiration: Duration.days(props.expirationDays),
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionExpirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });

    // The Trail construct allows CloudTrail to read the ACL and to write under AWSLogs/<account>/
    // without naming the trail, so any account's trail (with a key prefix of that path) could write
    // into this bucket. Only this trail may, as CloudTrail's bucket policy guidance asks.
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyThisTrailDelivers',
        effect: iam.Effect.DENY,
        principals: [cloudtrailPrincipal],
        actions: ['s3:GetBucketAcl', 's3:PutObject'],
        resources: [this.bucket.bucketArn, this.bucket.arnForObjects('*')],
        conditions: { StringNotEquals: { 'aws:SourceArn': trailArn } },
      }),
    );

    if (owner !== this.account) {
      // The Trail construct writes its bucket statements for this stack's account; a delegated
      // administrator's trail writes as the management account's trail.
      const prefixes = [owner, ...(props.organizationId ? [props.organizationId] : [])];
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OwnerTrailWritesLogs',
          principals: [cloudtrailPrincipal],
          actions: ['s3:PutObject'],
          resources: prefixes.map((prefix) => this.bucket.arnForObjects(`AWSLogs/${prefix}/*`)),
          conditions: {
            StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn },
          },
        }),
      );
      this.bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OwnerTrailReadsAcl',
          principals: [cloudtrailPrincipal],
          actions: ['s3:GetBucketAcl'],
          resources: [this.bucket.bucketArn],
          conditions: { StringEquals: { 'aws:SourceArn': trailArn } },
        }),
      );
    }

    if (props.backfillRoles) this.grantBackfill(props.backfillRoles);

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: props.trailName,
      bucket: this.bucket,
      encryptionKey: this.key,
      isOrganizationTrail: props.organizationId !== undefined,
      orgId: props.organizationId,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
      sendToCloudWatchLogs: false,
    });
  }

  private grantBackfill(roles: { reader: string; lister: string; logsPrefix: string }): void {
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'BackfillListsLogFiles',
        principals: [new iam.ArnPrincipal(roles.lister)],
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${roles.logsPrefix}*`] } },
      }),
    );
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'BackfillReadsLogFiles',
        principals: [new iam.ArnPrincipal(roles.reader)],
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects(`${roles.logsPrefix}*`)],
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'BackfillDecryptsLogFiles',
        principals: [new iam.ArnPrincipal(roles.reader)],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${this.region}.amazonaws.com` } },
      }),
    );
  }
}
