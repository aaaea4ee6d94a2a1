// What the source does under a running mirror, never silent: records deleted before they were
// copied (retention, DeleteRecords) and a topic deleted and created again under the same name.
import { unitId } from '@mirrormaker/lease';
import type { ProducerRecord } from '@mirrormaker/kafka';
import { decodeSourceOffset, encodeSourceOffsetKey } from '@mirrormaker/mm2-formats';
import type { Registry } from '@mirrormaker/observability';
import { startTestCoordinator, type TestCoordinator } from '@mirrormaker/service-kit/testing';
import { eventually, uniqueName } from '@mirrormaker/testing';
import { defaultPartitionFor } from './murmur2';
import { Clusters, FLOW, mm2Properties, readUntil, startMirror, type InProcessMirror } from './testing/mirror-harness';
import type { DataMirrorTimings } from './timings';

jest.setTimeout(90_000);

const records = (from: number, count: number, prefix = 'v'): ProducerRecord[] =>
  Array.from({ length: count }, (_, i) => ({ partition: 0, key: Buffer.from(`k${from + i}`), value: Buffer.from(`${prefix}${from + i}`) }));

const valuesOf = (got: Map<number, Array<{ value: Buffer | null }>>) => got.get(0)!.map((r) => r.value!.toString());
const range = (from: number, count: number, prefix = 'v') => Array.from({ length: count }, (_, i) => `${prefix}${from + i}`);

/** A counter of one remote topic's partition 0, 0 before it has a series. */
async function counter(registry: Registry, name: string, remoteTopic: string): Promise<number> {
  const values = (await registry.getSingleMetric(name)?.get())?.values ?? [];
  return values.find((v) => v.labels.topic === remoteTopic && v.labels.partition === '0')?.value ?? 0;
}

/** One coordinator and one mirror per describe; each test adds the units of its own topics. */
function mirrorFixture(instanceId: string, timings: Partial<DataMirrorTimings> = {}) {
  const clusters = new Clusters();
  const fixture = {
    clusters,
    coordinator: undefined as unknown as TestCoordinator,
    mirror: undefined as unknown as InProcessMirror,
    units: [] as string[],
    unitOf: (topic: string) => unitId({ kind: 'partition', flow: FLOW, topic, partition: 0 }),
    setUnits(units: string[]) {
      fixture.units = units;
      fixture.coordinator.manager.setUnits(units);
    },
    report: (unit: string) => fixture.coordinator.manager.reportOf(instanceId)?.progress.get(unit),
    errors: (unit: string) => fixture.coordinator.manager.reportOf(instanceId)?.errors.filter((e) => e.unitId === unit) ?? [],
    /** A new one-partition source topic and its remote topic, `count` records copied by a unit of its own. */
    async copying(prefix: string, count: number): Promise<{ topic: string; unit: string }> {
      const topic = uniqueName(prefix);
      await clusters.createTopic('source', topic, 1);
      await clusters.createTopic('target', `A.${topic}`, 1);
      await clusters.produce('source', topic, records(0, count));
      const unit = fixture.unitOf(topic);
      fixture.setUnits([...fixture.units, unit]);
      await readUntil(clusters.target, `A.${topic}`, [0], (got) => got.get(0)!.length >= count);
      return { topic, unit };
    },
  };
  beforeAll(async () => {
    fixture.coordinator = await startTestCoordinator([]);
    fixture.mirror = await startMirror({ coordinator: fixture.coordinator.address, configText: mm2Properties(), instanceId, timings });
  });
  afterAll(async () => {
    await fixture.mirror?.stop();
    await fixture.coordinator?.stop();
    await clusters.close();
  });
  return fixture;
}

describe('records deleted from the source before they were copied', () => {
  const f = mirrorFixture('dm-truncated-1');

  it('reports a stored position below the log start, counts the records lost and copies on from the log start', async () => {
    const { topic, unit } = await f.copying('dm-truncated-start', 20);
    await eventually('position 19 reported', () => f.report(unit)?.position === 19n);

    // The unit is released (its position is stored as it goes), and meanwhile retention takes more
    // than it had copied: offsets 20-34 are gone before anyone copied them.
    f.setUnits(f.units.filter((u) => u !== unit));
    await eventually('unit released', () => !f.coordinator.manager.state.leases.has(unit));
    await f.clusters.produce('source', topic, records(20, 30));
    await f.clusters.sourceAdmin.deleteRecords(topic, new Map([[0, 35n]]));
    f.setUnits([...f.units, unit]);

    const copied = await readUntil(f.clusters.target, `A.${topic}`, [0], (got) => got.get(0)!.length >= 35);
    expect(valuesOf(copied)).toEqual([...range(0, 20), ...range(35, 15)]);
    await eventually('SOURCE_TRUNCATED reported', () => f.errors(unit).some((e) => e.cause === 'SOURCE_TRUNCATED'));
    const error = f.errors(unit).find((e) => e.cause === 'SOURCE_TRUNCATED')!;
    expect(error.message).toContain('offsets 20 to 34');
    expect(await counter(f.mirror.registry, 'mirrormaker_records_lost_to_retention_total', `A.${topic}`)).toBe(15);
    // Recorded, not stalling: the partition copies on.
    await eventually('position 49 reported', () => f.report(unit)?.position === 49n);
    expect(f.report(unit)!.stalledReason).toBe('');
  });

  it('notices records deleted under a running unit that had not read them yet', async () => {
    const topic = uniqueName('dm-truncated-running');
    await f.clusters.createTopic('source', topic, 1);
    await f.clusters.produce('source', topic, records(0, 40));
    // No remote topic yet: the unit waits at offset 0, and retention takes 0-24 meanwhile.
    const unit = f.unitOf(topic);
    f.setUnits([...f.units, unit]);
    await eventually('waiting for the remote topic', () => f.report(unit)?.stalledReason.startsWith('REMOTE_TOPIC_MISSING') === true);
    await f.clusters.sourceAdmin.deleteRecords(topic, new Map([[0, 25n]]));
    await f.clusters.createTopic('target', `A.${topic}`, 1);

    const copied = await readUntil(f.clusters.target, `A.${topic}`, [0], (got) => got.get(0)!.length >= 15);
    expect(valuesOf(copied)).toEqual(range(25, 15));
    await eventually('SOURCE_TRUNCATED reported', () => f.errors(unit).some((e) => e.cause === 'SOURCE_TRUNCATED'));
    expect(f.errors(unit).find((e) => e.cause === 'SOURCE_TRUNCATED')!.message).toContain('offsets 0 to 24');
    expect(await counter(f.mirror.registry, 'mirrormaker_records_lost_to_retention_total', `A.${topic}`)).toBe(25);
  });
});

describe('a source topic deleted and created again under the same name', () => {
  const f = mirrorFixture('dm-recreated-1');

  it('waits while it is gone, stores no position, and mirrors the new topic from its start', async () => {
    const { topic, unit } = await f.copying('dm-recreated-seen', 10);

    await f.clusters.sourceAdmin.deleteTopics([topic]);
    await eventually('unit reports its source topic deleted', () => f.report(unit)?.stalledReason.startsWith('SOURCE_TOPIC_DELETED') === true);
    // Nothing of a topic to come is copied: the stored position is none (-1), for MM2 too.
    const key = encodeSourceOffsetKey({ cluster: 'A', topic, partition: 0 });
    await readUntil(f.clusters.target, 'mm2-offsets.A.internal', [defaultPartitionFor(key, 25)], (got) => {
      const mine = [...got.values()].flat().filter((r) => r.key?.equals(key));
      return mine.length > 0 && decodeSourceOffset(key, mine[mine.length - 1].value)?.offset === -1n;
    });

    await f.clusters.createTopic('source', topic, 1);
    await f.clusters.produce('source', topic, records(0, 5, 'w'));
    const copied = await readUntil(f.clusters.target, `A.${topic}`, [0], (got) => got.get(0)!.length >= 15);
    // The remote topic goes on: its offsets continue after the old topic's records.
    expect(valuesOf(copied)).toEqual([...range(0, 10), ...range(0, 5, 'w')]);
    await eventually('SOURCE_RECREATED reported, no longer stalled', () => f.errors(unit).some((e) => e.cause === 'SOURCE_RECREATED') && f.report(unit)?.stalledReason === '');
    expect(await counter(f.mirror.registry, 'mirrormaker_source_partition_recreations_total', `A.${topic}`)).toBe(1);
  });
});

describe('a source topic created again faster than the mirror looks', () => {
  // Source topics are looked up rarely here, so only the fetch can tell: the new topic is shorter
  // than the position, the broker answers OFFSET_OUT_OF_RANGE and the consumer resets.
  const f = mirrorFixture('dm-recreated-2', { sourceRefreshMs: 600_000 });

  it('starts over on the new log when the fetch finds it shorter than the position', async () => {
    const { topic, unit } = await f.copying('dm-recreated-fast', 30);

    await f.clusters.sourceAdmin.deleteTopics([topic]);
    await eventually('the source topic created again', async () => {
      await f.clusters.createTopic('source', topic, 1);
      return (await f.clusters.sourceAdmin.listOffsets(topic)).get(0)?.latest === 0n;
    });
    await f.clusters.produce('source', topic, records(0, 5, 'w'));

    const copied = await readUntil(f.clusters.target, `A.${topic}`, [0], (got) => got.get(0)!.length >= 35);
    expect(valuesOf(copied)).toEqual([...range(0, 30), ...range(0, 5, 'w')]);
    await eventually('SOURCE_RECREATED reported', () => f.errors(unit).some((e) => e.cause === 'SOURCE_RECREATED'));
    expect(await counter(f.mirror.registry, 'mirrormaker_source_partition_recreations_total', `A.${topic}`)).toBe(1);
    await eventually('position 4 of the new log reported', () => f.report(unit)?.position === 4n);
  });
});
