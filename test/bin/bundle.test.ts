/**
 * The CLI's prebuilt bundle: what `npm ci` builds and `bin/iamwatch.mjs` runs. Built here into a
 * temporary folder, so the checkout's own dist/ is never touched by a test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, freshEntry, PROJECT_ROOT } from '../../bin/bundle.mjs';
import type { CliIo } from '../../handlers/cli/io';

let outdir: string;
let entry: string;
let metafile: Metafile;

beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'iamwatch-cli-bundle-'));
  ({ entry, metafile } = await buildCli({ outdir }));
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/**
 * Every output loaded with the one holding `source` (default: the entry, before running anything):
 * static imports, followed transitively.
 */
function loadedAtStart(source = 'handlers/cli/main.ts'): Set<string> {
  const outputs = metafile.outputs;
  const start = Object.keys(outputs).find((path) => outputs[path]?.inputs[source] !== undefined);
  const seen = new Set<string>();
  const queue = start ? [start] : [];
  while (queue.length > 0) {
    const path = queue.pop() as string;
    if (seen.has(path)) continue;
    seen.add(path);
    for (const edge of outputs[path]?.imports ?? []) {
      if (edge.kind === 'import-statement' && !edge.external) queue.push(edge.path);
    }
  }
  return seen;
}

function io(): { io: CliIo; out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      stdin: Readable.from([]),
      env: {},
      cwd: PROJECT_ROOT,
    },
    out: () => stdout,
    err: () => stderr,
  };
}

describe('the CLI bundle', () => {
  it('loads nothing heavy before a command is chosen', () => {
    const inputs = [...loadedAtStart()].flatMap((path) => Object.keys(metafile.outputs[path]?.inputs ?? {}));
    expect(inputs).toContain('handlers/cli/main.ts');
    const heavy = inputs.filter((input) => /node_modules|rules\/registry|handlers\/ledger|zod/.test(input));
    expect(heavy).toEqual([]);
  });

  it('loads neither the AWS SDK nor a zod locale for history on the local ledger', () => {
    const loaded = loadedAtStart('handlers/cli/history.ts');
    const inputs = [...loaded].flatMap((path) => Object.keys(metafile.outputs[path]?.inputs ?? {}));
    expect(inputs).toContain('handlers/ledger/journal-store.ts');
    const heavy = inputs.filter((input) =>
      /@aws-sdk|@smithy|zod\/v4\/(locales|classic)|dynalite/.test(input),
    );
    expect(heavy).toEqual([]);
  });

  it('runs commands from the bundle, with the reader thread beside it', async () => {
    const { run } = (await import(pathToFileURL(entry).href)) as {
      run: (argv: string[], io: CliIo) => Promise<number>;
    };
    const help = io();
    expect(await run(['--help'], help.io)).toBe(0);
    expect(help.out()).toMatch(/Usage: iamwatch <command>/);
    const rules = io();
    expect(await run(['rules', '--format', 'json'], rules.io)).toBe(0);
    expect((JSON.parse(rules.out()) as { id: string }[]).some((rule) => rule.id === 'iam-user-created')).toBe(
      true,
    );
    expect(readFileSync(join(outdir, 'reader-worker.mjs'), 'utf8').length).toBeGreaterThan(0);
  });

  it('is fresh right after a build and stale once a source it was built from changes', () => {
    expect(freshEntry(PROJECT_ROOT, outdir)).toBe(entry);
    const manifestPath = join(outdir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { inputs: Record<string, string> };
    expect(Object.keys(manifest.inputs)).toEqual(
      expect.arrayContaining(['handlers/cli/main.ts', 'handlers/input/reader-worker.ts', 'package.json']),
    );
    const original = readFileSync(manifestPath, 'utf8');
    try {
      manifest.inputs['handlers/cli/main.ts'] = '1:1';
      writeFileSync(manifestPath, JSON.stringify(manifest));
      expect(freshEntry(PROJECT_ROOT, outdir)).toBeUndefined();
      writeFileSync(manifestPath, '{ not json');
      expect(freshEntry(PROJECT_ROOT, outdir)).toBeUndefined();
    } finally {
      writeFileSync(manifestPath, original);
    }
  });
});

describe('bin/iamwatch.mjs', () => {
  it('prints the usage without tsx and exits 0', () => {
    const child = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'iamwatch.mjs'), '--help'], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/Commands:\n\s+replay/);
  });
});
