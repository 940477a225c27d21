/**
 * What the deployed functions load, from esbuild's metafile of the bundles built as IamwatchFunction
 * builds them. Sizes and import times are measured by `npm run bench`, not here.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_EXAMPLES } from '../../rules/catalog-examples';
import {
  bundleLambda,
  LAMBDA_ENTRIES,
  type LambdaBundle,
  packageOf,
} from '../../stacks/constructs/lambda-bundle';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** zod classic and its 60-odd locale files; zod/mini shares only the core. */
const ZOD_CLASSIC = /node_modules\/zod\/v4\/(classic|locales)\//;
/** An import of zod other than zod/mini (or the core both share): `zod` itself is the classic API. */
const ZOD_CLASSIC_IMPORT = /node_modules\/zod\/(?!mini\/|v4\/mini\/|v4\/core\/)/;
/** The example builders, each detection's examples, and the list of them. */
const EXAMPLE_MODULE = /^rules\/(examples|catalog-examples|detections\/.+\.examples)\.ts$/;
/** How minified code may quote a string. */
const QUOTES = ['"', "'", '`'];
/** The SDK's default credential chain beyond the environment, and the clients its links use. */
const DEFAULT_CREDENTIAL_CHAIN =
  /node_modules\/@aws-sdk\/(credential-provider-(node|ini|sso|process|web-identity|http|login)|nested-clients|token-providers)\/|node_modules\/@smithy\/credential-provider-imds\//;

/** The target for every function's minified bundle (issue 13). */
const BUNDLE_TARGET_KB = 400;
/**
 * Functions that miss the target, with the ceiling that keeps them from growing unnoticed. Both carry
 * the S3 client (about 100 KB: its operation schemas and endpoint rules) beside DynamoDB; the S3
 * backfill also carries the whole record path (catalog, patterns, normaliser), the audit six clients.
 */
const OVER_TARGET_KB: Readonly<Record<string, number>> = { audit: 600, s3: 560 };

describe('Lambda bundles', () => {
  const bundles = new Map<string, LambdaBundle>();
  beforeAll(async () => {
    for (const [name, entry] of Object.entries(LAMBDA_ENTRIES))
      bundles.set(name, await bundleLambda(ROOT, entry));
  }, 120_000);

  it('load no zod classic from handler code', () => {
    for (const [name, bundle] of bundles) {
      const handlerInputs = bundle.inputs.filter((input) => input.startsWith('handlers/'));
      // The canary function is small on purpose: its handler, its wiring, the env and logger helpers.
      expect(handlerInputs.length, name).toBeGreaterThan(name === 'canary' ? 2 : 5);
      expect(
        bundle.handlerImports.filter((edge) => ZOD_CLASSIC_IMPORT.test(edge.to)),
        name,
      ).toEqual([]);
    }
  });

  it('leave zod classic out of the notify and digest functions entirely', () => {
    for (const name of ['notify', 'digest']) {
      const bundle = bundles.get(name);
      expect(
        bundle?.inputs.some((input) => input.includes('node_modules/zod/v4/core/')),
        name,
      ).toBe(true);
      expect(
        bundle?.inputs.filter((input) => ZOD_CLASSIC.test(input)),
        name,
      ).toEqual([]);
    }
  });

  it('carry no CLI-only package, and Organizations only where a function reads the organization', () => {
    const readsOrganization = new Set(['organization', 'heartbeat', 'audit']);
    for (const [name, bundle] of bundles) {
      const names = new Set(bundle.packages.map((entry) => entry.name));
      for (const cliOnly of ['dynalite', '@aws-sdk/client-cloudtrail', 'tsx'])
        expect(names.has(cliOnly), `${name} bundles ${cliOnly}`).toBe(false);
      expect(names.has('@aws-sdk/client-organizations'), name).toBe(readsOrganization.has(name));
    }
  });

  it('take credentials from the environment only, not the default chain and its STS and SSO clients', () => {
    for (const [name, bundle] of bundles) {
      expect(bundle.inputs, name).toContain('handlers/shared/lambda-credentials.ts');
      expect(
        bundle.inputs.filter((input) => DEFAULT_CREDENTIAL_CHAIN.test(input)),
        name,
      ).toEqual([]);
    }
  });

  it("carry no detection examples: neither the examples modules, their builders, nor an example's text", () => {
    const names = CATALOG_EXAMPLES.flatMap(({ examples }) => examples.map((example) => example.name));
    for (const [name, bundle] of bundles) {
      expect(
        bundle.inputs.filter((input) => EXAMPLE_MODULE.test(input)),
        name,
      ).toEqual([]);
      expect(
        names.filter((example) => QUOTES.some((q) => bundle.code.includes(`name:${q}${example}${q}`))),
        name,
      ).toEqual([]);
    }
  });

  it('hold one copy of @smithy/core (a second one nested under another package doubles it)', () => {
    for (const [name, bundle] of bundles) {
      expect(
        bundle.inputs.filter((input) => /node_modules\/.+\/node_modules\/@smithy\/core\//.test(input)),
        name,
      ).toEqual([]);
    }
  });

  it(`stay within ${BUNDLE_TARGET_KB} KB minified (the functions that cannot, within their own ceiling)`, () => {
    const over = [...bundles]
      .filter(([name, bundle]) => bundle.bytes > (OVER_TARGET_KB[name] ?? BUNDLE_TARGET_KB) * 1024)
      .map(([name, bundle]) => `${name}: ${Math.ceil(bundle.bytes / 1024)} KB`);
    expect(over).toEqual([]);
  });

  it('keep source maps without embedded sources', () => {
    for (const bundle of bundles.values()) {
      expect(bundle.sourceMapBytes).toBeGreaterThan(0);
      expect(bundle.sourceMapBytes).toBeLessThan(bundle.bytes * 3);
    }
  });
});

describe('packageOf', () => {
  it('names scoped and plain packages, and the repository itself', () => {
    expect(packageOf('node_modules/@aws-sdk/client-sns/dist-es/index.js')).toBe('@aws-sdk/client-sns');
    expect(packageOf('node_modules/zod/v4/mini/schemas.js')).toBe('zod');
    expect(packageOf('node_modules/a/node_modules/b/index.js')).toBe('b');
    expect(packageOf('handlers/record/lambda.ts')).toBe('(iamwatch)');
  });
});
