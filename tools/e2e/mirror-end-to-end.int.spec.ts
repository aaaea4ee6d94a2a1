// The whole system as operators run it: every service as its own process against two real
// clusters, driven only through Kafka and the coordinator's control API.
import { createKafkaClient, IdleGroupOffsets, KafkaAdmin, KafkaProducer } from '@mirrormaker/kafka';
import { createLogger } from '@mirrormaker/observability';
import { statusScreen } from '@mirrormaker/operator-console';
import { TranslationMethod, type ControlServiceClient, type GetStatusResponse } from '@mirrormaker/proto';
import { eventually, testClusters, uniqueName } from '@mirrormaker/testing';
import { patiently, rpc, startSystem, testClusterDefaults, uniqueAlias, type RunningSystem } from './running-system';

jest.setTimeout(180_000);

const logger = createLogger({ service: 'e2e', level: 'silent' });

describe('mirrormaker end to end', () => {
  const { source, target } = testClusters();
  // Aliases of our own, so internal topics do not meet other tests' ones on the shared clusters.
  const [a, b] = [uniqueAlias('east'), uniqueAlias('west')];
  const flow = { source: a, target: b };
  const topic = uniqueName('orders');
  const remote = `${a}.${topic}`;
  const group = uniqueName('billing');
  let system: RunningSystem;
  let control: ControlServiceClient;
  const sourceClient = createKafkaClient({ clusterAlias: 'source', brokers: [source.bootstrap], clientId: 'e2e-source' }, logger);
  const sourceAdmin = new KafkaAdmin(sourceClient);
  const targetAdmin = new KafkaAdmin(createKafkaClient({ clusterAlias: 'target', brokers: [target.bootstrap], clientId: 'e2e-target' }, logger));

  beforeAll(async () => {
    await sourceAdmin.createTopics([{ name: topic, partitions: 2, replicationFactor: 1 }]);
    system = await startSystem(
      [
        `clusters = ${a}, ${b}`,
        `${a}.bootstrap.servers = ${source.bootstrap}`,
        `${b}.bootstrap.servers = ${target.bootstrap}`,
        `${a}->${b}.enabled = true`,
        `${a}->${b}.topics = ${topic}`,
        `${a}->${b}.sync.group.offsets.enabled = true`,
        `${a}->${b}.refresh.topics.interval.seconds = 2`,
        ...testClusterDefaults(),
      ],
      // data-mirror and topic-config-sync get no --config: they run from what the coordinator sends.
      [{ app: 'data-mirror' }, { app: 'offset-sync', ownConfig: true }, { app: 'topic-config-sync' }],
    );
    control = system.control;
  });

  afterAll(async () => {
    const exits = await system?.stop();
    await Promise.allSettled([sourceAdmin.close(), targetAdmin.close()]);
    expect(exits).toEqual([0, 0, 0, 0]);
  });

  it('mirrors every record to the remote topic and reports the flow caught up', async () => {
    const producer = new KafkaProducer(sourceClient, { idempotent: true });
    await producer.connect();
    for (let batch = 0; batch < 4; batch++) {
      await producer.send(
        topic,
        Array.from({ length: 500 }, (_, i) => ({ partition: i % 2, key: Buffer.from(`k${batch}-${i}`), value: Buffer.from(`order ${batch * 500 + i}`) })),
      );
    }
    await producer.close();

    await eventually('2000 records on the target', async () => {
      if (!(await targetAdmin.listTopics()).includes(remote)) return undefined;
      const offsets = await targetAdmin.listOffsets(remote);
      const total = [...offsets.values()].reduce((n, o) => n + (o.latest - o.earliest), 0n);
      return total >= 2000n ? total : undefined;
    }, patiently);
    expect([...(await targetAdmin.listOffsets(remote)).values()].map((o) => o.latest)).toEqual([1000n, 1000n]);

    const caughtUp = await eventually('status with lag 0 on both partitions', async () => {
      const status = await rpc<GetStatusResponse>(control, 'getStatus', { flows: [flow] });
      const t = status.flows[0]?.topics.find((x) => x.sourceTopic === topic);
      return t && t.partitions.length === 2 && t.partitions.every((p) => p.holder !== '' && p.lag === 0n && p.position === 999n && p.latencySamples > 0n) ? t : undefined;
    }, patiently);
    expect(caughtUp.remoteTopic).toBe(remote);
    // The records were just copied: their replication latency is in the window the status shows,
    // per partition and for the topic as its slowest partition.
    expect(caughtUp.latencySamples).toBe(caughtUp.partitions[0]!.latencySamples + caughtUp.partitions[1]!.latencySamples);
    expect(caughtUp.latencySamples).toBeLessThanOrEqual(2000n);
    expect(caughtUp.latencyP99Ms).toBe(Math.max(...caughtUp.partitions.map((p) => p.latencyP99Ms)));
    expect(caughtUp.latencyP50Ms).toBeLessThanOrEqual(caughtUp.latencyP99Ms);
    const line = statusScreen(await rpc<GetStatusResponse>(control, 'getStatus', { flows: [flow] }), new Date()).find((l) => l.includes(`${topic} -> ${remote}`));
    expect(line).toMatch(/ \d+(\.\d)? m?s \/ \d+(\.\d)? m?s /);
  });

  it('has no checkpoint for a group that has committed nothing yet', async () => {
    const status = await rpc<GetStatusResponse>(control, 'getStatus', { flows: [flow] });
    expect(status.flows[0]!.groupCheckpoints.filter((g) => g.group === group && g.checkpointAgeMs >= 0n)).toEqual([]);
  });

  it('translates a source group to target offsets through the control API, never past its position', async () => {
    const commits = new IdleGroupOffsets(sourceClient);
    await commits.commit(group, [
      { topic, partition: 0, offset: 600n, metadata: 'm' },
      { topic, partition: 1, offset: 734n, metadata: 'm' },
    ]);
    await commits.close();

    const translated = await eventually('translated offsets for both partitions', async () => {
      const res = await rpc<{ offsets: { topic: string; partition: number; downstreamOffset: bigint; upstreamOffset: bigint; recordsReread: bigint; method: TranslationMethod }[] }>(
        control,
        'translateGroupOffsets',
        { flow, group },
      );
      // The offset segments reach offset-sync about a second after the copies (their flush
      // interval); until then a translation falls back to the offset syncs, or places the group at
      // the end of the segments read so far (exact, with records to re-read), never past the position.
      const exact = res.offsets.length === 2 && res.offsets.every((o) => o.method === TranslationMethod.TRANSLATION_METHOD_EXACT && o.recordsReread === 0n);
      return exact ? res.offsets : undefined;
    }, patiently);
    for (const o of translated) {
      expect(o.topic).toBe(remote);
      const upstream = o.partition === 0 ? 600n : 734n;
      expect(o.upstreamOffset).toBe(upstream);
      // Records were copied from offset 0 to an empty topic, so target offsets equal source ones:
      // the offset segments place the group exactly, where MM2's sparse offset syncs would leave
      // it up to offset.lag.max records behind.
      expect(o).toMatchObject({ downstreamOffset: upstream, recordsReread: 0n, method: TranslationMethod.TRANSLATION_METHOD_EXACT });
    }

    // The group is synced to the (empty) target group, so a consumer there resumes from it.
    const committed = await eventually('group offsets synced to the target', async () => {
      const offsets = await targetAdmin.fetchCommittedOffsets(group, [remote]);
      const parts = offsets.get(remote);
      return parts?.size === 2 ? parts : undefined;
    }, patiently);
    expect(committed.get(0)?.offset).toBe(translated.find((o) => o.partition === 0)!.downstreamOffset);
  });

  it("shows the age of the group's newest checkpoint in the status", async () => {
    // The group's checkpoint was written before its offsets were synced to the target (above).
    const flowStatus = await eventually('a checkpoint age for the group', async () => {
      const status = await rpc<GetStatusResponse>(control, 'getStatus', { flows: [flow] });
      return status.flows[0]?.groupCheckpoints.some((g) => g.group === group && g.checkpointAgeMs >= 0n) ? status.flows[0] : undefined;
    }, patiently);
    const age = flowStatus.groupCheckpoints.find((g) => g.group === group)!.checkpointAgeMs;
    expect(flowStatus.checkpointAgeMs).toBeGreaterThanOrEqual(0n);
    // The flow's newest checkpoint is its newest group's (ages from the same answer), so it is no
    // older than this group's.
    const groupAges = flowStatus.groupCheckpoints.map((g) => g.checkpointAgeMs).filter((a) => a >= 0n);
    expect(groupAges).toContain(age);
    expect(flowStatus.checkpointAgeMs).toBe(groupAges.reduce((newest, a) => (a < newest ? a : newest)));
    const screen = statusScreen({ ...(await rpc<GetStatusResponse>(control, 'getStatus', { flows: [flow] })) }, new Date(), { partitions: true });
    expect(screen.find((l) => l.startsWith(`flow ${a}->${b}`))).toMatch(/newest checkpoint [\d.]+ m?s ago/);
    expect(screen.find((l) => l.trim().startsWith(group))).toMatch(/[\d.]+ (ms|s|min) ago$/);
  });

  it('applies a PatchFlow that widens the topics on every worker at once, with no process restarted', async () => {
    const added = uniqueName('payments');
    await sourceAdmin.createTopics([{ name: added, partitions: 1, replicationFactor: 1 }]);
    const producer = new KafkaProducer(sourceClient, { idempotent: true });
    await producer.connect();
    await producer.send(added, Array.from({ length: 300 }, (_, i) => ({ partition: 0, key: null, value: Buffer.from(`payment ${i}`) })));
    await producer.close();
    const before = system.processes();

    const patched = await rpc<{ configRevision: bigint }>(control, 'patchFlow', { flow, set: { topics: `${topic}, ${added}` }, unset: [] });

    // topic-config-sync creates the new remote topic and data-mirror copies it, both on the new revision.
    await eventually('300 records on the new remote topic', async () => {
      if (!(await targetAdmin.listTopics()).includes(`${a}.${added}`)) return false;
      const offsets = await targetAdmin.listOffsets(`${a}.${added}`);
      return offsets.get(0)?.latest === 300n;
    }, patiently);
    const instances = await system.onRevision(patched.configRevision);
    expect(instances.map((i) => i.configError)).toEqual(['', '', '']);
    expect(system.processes()).toEqual(before);
  });
});
