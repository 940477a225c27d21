#!/usr/bin/env node
// Wires the CLI to the process: TypeScript sources run through tsx, the exit code comes from run().
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../handlers/cli/main.ts');
process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
