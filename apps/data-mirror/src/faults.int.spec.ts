import { unitId } from '@mirrormaker/lease';
import { encodeSourceOffsetKey } from '@mirrormaker/mm2-formats';
import type { ProducerRecord } from '@mirrormaker/kafka';
import { startTestCoordinator, type TestCoordinator } from '@mirrormaker/service-kit/testing';
import { eventually, uniqueName } from '@mirrormaker/testing';
import { defaultPartitionFor } from './murmur2';
import { Clusters, FLOW, mm2Properties, plain, readUntil, startMirror, type InProcessMirror } from './testing/mirror-harness';

jest.setTimeout(90_000);

const INSTANCE = 'dm-faults-1';

/** One mirror and one coordinator for the whole file; each test adds the units of its own topic. */
describe('data-mirror resumes, waits and stalls without losing records', () => {
  const clusters = new Clusters();
  let coordinator: TestCoordinator;
  let mirror: InProcessMirror;
  const units: string[] = [];

  beforeAll(async () => {
    coordinator = await startTestCoordinator([]);
    mirror = await startMirror({ coordinator: coordinator.address, configText: mm2Properties(), instanceId: INSTANCE });
  });

  afterAll(async () => {
    await mirror?.stop();
    await coordinator?.stop();
    await clusters.close();
  });

  function addUnits(topic: string, partitions: number): string[] {
    const added = Array.from({ length: partitions }, (_, p) => unitId({ kind: 'partition', flow: FLOW, topic, partition: p }));
    units.push(...added);
    coordinator.manager.setUnits(units);
    return added;
  }

  function reported(unit: string) {
    return coordinator.manager.reportOf(INSTANCE)?.progress.get(unit);
  }

  const records = (partition: number, from: number, count: number, size = 10): ProducerRecord[] =>
    Array.from({ length: count }, (_, i) => ({ partition, key: Buffer.from(`k${from + i}`), value: Buffer.from(`v${from + i}`.padEnd(size, '.')) }));

  it('takes over from a position MM2 stored in the Connect offsets topic', async () => {
    const topic = uniqueName('dm-takeover');
    await clusters.createTopic('source', topic, 1);
    await clusters.createTopic('target', `A.${topic}`, 1);
    await clusters.produce('source', topic, records(0, 0, 20));
    // MM2 copied offsets 0..9 and stored {"offset":9} (and copied them, which we leave out here).
    await clusters.createTopic('target', 'mm2-offsets.A.internal', 25, { 'cleanup.policy': 'compact' });
    const key = encodeSourceOffsetKey({ cluster: 'A', topic, partition: 0 });
    await clusters.producer('target').send('mm2-offsets.A.internal', [{ partition: defaultPartitionFor(key, 25), key, value: Buffer.from('{"offset":9}') }]);

    const [unit] = addUnits(topic, 1);
    const copied = await readUntil(clusters.target, `A.${topic}`, [0], (got) => got.get(0)!.length >= 10);
    await eventually('position 19 reported', () => reported(unit)?.position === 19n);
    const again = await readUntil(clusters.target, `A.${topic}`, [0], (got) => got.get(0)!.length >= 10);
    expect(again.get(0)!.map(plain)).toEqual(copied.get(0)!.map(plain));
    expect(copied.get(0)!.map((r) => r.value!.toString().replace(/\.+$/, ''))).toEqual(Array.from({ length: 10 }, (_, i) => `v${10 + i}`));
  });

  it('waits for a missing remote topic, says so, and copies everything once it exists', async () => {
    const topic = uniqueName('dm-noremote');
    await clusters.createTopic('source', topic, 2);
    await clusters.produce('source', topic, [...records(0, 0, 30), ...records(1, 0, 30)]);
    const added = addUnits(topic, 2);
    await eventually('both partitions waiting for the remote topic', () => added.every((u) => reported(u)?.stalledReason.includes(`waiting for remote topic A.${topic}`)));
    const errors = coordinator.manager.reportOf(INSTANCE)!.errors.filter((e) => added.includes(e.unitId));
    expect(errors.map((e) => e.cause)).toEqual(['REMOTE_TOPIC_MISSING', 'REMOTE_TOPIC_MISSING']);
    expect(await mirror.registry.getSingleMetricAsString('mirrormaker_partition_stalled')).toMatch(new RegExp(`topic="A\\.${topic}".*\\} 1`));

    await clusters.produce('source', topic, [...records(0, 30, 20), ...records(1, 30, 20)]);
    await clusters.createTopic('target', `A.${topic}`, 2);
    const copied = await readUntil(clusters.target, `A.${topic}`, [0, 1], (got) => got.get(0)!.length >= 50 && got.get(1)!.length >= 50);
    for (const p of [0, 1]) expect(copied.get(p)!.map((r) => r.value!.toString().replace(/\.+$/, ''))).toEqual(Array.from({ length: 50 }, (_, i) => `v${i}`));
    await eventually('status clear again', () => added.every((u) => reported(u)?.stalledReason === ''));
  });

  it('stalls one partition on a record the target refuses, naming it, while the others go on', async () => {
    const topic = uniqueName('dm-refused');
    await clusters.createTopic('source', topic, 2);
    await clusters.createTopic('target', `A.${topic}`, 2, { 'max.message.bytes': '2000' });
    await clusters.produce('source', topic, [...records(0, 0, 5), ...records(0, 5, 1, 10_000), ...records(0, 6, 3), ...records(1, 0, 10)]);
    const [p0] = addUnits(topic, 2);

    const partial = await readUntil(clusters.target, `A.${topic}`, [0, 1], (got) => got.get(0)!.length >= 5 && got.get(1)!.length >= 10);
    expect(partial.get(1)!).toHaveLength(10);
    await eventually('partition 0 stalled', () => reported(p0)?.stalledReason.startsWith('RECORD_REJECTED') === true);
    const reason = reported(p0)!.stalledReason;
    expect(reason).toContain(`A.${topic}-0`);
    expect(reason).toContain('offset 5');
    expect(reason).toMatch(/too large/);
    expect(reported(p0)!.position).toBe(4n);

    // The operator raises the limit: the partition continues with the refused record.
    await clusters.targetAdmin.alterTopicConfigs(`A.${topic}`, { 'max.message.bytes': '1048588' });
    const all = await readUntil(clusters.target, `A.${topic}`, [0], (got) => got.get(0)!.length >= 9);
    expect(all.get(0)!.map((r) => r.value!.toString().replace(/\.+$/, ''))).toEqual(Array.from({ length: 9 }, (_, i) => `v${i}`));
    await eventually('partition 0 copying again', () => reported(p0)?.stalledReason === '');
  });

  it('holds a unit whose source topic was deleted at SOURCE_TOPIC_DELETED, and keeps copying the others', async () => {
    const doomed = uniqueName('dm-deleted');
    const other = uniqueName('dm-survivor');
    for (const t of [doomed, other]) {
      await clusters.createTopic('source', t, 1);
      await clusters.createTopic('target', `A.${t}`, 1);
      await clusters.produce('source', t, records(0, 0, 5));
    }
    const [gone] = addUnits(doomed, 1);
    addUnits(other, 1);
    await readUntil(clusters.target, `A.${doomed}`, [0], (got) => got.get(0)!.length >= 5);

    await clusters.sourceAdmin.deleteTopics([doomed]);
    await eventually('unit reports its source topic deleted', () => reported(gone)?.stalledReason.startsWith('SOURCE_TOPIC_DELETED') === true);
    await clusters.produce('source', other, records(0, 5, 5));
    const survivor = await readUntil(clusters.target, `A.${other}`, [0], (got) => got.get(0)!.length >= 10);
    expect(survivor.get(0)!).toHaveLength(10);
  });
});
