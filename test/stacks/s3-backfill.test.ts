import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../stacks/config/load';
import { buildTestApp, exampleConfig, type TestApp } from './support';

const BUCKET = 'iamwatch-trail-logs-111111111111';
const KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab';

type Json = Record<string, unknown>;

describe('S3 backfill on a Step Functions Distributed Map (backfill.enabled)', () => {
  let built: TestApp;
  let monitor: Template;
  let trail: Template;
  let definition: Json;

  beforeAll(() => {
    const config = exampleConfig({
      backfill: {
        enabled: true,
        bucketName: BUCKET,
        bucketKeyArn: KEY_ARN,
        maxConcurrency: 25,
        objectsPerBatch: 20,
      },
    });
    built = buildTestApp(config, { nag: true });
    built.app.synth();
    monitor = Template.fromStack(built.stacks.monitor);
    trail = Template.fromStack(built.stacks.trail as NonNullable<typeof built.stacks.trail>);
    const machine = Object.values(monitor.findResources('AWS::StepFunctions::StateMachine'))[0] as Json;
    const body = (machine.Properties as Json).DefinitionString as { 'Fn::Join': [string, unknown[]] };
    const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
    definition = JSON.parse(text) as Json;
  });

  it('synthesizes with cdk-nag and no unacknowledged finding', () => {
    expect(built.stacks.monitor.backfill).toBeDefined();
  });

  it('is a Distributed Map reading the trail bucket listing at the input prefix, batched, bounded and tolerant', () => {
    const map = (definition.States as Json).ReplayObjects as Json;
    expect(map.Type).toBe('Map');
    expect(map.ItemReader).toEqual({
      Resource: 'arn:TOKEN:states:::s3:listObjectsV2',
      Parameters: { Bucket: BUCKET, 'Prefix.$': '$.prefix' },
    });
    expect(map.ItemBatcher).toMatchObject({
      MaxItemsPerBatch: 20,
      BatchInput: { bucket: BUCKET, 'since.$': '$.since', 'until.$': '$.until', 'alert.$': '$.alert' },
    });
    expect(map.MaxConcurrency).toBe(25);
    expect(map.ToleratedFailurePercentage).toBe(1);
    expect(map.ResultWriter).toMatchObject({ Resource: 'arn:TOKEN:states:::s3:putObject' });
    expect(map.ItemProcessor).toMatchObject({
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
    });
  });

  it("runs the replay Lambda with capped concurrency and the record path's environment", () => {
    monitor.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'iamwatch-s3-backfill',
      ReservedConcurrentExecutions: 40,
      Timeout: 240,
      Environment: {
        Variables: Match.objectLike({
          IAMWATCH_TABLE_NAME: Match.anyValue(),
          IAMWATCH_DETECTION_CONTEXT: Match.anyValue(),
        }),
      },
    });
  });

  it('lets the state machine list only under AWSLogs/ and the Lambda read only log files and the trail key', () => {
    const statements = Object.values(monitor.findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        ((policy as Json).Properties as { PolicyDocument: { Statement: Json[] } }).PolicyDocument.Statement,
    );
    const list = statements.filter((s) => [s.Action].flat().includes('s3:ListBucket'));
    expect(list).toEqual([
      expect.objectContaining({
        Resource: `arn:aws:s3:::${BUCKET}`,
        Condition: { StringLike: { 's3:prefix': ['AWSLogs/*'] } },
      }),
    ]);
    const get = statements.filter(
      (s) => [s.Action].flat().includes('s3:GetObject') && JSON.stringify(s.Resource).includes(BUCKET),
    );
    expect(get).toEqual([
      expect.objectContaining({
        Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/*`,
      }),
    ]);
    const decrypt = statements.filter(
      (s) => [s.Action].flat().includes('kms:Decrypt') && s.Resource === KEY_ARN,
    );
    expect(decrypt).toHaveLength(1);
    expect(statements.some((s) => [s.Action].flat().some((a) => a === 's3:*' || a === 's3:Get*'))).toBe(
      false,
    );
  });

  it('has the trail account grant exactly those two roles, across accounts', () => {
    const statements = Object.values(trail.findResources('AWS::S3::BucketPolicy')).flatMap(
      (policy) => (((policy as Json).Properties as Json).PolicyDocument as { Statement: Json[] }).Statement,
    );
    const lister = statements.find((s) => s.Sid === 'BackfillListsLogFiles');
    const reader = statements.find((s) => s.Sid === 'BackfillReadsLogFiles');
    expect(JSON.stringify(lister?.Principal)).toContain(
      ':iam::222222222222:role/iamwatch-s3-backfill-lister',
    );
    expect(lister?.Condition).toEqual({ StringLike: { 's3:prefix': ['AWSLogs/*'] } });
    expect(JSON.stringify(reader?.Principal)).toContain(
      ':iam::222222222222:role/iamwatch-s3-backfill-reader',
    );
    expect(reader?.Action).toBe('s3:GetObject');
    trail.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'BackfillDecryptsLogFiles', Action: 'kms:Decrypt' }),
        ]),
      },
    });
    monitor.hasResourceProperties('AWS::IAM::Role', { RoleName: 'iamwatch-s3-backfill-reader' });
    monitor.hasResourceProperties('AWS::IAM::Role', { RoleName: 'iamwatch-s3-backfill-lister' });
  });

  it('deploys nothing of it unless enabled, and needs the bucket name when the trail is in another account', () => {
    const { stacks } = buildTestApp(exampleConfig({ backfill: { enabled: false } }));
    expect(Template.fromStack(stacks.monitor).findResources('AWS::StepFunctions::StateMachine')).toEqual({});
    expect(() => exampleConfig({ backfill: { enabled: true } })).toThrow(/backfill\.bucketName: is required/);
  });

  it("uses the trail stack's own bucket in single-account mode", () => {
    const config = parseConfig({
      name: 'single',
      value: { mode: 'single-account', securityAccountId: '123456789012', backfill: { enabled: true } },
    });
    const { app, stacks } = buildTestApp(config, { nag: true });
    app.synth();
    const template = Template.fromStack(stacks.monitor);
    expect(JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'))).toContain(
      'PublishOutputRefLogs',
    );
  });
});
