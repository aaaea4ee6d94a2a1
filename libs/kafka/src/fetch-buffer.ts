/**
 * Bytes fetched and not yet handled, shared by every fetcher of a process, plus the most each
 * Fetch in flight may return: past `limitBytes` none of them sends a new Fetch until handling
 * frees some. The bound is exceeded only by a record batch larger than what a Fetch asked for
 * (the broker returns a partition's first batch whole).
 */
export class FetchBuffer {
  private used = 0;
  private readonly waiting = new Set<() => void>();

  constructor(readonly limitBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  get full(): boolean {
    return this.used >= this.limitBytes;
  }

  take(bytes: number): void {
    this.used += bytes;
  }

  release(bytes: number): void {
    const wasFull = this.full;
    this.used = Math.max(0, this.used - bytes);
    if (wasFull && !this.full) for (const wake of [...this.waiting]) wake();
  }

  /** Calls `wake` whenever the buffer stops being full; returns the unsubscribe. */
  onSpace(wake: () => void): () => void {
    this.waiting.add(wake);
    return () => this.waiting.delete(wake);
  }
}
