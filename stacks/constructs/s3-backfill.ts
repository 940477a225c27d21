/**
 * Backfill from the trail bucket on AWS's own distributed engine: a Step Functions Distributed Map
 * lists a prefix of the bucket (S3 `ItemReader`), hands the objects in batches (`ItemBatcher`) to the
 * replay Lambda — the same read → pattern match → normalise → detect → conditional put path as every
 * other input — and writes the Map Run's results to a bucket of its own. Least privilege: listing is
 * allowed under the trail's `AWSLogs/` only, reading its objects and decrypting them under the trail
 * key only, by roles with fixed names so the trail's account can grant them across accounts.
 */
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { S3_BACKFILL_ENV } from '../../handlers/shared/environment';
import type { BackfillConfig } from '../config/schema';
import { IamwatchFunction } from './iamwatch-function';

/** Role names the trail's bucket and key policies grant to (see {@link backfillRoleArns}). */
function backfillRoleNames(resourcePrefix: string): { reader: string; lister: string } {
  return { reader: `${resourcePrefix}-s3-backfill-reader`, lister: `${resourcePrefix}-s3-backfill-lister` };
}

/** The two backfill roles in the security account, as the trail stack names them in its policies. */
export function backfillRoleArns(partition: string, securityAccountId: string, resourcePrefix: string) {
  const names = backfillRoleNames(resourcePrefix);
  return {
    reader: `arn:${partition}:iam::${securityAccountId}:role/${names.reader}`,
    lister: `arn:${partition}:iam::${securityAccountId}:role/${names.lister}`,
  };
}

/** Where the trail's log files live under its bucket: `[keyPrefix/]AWSLogs/`. */
export function logsPrefix(keyPrefix: string | undefined): string {
  return `${keyPrefix ? `${keyPrefix}/` : ''}AWSLogs/`;
}

export interface S3BackfillProps {
  config: BackfillConfig;
  resourcePrefix: string;
  bucketName: string;
  /** The key encrypting the log files, when they are KMS-encrypted. */
  bucketKeyArn: string | undefined;
  /** The record function's environment (table, retention, detection context): the same judgement. */
  recordEnvironment: Record<string, string>;
  /** The record function's compiled-in values (the detection context). */
  recordDefine: Record<string, string>;
  logRetention: logs.RetentionDays;
  /** Grants the replay function the record path's ledger calls. */
  grantLedger(fn: IamwatchFunction): void;
}

/** The replay Lambda's timeout: inside the 5-minute limit of an Express child workflow. */
const REPLAY_TIMEOUT = Duration.minutes(4);

export class S3Backfill extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly replayFunction: lambda.Function;
  readonly results: s3.Bucket;

  constructor(scope: Construct, id: string, props: S3BackfillProps) {
    super(scope, id);
    this.node.setContext('@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2', true);
    const { config, resourcePrefix } = props;
    const names = backfillRoleNames(resourcePrefix);
    const stack = Stack.of(this);
    const trailBucket = s3.Bucket.fromBucketName(this, 'TrailBucket', props.bucketName);
    const prefix = logsPrefix(config.keyPrefix);

    this.results = new s3.Bucket(this, 'Results', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ expiration: Duration.days(90), noncurrentVersionExpiration: Duration.days(7) }],
    });
    Validations.of(this.results).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Holds only Map Run result manifests (counts per batch) written by the backfill state machine.',
    });

    const replay = new IamwatchFunction(this, 'Replay', {
      functionName: `${resourcePrefix}-s3-backfill`,
      roleName: names.reader,
      description: 'iamwatch: replay a batch of trail log files from S3 into the ledger (backfill)',
      entry: 'handlers/s3/lambda.ts',
      memorySize: 1024,
      timeout: REPLAY_TIMEOUT,
      logRetention: props.logRetention,
      environment: { ...props.recordEnvironment, [S3_BACKFILL_ENV.concurrency]: '8' },
      define: props.recordDefine,
      reservedConcurrentExecutions: config.lambdaConcurrency,
    });
    this.replayFunction = replay;
    props.grantLedger(replay);
    replay.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadTrailLogFiles',
        actions: ['s3:GetObject'],
        resources: [`${trailBucket.bucketArn}/${prefix}*`],
      }),
    );
    if (props.bucketKeyArn) {
      replay.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'DecryptTrailLogFiles',
          actions: ['kms:Decrypt'],
          resources: [props.bucketKeyArn],
          conditions: { StringLike: { 'kms:ViaService': `s3.*.amazonaws.com` } },
        }),
      );
    }
    // A bucket name from the trail stack is a cross-stack reference, resolved only during synthesis:
    // acknowledge its wildcard once it is (node validations run after references are resolved).
    this.node.addValidation({
      validate: () => {
        const name = Token.isUnresolved(props.bucketName)
          ? JSON.stringify(stack.resolve(props.bucketName))
          : props.bucketName;
        Validations.of(replay.role as iam.IRole).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:${stack.partition}:s3:::${name}/${prefix}*]`,
          reason:
            'The replay function reads any trail log file under AWSLogs/: which ones is the execution input.',
        });
        return [];
      },
    });
    const invokedOnly =
      'Invoked synchronously by the Distributed Map, which retries failed batches and counts them against its failure tolerance.';
    Validations.of(replay).acknowledge({ id: 'Serverless-LambdaDLQ', reason: invokedOnly });
    Validations.of(replay).acknowledge({
      id: 'Serverless-LambdaAsyncFailureDestination',
      reason: invokedOnly,
    });

    const replayBatch = new tasks.LambdaInvoke(this, 'ReplayBatch', {
      lambdaFunction: replay,
      payloadResponseOnly: true,
      retryOnServiceExceptions: true,
    });
    replayBatch.addRetry({
      errors: ['ObjectsUnreadableError', 'States.Timeout'],
      interval: Duration.seconds(10),
      backoffRate: 3,
      maxAttempts: 2,
    });

    const map = new sfn.DistributedMap(this, 'ReplayObjects', {
      comment: 'Every trail log file under the execution input prefix, in batches, through the replay Lambda',
      itemReader: new TrailLogsItemReader(trailBucket, prefix),
      itemBatcher: new sfn.ItemBatcher({
        maxItemsPerBatch: config.objectsPerBatch,
        batchInput: {
          bucket: props.bucketName,
          'since.$': '$.since',
          'until.$': '$.until',
          'accounts.$': '$.accounts',
          'regions.$': '$.regions',
          'alert.$': '$.alert',
        },
      }),
      maxConcurrency: config.maxConcurrency,
      toleratedFailurePercentage: config.toleratedFailurePercentage,
      mapExecutionType: sfn.StateMachineType.EXPRESS,
      resultWriterV2: new sfn.ResultWriterV2({ bucket: this.results, prefix: 'map-runs' }),
      label: 'ReplayObjects',
    });
    map.itemProcessor(replayBatch);

    const lister = new iam.Role(this, 'StateMachineRole', {
      roleName: names.lister,
      assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
      description: 'iamwatch S3 backfill state machine: lists trail log files and runs the replay function',
    });
    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: `${resourcePrefix}-s3-backfill`,
      definitionBody: sfn.DefinitionBody.fromChainable(map),
      role: lister,
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      timeout: Duration.days(7),
    });
    const machineId = stack.getLogicalId(this.stateMachine.node.defaultChild as sfn.CfnStateMachine);
    const resultsId = stack.getLogicalId(this.results.node.defaultChild as s3.CfnBucket);
    const executions = `arn:${stack.partition}:states:${stack.region}:${stack.account}:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machineId}"}]}]}`;
    const distributedMapReason =
      'Distributed Map needs these for its own child executions and to write Map Run results to its results bucket (CDK grants); the X-Ray API takes no resource.';
    for (const resource of [
      `Resource::arn:<AWS::Partition>:s3:::<${resultsId}>/*`,
      `Resource::<${stack.getLogicalId(replay.node.defaultChild as lambda.CfnFunction)}.Arn>:*`,
      'Resource::*',
    ]) {
      Validations.of(lister).acknowledge({
        id: `AwsSolutions-IAM5[${resource}]`,
        reason: distributedMapReason,
      });
    }
    for (const resource of [`${executions}:*`, `${executions}/ReplayObjects:*`]) {
      Validations.of(this.stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${resource}]`,
        reason: distributedMapReason,
      });
    }
  }
}

/**
 * The S3 objects reader of the Distributed Map, with the prefix taken from the execution input and
 * listing allowed under the trail's log prefix only (CDK's reader grants `s3:ListBucket` on the whole
 * bucket).
 */
class TrailLogsItemReader extends sfn.S3ObjectsItemReader {
  constructor(
    private readonly trailBucket: s3.IBucket,
    private readonly allowedPrefix: string,
  ) {
    super({ bucket: trailBucket, prefix: sfn.JsonPath.stringAt('$.prefix') });
  }

  override providePolicyStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        sid: 'ListTrailLogFiles',
        actions: ['s3:ListBucket'],
        resources: [this.trailBucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': [`${this.allowedPrefix}*`] } },
      }),
    ];
  }
}
