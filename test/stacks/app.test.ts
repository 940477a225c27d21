import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertLocalEsbuild, LocalBundlingError } from '../../stacks/constructs/iamwatch-function';
import { addNagPacks } from '../../stacks/nag';
import { REPO_ROOT } from './support';

/** The environment of a machine with no AWS credentials and no instance metadata. */
function credentialFreeEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_') && !key.startsWith('CDK_')),
  );
  return {
    ...env,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(tmpdir(), 'iamwatch-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(tmpdir(), 'iamwatch-no-aws-credentials'),
  };
}

const STACKS = [
  'iamwatch-trail',
  'iamwatch-monitor',
  'iamwatch-forwarders',
  'iamwatch-forwarder-management-us-east-1',
];

describe('npm run synth: the whole app with real bundling, cdk-nag and CloudFormation validation', () => {
  let output: string;
  let result: SpawnSyncReturns<string>;

  beforeAll(() => {
    output = mkdtempSync(path.join(tmpdir(), 'iamwatch-synth-'));
    // The example explicitly: a developer's own iamwatch.config.json must not change what is tested.
    const args = ['run', 'synth', '--', '--output', output, '-c', 'config=iamwatch.config.example.json'];
    result = spawnSync('npm', args, {
      cwd: REPO_ROOT,
      env: credentialFreeEnv(),
      encoding: 'utf8',
      timeout: 240_000,
    });
  }, 240_000);

  it('succeeds offline with no AWS credentials', () => {
    expect(result.stderr).not.toMatch(/\bERROR\b|Error:/);
    expect(result.status).toBe(0);
  });

  it('writes every stack of organization mode into --output DIR, each with an explicit environment', () => {
    const manifest = JSON.parse(readFileSync(path.join(output, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; environment?: string }>;
    };
    const stacks = Object.entries(manifest.artifacts).filter(
      ([, a]) => a.type === 'aws:cloudformation:stack',
    );
    expect(stacks.map(([name]) => name)).toEqual(expect.arrayContaining(STACKS));
    for (const [, artifact] of stacks)
      expect(artifact.environment).toMatch(/^aws:\/\/\d{12}\/[a-z]{2}-[a-z]+-\d$/);
    for (const stack of STACKS) expect(existsSync(path.join(output, `${stack}.template.json`))).toBe(true);
  });

  it('has no unacknowledged cdk-nag finding and no CloudFormation validation finding', () => {
    const report = JSON.parse(readFileSync(path.join(output, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };
    expect(report.pluginReports.flatMap((r) => r.violations ?? [])).toEqual([]);
  });

  it('bundles each function locally into one minified ESM file with the AWS SDK and a source map', () => {
    const assets = JSON.parse(readFileSync(path.join(output, 'iamwatch-monitor.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string; packaging?: string } }>;
    };
    const bundles = Object.values(assets.files).filter((f) => f.source.packaging === 'zip');
    // record, notify, the operations relay, the heartbeat, the organization refresh, the canary and the digest.
    expect(bundles).toHaveLength(7);
    // The record function's detection context is compiled into its code, not its environment.
    const codes = bundles.map((b) => readFileSync(path.join(output, b.source.path, 'index.mjs'), 'utf8'));
    expect(
      codes.filter((code) => code.includes('444444444444') && code.includes('trustedAccountIds')),
    ).toHaveLength(1);
    for (const bundle of bundles) {
      const dir = path.join(output, bundle.source.path);
      const code = readFileSync(path.join(dir, 'index.mjs'), 'utf8');
      expect(existsSync(path.join(dir, 'index.mjs.map'))).toBe(true);
      expect(
        code.startsWith(
          "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        ),
      ).toBe(true);
      // Only Node built-ins stay external; the AWS SDK (its user-agent marker shows) is inside.
      const imported = [...code.matchAll(/(?:^|;)\s*import\s*[\w$*{}\s,]+\s*from\s*["']([^"']+)["']/g)].map(
        (m) => m[1],
      );
      expect(
        imported.filter((specifier) => specifier !== 'module' && !specifier?.startsWith('node:')),
      ).toEqual([]);
      expect(code).toContain('aws-sdk-js');
      // Credentials from the environment only (LAMBDA_ALIASES): the default chain's links are absent.
      expect(code).toContain('@aws-sdk/credential-provider-env - fromEnv');
      expect(code).not.toContain('defaultProvider::fromSSO');
      // Source maps hold mappings and names, not the sources (which would make them several times the code).
      expect(statSync(path.join(dir, 'index.mjs.map')).size).toBeLessThan(code.length * 3);
      // Minified: thousands of characters per line (unminified esbuild output averages about 40).
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
    }
  });
});

describe('cdk-nag gate', () => {
  it('fails the synth on an unacknowledged finding', () => {
    const app = new App({
      context: { 'aws:cdk:bundling-stacks': [] },
      builtinCloudFormationValidation: false,
    });
    const stack = new Stack(app, 'Careless', { env: { account: '111111111111', region: 'us-east-1' } });
    new sqs.Queue(stack, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    addNagPacks(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-SQS4|AwsSolutions-SQS2/);
  });
});

describe('local bundling', () => {
  it('stops with the fix instead of falling back to Docker when esbuild is missing', () => {
    const missing = () => {
      throw new Error('Cannot find module esbuild/package.json');
    };
    expect(() => assertLocalEsbuild(missing)).toThrow(LocalBundlingError);
    expect(() => assertLocalEsbuild(missing)).toThrow(/run `npm ci`[\s\S]*never falls back to Docker/);
    expect(() => assertLocalEsbuild()).not.toThrow();
  });
});

describe('npm run synth with a bad configuration', () => {
  it('stops with a readable message on an invalid configuration', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'iamwatch-bad-config-'));
    const file = path.join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ mode: 'single-account', securityAccountId: '42', regions: { monitor: 'eu-west-1' } }),
    );
    const result = spawnSync(
      'npm',
      ['run', 'synth', '--', '--output', path.join(dir, 'out'), '-c', `config=${file}`],
      {
        cwd: REPO_ROOT,
        env: credentialFreeEnv(),
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`iamwatch: Invalid iamwatch configuration in ${file}`);
    expect(result.stderr).toContain('securityAccountId: must be a 12-digit AWS account id');
    expect(result.stderr).toContain('regions.monitor: must be us-east-1');
  }, 120_000);
});
