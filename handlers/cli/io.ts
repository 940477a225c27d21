/** What a CLI command may touch of the process: streams, environment, working directory. */
export interface CliIo {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export const EXIT = { ok: 0, failure: 1, usage: 2, invalidInput: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A usage mistake: the message is printed with a hint and the CLI exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
