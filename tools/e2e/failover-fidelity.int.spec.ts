// A consumer group fails over to the target and goes on exactly where it stopped: every service as
// its own process, the group's position taken the way a consumer (synced group offsets) and MM2's
// Java client (checkpoints) take it, and every record checked.
import { createKafkaClient, IdleGroupOffsets, KafkaAdmin, KafkaProducer, type ConsumedRecord } from '@mirrormaker/kafka';
import { decodeCheckpoint, encodeSourceOffsetKey, encodeSourceOffsetValue, type Checkpoint } from '@mirrormaker/mm2-formats';
import { createLogger } from '@mirrormaker/observability';
import { readUntil } from '@mirrormaker/service-kit/testing';
import { eventually, sleep, testClusters, uniqueName } from '@mirrormaker/testing';
import { patiently, startSystem, testClusterDefaults, uniqueAlias, type RunningSystem } from './running-system';

jest.setTimeout(300_000);

const logger = createLogger({ service: 'e2e', level: 'silent' });

interface Copied {
  readonly offset: bigint;
  readonly value: string;
}

/** What a consumer resuming at `resumeAt` on the target reads, judged against the source. */
function failoverOutcome(source: readonly Copied[], target: readonly Copied[], committed: bigint, resumeAt: bigint): { reread: string[]; missed: string[] } {
  const sourceOffsetOf = new Map(source.map((r) => [r.value, r.offset]));
  const read = target.filter((r) => r.offset >= resumeAt);
  const reread = read.filter((r) => sourceOffsetOf.get(r.value)! < committed).map((r) => r.value);
  const seen = new Set(read.map((r) => r.value));
  const missed = source.filter((r) => r.offset >= committed && !seen.has(r.value)).map((r) => r.value);
  return { reread, missed };
}

describe('failover with exact offset translation', () => {
  const { source, target } = testClusters();
  const [a, b] = [uniqueAlias('east'), uniqueAlias('west')];
  const plain = uniqueName('fid-plain');
  const txn = uniqueName('fid-txn');
  const compacted = uniqueName('fid-compacted');
  const groupPrefix = uniqueAlias('fidgroup');
  const checkpointsTopic = `${a}.checkpoints.internal`;
  const sourceClient = createKafkaClient({ clusterAlias: 'source', brokers: [source.bootstrap], clientId: 'e2e-source' }, logger);
  const targetClient = createKafkaClient({ clusterAlias: 'target', brokers: [target.bootstrap], clientId: 'e2e-target' }, logger);
  const sourceAdmin = new KafkaAdmin(sourceClient);
  const targetAdmin = new KafkaAdmin(targetClient);
  const commits = new IdleGroupOffsets(sourceClient);
  let system: RunningSystem;
  let groups = 0;

  const values = (records: readonly ConsumedRecord[]): Copied[] => records.map((r) => ({ offset: r.offset, value: r.value!.toString() }));

  async function read(client: typeof sourceClient, topic: string, count: number): Promise<Copied[]> {
    const records = await readUntil(client, topic, [0], (byPartition) => byPartition.get(0)!.length >= count, 60_000);
    return values(records.get(0)!);
  }

  async function endOffset(admin: KafkaAdmin, topic: string): Promise<bigint | undefined> {
    if (!(await admin.listTopics()).includes(topic)) return undefined;
    return (await admin.listOffsets(topic)).get(0)?.latest;
  }

  /**
   * Commits `committed` for a fresh group on the source, waits until its newest checkpoint and the
   * synced offset of the same group on the target are both `expectedResume`, and returns them.
   */
  async function failOver(topic: string, committed: bigint, expectedResume: bigint): Promise<{ checkpoint: Checkpoint; synced: bigint }> {
    const group = `${groupPrefix}-${++groups}`;
    const remote = `${a}.${topic}`;
    await commits.commit(group, [{ topic, partition: 0, offset: committed, metadata: 'fidelity' }]);
    const mine = (records: readonly ConsumedRecord[]) =>
      records.map((r) => decodeCheckpoint(r.key!, r.value!)).filter((c) => c.group === group && c.topic === remote && c.upstreamOffset === committed);
    // The newest checkpoint of the commit is the one a failover uses: one written before the offset
    // segments of the latest copies reached offset-sync can be replaced by an exact one a second later.
    return eventually(
      `checkpoint of ${group} and its offset synced to the target, both at ${expectedResume}`,
      async () => {
        const checkpoints = await readUntil(targetClient, checkpointsTopic, [0], (byPartition) => mine(byPartition.get(0)!).length > 0, patiently.timeoutMs);
        const found = mine(checkpoints.get(0)!);
        const checkpoint = found[found.length - 1]!;
        const synced = (await targetAdmin.fetchCommittedOffsets(group, [remote])).get(remote)?.get(0)?.offset;
        return synced === checkpoint.downstreamOffset && synced === expectedResume ? { checkpoint, synced } : undefined;
      },
      patiently,
    );
  }

  async function expectExactFailover(topic: string, sourceRecords: readonly Copied[], committed: bigint, expectedResume: bigint, copiedCount: number): Promise<void> {
    const { checkpoint, synced } = await failOver(topic, committed, expectedResume);
    // MM2's Java client (RemoteClusterUtils.translateOffsets) reads the checkpoint; a consumer of
    // the synced group reads its committed offset. Both say the same.
    expect([checkpoint.downstreamOffset, synced]).toEqual([expectedResume, expectedResume]);
    const targetRecords = await read(targetClient, `${a}.${topic}`, copiedCount);
    expect({ committed, ...failoverOutcome(sourceRecords, targetRecords, committed, synced) }).toEqual({ committed, reread: [], missed: [] });
  }

  let plainSource: Copied[];
  let txnSource: Copied[];
  let compactedSource: Copied[];

  beforeAll(async () => {
    await sourceAdmin.createTopics([
      { name: plain, partitions: 1, replicationFactor: 1 },
      { name: txn, partitions: 1, replicationFactor: 1 },
      {
        name: compacted,
        partitions: 1,
        replicationFactor: 1,
        configs: { 'cleanup.policy': 'compact', 'segment.ms': '100', 'min.cleanable.dirty.ratio': '0.01', 'min.compaction.lag.ms': '0' },
      },
    ]);
    const producer = new KafkaProducer(sourceClient, { idempotent: true });
    for (let batch = 0; batch < 12; batch++) {
      await producer.send(plain, Array.from({ length: 1000 }, (_, i) => ({ partition: 0, key: null, value: Buffer.from(`plain-${batch * 1000 + i}`) })));
    }
    // Even offsets get keys of their own, odd ones share one; then one more record after the
    // segment rolled. Compaction keeps 0, 2, 4, ..., 198, 199 and 200: a hole at every other offset.
    await producer.send(
      compacted,
      Array.from({ length: 200 }, (_, i) => ({ partition: 0, key: Buffer.from(i % 2 === 0 ? `even-${i}` : 'odd'), value: Buffer.from(`compacted-${i}`) })),
    );
    await sleep(300);
    await producer.send(compacted, [{ partition: 0, key: Buffer.from('k-last'), value: Buffer.from('compacted-last') }]);
    await producer.close();

    // Offsets 0-99 committed, 100 a marker, 101-150 aborted, 151 a marker, 152-251 committed, 252 a marker.
    const transactional = new KafkaProducer(sourceClient, { transactionalId: uniqueName('fid-tx') });
    const inTransaction = async (prefix: string, count: number, outcome: 'commit' | 'abort') => {
      await transactional.beginTransaction();
      await transactional.send(txn, Array.from({ length: count }, (_, i) => ({ partition: 0, key: null, value: Buffer.from(`${prefix}-${i}`) })));
      if (outcome === 'commit') await transactional.commitTransaction();
      else await transactional.abortTransaction();
    };
    await inTransaction('first', 100, 'commit');
    await inTransaction('aborted', 50, 'abort');
    await inTransaction('second', 100, 'commit');
    await transactional.close();

    compactedSource = await eventually(
      'the compacted topic compacted',
      async () => {
        const records = await readUntil(sourceClient, compacted, [0], (byPartition) => byPartition.get(0)!.some((r) => r.value?.toString() === 'compacted-last'));
        const all = values(records.get(0)!);
        return all.length === 102 ? all : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    plainSource = await read(sourceClient, plain, 12_000);
    txnSource = await read(sourceClient, txn, 200);
    expect(txnSource.map((r) => r.offset).slice(99, 101)).toEqual([99n, 152n]);

    system = await startSystem(
      [
        `clusters = ${a}, ${b}`,
        `${a}.bootstrap.servers = ${source.bootstrap}`,
        `${b}.bootstrap.servers = ${target.bootstrap}`,
        `${a}->${b}.enabled = true`,
        `${a}->${b}.topics = ${plain}, ${txn}, ${compacted}`,
        `${a}->${b}.groups = ${groupPrefix}-.*`,
        // Aborted records are not copied, so the source has holes the target does not.
        `${a}->${b}.consumer.isolation.level = read_committed`,
        `${a}->${b}.emit.checkpoints.interval.seconds = 1`,
        `${a}->${b}.sync.group.offsets.enabled = true`,
        `${a}->${b}.sync.group.offsets.interval.seconds = 1`,
        `${a}->${b}.refresh.groups.interval.seconds = 1`,
        ...testClusterDefaults(),
      ],
      [{ app: 'data-mirror' }, { app: 'offset-sync' }, { app: 'topic-config-sync' }],
    );
    await eventually(
      'every topic copied',
      async () => {
        const ends = await Promise.all([plain, txn, compacted].map((t) => endOffset(targetAdmin, `${a}.${t}`)));
        if (ends[0] === 12_000n && ends[1] === 200n && ends[2] === BigInt(compactedSource.length)) return ends;
        throw new Error(`target end offsets ${ends.map(String).join(', ')}`);
      },
      patiently,
    );
  });

  afterAll(async () => {
    const exits = await system?.stop();
    await Promise.allSettled([commits.close(), sourceAdmin.close(), targetAdmin.close()]);
    expect(exits).toEqual([0, 0, 0, 0]);
  });

  it('resumes a group at the head, one behind, 10,000 behind and in between without reading anything twice', async () => {
    for (const committed of [12_000n, 11_999n, 2_000n, 590n]) {
      // Copied from offset 0 to an empty topic: the target offsets equal the source ones.
      await expectExactFailover(plain, plainSource, committed, committed, 12_000);
    }
  });

  it('resumes a group inside an aborted transaction or at a marker at the next committed record', async () => {
    // Source offsets 100-151 are markers and aborted records; 152 ("second-0") is target offset 100.
    for (const [committed, resume] of [
      [50n, 50n],
      [100n, 100n],
      [120n, 100n],
      [152n, 100n],
      [160n, 108n],
      [253n, 200n],
    ] as const) {
      await expectExactFailover(txn, txnSource, committed, resume, 200);
    }
  });

  it('resumes a group at a compaction hole at the next record that survived', async () => {
    for (const committed of [0n, 1n, 5n, 150n, 198n, 199n, 201n]) {
      const next = compactedSource.findIndex((r) => r.offset >= committed);
      await expectExactFailover(compacted, compactedSource, committed, BigInt(next < 0 ? compactedSource.length : next), compactedSource.length);
    }
  });

  it('follows the records a restarted data mirror sent again', async () => {
    // A crash before the position was stored: the data mirror is killed, its stored position for
    // the plain topic set back to 11,000, and it starts again, copying 11,000-11,999 a second time.
    const positions = (await targetAdmin.listTopics()).find((t) => t.startsWith('mm2-offsets.') && (t.includes(a) || t.includes(b)));
    expect(positions).toBeDefined();
    const key = encodeSourceOffsetKey({ cluster: a, topic: plain, partition: 0 });
    const partitionCount = (await targetAdmin.listOffsets(positions!)).size;
    await system.restart('data-mirror', 'SIGKILL', async () => {
      const holds = (records: readonly ConsumedRecord[]) => records.some((r) => r.key?.equals(key));
      const stored = await readUntil(targetClient, positions!, [...Array(partitionCount).keys()], (byPartition) => [...byPartition.values()].some(holds), 30_000);
      const partition = [...stored].find(([, records]) => holds(records))?.[0];
      expect(partition).toBeDefined();
      const producer = new KafkaProducer(targetClient);
      await producer.send(positions!, [{ partition: partition!, key, value: encodeSourceOffsetValue(10_999n) }]);
      await producer.close();
    });
    await eventually('11,000-11,999 copied again', async () => ((await endOffset(targetAdmin, `${a}.${plain}`)) === 13_000n ? true : undefined), patiently);

    // Both copies of 11,500 exist (11,500 and 12,500); the group goes on in the later one, which
    // has everything after it.
    await expectExactFailover(plain, plainSource, 11_500n, 12_500n, 13_000);
    await expectExactFailover(plain, plainSource, 12_000n, 13_000n, 13_000);
  });
});
