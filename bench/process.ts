/** Wall time of whole processes, as a person starting them would see it. */
import { spawnSync } from 'node:child_process';

export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export interface Timed {
  ms: number;
  status: number | null;
  stdout: string;
}

/** Runs `node ARGS` once and returns its wall time; stdout is kept for the caller to check. */
export function timeNode(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Timed {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    ms: Number(process.hrtime.bigint() - started) / 1e6,
    status: child.status,
    stdout: child.stdout,
  };
}

/**
 * Median wall time of `node ARGS` against a bare `node -e ''`, run alternately so load on a shared
 * machine hits both alike.
 *
 * @throws Error when the command fails, so a broken command never passes for a fast one.
 */
export function versusBareNode(
  args: string[],
  runs: number,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): { bareMs: number; ms: number; ratio: number } {
  const bare: number[] = [];
  const timed: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(timeNode(['-e', ''], options).ms);
    const run = timeNode(args, options);
    if (run.status !== 0) throw new Error(`node ${args.join(' ')} exited ${run.status}`);
    timed.push(run.ms);
  }
  const bareMs = median(bare);
  const ms = median(timed);
  return { bareMs, ms, ratio: ms / bareMs };
}
