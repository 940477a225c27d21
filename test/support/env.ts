import { vi } from 'vitest';

/** Sets each variable with `vi.stubEnv`, for code that reads `process.env`; `vi.unstubAllEnvs()` restores them all. */
export function stubEnvs(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) vi.stubEnv(name, value);
}
