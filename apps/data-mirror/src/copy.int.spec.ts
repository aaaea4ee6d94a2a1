import { unitId } from '@mirrormaker/lease';
import { decodeHeartbeat, decodeOffsetSync, decodeSourceOffset, encodeSourceOffsetKey, type OffsetSync } from '@mirrormaker/mm2-formats';
import { orderedHeaders, type ProducerRecord } from '@mirrormaker/kafka';
import { startTestCoordinator, type TestCoordinator } from '@mirrormaker/service-kit/testing';
import { eventually, uniqueName } from '@mirrormaker/testing';
import { defaultPartitionFor } from './murmur2';
import { Clusters, FLOW, mm2Properties, plain, readUntil, startMirror, type InProcessMirror } from './testing/mirror-harness';

jest.setTimeout(150_000);

describe('data-mirror copies a topic the way MM2 does', () => {
  const clusters = new Clusters();
  let coordinator: TestCoordinator | undefined;
  let mirror: InProcessMirror | undefined;

  afterAll(async () => {
    await mirror?.stop();
    await coordinator?.stop();
    await clusters.close();
  });

  it('keeps every record, its partition, order, key, value, headers and timestamp, whatever the codec; stores positions, offset syncs and heartbeats', async () => {
    const started = Date.now();
    const topic = uniqueName('dm-copy');
    const remote = `A.${topic}`;
    const partitions = 3;
    await clusters.createTopic('source', topic, partitions);
    await clusters.createTopic('target', remote, partitions); // topic-config-sync's job in production

    const sent: ProducerRecord[] = [];
    const base = 1_700_000_000_000;
    for (let i = 0; i < 500; i++) {
      sent.push({
        partition: i % partitions,
        key: i % 5 === 0 ? null : Buffer.from(`k${i}`),
        value: i % 7 === 0 ? null : Buffer.from(`v${i}`),
        headers: orderedHeaders([
          ['h', `${i}-a`],
          ['n', null],
          ['h', `${i}-b`],
        ]),
        timestamp: base + i,
      });
    }
    // Each partition written with another codec; the mirror writes zstd (the flow's producer config).
    const codecs = ['lz4', 'snappy', 'zstd'] as const;
    for (let p = 0; p < partitions; p++) {
      await clusters.produce('source', topic, sent.filter((r) => r.partition === p), codecs[p]);
    }

    const units = [...Array.from({ length: partitions }, (_, p) => unitId({ kind: 'partition', flow: FLOW, topic, partition: p })), unitId({ kind: 'heartbeat', flow: FLOW })];
    coordinator = await startTestCoordinator(units);
    mirror = await startMirror({ coordinator: coordinator.address, configText: mm2Properties([`${FLOW}.producer.override.compression.type = zstd`]), instanceId: 'dm-copy-1' });

    const expected = (p: number) => sent.filter((r) => r.partition === p);
    // The first flow on fresh clusters, on a loaded machine: allow it most of the test's time.
    const copied = await readUntil(clusters.target, remote, [0, 1, 2], (got) => [0, 1, 2].every((p) => got.get(p)!.length >= expected(p).length), 60_000).catch(
      async (err: Error) => {
        // Tells a mirror that copied nothing from a reader that read nothing, should this ever fail.
        const ends = await clusters.targetAdmin.listOffsets(remote).then((o) => JSON.stringify([...o].map(([p, x]) => [p, String(x.latest)])), (e: Error) => e.message);
        throw new Error(`${err.message}\nend offsets of ${remote}: ${ends}\nhealth: ${JSON.stringify(mirror!.service.health())}\nlast log lines of the mirror:\n${mirror!.recentLogs().join('\n')}`);
      },
    );
    for (let p = 0; p < partitions; p++) {
      expect(copied.get(p)!.map(plain)).toEqual(expected(p).map(plain));
      expect(copied.get(p)!.map((r) => r.offset)).toEqual(expected(p).map((_, i) => BigInt(i)));
    }

    // Positions: MM2's key bytes, in the partition Connect's partitioner picks, value = last upstream offset.
    for (let p = 0; p < partitions; p++) {
      const key = encodeSourceOffsetKey({ cluster: 'A', topic, partition: p });
      const last = BigInt(expected(p).length - 1);
      const stored = await readUntil(clusters.target, 'mm2-offsets.A.internal', [defaultPartitionFor(key, 25)], (got) =>
        [...got.values()].flat().some((r) => r.key?.equals(key) && decodeSourceOffset(r.key, r.value)?.offset === last),
      );
      const mine = [...stored.values()].flat().filter((r) => r.key?.equals(key));
      expect(decodeSourceOffset(mine[mine.length - 1].key, mine[mine.length - 1].value)).toEqual({ partition: { cluster: 'A', topic, partition: p }, offset: last });
    }

    // Offset syncs on the source (offset-syncs.topic.location=source): d = u here, lag 100 → syncs
    // at 0 and 101 right away, and the partition's last offset once the delayed sync is flushed.
    const syncsOf = (records: Map<number, Array<{ key: Buffer | null; value: Buffer | null }>>) =>
      [...records.values()]
        .flat()
        .map((r) => decodeOffsetSync(r.key!, r.value!))
        .filter((s) => s.topic === topic);
    const lastOf = (p: number) => BigInt(expected(p).length - 1);
    const syncRecords = await readUntil(clusters.source, 'mm2-offset-syncs.B.internal', [0], (got) =>
      [0, 1, 2].every((p) => syncsOf(got).some((s) => s.partition === p && s.upstreamOffset === lastOf(p))),
    );
    const syncs = syncsOf(syncRecords);
    for (let p = 0; p < partitions; p++) {
      const mine: OffsetSync[] = syncs.filter((s) => s.partition === p);
      expect(mine.every((s) => s.upstreamOffset === s.downstreamOffset)).toBe(true);
      const upstream = mine.map((s) => s.upstreamOffset);
      expect(upstream.slice(0, 2)).toEqual([0n, 101n]);
      expect(upstream).toEqual([...upstream].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      expect(upstream[upstream.length - 1]).toBe(lastOf(p));
      // Immediate syncs only where the lag rule fires; the rest are flushed delayed syncs.
      expect(upstream.filter((u) => u !== lastOf(p) && u % 101n !== 0n)).toEqual([]);
    }

    // Heartbeats: A->B, on partition 0 of the target's `heartbeats`, record timestamp = heartbeat time.
    const beats = await readUntil(clusters.target, 'heartbeats', [0], (got) =>
      got.get(0)!.some((r) => {
        const hb = decodeHeartbeat(r.key!, r.value!);
        return hb.sourceClusterAlias === 'A' && hb.targetClusterAlias === 'B' && hb.timestamp >= BigInt(started);
      }),
    );
    const mineBeat = beats.get(0)!.find((r) => decodeHeartbeat(r.key!, r.value!).timestamp >= BigInt(started))!;
    expect(mineBeat.timestamp).toBe(decodeHeartbeat(mineBeat.key!, mineBeat.value!).timestamp);

    // Progress reaches the coordinator with the lease renewals.
    await eventually('progress reports with the final positions', () => {
      const report = coordinator!.manager.reportOf('dm-copy-1');
      return [0, 1, 2].every((p) => report?.progress.get(units[p])?.position === lastOf(p));
    });

    const metrics = await mirror.registry.getSingleMetricAsString('mirrormaker_source_record_count_total');
    expect(metrics).toContain(`topic="${remote}"`);
    // The same count under MM2's name, as dashboards made for MM2 read it.
    const exposition = await mirror.registry.metrics();
    const valueOf = (series: string) => Number(exposition.split('\n').find((line) => line.startsWith(`${series} `))?.split(' ')[1]);
    for (const p of [0, 1, 2]) {
      const ours = valueOf(`mirrormaker_source_record_count_total{flow="A->B",source="A",target="B",topic="${remote}",partition="${p}"}`);
      expect(ours).toBeGreaterThan(0);
      expect(valueOf(`kafka_connect_mirror_source_connector_record_count{source="A",target="B",destination="B",topic="${remote}",partition="${p}"}`)).toBe(ours);
    }
    expect(await waitForHeldUnits(coordinator, 'dm-copy-1', units.length)).toBe(true);
  });
});

/** Resolves to true once `instance` holds exactly `count` units. */
function waitForHeldUnits(coordinator: TestCoordinator, instance: string, count: number): Promise<boolean> {
  return eventually(`${count} units held by ${instance}`, () => [...coordinator.holders().values()].filter((h) => h === instance).length === count);
}
