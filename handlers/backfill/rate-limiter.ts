/**
 * A token bucket in front of LookupEvents: AWS allows 2 requests per second per account and region
 * and throttles beyond that. Waiting client-side keeps a backfill under the limit instead of spending
 * its retries on throttling errors. Clock and sleep are injected, so tests run in virtual time.
 */

export interface LimiterClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface TokenBucketOptions {
  /** Tokens added per second (requests per second on average). */
  ratePerSecond: number;
  /**
   * Tokens the bucket holds, i.e. requests that may go out back to back. Default 1: requests are
   * spaced evenly, so no one-second span ever holds more than `ratePerSecond` of them.
   */
  burst?: number;
  clock: LimiterClock;
}

/** Real time: `performance.now()` and `setTimeout`. */
export const REAL_CLOCK: LimiterClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  private queue: Promise<void> = Promise.resolve();
  private granted = 0;
  private readonly burst: number;
  private readonly msPerToken: number;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0)) throw new RangeError('ratePerSecond must be greater than 0');
    this.burst = options.burst ?? 1;
    if (!(this.burst >= 1)) throw new RangeError('burst must be at least 1');
    this.msPerToken = 1000 / options.ratePerSecond;
    this.tokens = this.burst;
    this.updatedAt = options.clock.now();
  }

  /** Requests let through so far. */
  get acquired(): number {
    return this.granted;
  }

  /** Resolves when a request may go out. Callers are served in the order they asked. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(): Promise<void> {
    for (;;) {
      this.refill();
      if (this.tokens >= 1) {
        this.tokens -= 1;
        this.granted++;
        return;
      }
      await this.options.clock.sleep(Math.ceil((1 - this.tokens) * this.msPerToken));
    }
  }

  private refill(): void {
    const now = this.options.clock.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.burst, this.tokens + elapsed / this.msPerToken);
    this.updatedAt = now;
  }
}
