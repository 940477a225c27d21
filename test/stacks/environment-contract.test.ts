/**
 * The environment contract: every Lambda function's synthesized `Environment.Variables` (tokens
 * replaced by plausible values) are read by that function's own configuration reader. A variable the
 * stack sets under a name the reader does not read, or a variable the reader requires that the stack
 * does not set, fails here instead of at the first invocation in AWS.
 */
import { isDeepStrictEqual } from 'node:util';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { readAuditConfig } from '../../handlers/audit/config';
import { readCanaryConfig } from '../../handlers/canary/config';
import { readDigestConfig } from '../../handlers/digest/config';
import { readHeartbeatConfig } from '../../handlers/heartbeat/config';
import { readNotifyConfig } from '../../handlers/notify/config';
import { readOperationsRelayConfig } from '../../handlers/operations/config';
import { readOrganizationRefreshConfig } from '../../handlers/organization/config';
import { readRecordConfig, withBundledContext } from '../../handlers/record/config';
import { readS3BackfillConfig } from '../../handlers/s3/config';
import {
  AUDIT_ENV,
  CANARY_ENV,
  DIGEST_ENV,
  HEARTBEAT_ENV,
  NOTIFY_ENV,
  OPERATIONS_ENV,
  ORGANIZATION_ENV,
  RECORD_ENV,
  S3_BACKFILL_ENV,
} from '../../handlers/shared/environment';
import type { IamwatchConfig } from '../../stacks/config/schema';
import { IamwatchFunction } from '../../stacks/constructs/iamwatch-function';
import { LAMBDA_ENTRIES } from '../../stacks/constructs/lambda-bundle';
import { buildTestApp, exampleConfig } from './support';

type Env = Record<string, string>;

interface Reader {
  read: (env: Env) => unknown;
  /** Every variable the reader reads. */
  names: readonly string[];
  /** The detection context reaches this function compiled into its code rather than in the environment. */
  bundledContext?: boolean;
}

/** Each deployed entry and the configuration reader its wiring block calls. */
const READERS: Record<string, Reader> = {
  'handlers/record/lambda.ts': {
    read: readRecordConfig,
    names: Object.values(RECORD_ENV),
    bundledContext: true,
  },
  'handlers/s3/lambda.ts': {
    read: readS3BackfillConfig,
    names: [...Object.values(RECORD_ENV), ...Object.values(S3_BACKFILL_ENV)],
    bundledContext: true,
  },
  'handlers/notify/lambda.ts': { read: readNotifyConfig, names: Object.values(NOTIFY_ENV) },
  'handlers/audit/lambda.ts': {
    read: readAuditConfig,
    names: [...Object.values(RECORD_ENV), ...Object.values(NOTIFY_ENV), ...Object.values(AUDIT_ENV)],
  },
  'handlers/heartbeat/lambda.ts': { read: readHeartbeatConfig, names: Object.values(HEARTBEAT_ENV) },
  'handlers/canary/lambda.ts': { read: readCanaryConfig, names: Object.values(CANARY_ENV) },
  'handlers/digest/lambda.ts': { read: readDigestConfig, names: Object.values(DIGEST_ENV) },
  'handlers/organization/lambda.ts': {
    read: readOrganizationRefreshConfig,
    names: Object.values(ORGANIZATION_ENV),
  },
  'handlers/operations/lambda.ts': { read: readOperationsRelayConfig, names: Object.values(OPERATIONS_ENV) },
};

/** Variables the Lambda runtime reads, not iamwatch. */
const RUNTIME_VARIABLES = new Set(['NODE_OPTIONS']);

const ACCOUNT = '222222222222';
const REGION = 'us-east-1';

/** A deployed value for a reference to one of the template's resources, shaped like the real one. */
function referenceValue(template: Template, logicalId: string, attribute?: string): string {
  const pseudo: Record<string, string> = {
    'AWS::AccountId': ACCOUNT,
    'AWS::Region': REGION,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const known = pseudo[logicalId];
  if (known) return known;
  const type = String(template.toJSON().Resources?.[logicalId]?.Type ?? '');
  const name = logicalId.toLowerCase();
  if (attribute === 'Arn')
    return `arn:aws:${type.split('::')[1]?.toLowerCase()}:${REGION}:${ACCOUNT}:${name}`;
  switch (type) {
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${REGION}:${ACCOUNT}:${name}`;
    case 'AWS::SecretsManager::Secret':
      return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
    default:
      return name;
  }
}

/** The value CloudFormation would deploy for a variable: literals as they are, tokens as plausible values. */
function resolve(template: Template, value: unknown): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as Record<string, unknown>;
  if (typeof intrinsic.Ref === 'string') return referenceValue(template, intrinsic.Ref);
  const getAtt = intrinsic['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return referenceValue(template, String(getAtt[0]), String(getAtt[1]));
  const join = intrinsic['Fn::Join'];
  if (Array.isArray(join)) {
    const [separator, parts] = join as [string, unknown[]];
    return parts.map((part) => resolve(template, part)).join(separator);
  }
  throw new Error(`no placeholder for ${JSON.stringify(value)}: teach resolve() this intrinsic`);
}

interface DeployedFunction {
  id: string;
  entry: string;
  env: Env;
}

/** Every iamwatch function of the app, with its entry and its environment as deployed. */
function deployedFunctions(config: IamwatchConfig): { functions: DeployedFunction[]; context: unknown } {
  const { app, stacks } = buildTestApp(config);
  const functions = app.node.findAll().flatMap((construct): DeployedFunction[] => {
    if (!(construct instanceof IamwatchFunction)) return [];
    const stack = Stack.of(construct);
    const template = Template.fromStack(stack);
    const logicalId = stack.getLogicalId(construct.node.defaultChild as CfnFunction);
    const variables: Record<string, unknown> =
      template.toJSON().Resources[logicalId].Properties.Environment?.Variables ?? {};
    const env = Object.fromEntries(
      Object.entries(variables).map(([name, value]) => [name, resolve(template, value)]),
    );
    return [{ id: construct.node.path, entry: construct.entry, env }];
  });
  return { functions, context: stacks.monitor.detectionContext };
}

function readerOf(fn: DeployedFunction): Reader {
  const reader = READERS[fn.entry];
  if (!reader) throw new Error(`${fn.id}: no configuration reader known for ${fn.entry}`);
  return reader;
}

function environmentOf(fn: DeployedFunction, context: unknown, env: Env = fn.env): Env {
  const bundled = readerOf(fn).bundledContext ? JSON.stringify(context) : undefined;
  return withBundledContext(env, bundled) as Env;
}

/** Reads the configuration, or the error the reader throws. */
function attempt(read: () => unknown): { config?: unknown; error?: unknown } {
  try {
    return { config: read() };
  } catch (error) {
    return { error };
  }
}

const DEPLOYMENTS: [string, IamwatchConfig][] = [
  [
    'organization',
    exampleConfig({
      audit: { enabled: true },
      backfill: { enabled: true, bucketName: 'trail-logs' },
    }),
  ],
  [
    'single-account',
    exampleConfig({ mode: 'single-account', organization: undefined, audit: { enabled: true } }),
  ],
];

const seenEntries = new Set<string>();

describe.each(DEPLOYMENTS)('the environment contract (%s mode)', (_mode, config) => {
  const { functions, context } = deployedFunctions(config);
  for (const fn of functions) seenEntries.add(fn.entry);

  it('finds the functions it checks (guards against a vacuous pass)', () => {
    expect(functions.map((fn) => fn.entry)).toEqual(
      expect.arrayContaining([
        'handlers/record/lambda.ts',
        'handlers/notify/lambda.ts',
        'handlers/audit/lambda.ts',
        'handlers/heartbeat/lambda.ts',
        'handlers/operations/lambda.ts',
      ]),
    );
  });

  it.each(functions.map((fn) => [fn.id, fn] as const))(
    '%s sets only variables its reader reads',
    (_id, fn) => {
      const unread = Object.keys(fn.env).filter(
        (name) => !RUNTIME_VARIABLES.has(name) && !readerOf(fn).names.includes(name),
      );
      expect(unread).toEqual([]);
    },
  );

  it.each(functions.map((fn) => [fn.id, fn] as const))(
    '%s sets every variable its reader requires',
    (_id, fn) => {
      expect(() => readerOf(fn).read(environmentOf(fn, context))).not.toThrow();
    },
  );

  it.each(functions.map((fn) => [fn.id, fn] as const))(
    '%s: its reader reads every variable the stack sets (a changed value changes the configuration)',
    (_id, fn) => {
      const { read } = readerOf(fn);
      const deployed = read(environmentOf(fn, context));
      const ignored = Object.keys(fn.env).filter((name) => {
        if (RUNTIME_VARIABLES.has(name)) return false;
        const changed = attempt(() =>
          read(environmentOf(fn, context, { ...fn.env, [name]: 'not-what-the-stack-set' })),
        );
        return changed.error === undefined && isDeepStrictEqual(changed.config, deployed);
      });
      expect(ignored).toEqual([]);
    },
  );
});

describe('the environment contract (every deployment)', () => {
  it('has a reader for every deployed entry and no reader for an entry nothing deploys', () => {
    expect([...seenEntries].sort()).toEqual(Object.keys(READERS).sort());
  });

  it('deploys exactly the entries whose bundles are checked and measured (LAMBDA_ENTRIES)', () => {
    expect([...seenEntries].sort()).toEqual(Object.values(LAMBDA_ENTRIES).sort());
  });
});
