/**
 * Bytes fetched and not yet handled, shared by every fetcher of a process: past `limitBytes` none
 * of them sends a new Fetch until handling frees some (each fetcher may still hold its
 * partitions' current batches, so the bound is exceeded by at most one Fetch per broker).
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
