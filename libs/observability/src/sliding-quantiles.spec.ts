import { SlidingQuantiles } from './sliding-quantiles';

const window = { sampleMs: 1000, samples: 3 };

/** The exact q-quantile of `values` (nearest rank), to compare with. */
function exact(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(q * sorted.length) - 1]!;
}

describe('SlidingQuantiles', () => {
  it('has no percentiles before anything is recorded', () => {
    const s = new SlidingQuantiles(window).snapshot(0);
    expect(s.count).toBe(0);
    expect(s.quantile(0.5)).toBeNaN();
  });

  it('is exact when every value in the window is the same', () => {
    const q = new SlidingQuantiles(window);
    q.record(137, 0, 40);
    expect(q.snapshot(10).quantile(0.5)).toBe(137);
    expect(q.snapshot(10).quantile(0.99)).toBe(137);
  });

  it('stays within 5 % of the true percentile over a wide spread of values', () => {
    const q = new SlidingQuantiles(window);
    const values: number[] = [];
    let x = 7;
    for (let i = 0; i < 5000; i++) {
      x = (x * 48271) % 2147483647; // a fixed pseudo-random sequence
      const v = 2 + (x % 100_000) / 10; // 2 ms .. 10 s
      values.push(v);
      q.record(v, 100);
    }
    const snap = q.snapshot(200);
    expect(snap.count).toBe(5000);
    for (const p of [0.01, 0.5, 0.9, 0.99, 1]) {
      const want = exact(values, p);
      expect(Math.abs(snap.quantile(p) - want) / want).toBeLessThanOrEqual(0.05);
    }
  });

  it('tells a slow tail apart from the median', () => {
    const q = new SlidingQuantiles(window);
    q.record(10, 0, 980);
    q.record(2000, 0, 20);
    const snap = q.snapshot(0);
    expect(snap.quantile(0.5)).toBeCloseTo(10, 0);
    expect(Math.abs(snap.quantile(0.99) - 2000) / 2000).toBeLessThanOrEqual(0.05);
  });

  it('forgets values once their sample has expired', () => {
    const q = new SlidingQuantiles(window);
    q.record(500, 0);
    q.record(20, 1000);
    q.record(20, 2000);
    expect(q.snapshot(2500).quantile(1)).toBe(500);
    // the sample that started at 0 expires at 3000; the others at 4000 and 5000
    expect(q.snapshot(3000).quantile(1)).toBe(20);
    expect(q.snapshot(3000).count).toBe(2);
    expect(q.snapshot(5000).count).toBe(0);
  });

  it('reuses the oldest sample once the newest is full', () => {
    const q = new SlidingQuantiles(window);
    q.record(1000, 0);
    q.record(10, 1000);
    q.record(10, 2000);
    q.record(10, 3000); // replaces the sample of 0 although it is read before it expired
    expect(q.snapshot(3000).quantile(1)).toBe(10);
  });

  it('keeps values below 1 and above the last bucket inside the range recorded', () => {
    const q = new SlidingQuantiles(window);
    q.record(0, 0);
    expect(q.snapshot(0).quantile(0.5)).toBe(0);
    q.record(1e12, 0);
    expect(q.snapshot(0).quantile(1)).toBe(1e12);
  });

  it('refuses values and quantiles it cannot place', () => {
    const q = new SlidingQuantiles(window);
    expect(() => q.record(-1, 0)).toThrow(/≥ 0/);
    expect(() => q.record(Number.NaN, 0)).toThrow(/finite/);
    expect(() => q.snapshot(0).quantile(0)).toThrow(/\(0, 1\]/);
    expect(() => new SlidingQuantiles({ sampleMs: 0, samples: 2 })).toThrow(/sampleMs > 0/);
  });
});
