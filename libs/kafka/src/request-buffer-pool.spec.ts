import { RequestBufferPool } from './request-buffer-pool';

describe('RequestBufferPool', () => {
  it('hands a released Buffer out again for a request of its size class, never one still in use', () => {
    const pool = new RequestBufferPool();
    const first = pool.take(300_000);
    expect(first.length).toBe(300_000);
    const second = pool.take(300_000);
    expect(second.buffer).not.toBe(first.buffer);
    pool.release(first);
    expect(pool.pooledBytes).toBe(512 * 1024);
    const third = pool.take(400_000);
    expect(third.length).toBe(400_000);
    expect(third.buffer).toBe(first.buffer);
    expect(pool.pooledBytes).toBe(0);
    // Another class gets a Buffer of its own.
    pool.release(second);
    expect(pool.take(600_000).buffer).not.toBe(second.buffer);
  });

  it('ignores a second release of the same Buffer and Buffers it did not hand out', () => {
    const pool = new RequestBufferPool();
    const b = pool.take(100_000);
    pool.release(b);
    pool.release(b);
    pool.release(Buffer.alloc(100_000));
    expect(pool.pooledBytes).toBe(128 * 1024);
    expect(pool.take(100_000).buffer).toBe(b.buffer);
    expect(pool.take(100_000).buffer).not.toBe(b.buffer);
  });

  it('keeps at most its limit and leaves small requests to Node', () => {
    const pool = new RequestBufferPool(300 * 1024);
    const taken = [pool.take(200_000), pool.take(200_000), pool.take(200_000)];
    for (const b of taken) pool.release(b);
    expect(pool.pooledBytes).toBe(256 * 1024);
    const small = pool.take(1000);
    pool.release(small);
    expect(pool.pooledBytes).toBe(256 * 1024);
  });
});
