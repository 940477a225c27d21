// The CLI's prebuilt bundle: built by `npm ci` (the root package's `prepare` script) and rebuilt on
// first use whenever a source it was built from has changed, so `iamwatch` never compiles TypeScript
// at start-up and a checkout that was pulled or edited never runs stale code.
//
// Layout: dist/cli/cli.mjs (entry: `run`), dist/cli/reader-worker.mjs (the replay reader thread),
// dist/cli/chunk-<hash>.mjs (one per lazily loaded command and what commands share), and
// dist/cli/manifest.json: the size and mtime of every source file the build read. The manifest is
// written last, so a build that was interrupted is never taken for a fresh one.
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (this file lives in bin/). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where the bundle lives. Two levels below the root on purpose: modules that find files of the
 * checkout relative to themselves (the bundled demo, `../../demo`) resolve the same from
 * `handlers/cli/` and from `dist/cli/`.
 */
export function bundleDir(root = PROJECT_ROOT) {
  return join(root, 'dist', 'cli');
}

const MANIFEST = 'manifest.json';
const MANIFEST_VERSION = 1;
/** Files outside the import graph that change what a build produces. */
const BUILD_INPUTS = ['bin/bundle.mjs', 'package.json', 'node_modules/.package-lock.json'];
/** Native addons (dynalite's LevelDB binding) cannot be bundled; node_modules serves them at run time. */
const EXTERNAL = ['dynalite'];

/**
 * The entry module's path when the bundle in `outdir` was built from the sources as they are now;
 * undefined when it is missing, from an older layout, or any input changed, appeared or vanished.
 * Costs one `stat` per source file (a few milliseconds), far less than compiling them.
 */
export function freshEntry(root = PROJECT_ROOT, outdir = bundleDir(root)) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(outdir, MANIFEST), 'utf8'));
  } catch {
    return undefined;
  }
  if (manifest?.version !== MANIFEST_VERSION || manifest.node !== process.versions.node) return undefined;
  for (const [file, stamp] of Object.entries(manifest.inputs ?? {})) {
    if (stampOf(join(root, file)) !== stamp) return undefined;
  }
  const entry = join(outdir, 'cli.mjs');
  return existsSync(entry) ? entry : undefined;
}

/**
 * Builds the bundle with esbuild (a dev dependency, so only in a checkout installed with them).
 * Outputs are written under temporary names and renamed into place, and chunks of the previous build
 * are kept until the next one, so a CLI already running keeps loading the chunks it was built with.
 *
 * @returns the entry path and esbuild's metafile (inputs and outputs with their sizes and imports).
 */
export async function buildCli({ root = PROJECT_ROOT, outdir = bundleDir(root) } = {}) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: {
      cli: 'handlers/cli/main.ts',
      'reader-worker': 'handlers/input/reader-worker.ts',
    },
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    mainFields: ['module', 'main'],
    external: EXTERNAL,
    // Bundled CommonJS dependencies still call `require` for Node built-ins.
    banner: {
      js: "import { createRequire as __iamwatchRequire } from 'node:module'; const require = __iamwatchRequire(import.meta.url);",
    },
    // Whitespace and syntax only: identifiers keep their names, so stack traces stay readable
    // without source maps (which Node would parse at every start).
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    metafile: true,
    write: false,
    logLevel: 'error',
  });
  await mkdir(outdir, { recursive: true });
  const previous = readManifest(outdir);
  const written = [];
  for (const file of result.outputFiles) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temporary, file.contents);
    renameSync(temporary, file.path);
    written.push(relative(outdir, file.path));
  }
  const inputs = {};
  // Dependencies are covered by npm's own lock file, which every install rewrites.
  for (const file of Object.keys(result.metafile.inputs)) {
    if (file.startsWith('node_modules/')) continue;
    inputs[file] = stampOf(join(root, file));
  }
  for (const file of BUILD_INPUTS) inputs[file] = stampOf(join(root, file));
  pruneOutputs(outdir, new Set([...written, ...(previous?.outputs ?? []), MANIFEST]));
  const manifest = { version: MANIFEST_VERSION, node: process.versions.node, outputs: written, inputs };
  const temporary = join(outdir, `${MANIFEST}.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 1)}\n`);
  renameSync(temporary, join(outdir, MANIFEST));
  return { entry: join(outdir, 'cli.mjs'), metafile: result.metafile };
}

/** True when esbuild can be loaded (installed with dev dependencies). */
export function canBuild(root = PROJECT_ROOT) {
  return existsSync(join(root, 'node_modules', 'esbuild', 'package.json'));
}

/** The CLI entry as a URL for `import()`: fresh, rebuilt if stale, or undefined when it cannot be built. */
export async function cliEntryUrl(root = PROJECT_ROOT) {
  const fresh = freshEntry(root);
  if (fresh) return pathToFileURL(fresh).href;
  if (!canBuild(root)) return undefined;
  const { entry } = await buildCli({ root });
  return pathToFileURL(entry).href;
}

function stampOf(path) {
  try {
    const stat = statSync(path);
    return `${stat.size}:${Math.round(stat.mtimeMs)}`;
  } catch {
    return 'missing';
  }
}

function readManifest(outdir) {
  try {
    return JSON.parse(readFileSync(join(outdir, MANIFEST), 'utf8'));
  } catch {
    return undefined;
  }
}

function pruneOutputs(outdir, keep) {
  for (const name of readdirSync(outdir)) {
    if (!keep.has(name) && (name.endsWith('.mjs') || name.endsWith('.tmp'))) {
      try {
        unlinkSync(join(outdir, name));
      } catch {
        // Another build removed it first.
      }
    }
  }
}

// `node bin/bundle.mjs`: the build step (`npm run build`, and `prepare` on `npm ci`).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const optional = process.argv.includes('--if-possible');
  if (!canBuild()) {
    const message =
      'iamwatch: esbuild is not installed (dev dependencies omitted); the CLI bundle was not built';
    process.stderr.write(`${message}\n`);
    process.exit(optional ? 0 : 1);
  }
  const started = performance.now();
  const { entry } = await buildCli();
  process.stderr.write(
    `iamwatch: CLI bundle built in ${Math.round(performance.now() - started)} ms (${relative(process.cwd(), dirname(entry))})\n`,
  );
}
