/**
 * Runs at most `limit` tasks at a time, the others in the order they came. A revision that
 * restarts thousands of units at once would otherwise stop and start all of them in the same
 * moment, and the process would answer nothing else (lease renewals included) until done.
 */
export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a concurrency limit must be a whole number ≥ 1, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }

  /** Tasks started and not finished, and tasks waiting for a slot. */
  get pending(): number {
    return this.running + this.waiting.length;
  }
}
