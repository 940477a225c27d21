/** Lambda bundles: size by package (esbuild metafile) and import time of the bundle in a fresh process. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CANARY_ENV, RECORD_ENV } from '../handlers/shared/environment';
import { bundleLambda, LAMBDA_ENTRIES } from '../stacks/constructs/lambda-bundle';
import { median, timeNode } from './process';

export interface LambdaFigures {
  name: string;
  bytes: number;
  sourceMapBytes: number;
  importMs: number;
  packages: { name: string; bytes: number }[];
}

/** Enough configuration for the wiring block to run at import, as in a deployed container. */
const LAMBDA_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  [RECORD_ENV.tableName]: 'iamwatch-ledger',
  [CANARY_ENV.roleName]: 'iamwatch-canary',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

const IMPORT_PROBE = `const started = performance.now();
await import(process.argv[1]);
process.stdout.write(\`\\nimport-ms=\${performance.now() - started}\\n\`);`;

export async function measureLambdas(root: string, runs: number): Promise<LambdaFigures[]> {
  const dir = mkdtempSync(join(tmpdir(), 'iamwatch-lambdas-'));
  try {
    const figures: LambdaFigures[] = [];
    for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
      const bundle = await bundleLambda(root, entry);
      const file = join(dir, `${name}.mjs`);
      writeFileSync(file, bundle.code);
      const imports: number[] = [];
      for (let i = 0; i < runs; i++) {
        const run = timeNode(['--input-type=module', '-e', IMPORT_PROBE, file], {
          cwd: dir,
          env: LAMBDA_ENV,
        });
        if (run.status !== 0) throw new Error(`importing the ${name} bundle failed`);
        // The wiring block may log to stdout too (notify warns when no channel is configured).
        const measured = /import-ms=([\d.]+)/.exec(run.stdout)?.[1];
        if (measured === undefined) throw new Error(`the ${name} import probe printed no time`);
        imports.push(Number(measured));
      }
      figures.push({
        name,
        bytes: bundle.bytes,
        sourceMapBytes: bundle.sourceMapBytes,
        importMs: median(imports),
        packages: bundle.packages,
      });
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
