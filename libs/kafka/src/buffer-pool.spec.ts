import { BufferPool, POISON_BYTE } from './buffer-pool';

describe('BufferPool', () => {
  it('hands a released Buffer out again for a request of its size class, never one still in use', () => {
    const pool = new BufferPool();
    const first = pool.take(300_000);
    expect(first.length).toBe(300_000);
    const second = pool.take(300_000);
    expect(second.buffer).not.toBe(first.buffer);
    pool.release(first);
    expect(pool.pooledBytes).toBe(300_000);
    const third = pool.take(400_000);
    expect(third.length).toBe(400_000);
    expect(third.buffer).toBe(first.buffer);
    expect(pool.pooledBytes).toBe(0);
    // A larger class gets a Buffer of its own.
    pool.release(second);
    expect(pool.take(600_000).buffer).not.toBe(second.buffer);
  });

  it('serves a smaller size from a kept Buffer of a larger class, up to 8 times larger', () => {
    const pool = new BufferPool();
    const big = pool.take(1_000_000);
    const huge = pool.take(9_000_000);
    pool.release(big);
    pool.release(huge);
    // 1 MiB class for 1,000,000 bytes: 100,000 bytes (128 KiB class) may use it, 64 KiB may not.
    expect(pool.take(100_000).buffer).toBe(big.buffer);
    expect(pool.take(65_536).buffer).not.toBe(huge.buffer);
    // Counted by what was written, the part of a kept Buffer that is resident.
    expect(pool.pooledBytes).toBe(9_000_000);
  });

  it('ignores a second release of the same Buffer and Buffers it did not hand out', () => {
    const pool = new BufferPool();
    const b = pool.take(100_000);
    pool.release(b);
    pool.release(b);
    pool.release(Buffer.alloc(100_000));
    expect(pool.pooledBytes).toBe(100_000);
    expect(pool.take(100_000).buffer).toBe(b.buffer);
    expect(pool.take(100_000).buffer).not.toBe(b.buffer);
  });

  it('keeps at most its limit and leaves small requests to Node', () => {
    const pool = new BufferPool({ maxPooledBytes: 300 * 1024 });
    const taken = [pool.take(200_000), pool.take(200_000), pool.take(200_000)];
    for (const b of taken) pool.release(b);
    expect(pool.pooledBytes).toBe(200_000);
    const small = pool.take(1000);
    pool.release(small);
    expect(pool.pooledBytes).toBe(200_000);
  });

  it('takes back a Buffer through any view of it, as a Fetch answer is released through its body', () => {
    const pool = new BufferPool();
    const frame = pool.take(200_000);
    pool.release(frame.subarray(8, 1000));
    expect(pool.pooledBytes).toBe(200_000);
    expect(pool.take(150_000).buffer).toBe(frame.buffer);
  });

  it('overwrites a released Buffer when told to, so a read after release shows', () => {
    const pool = new BufferPool({ poisonReleased: true });
    const b = pool.take(100_000);
    b.fill(7);
    const stillReferenced = b.subarray(10, 20);
    pool.release(b);
    expect([...stillReferenced]).toEqual(new Array(10).fill(POISON_BYTE));
  });
});
