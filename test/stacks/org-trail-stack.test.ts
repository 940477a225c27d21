import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, exampleConfig } from './support';

const config = exampleConfig();
let template: Template;

beforeAll(() => {
  const { stacks } = buildTestApp(config);
  expect(stacks.trail?.account).toBe('111111111111');
  expect(stacks.trail?.region).toBe('us-east-1');
  template = Template.fromStack(stacks.trail!);
});

function idOf(type: string, props: Record<string, unknown> = {}): string {
  const ids = Object.keys(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

describe('OrgTrailStack', () => {
  it('creates a multi-region organization trail with global events, file validation and all management events', () => {
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'iamwatch-org-trail',
      IsOrganizationTrail: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
      KMSKeyId: { 'Fn::GetAtt': [idOf('AWS::KMS::Key'), 'Arn'] },
    });
  });

  it('stores logs in a private, versioned, KMS-encrypted bucket with the configured lifecycle', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [idOf('AWS::KMS::Key'), 'Arn'] },
            },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({
            Status: 'Enabled',
            Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: config.trail.glacierTransitionDays }],
            ExpirationInDays: config.trail.expirationDays,
            NoncurrentVersionExpiration: { NoncurrentDays: config.trail.noncurrentVersionExpirationDays },
          }),
        ],
      },
    });
  });

  it('lets CloudTrail write (organization prefix included) and refuses plain HTTP', () => {
    const bucket = idOf('AWS::S3::Bucket', {
      BucketEncryption: Match.objectLike({}),
      LifecycleConfiguration: Match.objectLike({ Rules: [Match.objectLike({ Id: 'archive-then-expire' })] }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Action: 's3:GetBucketAcl', Principal: { Service: 'cloudtrail.amazonaws.com' } }),
          Match.objectLike({
            Action: 's3:PutObject',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Resource: {
              'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/AWSLogs/${config.organization!.id}/*`]],
            },
            Condition: {
              StringEquals: {
                's3:x-amz-acl': 'bucket-owner-full-control',
                'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111111111111:trail/iamwatch-org-trail',
              },
            },
          }),
        ]),
      },
    });
  });

  it('lets no other trail read the ACL of or write into the bucket', () => {
    const bucket = idOf('AWS::S3::Bucket', {
      LifecycleConfiguration: Match.objectLike({ Rules: [Match.objectLike({ Id: 'archive-then-expire' })] }),
    });
    const policies = Object.values(
      template.findResources('AWS::S3::BucketPolicy', { Properties: { Bucket: { Ref: bucket } } }),
    );
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.Properties.PolicyDocument.Statement as {
      Effect: string;
      Principal?: { Service?: string };
      Action: string | string[];
      Condition?: Record<string, Record<string, unknown>>;
      Resource?: unknown;
    }[];
    const trailArn = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/iamwatch-org-trail';
    // Every CloudTrail grant is either conditioned on this trail itself or overridden by a deny for any other.
    const guard = statements.find(
      (s) =>
        s.Effect === 'Deny' &&
        s.Principal?.Service === 'cloudtrail.amazonaws.com' &&
        s.Condition?.StringNotEquals?.['aws:SourceArn'] === trailArn,
    );
    expect(guard).toBeDefined();
    for (const allowed of statements.filter(
      (s) => s.Effect === 'Allow' && s.Principal?.Service === 'cloudtrail.amazonaws.com',
    )) {
      const actions = [allowed.Action].flat();
      const pinned = allowed.Condition?.StringEquals?.['aws:SourceArn'] === trailArn;
      for (const action of actions) {
        expect({ action, covered: pinned || [guard!.Action].flat().includes(action) }).toEqual({
          action,
          covered: true,
        });
      }
    }
    expect(guard!.Resource).toEqual([
      { 'Fn::GetAtt': [bucket, 'Arn'] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] },
    ]);
  });

  it('lets CloudTrail, for this trail only, encrypt with the key', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudTrailEncryptsLogs',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'kms:GenerateDataKey*',
            Condition: {
              StringEquals: {
                'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1:111111111111:trail/iamwatch-org-trail',
              },
              StringLike: {
                'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111111111111:trail/*',
              },
            },
          }),
        ]),
      },
    });
  });

  it('from the CloudTrail delegated admin, trusts the trail the management account owns', () => {
    const { stacks } = buildTestApp(exampleConfig({ trail: { accountId: '222222222222' } }));
    expect(stacks.trail?.account).toBe('222222222222');
    const delegated = Template.fromStack(stacks.trail!);
    const managementTrail = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/iamwatch-org-trail';
    delegated.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'OwnerTrailWritesLogs',
            Resource: [
              { 'Fn::Join': ['', [Match.anyValue(), '/AWSLogs/111111111111/*']] },
              { 'Fn::Join': ['', [Match.anyValue(), `/AWSLogs/${config.organization!.id}/*`]] },
            ],
            Condition: {
              StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': managementTrail },
            },
          }),
        ]),
      },
    });
    delegated.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudTrailEncryptsLogs',
            Condition: Match.objectLike({ StringEquals: { 'aws:SourceArn': managementTrail } }),
          }),
        ]),
      },
    });
  });

  it('is skipped when the organization already has a trail', () => {
    const { stacks } = buildTestApp(exampleConfig({ trail: { create: false } }));
    expect(stacks.trail).toBeUndefined();
    expect(stacks.monitor.dependencies).toEqual([stacks.organizationReader]);
  });
});
