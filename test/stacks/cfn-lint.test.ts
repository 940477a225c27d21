/**
 * cfn-lint (error level) on every template `cdk synth` writes, in both modes, and on the StackSet's
 * inline template body, which CloudFormation only sees when the StackSet deploys it. Skips, saying
 * so, where cfn-lint is not installed (CI installs it and fails without it: see .ci/run).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../stacks/config/load';
import { buildTestApp, exampleConfig } from './support';

const CFN_LINT_AVAILABLE = spawnSync('cfn-lint', ['--version'], { stdio: 'ignore' }).status === 0;
if (!CFN_LINT_AVAILABLE) {
  process.stderr.write('cfn-lint is not installed: skipping the template lint (pip install cfn-lint)\n');
}

/** cfn-lint's exit code is a bit mask; 2 means at least one error (4 warning, 8 informational). */
const ERROR_BIT = 2;

const outdirs: string[] = [];
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

/** Synthesizes the app for `config` and returns the template files, the StackSet body written beside them. */
function synthesizedTemplates(label: string, config: ReturnType<typeof exampleConfig>): string[] {
  const outdir = mkdtempSync(join(tmpdir(), `iamwatch-cfn-lint-${label}-`));
  outdirs.push(outdir);
  const { app } = buildTestApp(config, { outdir });
  app.synth();
  const files = readdirSync(outdir)
    .filter((name) => name.endsWith('.template.json'))
    .map((name) => join(outdir, name));
  for (const file of files) {
    const template = JSON.parse(readFileSync(file, 'utf8')) as {
      Resources: Record<string, { Type: string; Properties?: { TemplateBody?: string } }>;
    };
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::CloudFormation::StackSet' || !resource.Properties?.TemplateBody) continue;
      const body = join(outdir, `${id}.stackset-body.json`);
      writeFileSync(body, resource.Properties.TemplateBody);
      files.push(body);
    }
  }
  return files;
}

/** Identical templates (management forwarders of regions with the same rules) are linted once. */
function distinct(files: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (!seen.has(text)) seen.set(text, file);
  }
  return [...seen.values()];
}

describe.skipIf(!CFN_LINT_AVAILABLE)('cfn-lint on the synthesized templates', () => {
  it('finds no error in either mode or in the StackSet template body, and does find a planted one', () => {
    const single = parseConfig({
      name: 'single',
      value: {
        mode: 'single-account',
        securityAccountId: '123456789012',
        regions: { identityCenter: 'eu-west-1' },
      },
    });
    const org = synthesizedTemplates('org', exampleConfig());
    expect(org.some((f) => f.endsWith('.stackset-body.json'))).toBe(true);
    const files = distinct([...org, ...synthesizedTemplates('single', single)]);
    // A template with an error, so a pass cannot come from cfn-lint checking nothing.
    const planted = join(outdirs[0] as string, 'planted-error.json');
    writeFileSync(
      planted,
      JSON.stringify({
        Resources: { Rule: { Type: 'AWS::Events::Rule', Properties: { State: 'SOMETIMES' } } },
      }),
    );
    const result = spawnSync('cfn-lint', ['--format', 'parseable', '--', ...files, planted], {
      encoding: 'utf8',
    });
    expect((result.status ?? 0) & ERROR_BIT, result.stderr).toBe(ERROR_BIT);
    const errors = result.stdout.split('\n').filter((line) => /:E\d+:/.test(line));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.filter((line) => !line.startsWith(planted))).toEqual([]);
  }, 240_000);
});
