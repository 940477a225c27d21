import { afterAll, beforeAll } from 'vitest';

/**
 * A resource for the calling suite (or file, at top level): `start` runs in `beforeAll`, `close` in
 * `afterAll`. What it returns stands for the started resource; touching it before `beforeAll` has run
 * (outside a test or hook) throws.
 */
export function useSuiteResource<T extends { close(): unknown }>(
  start: () => Promise<T>,
  timeout?: number,
): T {
  let started: T | undefined;
  const current = (): T => {
    if (!started) throw new Error('a suite resource starts in beforeAll: use it inside a test or hook');
    return started;
  };
  beforeAll(async () => {
    started = await start();
  }, timeout);
  afterAll(async () => {
    await started?.close();
  });
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(current(), key),
    set: (_, key, value) => Reflect.set(current(), key, value),
  });
}
