/**
 * Large Buffers of the data path, used again once nothing reads them: Fetch answers once every
 * batch in them was handled. (A Produce request of a passed-through batch copies nothing large:
 * the batch's records go out from the answer they came in, see request-framing-patch.ts.)
 *
 * Fresh ones cost the kernel a page fault and a zeroed page per 4 KiB, and finished ones stay in the
 * process until V8 runs a full collection, which it starts only after tens of MiB of such garbage.
 * `release` keeps a Buffer for the next `take` of its size class, up to `maxPooledBytes` kept at
 * once. A Buffer that is never released is simply collected, as any other.
 *
 * Sizes are rounded up to a power of two; only the bytes a user writes are ever touched, so the rest
 * of a larger Buffer costs address space, not memory. A kept Buffer of a larger class serves a
 * smaller size too, which keeps the number of Buffers at what was in use at once.
 */

/** Smaller ones come from Node's own pool. */
const MIN_POOLED_BYTES = 64 * 1024;
/** What `poisonReleased` writes over a released Buffer. */
export const POISON_BYTE = 0xee;

export interface BufferPoolOptions {
  /** @default 16 MiB */
  maxPooledBytes?: number;
  /**
   * Overwrites every released Buffer, so that a read after its release (a use of a Buffer still
   * referenced) shows as corrupt data instead of passing unnoticed. For tests.
   */
  poisonReleased?: boolean;
}

/** A Buffer of a size class, and how much of it any user wrote (the part that is resident). */
interface Backing {
  readonly buffer: Buffer;
  touched: number;
}

/** A request for a size may get a kept Buffer up to this many times larger (already resident: no new memory). */
const MAX_OVERSIZE = 8;

export class BufferPool {
  private readonly free = new Map<number, Backing[]>();
  /** The Backing of each Buffer handed out, by its memory: any view of it releases it. */
  private readonly inUse = new WeakMap<ArrayBufferLike, Backing>();
  private freeBytes = 0;
  private readonly maxPooledBytes: number;
  private readonly poisonReleased: boolean;

  constructor(options: BufferPoolOptions = {}) {
    this.maxPooledBytes = options.maxPooledBytes ?? 16 * 1024 * 1024;
    this.poisonReleased = options.poisonReleased ?? false;
  }

  /** A Buffer of exactly `size` bytes; its contents are whatever its previous user left. */
  take(size: number): Buffer {
    if (size < MIN_POOLED_BYTES) return Buffer.allocUnsafe(size);
    const sizeClass = 2 ** Math.ceil(Math.log2(size));
    let backing: Backing | undefined;
    for (let c = sizeClass; c <= sizeClass * MAX_OVERSIZE && !backing; c *= 2) backing = this.free.get(c)?.pop();
    if (backing) this.freeBytes -= backing.touched;
    else backing = { buffer: Buffer.allocUnsafeSlow(sizeClass), touched: 0 };
    backing.touched = Math.max(backing.touched, size);
    this.inUse.set(backing.buffer.buffer, backing);
    return backing.buffer.subarray(0, size);
  }

  /**
   * Gives back a Buffer from `take` (or any view into one) that nothing reads any more; a second
   * release, and a Buffer the pool did not hand out, are ignored.
   */
  release(view: Buffer): void {
    const backing = this.inUse.get(view.buffer);
    if (!backing) return;
    this.inUse.delete(view.buffer);
    if (this.poisonReleased) backing.buffer.fill(POISON_BYTE, 0, backing.touched);
    if (this.freeBytes + backing.touched > this.maxPooledBytes) return;
    const list = this.free.get(backing.buffer.length) ?? [];
    list.push(backing);
    this.free.set(backing.buffer.length, list);
    this.freeBytes += backing.touched;
  }

  /** Bytes kept for reuse now: the parts of the kept Buffers that were ever written. */
  get pooledBytes(): number {
    return this.freeBytes;
  }
}

/**
 * The one pool of a process, for the answers of every client. What it keeps is bounded by what was
 * in use at once (the fetch buffer bounds the answers); the limit is a safety net above that.
 */
export const wireBuffers = new BufferPool({
  maxPooledBytes: 96 * 1024 * 1024,
  // Set by the integration tests: a batch still read after its Buffer was released fails there.
  poisonReleased: process.env['MIRRORMAKER_POISON_RELEASED_BUFFERS'] === '1',
});

