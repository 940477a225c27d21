import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"`]*?from\s+['"]([^'"]+)['"]/g)]
    .map((m) => m[1] ?? '')
    .concat([...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? ''));
}

describe('import boundaries', () => {
  it('rules/ is the pure core: no aws-cdk-lib, no @aws-sdk, no zod, no handlers/ or stacks/', () => {
    const offenders = sourceFiles(join(root, 'rules')).flatMap((file) =>
      importsOf(file)
        .filter(
          (spec) =>
            /^(aws-cdk-lib|@aws-sdk\/|constructs|cdk-nag|zod)/.test(spec) ||
            /\/(handlers|stacks)\//.test(spec),
        )
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect(offenders).toEqual([]);
  });

  it('only handlers/ imports @aws-sdk/*, and handlers never import aws-cdk-lib', () => {
    const offenders = sourceFiles(join(root, 'handlers')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => /^(aws-cdk-lib|constructs|cdk-nag)/.test(spec) || /\/stacks\//.test(spec))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    const stacksUsingSdk = sourceFiles(join(root, 'stacks')).flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('@aws-sdk/'))
        .map((spec) => `${relative(root, file)} imports ${spec}`),
    );
    expect([...offenders, ...stacksUsingSdk]).toEqual([]);
  });

  it('the checker itself sees imports (guards against a vacuous pass)', () => {
    expect(importsOf(join(root, 'rules', 'normalise.ts'))).toContain('./types');
  });
});
