// Every live change an operator makes through the control API, on every service running as its own
// process against the two test clusters: each reaches every instance as a new config revision and
// takes effect without any process restarting.
import { IdleGroupOffsets, KafkaProducer, type KafkaClient } from '@mirrormaker/kafka';
import { unitId } from '@mirrormaker/lease';
import { decodeCheckpoint, type Checkpoint } from '@mirrormaker/mm2-formats';
import type { AclBinding } from '@mirrormaker/replication-policy';
import { readUntil, superAdmin, superClient } from '@mirrormaker/service-kit/testing';
import { eventually, storedBatchCodecs, testClusters, uniqueName } from '@mirrormaker/testing';
import { patiently, rpc, startSystem, testClusterDefaults, uniqueAlias, type InstanceView, type RunningSystem } from './running-system';

jest.setTimeout(180_000);

interface FlowRef {
  source: string;
  target: string;
}

describe('live changes through the control API', () => {
  const clusters = testClusters();
  const [a, b] = [uniqueAlias('north'), uniqueAlias('south')];
  const ab: FlowRef = { source: a, target: b };
  const ba: FlowRef = { source: b, target: a };
  const name = (f: FlowRef) => `${f.source}->${f.target}`;
  const kept = uniqueName('kept');
  const narrowed = uniqueName('narrowed');
  const back = uniqueName('back');
  const [first, second] = [uniqueName('first-group'), uniqueName('second-group')];
  const checkpointsTopic = `${a}.checkpoints.internal`;
  const clients = { source: superClient('source'), target: superClient('target') };
  const admins = { source: superAdmin('source'), target: superAdmin('target') };
  const sent = new Map<string, number>();
  // The config at start, and the base of the ApplyConfig that adds a flow (same config topic).
  const properties = [
    `clusters = ${a}, ${b}`,
    `${a}.bootstrap.servers = ${clusters.source.bootstrap}`,
    `${b}.bootstrap.servers = ${clusters.target.bootstrap}`,
    `${a}->${b}.enabled = true`,
    `${a}->${b}.topics = ${kept}, ${narrowed}`,
    `${a}->${b}.groups = ${first}`,
    `${a}->${b}.refresh.topics.interval.seconds = 2`,
    `${a}->${b}.refresh.groups.interval.seconds = 2`,
    `${a}->${b}.emit.checkpoints.interval.seconds = 1`,
    `${a}->${b}.sync.group.offsets.enabled = true`,
    `${a}->${b}.sync.group.offsets.interval.seconds = 1`,
    `${a}->${b}.sync.topic.acls.enabled = true`,
    `${a}->${b}.sync.topic.acls.interval.seconds = 1`,
    ...testClusterDefaults(),
  ];
  let system: RunningSystem;
  let started: ReturnType<RunningSystem['processes']>;

  /** Writes `count` more records to partition 0 of `topic`, valued `<topic> <n>` with n counting on. */
  async function produce(role: 'source' | 'target', topic: string, count: number): Promise<void> {
    const from = sent.get(topic) ?? 0;
    const producer = new KafkaProducer(clients[role], { idempotent: true });
    await producer.connect();
    await producer.send(topic, Array.from({ length: count }, (_, i) => ({ partition: 0, key: null, value: Buffer.from(`${topic} ${from + i}`) })));
    await producer.close();
    sent.set(topic, from + count);
  }

  /** Reads the remote topic until it holds every record sent to `topic`; returns how many it holds twice. */
  async function everyRecordCopied(client: KafkaClient, topic: string, remote: string): Promise<number> {
    const expected = Array.from({ length: sent.get(topic)! }, (_, i) => `${topic} ${i}`);
    const copied = await readUntil(
      client,
      remote,
      [0],
      (got) => {
        const values = new Set(got.get(0)!.map((r) => r.value?.toString()));
        return expected.every((v) => values.has(v));
      },
      patiently.timeoutMs,
    );
    const values = copied.get(0)!.map((r) => r.value?.toString());
    expect(new Set(values)).toEqual(new Set(expected));
    return values.length - expected.length;
  }

  async function latestOffset(role: 'source' | 'target', topic: string): Promise<bigint | undefined> {
    if (!(await admins[role].listTopics()).includes(topic)) return undefined;
    return (await admins[role].listOffsets(topic)).get(0)?.latest;
  }

  /** Waits until the remote topic's end offset is exactly what was sent to `topic` (no duplicates). */
  function copiedExactly(role: 'source' | 'target', topic: string, remote: string): Promise<boolean> {
    return eventually(`${sent.get(topic)} records on ${remote}`, async () => (await latestOffset(role, remote)) === BigInt(sent.get(topic)!), patiently);
  }

  /** The revision of the config in force, as the control API reports it. */
  async function currentRevision(): Promise<bigint> {
    return (await rpc<{ configRevision: bigint }>(system.control, 'listFlows', {})).configRevision;
  }

  async function patch(set: Record<string, string>, unset: string[] = []): Promise<bigint> {
    return (await rpc<{ configRevision: bigint }>(system.control, 'patchFlow', { flow: ab, set, unset })).configRevision;
  }

  /** Every instance runs `revision` without an error, and no process was restarted to get there. */
  async function appliedEverywhere(revision: bigint): Promise<InstanceView[]> {
    const instances = await system.onRevision(revision);
    expect(instances.map((i) => [i.instanceId, i.configError])).toEqual(instances.map((i) => [i.instanceId, '']));
    expect(system.processes()).toEqual(started);
    return instances;
  }

  async function heldUnits(): Promise<string[]> {
    const { instances } = await rpc<{ instances: InstanceView[] }>(system.control, 'listInstances', {});
    return instances.flatMap((i) => i.unitIds);
  }

  function unitsHeld(what: string, check: (units: string[]) => boolean): Promise<string[]> {
    return eventually(what, async () => {
      const units = await heldUnits();
      return check(units) ? units : undefined;
    }, patiently);
  }

  async function statusTopics(flow: FlowRef): Promise<Array<{ sourceTopic: string; partitions: Array<{ partition: number; holder: string }> }>> {
    const status = await rpc<{ flows: Array<{ topics: Array<{ sourceTopic: string; partitions: Array<{ partition: number; holder: string }> }> }> }>(
      system.control,
      'getStatus',
      { flows: [flow] },
    );
    return status.flows[0]?.topics ?? [];
  }

  /** Reads the checkpoints topic until `done` holds for the checkpoints it decoded. */
  async function checkpointsUntil(what: string, done: (checkpoints: Checkpoint[]) => boolean): Promise<Checkpoint[]> {
    await eventually(`${checkpointsTopic} on the target`, async () => (await admins.target.listTopics()).includes(checkpointsTopic), patiently);
    let decoded: Checkpoint[] = [];
    try {
      await readUntil(
        clients.target,
        checkpointsTopic,
        [0],
        (got) => {
          decoded = got.get(0)!.map((r) => decodeCheckpoint(r.key!, r.value!));
          return done(decoded);
        },
        patiently.timeoutMs,
      );
    } catch (err) {
      throw new Error(`${what}: ${(err as Error).message}; checkpoints seen: ${JSON.stringify(decoded, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
    }
    return decoded;
  }

  const checkpointOf = (group: string, upstreamOffset: bigint) => (c: Checkpoint) => c.group === group && c.topic === `${a}.${kept}` && c.upstreamOffset === upstreamOffset;

  /**
   * Commits `group` at the end of the source topic, as a consumer that read everything would. Only a
   * checkpoint whose target offset moved forward is emitted, and an offset at the end translates
   * exactly once the newest offset sync is written, so each such commit shows as a new checkpoint.
   */
  async function commitAtEnd(group: string): Promise<bigint> {
    const offset = BigInt(sent.get(kept)!);
    const commits = new IdleGroupOffsets(clients.source);
    await commits.commit(group, [{ topic: kept, partition: 0, offset, metadata: '' }]);
    await commits.close();
    return offset;
  }

  beforeAll(async () => {
    await admins.source.createTopics([
      { name: kept, partitions: 1, replicationFactor: 1 },
      { name: narrowed, partitions: 1, replicationFactor: 1 },
    ]);
    await admins.target.createTopics([{ name: back, partitions: 1, replicationFactor: 1 }]);
    await produce('source', kept, 100);
    await produce('source', narrowed, 100);
    // Only the coordinator has the config: every worker runs from the revisions it sends.
    system = await startSystem(properties, [{ app: 'data-mirror' }, { app: 'offset-sync' }, { app: 'topic-config-sync' }, { app: 'acl-sync' }]);
    started = system.processes();
    await copiedExactly('target', kept, `${a}.${kept}`);
    await copiedExactly('target', narrowed, `${a}.${narrowed}`);
  });

  afterAll(async () => {
    const exits = await system?.stop();
    const onTopic = (resourceName: string) => ({ resourceType: 'TOPIC' as const, resourceName, patternType: 'ANY' as const, operation: 'ANY' as const, permissionType: 'ANY' as const });
    await admins.source.deleteAcls([onTopic(kept)]).catch(() => undefined);
    await admins.target.deleteAcls([onTopic(`${a}.${kept}`)]).catch(() => undefined);
    await Promise.allSettled([admins.source.close(), admins.target.close()]);
    expect(exits).toEqual([0, 0, 0, 0, 0]);
  });

  it.each([
    ['topics', { topics: kept }, { set: { topics: `${kept}, ${narrowed}` }, unset: [] }],
    ['topics.exclude', { 'topics.exclude': narrowed }, { set: {}, unset: ['topics.exclude'] }],
  ])('releases the partitions a narrowed %s leaves out, and resumes them where they stopped when widened', async (_key, narrow, widen) => {
    const partition = unitId({ kind: 'partition', flow: name(ab), topic: narrowed, partition: 0 });
    const narrowedRevision = await patch(narrow);
    await appliedEverywhere(narrowedRevision);
    await unitsHeld(`${partition} released`, (units) => !units.includes(partition));
    await eventually(`${narrowed} gone from the flow status`, async () => (await statusTopics(ab)).every((t) => t.sourceTopic !== narrowed), patiently);

    // Records written meanwhile stay on the source while the rest of the flow goes on copying.
    const copiedBefore = await latestOffset('target', `${a}.${narrowed}`);
    await produce('source', narrowed, 100);
    await produce('source', kept, 50);
    await copiedExactly('target', kept, `${a}.${kept}`);
    expect(await latestOffset('target', `${a}.${narrowed}`)).toBe(copiedBefore);

    const widenedRevision = await patch(widen.set, widen.unset);
    await appliedEverywhere(widenedRevision);
    await unitsHeld(`${partition} held again`, (units) => units.includes(partition));
    // From the stored position: every record once, none copied twice.
    expect(await everyRecordCopied(clients.target, narrowed, `${a}.${narrowed}`)).toBe(0);
    await copiedExactly('target', narrowed, `${a}.${narrowed}`);
  });

  it('checkpoints a group the changed groups filter newly matches', async () => {
    const firstAt = await commitAtEnd(first);
    const secondAt = await commitAtEnd(second);
    const before = await checkpointsUntil(`a checkpoint of ${first}`, (all) => all.some(checkpointOf(first, firstAt)));
    expect(before.filter((c) => c.group === second)).toEqual([]);

    const revision = await patch({ groups: `${first}, ${second}` });
    await appliedEverywhere(revision);
    await checkpointsUntil(`a checkpoint of ${second}`, (all) => all.some(checkpointOf(second, secondAt)));
    const groups = await eventually('both groups in the flow status', async () => {
      const status = await rpc<{ flows: Array<{ groups: string[] }> }>(system.control, 'getStatus', { flows: [ab] });
      const listed = status.flows[0]?.groups ?? [];
      return listed.includes(second) ? listed : undefined;
    }, patiently);
    expect([...groups].sort()).toEqual([first, second].sort());
  });

  it('stops and starts checkpoints and group offset sync, and runs them on a changed interval', async () => {
    const remote = `${a}.${kept}`;
    const groupsUnit = unitId({ kind: 'groups', flow: name(ab), shard: 0 });
    const targetOffset = async (group: string) => (await admins.target.fetchCommittedOffsets(group, [remote])).get(remote)?.get(0)?.offset;
    await appliedEverywhere(await patch({ 'emit.checkpoints.enabled': 'false' }));
    await unitsHeld(`${groupsUnit} revoked`, (units) => !units.includes(groupsUnit));

    // Back on, but with an interval of an hour.
    await appliedEverywhere(await patch({ 'emit.checkpoints.enabled': 'true', 'emit.checkpoints.interval.seconds': '3600' }));
    await unitsHeld(`${groupsUnit} granted again`, (units) => units.includes(groupsUnit));
    await produce('source', kept, 20);
    await copiedExactly('target', kept, remote);
    const firstAt = await commitAtEnd(first);
    // A shorter interval takes effect at once: the new offset is checkpointed well within the hour.
    await appliedEverywhere(await patch({ 'emit.checkpoints.interval.seconds': '1' }));
    await checkpointsUntil(`a checkpoint of ${first} at ${firstAt}`, (all) => all.some(checkpointOf(first, firstAt)));

    // Group offset sync off: checkpoints go on, the target group stays where it was.
    const synced = await eventually(`${second} synced to the target`, async () => (await targetOffset(second)) ?? undefined, patiently);
    await appliedEverywhere(await patch({ 'sync.group.offsets.enabled': 'false' }));
    await produce('source', kept, 20);
    await copiedExactly('target', kept, remote);
    const secondAt = await commitAtEnd(second);
    await checkpointsUntil(`a checkpoint of ${second} at ${secondAt}`, (all) => all.some(checkpointOf(second, secondAt)));
    expect(await targetOffset(second)).toBe(synced);

    // On again, on another interval: the target group follows, to the end of the remote topic.
    await appliedEverywhere(await patch({ 'sync.group.offsets.enabled': 'true', 'sync.group.offsets.interval.seconds': '2' }));
    await eventually(`${second} synced to ${secondAt} on the target`, async () => (await targetOffset(second)) === secondAt, patiently);
  });

  it('writes copied records with the codec of a changed producer override', async () => {
    const remote = `${a}.${kept}`;
    const newestCodec = () => storedBatchCodecs(clusters.target.dataDir, remote, 0).pop();
    expect(newestCodec()).toBe('none');
    for (const codec of ['gzip', 'zstd'] as const) {
      await appliedEverywhere(await patch({ 'producer.override.compression.type': codec }));
      await produce('source', kept, 20);
      await copiedExactly('target', kept, remote);
      expect(newestCodec()).toBe(codec);
    }
    await appliedEverywhere(await patch({}, ['producer.override.compression.type']));
  });

  it('stops and starts copying topic ACLs when sync.topic.acls.enabled is switched', async () => {
    const remote = `${a}.${kept}`;
    const aclsUnit = unitId({ kind: 'acls', flow: name(ab) });
    const read = (principal: string, resourceName: string): AclBinding => ({
      resourceType: 'TOPIC',
      resourceName,
      patternType: 'LITERAL',
      principal,
      host: '*',
      operation: 'READ',
      permissionType: 'ALLOW',
    });
    const onRemote = { resourceType: 'TOPIC' as const, resourceName: remote, patternType: 'ANY' as const, operation: 'ANY' as const, permissionType: 'ANY' as const };
    const principalsOnTarget = async () => (await admins.target.describeAcls(onRemote)).map((acl) => acl.principal).sort();

    await admins.source.createAcls([read('User:alice', kept)]);
    await eventually('the ACL of alice copied', async () => (await principalsOnTarget()).includes('User:alice'), patiently);

    await appliedEverywhere(await patch({ 'sync.topic.acls.enabled': 'false' }));
    await unitsHeld(`${aclsUnit} revoked`, (units) => !units.includes(aclsUnit));
    await admins.source.createAcls([read('User:bob', kept)]);

    await appliedEverywhere(await patch({ 'sync.topic.acls.enabled': 'true' }));
    await unitsHeld(`${aclsUnit} granted again`, (units) => units.includes(aclsUnit));
    await eventually('the ACL of bob copied', async () => (await principalsOnTarget()).includes('User:bob'), patiently);
    expect(await principalsOnTarget()).toEqual(['User:alice', 'User:bob']);
  });

  it('adds, pauses, resumes and deletes a flow', async () => {
    const partition = unitId({ kind: 'partition', flow: name(ba), topic: back, partition: 0 });
    const remote = `${b}.${back}`;
    await produce('target', back, 100);
    const withSecondFlow = [...properties, `${b}->${a}.enabled = true`, `${b}->${a}.topics = ${back}`, `${b}->${a}.refresh.topics.interval.seconds = 2`, ''];
    const applied = await rpc<{ configRevision: bigint }>(system.control, 'applyConfig', { config: { $case: 'properties', value: withSecondFlow.join('\n') } });
    await appliedEverywhere(applied.configRevision);
    await copiedExactly('source', back, remote);

    await rpc(system.control, 'pauseFlow', { flow: ba });
    await appliedEverywhere(await currentRevision());
    await unitsHeld(`${partition} revoked`, (units) => !units.includes(partition));
    await produce('target', back, 100);
    await produce('source', kept, 20);
    await copiedExactly('target', kept, `${a}.${kept}`);
    expect(await latestOffset('source', remote)).toBe(100n);

    await rpc(system.control, 'resumeFlow', { flow: ba });
    await appliedEverywhere(await currentRevision());
    expect(await everyRecordCopied(clients.source, back, remote)).toBe(0);
    await copiedExactly('source', back, remote);

    const deleted = await rpc<{ configRevision: bigint }>(system.control, 'deleteFlow', { flow: ba });
    await appliedEverywhere(deleted.configRevision);
    const topicsUnit = unitId({ kind: 'topics', flow: name(ba) });
    await unitsHeld(`no unit of ${name(ba)}`, (units) => !units.includes(partition) && !units.includes(topicsUnit));
    // Every pair of clusters is a flow in MM2's model: a deleted one is left disabled, its keys gone.
    const { flows } = await rpc<{ flows: Array<{ ref: FlowRef; enabled: boolean; settings: Record<string, string> }> }>(system.control, 'listFlows', {});
    const deletedFlow = flows.find((f) => name(f.ref) === name(ba));
    expect(deletedFlow?.enabled).toBe(false);
    expect(deletedFlow?.settings.topics).not.toBe(back);
    expect(flows.find((f) => name(f.ref) === name(ab))?.enabled).toBe(true);
  });
});
