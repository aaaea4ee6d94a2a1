import { SampledStat } from './sampled-stat';

const window = { sampleMs: 1000, samples: 2 };

describe('SampledStat', () => {
  it('reports NaN extremes and a zero rate before anything is recorded, as Kafka does', () => {
    const s = new SampledStat(window).snapshot(5000);
    expect(s).toEqual({ last: Number.NaN, min: Number.NaN, max: Number.NaN, avg: Number.NaN, total: 0, rate: 0 });
  });

  it('keeps min, max and average over the samples not yet expired', () => {
    const stat = new SampledStat(window);
    stat.record(10, 0);
    stat.record(30, 500);
    stat.record(20, 1200); // second sample
    expect(stat.snapshot(1500)).toMatchObject({ last: 20, min: 10, max: 30, avg: 20, total: 60 });
    // the first sample (started at 0) expires at 2000; the second (started at 1200) at 3200
    expect(stat.snapshot(2500)).toMatchObject({ last: 20, min: 20, max: 20, avg: 20 });
    expect(stat.snapshot(3200)).toMatchObject({ last: 20, min: Number.NaN, max: Number.NaN, avg: Number.NaN, total: 60, rate: 0 });
  });

  it('takes a value recorded n times as n recordings of it', () => {
    const weighted = new SampledStat(window);
    weighted.record(10, 0);
    weighted.record(40, 100, 3);
    expect(weighted.snapshot(500)).toMatchObject({ last: 40, min: 10, max: 40, avg: 32.5, total: 130 });
  });

  it('reuses the oldest sample once the newest is full', () => {
    const stat = new SampledStat(window);
    stat.record(1, 0);
    stat.record(2, 1000);
    stat.record(3, 2000); // replaces the sample of 0
    expect(stat.snapshot(2000)).toMatchObject({ min: 2, max: 3, total: 6 });
  });

  it('reports a rate per second over the span of the live samples, never less than one sample long', () => {
    const stat = new SampledStat(window);
    stat.record(100, 0); // 100 records at once, just after start
    expect(stat.snapshot(10).rate).toBe(100); // spread over the minimum span of 1 s, not 10 ms
    stat.record(100, 1500);
    expect(stat.snapshot(2000).rate).toBe(100); // 200 over 2 s
  });

  it('refuses a window that cannot hold values', () => {
    expect(() => new SampledStat({ sampleMs: 0, samples: 2 })).toThrow(/sampleMs > 0/);
    expect(() => new SampledStat({ sampleMs: 1000, samples: 1.5 })).toThrow(/whole number/);
  });
});
