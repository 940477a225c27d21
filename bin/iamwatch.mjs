#!/usr/bin/env node
// Wires the CLI to the process: runs the prebuilt bundle (dist/cli, see bundle.mjs), rebuilding it
// first when a source changed; the exit code comes from run().

// The SDK warns once per process that its 2027 releases need Node 22; the CLI states its own
// requirements in the README, so the warning would only bury the output people asked for.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `iamwatch history | head` closes stdout early: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const { cliEntryUrl } = await import('./bundle.mjs');
const entry = await cliEntryUrl();
if (!entry) {
  process.stderr.write(
    'iamwatch: the CLI bundle is missing or out of date and esbuild is not installed to rebuild it.\n' +
      'Run `npm ci` (with dev dependencies) in the iamwatch checkout.\n',
  );
  process.exit(1);
}
const { run } = await import(entry);
process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
