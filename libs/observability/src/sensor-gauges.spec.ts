import { createMetricsRegistry } from './metrics';
import { SensorGauges } from './sensor-gauges';

describe('SensorGauges', () => {
  it('exports each statistic of each label set as its own gauge, computed at scrape time', async () => {
    const registry = createMetricsRegistry({ service: 'test', version: 'test' });
    let now = 1000;
    const latency = new SensorGauges({
      registry,
      help: 'latency',
      labelNames: ['topic'],
      series: { last: 'x_latency_ms', max: 'x_latency_ms_max', avg: 'x_latency_ms_avg' },
      now: () => now,
    });
    const count = new SensorGauges({ registry, help: 'records', labelNames: ['topic'], series: { total: 'x_record_count' }, now: () => now });
    const a = latency.labels({ topic: 'a' });
    a.record(10, 1000);
    a.record(30, 1000);
    count.labels({ topic: 'a' }).record(2, 1000);
    latency.labels({ topic: 'b' }).record(5, 1000);

    const text = await registry.metrics();
    expect(text).toContain('x_latency_ms{topic="a"} 30');
    expect(text).toContain('x_latency_ms_max{topic="a"} 30');
    expect(text).toContain('x_latency_ms_avg{topic="a"} 20');
    expect(text).toContain('x_latency_ms_max{topic="b"} 5');
    expect(text).toContain('x_record_count{topic="a"} 2');
    expect(text).toContain('# TYPE x_latency_ms_max gauge');

    now += 120_000; // past Kafka's default window of 2 × 30 s
    latency.remove({ topic: 'b' });
    const later = await registry.metrics();
    // prom-client prints NaN as `Nan`; Prometheus reads either.
    expect(later).toMatch(/^x_latency_ms_max{topic="a"} nan$/im);
    expect(later).toContain('x_latency_ms{topic="a"} 30');
    expect(later).not.toContain('topic="b"');
  });
});

describe('SensorGauges after remove', () => {
  it('brings a removed series back, started over, when a child bound before records again', async () => {
    const registry = createMetricsRegistry({ service: 'test', version: 'test' });
    const count = new SensorGauges({ registry, help: 'records', labelNames: ['topic'], series: { total: 'x_record_count' }, now: () => 1000 });
    const first = count.labels({ topic: 'a' });
    const second = count.labels({ topic: 'a' }); // e.g. a partition granted again before the old holder let go
    first.record(5, 1000);
    count.remove({ topic: 'a' }); // the old holder lets go
    expect(await registry.metrics()).not.toContain('x_record_count{topic="a"}');
    second.record(2, 1000);
    expect(await registry.metrics()).toContain('x_record_count{topic="a"} 2');
  });
});
