/**
 * Buffers for large Produce requests, used again once their request is answered.
 *
 * Each passed-through batch is copied into a request Buffer of its own (256 KiB and more). Fresh
 * ones cost the kernel a page fault and a zeroed page per 4 KiB, and finished ones stay in the
 * process until V8 runs a full collection, which it starts only after tens of MiB of such garbage.
 * A request that the broker answered was read in full, so its Buffer is free: `release` keeps it
 * for the next request of its size class, up to `maxPooledBytes` kept at once.
 *
 * Sizes are rounded up to a power of two; only the bytes a request writes are ever touched, so the
 * rest of a larger Buffer costs address space, not memory.
 */

/** Smaller requests come from Node's own pool. */
const MIN_POOLED_BYTES = 64 * 1024;

export class RequestBufferPool {
  private readonly free = new Map<number, Buffer[]>();
  private readonly whole = new WeakMap<Buffer, Buffer>();
  private freeBytes = 0;

  constructor(private readonly maxPooledBytes = 16 * 1024 * 1024) {}

  /** A Buffer of exactly `size` bytes; its contents are whatever a previous request left. */
  take(size: number): Buffer {
    if (size < MIN_POOLED_BYTES) return Buffer.allocUnsafe(size);
    const sizeClass = 2 ** Math.ceil(Math.log2(size));
    let backing = this.free.get(sizeClass)?.pop();
    if (backing) this.freeBytes -= sizeClass;
    else backing = Buffer.allocUnsafeSlow(sizeClass);
    const view = backing.subarray(0, size);
    this.whole.set(view, backing);
    return view;
  }

  /** Gives back a Buffer from `take` that nothing reads any more; a second release is ignored. */
  release(view: Buffer): void {
    const backing = this.whole.get(view);
    if (!backing) return;
    this.whole.delete(view);
    if (this.freeBytes + backing.length > this.maxPooledBytes) return;
    const list = this.free.get(backing.length) ?? [];
    list.push(backing);
    this.free.set(backing.length, list);
    this.freeBytes += backing.length;
  }

  /** Bytes kept for reuse now. */
  get pooledBytes(): number {
    return this.freeBytes;
  }
}
