import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../handlers/backfill/rate-limiter';
import { virtualClock } from './support/io';

/** The most requests in any half-open one-second span. */
function busiestSecond(times: readonly number[]): number {
  return Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
}

describe('TokenBucket', () => {
  it('lets at most 2 requests through in any second at 2 per second', async () => {
    const clock = virtualClock(1_000);
    const bucket = new TokenBucket({ ratePerSecond: 2, clock });
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      await bucket.acquire();
      times.push(clock.now());
    }
    expect(times[0]).toBe(1_000);
    expect(busiestSecond(times)).toBe(2);
    expect(times.slice(1).map((t, i) => t - (times[i] ?? 0))).toEqual(Array(9).fill(500));
    expect(bucket.acquired).toBe(10);
  });

  it('honours a lower rate and serves concurrent callers one at a time', async () => {
    const clock = virtualClock();
    const bucket = new TokenBucket({ ratePerSecond: 0.5, clock });
    const times: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => bucket.acquire().then(() => times.push(clock.now()))));
    expect(times).toEqual([0, 2000, 4000, 6000]);
  });

  it('does not wait when requests are already spaced out', async () => {
    const clock = virtualClock();
    const bucket = new TokenBucket({ ratePerSecond: 2, clock });
    await bucket.acquire();
    await clock.sleep(5_000);
    const before = clock.sleeps.length;
    await bucket.acquire();
    expect(clock.sleeps.length).toBe(before);
  });

  it('allows a burst when asked to, then falls back to the rate', async () => {
    const clock = virtualClock();
    const bucket = new TokenBucket({ ratePerSecond: 2, burst: 2, clock });
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      await bucket.acquire();
      times.push(clock.now());
    }
    expect(times).toEqual([0, 0, 500, 1000]);
  });

  it('rejects rates it cannot honour', () => {
    const clock = virtualClock();
    expect(() => new TokenBucket({ ratePerSecond: 0, clock })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0, clock })).toThrow(RangeError);
  });
});
