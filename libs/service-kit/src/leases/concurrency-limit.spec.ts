import { ConcurrencyLimit } from './concurrency-limit';

describe('ConcurrencyLimit', () => {
  it('runs at most its limit at once, the rest in order, and passes results and failures through', async () => {
    const limit = new ConcurrencyLimit(2);
    const release: Array<() => void> = [];
    const started: number[] = [];
    const task = (n: number) => () =>
      new Promise<number>((resolve, reject) => {
        started.push(n);
        release[n] = () => (n === 3 ? reject(new Error('three failed')) : resolve(n * 10));
      });
    const runs = [0, 1, 2, 3].map((n) => limit.run(task(n)));
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1]);
    expect(limit.pending).toBe(4);
    release[1]!();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2]);
    release[0]!();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([0, 1, 2, 3]);
    release[2]!();
    release[3]!();
    expect(await Promise.allSettled(runs)).toEqual([
      { status: 'fulfilled', value: 0 },
      { status: 'fulfilled', value: 10 },
      { status: 'fulfilled', value: 20 },
      { status: 'rejected', reason: new Error('three failed') },
    ]);
    expect(limit.pending).toBe(0);
  });

  it('refuses a limit below one', () => {
    expect(() => new ConcurrencyLimit(0)).toThrow('a concurrency limit must be a whole number ≥ 1, got 0');
  });
});
