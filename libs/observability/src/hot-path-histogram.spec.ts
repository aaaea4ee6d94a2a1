import { Histogram, Registry } from 'prom-client';
import { HotPathHistogram } from './hot-path-histogram';

describe('HotPathHistogram', () => {
  const buckets = [1, 5, 10, 100];
  const labelNames = ['flow', 'partition'] as const;
  const observations: Array<[Partial<Record<(typeof labelNames)[number], string>>, number]> = [
    [{ flow: 'A->B' }, 4],
    [{ flow: 'A->B', partition: '0' }, 0],
    [{ flow: 'A->B', partition: '0' }, 1],
    [{ flow: 'A->B', partition: '0' }, 7.5],
    [{ flow: 'A->B', partition: '1' }, 100],
    [{ flow: 'A->B', partition: '1' }, 101],
    [{ flow: 'A->B', partition: '0' }, 5000],
    [{ flow: 'C->"D"', partition: '1' }, 3],
  ];

  function both() {
    const reference = new Registry();
    const ours = new Registry();
    const options = { name: 'mm_latency_ms', help: 'Latency.', labelNames: [...labelNames], buckets };
    const histogram = new Histogram({ ...options, registers: [reference] });
    const fast = new HotPathHistogram({ ...options, registers: [ours] });
    for (const [labels, value] of observations) {
      histogram.observe(labels, value);
      fast.labels(labels).observe(value);
    }
    return { reference, ours, histogram, fast };
  }

  it('prints exactly what prom-client prints for the same observations', async () => {
    const { reference, ours } = both();
    const text = await ours.metrics();
    expect(text).toBe(await reference.metrics());
    expect(text).toContain('mm_latency_ms_bucket{le="10",flow="A->B",partition="0"} 3');
    expect(text).toContain('mm_latency_ms_count{flow="A->B",partition="0"} 4');
    // Exemplars (OpenMetrics only, never used here) are the one difference.
    const withoutExemplars = (metrics: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
      metrics.map((m) => ({ ...m, values: m.values.map((v) => ({ ...v, exemplar: undefined })) }));
    expect(withoutExemplars(await ours.getMetricsAsJSON())).toEqual(withoutExemplars(await reference.getMetricsAsJSON()));
  });

  it('counts a weighted observation as that many equal ones', async () => {
    const registry = (): [Registry, HotPathHistogram<'flow'>] => {
      const r = new Registry();
      return [r, new HotPathHistogram({ name: 'mm_age_ms', help: 'Age.', labelNames: ['flow'], buckets, registers: [r] })];
    };
    const [one, once] = registry();
    const [many, each] = registry();
    once.labels({ flow: 'A->B' }).observe(7, 3);
    for (let i = 0; i < 3; i++) each.labels({ flow: 'A->B' }).observe(7);
    expect(await one.metrics()).toBe(await many.metrics());
    expect(await one.metrics()).toContain('mm_age_ms_sum{flow="A->B"} 21');
  });

  it('forgets a removed label set and everything on reset', async () => {
    const { reference, ours, histogram, fast } = both();
    histogram.remove({ flow: 'A->B', partition: '1' });
    fast.remove({ flow: 'A->B', partition: '1' });
    expect(await ours.metrics()).toBe(await reference.metrics());
    ours.resetMetrics();
    expect(await ours.metrics()).not.toContain('mm_latency_ms_count');
  });

  it('refuses an unknown label, a non-finite value and unordered buckets', () => {
    const fast = new HotPathHistogram({ name: 'x', help: 'x', labelNames: ['a'], buckets: [1, 2], registers: [] });
    expect(() => fast.labels({ b: '1' } as never)).toThrow(/unknown label 'b'/);
    expect(() => fast.labels({ a: '1' }).observe(Number.NaN)).toThrow(/finite/);
    expect(() => new HotPathHistogram({ name: 'y', help: 'y', labelNames: [], buckets: [2, 1], registers: [] })).toThrow(/ascending/);
  });
});
