import { createMetricsRegistry, type Registry } from '@mirrormaker/observability';
import { MirrorMetrics, type PartitionLabels } from './mirror-metrics';

const labels = (partition: number): PartitionLabels => ({ flow: 'A->B', source: 'A', target: 'B', topic: 'A.orders', partition: String(partition) });

async function series(registry: Registry, name: string): Promise<Array<{ labels: Record<string, string | number | undefined>; value: number }>> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  return (await metric.get()).values.map((v) => ({ labels: { ...v.labels }, value: v.value }));
}

/** `count` records stamped `ageMs` before NOW. */
const NOW = 1_700_000_000_000;
const aged = (count: number, ageMs = 1) => Array.from({ length: count }, () => ({ timestamp: BigInt(NOW - ageMs) }));

describe('MirrorMetrics', () => {
  let registry: Registry;
  let metrics: MirrorMetrics;
  beforeEach(() => {
    registry = createMetricsRegistry({ service: 'data-mirror', version: 'test' });
    metrics = new MirrorMetrics(registry);
  });

  it('labels each partition by default', async () => {
    const p0 = metrics.forPartition(labels(0));
    const p1 = metrics.forPartition(labels(1));
    p0.copied(aged(3), NOW);
    p1.copied(aged(4), NOW);
    p0.position(9n, 20n);
    expect(await series(registry, 'mirrormaker_source_record_count_total')).toEqual([
      { labels: labels(0), value: 3 },
      { labels: labels(1), value: 4 },
    ]);
    expect((await series(registry, 'mirrormaker_partition_lag')).find((s) => s.labels.partition === '0')?.value).toBe(10);
  });

  it('counts records lost to retention and recreated source partitions, per partition or per topic', async () => {
    const { partition: _, ...topicLabels } = labels(0);
    metrics.forPartition(labels(0)).lostToRetention(40n);
    metrics.forPartition(labels(1)).recreated();
    const q0 = metrics.forPartition({ ...labels(0), topic: 'A.quiet' }, false);
    const q1 = metrics.forPartition({ ...labels(1), topic: 'A.quiet' }, false);
    q0.lostToRetention(3n);
    q1.lostToRetention(4n);
    expect(await series(registry, 'mirrormaker_records_lost_to_retention_total')).toEqual([
      { labels: labels(0), value: 40 },
      { labels: { ...topicLabels, topic: 'A.quiet' }, value: 7 },
    ]);
    expect(await series(registry, 'mirrormaker_source_partition_recreations_total')).toEqual([{ labels: labels(1), value: 1 }]);
  });

  it('without the partition label, adds counters up per topic and sums the gauges over the partitions held', async () => {
    const { partition: _, ...topicLabels } = labels(0);
    const p0 = metrics.forPartition(labels(0), false);
    const p1 = metrics.forPartition(labels(1), false);
    p0.copied(aged(3, 2), NOW);
    p1.copied(aged(4, 2), NOW);
    p0.polled(100, aged(1, 5), NOW);
    p1.polled(50, aged(1, 5), NOW);
    p0.position(9n, 20n); // lag 10
    p1.position(4n, 10n); // lag 5
    p1.stalled(true);

    expect(await series(registry, 'mirrormaker_source_record_count_total')).toEqual([{ labels: topicLabels, value: 7 }]);
    expect(await series(registry, 'mirrormaker_source_byte_count_total')).toEqual([{ labels: topicLabels, value: 150 }]);
    const latencyCount = (await series(registry, 'mirrormaker_replication_latency_ms')).filter((s) => !('le' in s.labels));
    expect(latencyCount.every((s) => !('partition' in s.labels))).toBe(true);
    expect(latencyCount.map((s) => s.value)).toEqual([14, 7]); // _sum: 7 records × 2 ms, _count: 7
    expect(await series(registry, 'mirrormaker_partition_lag')).toEqual([{ labels: topicLabels, value: 15 }]);
    expect(await series(registry, 'mirrormaker_partition_position')).toEqual([{ labels: topicLabels, value: 13 }]);
    expect(await series(registry, 'mirrormaker_partition_source_end_offset')).toEqual([{ labels: topicLabels, value: 30 }]);
    expect(await series(registry, 'mirrormaker_partition_stalled')).toEqual([{ labels: topicLabels, value: 1 }]);

    // A partition handed over leaves the sums; the last one takes the gauges with it (counters stay).
    p1.remove();
    expect(await series(registry, 'mirrormaker_partition_lag')).toEqual([{ labels: topicLabels, value: 10 }]);
    expect(await series(registry, 'mirrormaker_partition_stalled')).toEqual([{ labels: topicLabels, value: 0 }]);
    p0.remove();
    expect(await series(registry, 'mirrormaker_partition_lag')).toEqual([]);
    expect(await series(registry, 'mirrormaker_source_record_count_total')).toEqual([{ labels: topicLabels, value: 7 }]);
  });

  it('without the partition label, a partition granted again replaces its earlier entry', async () => {
    const first = metrics.forPartition(labels(0), false);
    first.position(4n, 10n);
    const again = metrics.forPartition(labels(0), false);
    again.position(9n, 10n);
    first.remove(); // the earlier worker stopping after the new one started changes nothing
    expect((await series(registry, 'mirrormaker_partition_lag'))[0]?.value).toBe(0);
    expect((await series(registry, 'mirrormaker_partition_position'))[0]?.value).toBe(9);
  });
  it("serves MM2's MirrorSourceConnector metrics under the names a JMX exporter gives them, from the same observations", async () => {
    // MM2's windowed statistics are computed at scrape time, on the wall clock.
    const now = Date.now();
    const at = (count: number, ageMs: number) => Array.from({ length: count }, () => ({ timestamp: BigInt(now - ageMs) }));
    const p0 = metrics.forPartition(labels(0));
    p0.polled(300, [...at(2, 10), ...at(1, 40)], now);
    // A passed-through batch is one observation weighted by its record count.
    p0.copied([{ timestamp: BigInt(now - 20), count: 2 }, ...at(1, 50)], now);
    const text = await registry.metrics();
    const mm2 = 'source="A",target="B",destination="B",topic="A.orders",partition="0"';
    for (const line of [
      `kafka_connect_mirror_source_connector_record_count{${mm2}} 3`,
      `kafka_connect_mirror_source_connector_byte_count{${mm2}} 300`,
      `kafka_connect_mirror_source_connector_record_age_ms_min{${mm2}} 10`,
      `kafka_connect_mirror_source_connector_record_age_ms_max{${mm2}} 40`,
      `kafka_connect_mirror_source_connector_record_age_ms_avg{${mm2}} 20`,
      `kafka_connect_mirror_source_connector_record_age_ms{${mm2}} 40`,
      `kafka_connect_mirror_source_connector_replication_latency_ms_max{${mm2}} 50`,
      `kafka_connect_mirror_source_connector_replication_latency_ms_avg{${mm2}} 30`,
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(/^kafka_connect_mirror_source_connector_record_rate\{[^}]*\} \d/m);
    expect(text).toMatch(/^kafka_connect_mirror_source_connector_byte_rate\{[^}]*\} \d/m);

    // A partition handed over takes its MM2 series with it, as a stopped MM2 task does.
    p0.remove();
    expect(await registry.metrics()).not.toContain('kafka_connect_mirror_source_connector_record_count{');
  });

  it('without the partition label, serves the MM2 series per topic', async () => {
    metrics.forPartition(labels(0), false).copied(aged(3), NOW);
    metrics.forPartition(labels(1), false).copied(aged(4), NOW);
    expect(await registry.metrics()).toContain('kafka_connect_mirror_source_connector_record_count{source="A",target="B",destination="B",topic="A.orders"} 7');
  });
});
