/**
 * Shared set-up for the stack tests: the committed example configuration, the feature flags of
 * `cdk.json`, and an app built the way `stacks/app.ts` builds it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { DerivedPattern } from '../../rules/eventbridge/derive';
import { parseConfig, readConfigFile } from '../../stacks/config/load';
import type { IamwatchConfig } from '../../stacks/config/schema';
import { buildIamwatch, type IamwatchStacks } from '../../stacks/iamwatch-app';
import { addNagPacks } from '../../stacks/nag';

export const REPO_ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
export const EXAMPLE_CONFIG_PATH = path.join(REPO_ROOT, 'iamwatch.config.example.json');

/** The example configuration, validated, with optional overrides of top-level fields. */
export function exampleConfig(overrides: Record<string, unknown> = {}): IamwatchConfig {
  const raw = readConfigFile(EXAMPLE_CONFIG_PATH).value as Record<string, unknown>;
  return parseConfig({ name: 'test', value: { ...raw, ...overrides } });
}

/** The feature flags and settings of cdk.json, so tests synthesize like `cdk synth`. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(path.join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

export interface TestApp {
  app: App;
  stacks: IamwatchStacks;
}

/**
 * Builds the app. Without `bundle`, Lambda bundling is skipped (`aws:cdk:bundling-stacks: []`), and
 * without `validate` CloudFormation validation too, so template tests stay fast; the whole-app test
 * synthesizes with both.
 */
export function buildTestApp(
  config: IamwatchConfig,
  options: {
    patterns?: readonly DerivedPattern[];
    bundle?: boolean;
    nag?: boolean;
    /** CloudFormation schema validation during synth: slow, so only where a test is about it. */
    validate?: boolean;
    outdir?: string;
  } = {},
): TestApp {
  const context = { ...cdkJsonContext(), ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) };
  const validate = options.validate ?? false;
  const app = new App({ context, outdir: options.outdir, builtinCloudFormationValidation: validate });
  const stacks = buildIamwatch(app, config, {
    patterns: options.patterns,
    cloudFormationValidation: validate,
  });
  if (options.nag) addNagPacks(app);
  return { app, stacks };
}

/** The inline template body of the forwarders StackSet, parsed. */
export function stackSetTemplateBody(template: Template): Record<string, unknown> {
  const stackSets = Object.values(template.findResources('AWS::CloudFormation::StackSet'));
  const body = stackSets[0]?.Properties?.TemplateBody;
  if (typeof body !== 'string') throw new Error('no StackSet with an inline TemplateBody');
  return JSON.parse(body) as Record<string, unknown>;
}

/** Patterns covering every placement: us-east-1 only, regional only, and mixed. */
export const MIXED_PATTERNS: readonly DerivedPattern[] = [
  {
    name: 'iam-1',
    description: 'IAM writes',
    pattern: {
      source: ['aws.iam'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['iam.amazonaws.com'], eventName: ['CreateUser', 'CreateAccessKey'] },
    },
  },
  {
    name: 'signin-1',
    description: 'Console sign-in',
    pattern: {
      source: ['aws.signin'],
      'detail-type': ['AWS Console Sign In via CloudTrail', 'AWS Console Signin via CloudTrail'],
    },
  },
  {
    name: 'identity-1',
    description: 'STS and Identity Center',
    pattern: {
      source: ['aws.sts', 'aws.sso'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventName: ['GetFederationToken', 'CreatePermissionSet'] },
    },
  },
];
