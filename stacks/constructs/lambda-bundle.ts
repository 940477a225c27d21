/**
 * The Lambda bundles as `IamwatchFunction` builds them (esbuild, one minified ESM file with the AWS SDK
 * inside), built here without CDK so their size and contents can be checked: what each function
 * loads, by package, from esbuild's metafile. `npm run bench` reports it; a test keeps zod classic and
 * anything else large out.
 */
import path from 'node:path';
import type { Metafile } from 'esbuild';

/** The deployed entry points, by function: every `IamwatchFunction` the stacks build. */
export const LAMBDA_ENTRIES = {
  record: 'handlers/record/lambda.ts',
  notify: 'handlers/notify/lambda.ts',
  canary: 'handlers/canary/lambda.ts',
  digest: 'handlers/digest/lambda.ts',
  organization: 'handlers/organization/lambda.ts',
  heartbeat: 'handlers/heartbeat/lambda.ts',
  operations: 'handlers/operations/lambda.ts',
  audit: 'handlers/audit/lambda.ts',
  s3: 'handlers/s3/lambda.ts',
} as const;

/** ESM bundles still meet CommonJS dependencies that call `require`; give them one. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** esbuild settings shared with `IamwatchFunction`'s bundling (Node 24 is the functions' runtime). */
const LAMBDA_BUNDLE_TARGET = 'node24';
export const LAMBDA_MAIN_FIELDS = ['module', 'main'];

/**
 * Modules replaced in every Lambda bundle (esbuild `alias`, paths relative to the repository root).
 *
 * - `@aws-sdk/credential-provider-node`, the default credential chain every client imports, becomes
 *   its first link alone, the environment: that is where Lambda puts the execution role's
 *   credentials, and the rest of the chain (SSO, config files, web identity, metadata services, with
 *   the STS and SSO clients they need) was about 100 KB of each bundle that a function never runs.
 *   See handlers/shared/lambda-credentials.ts. The CLI and the tests run the unaliased chain.
 */
export const LAMBDA_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './handlers/shared/lambda-credentials.ts',
};

export interface LambdaBundle {
  /** The minified bundle itself, in bytes (the source map is a separate file). */
  bytes: number;
  /** The source map's size in bytes (mappings and names only: sources are not embedded). */
  sourceMapBytes: number;
  /** Bytes each package (or `(iamwatch)` for this repository) contributes to the bundle, largest first. */
  packages: { name: string; bytes: number }[];
  /** Every input file with code in the bundle (tree-shaken ones left out), relative to the root. */
  inputs: string[];
  /** What this repository's handler files import (resolved paths), to see what handler code pulls in. */
  handlerImports: { from: string; to: string }[];
  /** The bundle's code, to import it. */
  code: string;
}

/** Bundles one entry the way the deployed function is bundled. */
export async function bundleLambda(root: string, entry: string): Promise<LambdaBundle> {
  const esbuild = await import('esbuild');
  const outfile = path.join(root, 'cdk.out', 'bundle-check', `${path.basename(path.dirname(entry))}.mjs`);
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: LAMBDA_BUNDLE_TARGET,
    mainFields: LAMBDA_MAIN_FIELDS,
    alias: { ...LAMBDA_ALIASES },
    banner: { js: ESM_REQUIRE_BANNER },
    sourcemap: 'external',
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: 'error',
  });
  const code = result.outputFiles.find((file) => file.path.endsWith('.mjs'));
  const map = result.outputFiles.find((file) => file.path.endsWith('.map'));
  if (!code) throw new Error(`esbuild wrote no bundle for ${entry}`);
  return {
    bytes: code.contents.byteLength,
    sourceMapBytes: map?.contents.byteLength ?? 0,
    packages: packagesOf(result.metafile),
    inputs: Object.values(result.metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs).flatMap(([input, { bytesInOutput }]) =>
        bytesInOutput > 0 ? [input] : [],
      ),
    ),
    handlerImports: Object.entries(result.metafile.inputs)
      .filter(([input]) => input.startsWith('handlers/'))
      .flatMap(([from, { imports }]) => imports.map((edge) => ({ from, to: edge.path }))),
    code: code.text,
  };
}

/** `node_modules/@aws-sdk/client-sns/dist-es/…` → `@aws-sdk/client-sns`; our own files → `(iamwatch)`. */
export function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return '(iamwatch)';
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input);
}

function packagesOf(metafile: Metafile): { name: string; bytes: number }[] {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes].map(([name, size]) => ({ name, bytes: size })).sort((a, b) => b.bytes - a.bytes);
}
