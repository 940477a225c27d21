import { Readable } from 'node:stream';
import { run } from '../../../handlers/cli/main';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process, as the bin file does, with captured streams. */
export async function cli(
  argv: string[],
  options: { env?: Record<string, string>; stdin?: string; cwd?: string } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin: Readable.from([options.stdin ?? '']),
    env: { ...options.env },
    cwd: options.cwd ?? process.cwd(),
  });
  return { code, stdout, stderr };
}

export const FIXTURES = new URL('../../fixtures/cloudtrail/', import.meta.url).pathname;

/** What a `--format jsonl` run printed: one parsed value per non-blank line, in order. */
export function jsonLines<T = unknown>(stdout: string): T[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}
