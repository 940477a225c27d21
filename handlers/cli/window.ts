/**
 * A bounded window of tasks in flight whose results are taken in submission order: replay keeps
 * several ledger writes going at once (the ledger waits on I/O, not on this thread) while alerts,
 * counts and output still follow the input order, and only for writes that completed.
 */

/** Tasks with one key run one after another (the same eventId twice: the second sees the first). */
export class OrderedWindow<T> {
  private readonly queue: Promise<T>[] = [];
  private readonly lastByKey = new Map<string, Promise<unknown>>();

  /**
   * @param depth  tasks in flight at most; 1 runs them one at a time.
   * @param take   receives each result, in submission order.
   */
  constructor(
    private readonly depth: number,
    private readonly take: (result: T) => Promise<void> | void,
  ) {
    if (!Number.isInteger(depth) || depth < 1)
      throw new RangeError(`depth must be a positive integer, got ${depth}`);
  }

  /** Starts `task` once there is room (taking finished results first); rejects with the first failure. */
  async push(key: string, task: () => Promise<T>): Promise<void> {
    while (this.queue.length >= this.depth) await this.takeOldest();
    const before = this.lastByKey.get(key);
    const promise = before ? before.then(task, task) : task();
    // Handled here so a failure while earlier results are being taken is not an unhandled rejection;
    // it is still thrown when its turn comes.
    promise.catch(() => undefined);
    this.queue.push(promise);
    this.lastByKey.set(key, promise);
    const forget = () => {
      if (this.lastByKey.get(key) === promise) this.lastByKey.delete(key);
    };
    promise.then(forget, forget);
  }

  /** Takes every remaining result. After a failure, waits for the tasks still running, then throws it. */
  async drain(): Promise<void> {
    while (this.queue.length > 0) await this.takeOldest();
  }

  /** Waits for every task still running, ignoring results and failures (before closing what they use). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.queue.splice(0));
  }

  private async takeOldest(): Promise<void> {
    const oldest = this.queue.shift() as Promise<T>;
    try {
      await this.take(await oldest);
    } catch (error) {
      await this.settle();
      throw error;
    }
  }
}
