import { KafkaProducer } from '@mirrormaker/kafka';
import { unitId } from '@mirrormaker/lease';
import { encodeSourceOffsetKey, encodeSourceOffsetValue } from '@mirrormaker/mm2-formats';
import { startTestCoordinator } from '@mirrormaker/service-kit/testing';
import { eventually, uniqueName } from '@mirrormaker/testing';
import { ensureTopic } from './ensure-topic';
import { defaultPartitionFor } from './murmur2';
import { Clusters, FLOW, SOURCE_ALIAS, mm2Properties, readUntil, startMirror, testLogger, TestRun } from './testing/mirror-harness';

jest.setTimeout(90_000);

const INSTANCE = 'dm-eos-1';

describe('data-mirror in exactly-once mode', () => {
  const clusters = new Clusters();
  const run = new TestRun();
  let zombieMaker: KafkaProducer | undefined;

  afterAll(async () => {
    await zombieMaker?.close();
    await run.stop();
    await clusters.close();
  });

  afterEach(() => run.stop());

  it('commits records and positions together, once, and stops when a newer holder fences its transactional id', async () => {
    const topic = uniqueName('dm-eos');
    const remote = `A.${topic}`;
    await clusters.createTopic('source', topic, 2);
    await clusters.createTopic('target', remote, 2);
    const write = (from: number, count: number) =>
      clusters.produce(
        'source',
        topic,
        [0, 1].flatMap((p) => Array.from({ length: count }, (_, i) => ({ partition: p, key: Buffer.from(`k${from + i}`), value: Buffer.from(`p${p}-${from + i}`) }))),
      );
    await write(0, 100);

    const units = [0, 1].map((p) => unitId({ kind: 'partition', flow: FLOW, topic, partition: p }));
    const coordinator = (run.coordinator = await startTestCoordinator(units));
    run.mirror = await startMirror({ coordinator: coordinator.address, configText: mm2Properties([`${FLOW}.exactly.once.enabled = true`]), instanceId: INSTANCE });
    const reported = (unit: string) => coordinator.manager.reportOf(INSTANCE)?.progress.get(unit);

    await eventually('positions 99 reported', () => units.every((u) => reported(u)?.position === 99n));
    const copied = await readUntil(clusters.target, remote, [0, 1], (got) => [0, 1].every((p) => got.get(p)!.length >= 100));
    for (const p of [0, 1]) expect(copied.get(p)!.map((r) => r.value!.toString())).toEqual(Array.from({ length: 100 }, (_, i) => `p${p}-${i}`));

    // Another owner of partition 0's transactional id appears (what a new lease holder does):
    // this instance's next transaction for partition 0 is refused, and it stops copying it.
    zombieMaker = new KafkaProducer(clusters.target, { transactionalId: `mirrormaker-${FLOW}-${topic}-0` });
    await zombieMaker.beginTransaction();
    await zombieMaker.abortTransaction();
    await write(100, 10);
    await eventually('partition 0 reports it was fenced', () => reported(units[0])?.stalledReason.startsWith('FENCED') === true);
    expect(reported(units[0])!.stalledReason).toContain('lease epoch 1');
    await eventually('partition 1 goes on', () => reported(units[1])?.position === 109n);
    expect(reported(units[0])!.position).toBe(99n);
  });

  it('resumes a partition taken over from a holder killed mid-transaction at its last committed position, not at an aborted one', async () => {
    // The positions of both partitions in one partition of the positions topic, as happens for
    // partitions whose keys hash alike.
    const positions = await ensureTopic(
      clusters.targetAdmin,
      { name: `mm2-offsets.${SOURCE_ALIAS}.internal`, partitions: 25, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } },
      testLogger,
    );
    const positionKey = (topic: string, partition: number) => encodeSourceOffsetKey({ cluster: SOURCE_ALIAS, topic, partition });
    let topic = uniqueName('dm-eos-takeover');
    while (defaultPartitionFor(positionKey(topic, 0), positions) !== defaultPartitionFor(positionKey(topic, 1), positions)) topic = uniqueName('dm-eos-takeover');
    const remote = `A.${topic}`;
    await clusters.createTopic('source', topic, 2);
    await clusters.createTopic('target', remote, 2);
    await clusters.produce(
      'source',
      topic,
      [0, 1].flatMap((p) => Array.from({ length: 20 }, (_, i) => ({ partition: p, key: null, value: Buffer.from(`p${p}-${i}`) }))),
    );

    // The killed holder: for each partition, records 0..9 and their position in a transaction it never ended.
    for (const p of [0, 1]) {
      const killed = new KafkaProducer(clusters.target, { transactionalId: `mirrormaker-${FLOW}-${topic}-${p}` });
      await killed.beginTransaction();
      await killed.send(remote, Array.from({ length: 10 }, (_, i) => ({ partition: p, key: null, value: Buffer.from(`p${p}-${i}`) })));
      const key = positionKey(topic, p);
      await killed.send(`mm2-offsets.${SOURCE_ALIAS}.internal`, [{ partition: defaultPartitionFor(key, positions), key, value: encodeSourceOffsetValue(9n) }]);
      await killed.close();
    }

    // Partition 0 is taken over first: its fence aborts that transaction, and the positions reader
    // waits at the start of partition 1's, still open. Then partition 1 is taken over.
    const units = [0, 1].map((p) => unitId({ kind: 'partition', flow: FLOW, topic, partition: p }));
    const coordinator = (run.coordinator = await startTestCoordinator([units[0]]));
    run.mirror = await startMirror({ coordinator: coordinator.address, configText: mm2Properties([`${FLOW}.exactly.once.enabled = true`]), instanceId: INSTANCE });
    const reported = (unit: string) => coordinator.manager.reportOf(INSTANCE)?.progress.get(unit);
    await eventually('partition 0 copied', () => reported(units[0])?.position === 19n);
    coordinator.manager.setUnits(units);
    await eventually('partition 1 copied', () => reported(units[1])?.position === 19n);

    const copied = await readUntil(clusters.target, remote, [0, 1], (got) => [0, 1].every((p) => got.get(p)!.length >= 20));
    for (const p of [0, 1]) expect(copied.get(p)!.map((r) => r.value!.toString())).toEqual(Array.from({ length: 20 }, (_, i) => `p${p}-${i}`));
  });
});
