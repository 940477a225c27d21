/** Runs one CLI command function in-process with captured streams, as `run` would. */
import { Readable } from 'node:stream';
import type { CliIo } from '../../../../handlers/cli/io';
import { EXIT, UsageError } from '../../../../handlers/cli/io';

export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
}

export type Command = (argv: string[], io: CliIo) => Promise<number>;

/** Usage errors become exit 2 and other errors exit 1, exactly as `handlers/cli/main.ts` does. */
export async function runCommand(
  command: Command,
  argv: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<CommandRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin: Readable.from(['']),
    env: { ...options.env },
    cwd: options.cwd ?? process.cwd(),
  };
  let code: number;
  try {
    code = await command(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      stderr += `${error.message}\n`;
      code = EXIT.usage;
    } else {
      stderr += `${error instanceof Error ? error.message : String(error)}\n`;
      code = EXIT.failure;
    }
  }
  return { code, stdout, stderr };
}

/** A clock whose sleeps return at once and move time forward: rate limits without waiting. */
export function virtualClock(start = 0) {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}
