import { KafkaProducer } from '@mirrormaker/kafka';
import { unitId } from '@mirrormaker/lease';
import { startTestCoordinator, type TestCoordinator } from '@mirrormaker/service-kit/testing';
import { eventually, uniqueName } from '@mirrormaker/testing';
import { Clusters, FLOW, mm2Properties, readUntil, startMirror, type InProcessMirror } from './testing/mirror-harness';

jest.setTimeout(90_000);

const INSTANCE = 'dm-eos-1';

describe('data-mirror in exactly-once mode', () => {
  const clusters = new Clusters();
  let coordinator: TestCoordinator | undefined;
  let mirror: InProcessMirror | undefined;
  let zombieMaker: KafkaProducer | undefined;

  afterAll(async () => {
    await zombieMaker?.close();
    await mirror?.stop();
    await coordinator?.stop();
    await clusters.close();
  });

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
    coordinator = await startTestCoordinator(units);
    mirror = await startMirror({ coordinator: coordinator.address, configText: mm2Properties([`${FLOW}.exactly.once.enabled = true`]), instanceId: INSTANCE });
    const reported = (unit: string) => coordinator!.manager.reportOf(INSTANCE)?.progress.get(unit);

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
});
