/**
 * House defaults for iamwatch's Lambda functions: Node 24 on arm64, bundled locally by esbuild into
 * one minified ESM file with the AWS SDK v3 inside and source maps, JSON logs with a retention, active
 * tracing. Bundling never falls back to Docker: without a local esbuild, synth stops with a message.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { ESM_REQUIRE_BANNER, LAMBDA_ALIASES, LAMBDA_MAIN_FIELDS } from './lambda-bundle';

/** Repository root: entries, lock file and tsconfig are resolved from here. */
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The Lambda runtime of every iamwatch function (the newest Node.js this aws-cdk-lib knows). */
const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** esbuild is not installed locally, so CDK would silently switch to Docker bundling. */
export class LocalBundlingError extends Error {
  override readonly name = 'LocalBundlingError';
}

export interface IamwatchFunctionProps {
  functionName: string;
  /** A fixed name for the execution role, when another account's policy must name it. */
  roleName?: string;
  description: string;
  /** Entry file relative to the repository root, exporting `handler`. */
  entry: string;
  environment: Record<string, string>;
  timeout: Duration;
  memorySize: number;
  logRetention: logs.RetentionDays;
  /** Async invocations (EventBridge): failure destination and bounded retries. */
  onFailure?: lambda.IDestination;
  retryAttempts?: number;
  maxEventAge?: Duration;
  /**
   * Values compiled into the code (esbuild `define`, identifier → JavaScript literal): configuration
   * too large for Lambda's 4 KB environment, such as account lists that grow with the organization.
   */
  define?: Record<string, string>;
  /** Caps concurrent executions (and reserves them). */
  reservedConcurrentExecutions?: number;
}

export class IamwatchFunction extends NodejsFunction {
  /** The entry file relative to the repository root: which handler (and configuration reader) runs. */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: IamwatchFunctionProps) {
    assertLocalEsbuild();
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: props.logRetention });
    // Its own role instead of AWSLambdaBasicExecutionRole: logs only to this function's log group.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      ...(props.roleName ? { roleName: props.roleName } : {}),
      description: `Execution role of ${props.functionName}`,
    });
    logGroup.grantWrite(role);
    super(scope, id, {
      functionName: props.functionName,
      description: props.description,
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      role,
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      onFailure: props.onFailure,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      bundling: {
        format: OutputFormat.ESM,
        banner: ESM_REQUIRE_BANNER,
        mainFields: LAMBDA_MAIN_FIELDS,
        minify: true,
        sourceMap: true,
        // Mappings and names only: stack traces stay readable, the deployment package stays small, and
        // `--enable-source-maps` has less to parse at a cold start.
        sourcesContent: false,
        // esbuild runs in the project root, where the aliases' relative paths start.
        esbuildArgs: { '--alias': Object.entries(LAMBDA_ALIASES).map(([from, to]) => `${from}=${to}`) },
        bundleAwsSDK: true,
        externalModules: [],
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
        ...(props.define ? { define: props.define } : {}),
      },
    });
    this.entry = props.entry;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions.',
    });
  }

  /**
   * Explains to cdk-nag the wildcard actions of a KMS grant to this function (`GenerateDataKey*`,
   * `ReEncrypt*`); `reason` says which one key the grant names.
   */
  acknowledgeKeyWildcards(reason: string): void {
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      Validations.of(this.role as iam.IRole).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason,
      });
    }
  }
}

/**
 * CDK looks for esbuild with `require('esbuild/package.json')` and then on the PATH; when both fail it
 * builds a Docker image. iamwatch promises Docker-free synth, so fail first, with the fix.
 */
export function assertLocalEsbuild(
  resolve: (id: string) => string = createRequire(import.meta.url).resolve,
): void {
  try {
    resolve('esbuild/package.json');
  } catch (cause) {
    throw new LocalBundlingError(
      'esbuild is not installed in node_modules: run `npm ci` in the iamwatch checkout. ' +
        'iamwatch bundles its Lambda functions locally and never falls back to Docker.',
      { cause },
    );
  }
}
