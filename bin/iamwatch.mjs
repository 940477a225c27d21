#!/usr/bin/env node
// Wires the CLI to the process: TypeScript sources run through tsx, the exit code comes from run().
import { register } from 'tsx/esm/api';

// The SDK warns once per process that its 2027 releases need Node 22; the CLI states its own
// requirements in the README, so the warning would only bury the output people asked for.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `iamwatch history | head` closes stdout early: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

register();
const { run } = await import('../handlers/cli/main.ts');
process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
