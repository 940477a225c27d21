import { describe, expect, it } from 'vitest';
import { OrderedWindow } from '../../../handlers/cli/window';

/** A task whose completion the test controls. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe('OrderedWindow', () => {
  it('runs up to depth tasks at once and takes results in submission order', async () => {
    const taken: string[] = [];
    const started: string[] = [];
    const window = new OrderedWindow<string>(3, (result) => {
      taken.push(result);
    });
    const gates = ['a', 'b', 'c', 'd'].map((name) => ({ name, gate: deferred<string>() }));
    for (const { name, gate } of gates.slice(0, 3)) {
      await window.push(name, () => {
        started.push(name);
        return gate.promise;
      });
    }
    expect(started).toEqual(['a', 'b', 'c']);
    // The fourth push waits for room: it takes "a" first, so "a" must finish.
    gates[2]?.gate.resolve('c');
    gates[1]?.gate.resolve('b');
    const fourth = window.push('d', () => {
      started.push('d');
      return gates[3]?.gate.promise as Promise<string>;
    });
    await Promise.resolve();
    expect(started).toEqual(['a', 'b', 'c']);
    gates[0]?.gate.resolve('a');
    await fourth;
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    gates[3]?.gate.resolve('d');
    await window.drain();
    expect(taken).toEqual(['a', 'b', 'c', 'd']);
  });

  it('runs tasks with the same key one after another', async () => {
    const log: string[] = [];
    const first = deferred<string>();
    const window = new OrderedWindow<string>(8, () => undefined);
    await window.push('evt-1', async () => {
      log.push('first started');
      const value = await first.promise;
      log.push('first done');
      return value;
    });
    await window.push('evt-1', async () => {
      log.push('second started');
      return 'second';
    });
    await window.push('evt-2', async () => {
      log.push('other started');
      return 'other';
    });
    expect(log).toEqual(['first started', 'other started']);
    first.resolve('first');
    await window.drain();
    expect(log).toEqual(['first started', 'other started', 'first done', 'second started']);
  });

  it('throws the first failure after the tasks still running have settled, and takes nothing after it', async () => {
    const taken: string[] = [];
    let laterSettled = false;
    const window = new OrderedWindow<string>(4, (result) => {
      taken.push(result);
    });
    await window.push('a', async () => 'a');
    await window.push('b', async () => {
      throw new Error('ledger down');
    });
    await window.push('c', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      laterSettled = true;
      return 'c';
    });
    await expect(window.drain()).rejects.toThrow('ledger down');
    expect(laterSettled).toBe(true);
    expect(taken).toEqual(['a']);
  });

  it('refuses a depth below one', () => {
    expect(() => new OrderedWindow(0, () => undefined)).toThrow(RangeError);
  });
});
