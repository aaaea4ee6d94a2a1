// Backup and restore, and migration (docs/use-cases/), with IdentityReplicationPolicy as both
// are run in practice: topics keep their names on the other cluster. The two shared test clusters
// play `prod`/`old` and `backup`/`new`; one fleet (every service its own process) runs both
// scenarios' flows, changed only through the control API.
import { IdleGroupOffsets } from '@mirrormaker/kafka';
import { TranslationMethod } from '@mirrormaker/proto';
import { eventually, testClusters, uniqueName } from '@mirrormaker/testing';
import { patiently, rpc, startSystem, testClusterDefaults, uniqueAlias, type InstanceView, type RunningSystem } from '../running-system';
import { closeClusters, produceRecords, readPartition, readTopic, recordsIn, scenarioCluster, summary, type ScenarioCluster, type SeenRecord } from './scenario-records';

jest.setTimeout(300_000);

const IDENTITY = 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy';

describe('use cases with IdentityReplicationPolicy', () => {
  const shared = testClusters();
  const [prodAlias, backupAlias, oldAlias, newAlias] = [uniqueAlias('prod'), uniqueAlias('backup'), uniqueAlias('old'), uniqueAlias('new')];
  const ledger = uniqueName('ledger');
  const accounts = uniqueName('accounts');
  const group = uniqueName('billing');
  let prod: ScenarioCluster;
  let backup: ScenarioCluster;
  let oldCluster: ScenarioCluster;
  let newCluster: ScenarioCluster;
  let system: RunningSystem;
  let ledgerRecords: SeenRecord[];
  let accountRecords: SeenRecord[];

  beforeAll(async () => {
    prod = scenarioCluster(prodAlias, shared.source);
    backup = scenarioCluster(backupAlias, shared.target);
    oldCluster = scenarioCluster(oldAlias, shared.source);
    newCluster = scenarioCluster(newAlias, shared.target);
    await prod.admin.createTopics([
      { name: ledger, partitions: 2, replicationFactor: 1 },
      { name: accounts, partitions: 2, replicationFactor: 1 },
    ]);
    [ledgerRecords, accountRecords] = await Promise.all([produceRecords(prod, ledger, 2, 200, 'ledger'), produceRecords(oldCluster, accounts, 2, 300, 'accounts')]);
    const quick = (flow: string) => [`${flow}.emit.checkpoints.interval.seconds = 1`, `${flow}.refresh.groups.interval.seconds = 1`, `${flow}.refresh.topics.interval.seconds = 2`];
    system = await startSystem(
      [
        `clusters = ${prodAlias}, ${backupAlias}, ${oldAlias}, ${newAlias}`,
        `${prodAlias}.bootstrap.servers = ${prod.connection.bootstrap}`,
        `${backupAlias}.bootstrap.servers = ${backup.connection.bootstrap}`,
        `${oldAlias}.bootstrap.servers = ${oldCluster.connection.bootstrap}`,
        `${newAlias}.bootstrap.servers = ${newCluster.connection.bootstrap}`,
        `replication.policy.class = ${IDENTITY}`,
        // Each test cluster plays two clusters here (prod and old, backup and new). Copied
        // heartbeats would then travel prod->backup->...->old->new under ever longer names, which
        // the cycle rule cannot stop as it knows each cluster by one alias only. Real deployments
        // name every cluster once; these two use cases do not need heartbeats copied.
        'heartbeats.replication.enabled = false',
        `${prodAlias}->${backupAlias}.enabled = true`,
        `${prodAlias}->${backupAlias}.topics = ${ledger}`,
        ...quick(`${prodAlias}->${backupAlias}`),
        // The restore direction, off until it is needed (identity names cannot tell a copy from the original).
        `${backupAlias}->${prodAlias}.enabled = false`,
        `${backupAlias}->${prodAlias}.topics = ${ledger}`,
        ...quick(`${backupAlias}->${prodAlias}`),
        `${oldAlias}->${newAlias}.enabled = true`,
        `${oldAlias}->${newAlias}.topics = ${accounts}`,
        `${oldAlias}->${newAlias}.groups = ${group}`,
        `${oldAlias}->${newAlias}.sync.group.offsets.enabled = true`,
        `${oldAlias}->${newAlias}.sync.group.offsets.interval.seconds = 1`,
        ...quick(`${oldAlias}->${newAlias}`),
        ...testClusterDefaults(),
      ],
      [{ app: 'data-mirror' }, { app: 'offset-sync' }, { app: 'topic-config-sync' }],
    );
  });

  afterAll(async () => {
    const exits = await system?.stop();
    await closeClusters([prod, backup, oldCluster, newCluster].filter(Boolean));
    expect(exits).toEqual([0, 0, 0, 0]);
  });

  it('backup and restore: a deleted and recreated topic comes back from the backup record for record under its own name', async () => {
    expect(await readTopic(backup, ledger, ledgerRecords.length)).toEqual(ledgerRecords);

    // The backup stops taking copies before anything is restored, then the topic is lost.
    await rpc(system.control, 'patchFlow', { flow: { source: prodAlias, target: backupAlias }, set: { enabled: 'false' }, unset: [] });
    // Heartbeats go on, as in MM2: they run for every pair of configured clusters, enabled or not.
    await eventually('no copying unit of the backup flow held', async () => {
      const { instances } = await rpc<{ instances: InstanceView[] }>(system.control, 'listInstances', {});
      return instances.every((i) => !i.unitIds.some((u) => u.includes(`${prodAlias}->${backupAlias}`) && !u.startsWith('heartbeat/'))) || undefined;
    }, patiently);
    await prod.admin.deleteTopics([ledger]);
    await eventually('the topic gone from prod', async () => !(await prod.admin.listTopics()).includes(ledger) || undefined, patiently);
    await eventually('the topic created again, empty', async () => {
      await prod.admin.createTopics([{ name: ledger, partitions: 2, replicationFactor: 1 }]).catch(() => undefined);
      return (await recordsIn(prod, ledger)) === 0n || undefined;
    }, patiently);

    await rpc(system.control, 'patchFlow', { flow: { source: backupAlias, target: prodAlias }, set: { enabled: 'true' }, unset: [] });
    const restored = await readTopic(prod, ledger, ledgerRecords.length, patiently.timeoutMs);
    expect(restored).toEqual(ledgerRecords);
    // Offsets too: each partition starts at 0 again and holds the same records in the same order.
    const offsets = await prod.admin.listOffsets(ledger);
    expect([...offsets.values()].map((o) => [o.earliest, o.latest])).toEqual([
      [0n, BigInt(ledgerRecords.filter((r) => r.partition === 0).length)],
      [0n, BigInt(ledgerRecords.filter((r) => r.partition === 1).length)],
    ]);
    summary('backup/restore', { backedUp: ledgerRecords.length, restored: restored.length, sameName: true });
  });

  it('migration: consumers resume on the new cluster at their translated offsets, then the flow is stopped and deleted', async () => {
    const flow = { source: oldAlias, target: newAlias };
    // The group read part of the topic on the old cluster.
    const committed = new Map([
      [0, 120n],
      [1, 77n],
    ]);
    const commits = new IdleGroupOffsets(oldCluster.client);
    await commits.commit(group, [...committed].map(([partition, offset]) => ({ topic: accounts, partition, offset, metadata: 'old' })));
    await commits.close();

    // Producers stop on old; everything reaches new under the same name.
    expect(await readTopic(newCluster, accounts, accountRecords.length)).toEqual(accountRecords);
    const translated = await eventually('exact translation of the group', async () => {
      const res = await rpc<{ offsets: { topic: string; partition: number; downstreamOffset: bigint; upstreamOffset: bigint; recordsReread: bigint; method: TranslationMethod }[] }>(
        system.control,
        'translateGroupOffsets',
        { flow, group },
      );
      return res.offsets.length === 2 ? res.offsets : undefined;
    }, patiently);
    for (const o of translated) {
      expect(o).toMatchObject({ topic: accounts, downstreamOffset: committed.get(o.partition), recordsReread: 0n, method: TranslationMethod.TRANSLATION_METHOD_EXACT });
    }
    // The group on new already holds those offsets (synced while idle there), so consumers just start.
    const synced = await eventually('group offsets synced on new', async () => {
      const parts = (await newCluster.admin.fetchCommittedOffsets(group, [accounts])).get(accounts);
      return parts?.size === 2 && [...committed].every(([p, o]) => parts.get(p)?.offset === o) ? parts : undefined;
    }, patiently);

    // Producers move to new; the consumer resumes there and reads exactly what it had not read.
    const moved = await produceRecords(newCluster, accounts, 2, 40, 'accounts-after-move');
    let resumedReads = 0;
    for (const partition of [0, 1]) {
      const all = await readPartition(newCluster, accounts, partition, accountRecords.filter((r) => r.partition === partition).length + moved.filter((r) => r.partition === partition).length);
      const from = synced.get(partition)!.offset;
      const read = all.filter((r) => r.offset >= from).map((r) => r.value?.toString() ?? null);
      const expected = [...accountRecords.filter((r) => r.partition === partition).slice(Number(committed.get(partition))), ...moved.filter((r) => r.partition === partition)].map((r) => r.value);
      expect(read).toEqual(expected);
      resumedReads += read.length;
    }

    // The flow is stopped and deleted: its settings go, it is disabled, and no unit of it stays
    // once its heartbeats (which MM2 emits for every pair of configured clusters) are turned off too.
    await rpc(system.control, 'pauseFlow', { flow });
    await rpc(system.control, 'deleteFlow', { flow });
    const { flow: afterDelete } = await rpc<{ flow: { enabled: boolean; paused: boolean; settings: Record<string, string> } }>(system.control, 'getFlow', { flow });
    expect(afterDelete).toMatchObject({ enabled: false, paused: false });
    expect([afterDelete.settings.topics, afterDelete.settings.groups]).not.toContain(accounts);
    expect(afterDelete.settings['sync.group.offsets.enabled']).not.toBe('true');
    const quiet = await rpc<{ configRevision: bigint }>(system.control, 'patchFlow', { flow, set: { 'emit.heartbeats.enabled': 'false' }, unset: [] });
    await system.onRevision(quiet.configRevision);
    // Revocations reach the holders with their next renewal.
    await eventually('no unit of the deleted flow held', async () => {
      const { instances } = await rpc<{ instances: InstanceView[] }>(system.control, 'listInstances', {});
      const left = instances.flatMap((i) => i.unitIds).filter((u) => u.includes(`${oldAlias}->${newAlias}`));
      if (left.length === 0) return true;
      throw new Error(`still held: ${left.join(', ')}`);
    }, patiently);
    await produceRecords(oldCluster, accounts, 2, 10, 'accounts-late');
    expect(await recordsIn(newCluster, accounts)).toBe(BigInt(accountRecords.length + moved.length));
    summary('migration', { copied: accountRecords.length, resumedAt: [...committed.values()].join('/'), reread: 0, missed: 0, readAfterMove: resumedReads, flowDeleted: true });
  });
});
