import { KafkaProducer, type ConsumedRecord, type ProducerRecord } from '@mirrormaker/kafka';
import { unitId } from '@mirrormaker/lease';
import { decodeOffsetSegments, OffsetSegmentStore } from '@mirrormaker/offset-translation';
import { startTestCoordinator } from '@mirrormaker/service-kit/testing';
import { eventually, testClusters, uniqueName } from '@mirrormaker/testing';
import { ensureTopic, TopicSettingsError } from './ensure-topic';
import { Clusters, FLOW, flowProperties, mm2Properties, readUntil, startMirror, testLogger, TestRun } from './testing/mirror-harness';

jest.setTimeout(90_000);

const SEGMENTS_TOPIC = 'mirrormaker-offset-segments.B.internal'; // on the source: offset-syncs.topic.location=source
const PARTITIONS = [0, 1];

/**
 * The exact offset mapping as offset-sync will read it: every copied source record must translate,
 * through the segments on the topic, to the target offset where the same record sits.
 */
describe('data-mirror writes the exact offset mapping of what it copies', () => {
  const clusters = new Clusters();
  const run = new TestRun();

  afterEach(() => run.stop());
  afterAll(() => clusters.close());

  const records = (tag: string, count: number): ProducerRecord[] =>
    PARTITIONS.flatMap((partition) => Array.from({ length: count }, (_, i) => ({ partition, key: Buffer.from(`${tag}-k${i}`), value: Buffer.from(`${tag}-p${partition}-${i}`) })));

  /** Plain records, a committed transaction, an aborted one (a hole for read_committed readers), plain records. */
  async function writeSource(topic: string): Promise<void> {
    await clusters.produce('source', topic, records('plain', 30));
    const transactional = new KafkaProducer(clusters.source, { transactionalId: uniqueName('seg-source-tx') });
    try {
      for (const [tag, commit] of [
        ['committed', true],
        ['aborted', false],
        ['again', true],
      ] as const) {
        await transactional.beginTransaction();
        await transactional.send(topic, records(tag, 5));
        await (commit ? transactional.commitTransaction() : transactional.abortTransaction());
      }
    } finally {
      await transactional.close();
    }
    // A commit returns before its markers are written: wait until they are, so that the records
    // below follow the last marker (a hole there would coincide with the later round).
    await readUntil(clusters.source, topic, PARTITIONS, (got) => PARTITIONS.every((p) => got.get(p)!.length >= 40));
    await clusters.produce('source', topic, records('after', 20));
  }

  /**
   * Copies `topic` with the given flow keys in two rounds and checks the mapping of every record a
   * read_committed reader sees; `markersOnTarget`: whether our commit marker splits the rounds.
   */
  async function copyAndCheckMapping(topic: string, instanceId: string, extra: string[], markersOnTarget: boolean): Promise<void> {
    const remote = `A.${topic}`;
    await clusters.createTopic('source', topic, PARTITIONS.length);
    await clusters.createTopic('target', remote, PARTITIONS.length);
    await writeSource(topic);

    const units = PARTITIONS.map((partition) => unitId({ kind: 'partition', flow: FLOW, topic, partition }));
    const coordinator = (run.coordinator = await startTestCoordinator(units));
    run.mirror = await startMirror({ coordinator: coordinator.address, configText: mm2Properties(extra), instanceId, timings: { offsetSegmentsFlushMs: 200 } });
    const copiedUpTo = async (count: number) => {
      const source = await readUntil(clusters.source, topic, PARTITIONS, (got) => PARTITIONS.every((p) => got.get(p)!.length >= count));
      const last = (p: number) => source.get(p)![count - 1].offset;
      await eventually(`${count} records copied`, () => PARTITIONS.every((p, i) => coordinator.manager.reportOf(instanceId)?.progress.get(units[i])?.position === last(p)));
      return { source, last };
    };
    await copiedUpTo(60);
    // A later round: in exactly-once mode our commit marker now sits between the two rounds' records.
    await clusters.produce('source', topic, records('later', 10));
    const expectedPerPartition = 70;
    const { source, last } = await copiedUpTo(expectedPerPartition);
    const target = await readUntil(clusters.target, remote, PARTITIONS, (got) => PARTITIONS.every((p) => got.get(p)!.length >= expectedPerPartition));

    const store = new OffsetSegmentStore();
    await readUntil(clusters.source, SEGMENTS_TOPIC, [0], (got) => {
      for (const r of got.get(0)!.splice(0)) {
        for (const segment of decodeOffsetSegments(r.key!, r.value!)) if (segment.topic === topic) store.apply(segment, Number(r.timestamp));
      }
      return PARTITIONS.every((p) => store.translate({ topic, partition: p }, last(p))?.recordsReread === 0n);
    });

    for (const p of PARTITIONS) {
      const at = new Map<bigint, ConsumedRecord>(target.get(p)!.map((r) => [r.offset, r]));
      const mapped = source.get(p)!.map((r) => {
        const translation = store.translate({ topic, partition: p }, r.offset);
        const copy = translation && at.get(translation.downstream);
        return { offset: r.offset, exact: translation?.recordsReread === 0n, same: copy?.key?.equals(r.key!) === true && copy.value?.equals(r.value!) === true };
      });
      expect(mapped.filter((m) => !m.exact || !m.same)).toEqual([]);
      // The aborted transaction and the markers are holes in the source: more than one segment.
      const segments = store.segments({ topic, partition: p });
      expect(segments.length).toBeGreaterThan(1);
      const secondRound = source.get(p)![60].offset;
      expect(segments.some((segment) => segment.upstreamStart === secondRound)).toBe(markersOnTarget);
    }
  }

  it('maps every copied record exactly, across the holes of a transactional source (at least once, read_committed)', async () => {
    await copyAndCheckMapping(uniqueName('dm-seg'), 'dm-seg-1', [`${FLOW}.consumer.isolation.level = read_committed`], false);
  });

  it('maps every copied record exactly in exactly-once mode, where our commit markers move the target offsets', async () => {
    await copyAndCheckMapping(uniqueName('dm-seg-eos'), 'dm-seg-eos-1', [`${FLOW}.exactly.once.enabled = true`], true);
  });

  it('refuses a compacting offset-segments topic in the unit status, leaves it as it is, and copies on', async () => {
    // A flow of its own, so that its offset-segments topic is not the one the other tests use.
    const targetAlias = `Z${Date.now().toString(36)}`;
    const flow = `A->${targetAlias}`;
    const segmentsTopic = `mirrormaker-offset-segments.${targetAlias}.internal`;
    await clusters.createTopic('source', segmentsTopic, 1, { 'cleanup.policy': 'compact' });
    await expect(ensureTopic(clusters.sourceAdmin, { name: segmentsTopic, partitions: 1, replicationFactor: 1, configs: {}, keepsHistory: true }, testLogger)).rejects.toBeInstanceOf(
      TopicSettingsError,
    );

    const topic = uniqueName('dm-seg-compact');
    await clusters.createTopic('source', topic, 1);
    await clusters.createTopic('target', `A.${topic}`, 1);
    await clusters.produce('source', topic, [{ partition: 0, key: null, value: Buffer.from('v') }]);
    const unit = unitId({ kind: 'partition', flow, topic, partition: 0 });
    const coordinator = (run.coordinator = await startTestCoordinator([unit]));
    const { source, target } = testClusters();
    const configText = flowProperties({ alias: 'A', bootstrap: source.bootstrap }, { alias: targetAlias, bootstrap: target.bootstrap });
    run.mirror = await startMirror({ coordinator: coordinator.address, configText, instanceId: 'dm-seg-compact-1', timings: { offsetSegmentsFlushMs: 200 } });

    const report = () => coordinator.manager.reportOf('dm-seg-compact-1');
    const refusal = () => report()?.errors.find((e) => e.cause === 'OFFSET_SEGMENTS_FAILED' && e.message.includes('cleanup.policy=compact'));
    await eventually('the unit reports the compacting topic', () => refusal() !== undefined);
    expect(refusal()!.message).toContain(`${segmentsTopic} on A`);
    expect(refusal()!.message).toContain('cleanup.policy=delete');
    await eventually('copying is not held up', () => report()?.progress.get(unit)?.position === 0n);
    expect(report()!.progress.get(unit)!.stalledReason).toBe('');
    const configs = (await clusters.sourceAdmin.describeTopicConfigs([segmentsTopic])).get(segmentsTopic)!;
    expect(configs.find((e) => e.name === 'cleanup.policy')?.value).toBe('compact');
    await run.stop();
    await clusters.sourceAdmin.deleteTopics([segmentsTopic]);
  });
});
