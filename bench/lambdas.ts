/** Lambda bundles: size by package (esbuild metafile) and import time of the bundle in a fresh process. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AUDIT_ENV,
  CANARY_ENV,
  HEARTBEAT_ENV,
  OPERATIONS_ENV,
  ORGANIZATION_ENV,
  RECORD_ENV,
} from '../handlers/shared/environment';
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
  [ORGANIZATION_ENV.roleArn]: 'arn:aws:iam::111122223333:role/iamwatch-organization-reader',
  [HEARTBEAT_ENV.operationsTopicArn]: 'arn:aws:sns:us-east-1:111122223333:iamwatch-operations',
  [HEARTBEAT_ENV.regions]: '["us-east-1"]',
  [HEARTBEAT_ENV.targets]: '{"kind":"accounts","accountIds":["111122223333"]}',
  [AUDIT_ENV.bucket]: 'iamwatch-audit',
  [AUDIT_ENV.roleName]: 'iamwatch-audit',
  [OPERATIONS_ENV.slackSecretArn]:
    'arn:aws:secretsmanager:us-east-1:111122223333:secret:iamwatch-operations-AbCdEf',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

const IMPORT_PROBE = `const started = performance.now();
await import(process.argv[1]);
process.stdout.write(\`\\nimport-ms=\${performance.now() - started}\\n\`);`;

/**
 * Bundles every function, then imports each bundle `runs` times in a fresh `node`, one function after
 * the other in each round, so that load on a shared machine falls on every function alike; the
 * median is kept. The probe times the import alone (the bundle's evaluation, its wiring block
 * included), not node's own start.
 */
export async function measureLambdas(root: string, runs: number): Promise<LambdaFigures[]> {
  const dir = mkdtempSync(join(tmpdir(), 'iamwatch-lambdas-'));
  try {
    const bundles = [];
    for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
      const bundle = await bundleLambda(root, entry);
      const file = join(dir, `${name}.mjs`);
      writeFileSync(file, bundle.code);
      bundles.push({ name, bundle, file, imports: [] as number[] });
    }
    for (let i = 0; i < runs; i++) {
      for (const { name, file, imports } of bundles) imports.push(importMs(name, file, dir));
    }
    return bundles.map(({ name, bundle, imports }) => ({
      name,
      bytes: bundle.bytes,
      sourceMapBytes: bundle.sourceMapBytes,
      importMs: median(imports),
      packages: bundle.packages,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function importMs(name: string, file: string, cwd: string): number {
  const run = timeNode(['--input-type=module', '-e', IMPORT_PROBE, file], { cwd, env: LAMBDA_ENV });
  if (run.status !== 0) throw new Error(`importing the ${name} bundle failed`);
  // The wiring block may log to stdout too (notify warns when no channel is configured).
  const measured = /import-ms=([\d.]+)/.exec(run.stdout)?.[1];
  if (measured === undefined) throw new Error(`the ${name} import probe printed no time`);
  return Number(measured);
}
