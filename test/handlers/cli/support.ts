import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { CliIo } from '../../../handlers/cli/io';
import { run } from '../../../handlers/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  env?: Record<string, string>;
  /** What the command reads on stdin (default: nothing). */
  stdin?: string;
  cwd?: string;
}

/** Runs the CLI in-process, as the bin file does, with captured streams. */
export function cli(argv: string[], options: RunOptions = {}): Promise<CliRun> {
  return runCaptured(run, argv, options);
}

/** Runs a command function (`run`, `createAuditCommand(...)`, …) in-process with captured streams. */
export async function runCaptured(
  command: (argv: string[], io: CliIo) => Promise<number>,
  argv: string[],
  options: RunOptions = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await command(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin: Readable.from([options.stdin ?? '']),
    env: { ...options.env },
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout, stderr };
}

/** Writes `value` as a JSON file (a config, an event) at `path`; the path. */
export function writeJson(path: string, value: unknown): string {
  writeFileSync(path, JSON.stringify(value));
  return path;
}

export const FIXTURES = new URL('../../fixtures/cloudtrail/', import.meta.url).pathname;

/** What a `--format jsonl` run printed: one parsed value per non-blank line, in order. */
export function jsonLines<T = unknown>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}
