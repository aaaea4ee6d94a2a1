import * as grpc from '@grpc/grpc-js';
import { KafkaAdmin, type KafkaClient } from '@mirrormaker/kafka';
import type { Checkpoint, OffsetSync } from '@mirrormaker/mm2-formats';
import { OffsetSyncServiceClient, TranslationMethod, type TranslateOffsetsResponse } from '@mirrormaker/proto';
import { startService, type ServiceHandle } from '@mirrormaker/service-kit';
import { startTestCoordinator, type TestCoordinator } from '@mirrormaker/service-kit/testing';
import { eventually, freePort, sleep, testClusters, uniqueName } from '@mirrormaker/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idleGroupOffsetWriter, type GroupOffsetWriter } from './idle-group-offset-writer';
import { offsetSyncService } from './offset-sync-service';
import {
  activeMember,
  clientFor,
  committedOffset,
  consumeAsGroup,
  copyWithOffsetSyncs,
  expectedTranslation,
  indexOf,
  produceRecords,
  readCheckpoints,
  testLogger,
  writeOffsetSyncs,
} from './testing/mirror-fixture';

const RECORDS = 10_000;
const LAG_MAX = 100n;
/** The mirror has copied and synced up to here when offset-sync first starts. */
const PHASE_A_END = 4499n;
const G_OFFSET = 4321n;

describe('offset-sync against real clusters', () => {
  const clusters = testClusters();
  const tag = uniqueName('os').slice(3);
  const S = `src${tag}`;
  const T = `tgt${tag}`;
  const flow = `${S}->${T}`;
  const topic = `t-${tag}`;
  const remote = `${S}.${topic}`;
  const offsetSyncsTopic = `mm2-offset-syncs.${T}.internal`;
  const checkpointsTopic = `${S}.checkpoints.internal`;
  const groups = { g: `g-${tag}`, console: `console-consumer-${tag}`, active: `active-${tag}`, ahead: `ahead-${tag}` };
  const dir = mkdtempSync(join(tmpdir(), 'offset-sync-'));
  const configPath = join(dir, 'mm2.properties');

  let source: KafkaClient;
  let target: KafkaClient;
  let sourceAdmin: KafkaAdmin;
  let targetAdmin: KafkaAdmin;
  let sourceGroups: GroupOffsetWriter;
  let targetGroups: GroupOffsetWriter;
  let coordinator: TestCoordinator;
  let service: { handle: ServiceHandle; grpcPort: number; instance: string } | undefined;
  let phaseA: OffsetSync[];
  let phaseB: OffsetSync[];
  let member: { close(): Promise<void> } | undefined;
  let startedAt = 0;

  const commit = (writer: GroupOffsetWriter, group: string, t: string, offset: bigint) =>
    writer.commit(group, new Map([[`${t}-0`, { offset, metadata: '' }]]));

  async function startOffsetSync(instance: string): Promise<void> {
    const grpcPort = await freePort();
    const handle = await startService(
      offsetSyncService,
      ['--config', configPath, '--coordinator', coordinator.address, '--host', '127.0.0.1', '--grpc-port', String(grpcPort), '--metrics-port', '0', '--instance-id', instance, '--insecure-plaintext'],
      { MM_LOG_LEVEL: process.env.MM_TEST_LOG_LEVEL ?? 'silent' },
    );
    service = { handle, grpcPort, instance };
  }

  async function stopOffsetSync(): Promise<void> {
    const running = service;
    service = undefined;
    if (running) expect(await running.handle.stop('test')).toBe('graceful');
  }

  function translate(group: string): Promise<TranslateOffsetsResponse> {
    const client = new OffsetSyncServiceClient(`127.0.0.1:${service!.grpcPort}`, grpc.credentials.createInsecure());
    return new Promise<TranslateOffsetsResponse>((resolve, reject) =>
      client.translateOffsets({ flow: { source: S, target: T }, group }, new grpc.Metadata(), { deadline: Date.now() + 10_000 }, (err, res) =>
        err ? reject(err) : resolve(res),
      ),
    ).finally(() => client.close());
  }

  const checkpointsOf = async (group: string): Promise<Array<Checkpoint & { timestamp: bigint }>> =>
    (await readCheckpoints(target, checkpointsTopic)).filter((c) => c.group === group);

  beforeAll(async () => {
    source = clientFor(S, clusters.source.bootstrap, 'offset-sync-test-source');
    target = clientFor(T, clusters.target.bootstrap, 'offset-sync-test-target');
    sourceAdmin = new KafkaAdmin(source);
    targetAdmin = new KafkaAdmin(target);
    sourceGroups = idleGroupOffsetWriter(source.connection, testLogger);
    targetGroups = idleGroupOffsetWriter(target.connection, testLogger);
    await sourceAdmin.createTopics([
      { name: topic, partitions: 1, replicationFactor: 1 },
      { name: offsetSyncsTopic, partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } },
    ]);
    await targetAdmin.createTopics([{ name: remote, partitions: 1, replicationFactor: 1 }]);

    // The mirror's part: copy every record, decide syncs by MM2's rule; only the syncs up to
    // PHASE_A_END are written before offset-sync starts, the rest later.
    await produceRecords(source, topic, RECORDS);
    const { syncs } = await copyWithOffsetSyncs({
      source,
      target,
      sourceTopic: topic,
      remoteTopic: remote,
      count: RECORDS,
      maxOffsetLag: LAG_MAX,
      flushAfter: [PHASE_A_END],
    });
    phaseA = syncs.filter((s) => s.upstreamOffset <= PHASE_A_END);
    phaseB = syncs.slice(phaseA.length);
    await writeOffsetSyncs(source, offsetSyncsTopic, phaseA);

    // Source groups: g consumed 4321 records; a console consumer; two groups behind g.
    await commit(sourceGroups, groups.g, topic, G_OFFSET);
    await commit(sourceGroups, groups.console, topic, G_OFFSET);
    await commit(sourceGroups, groups.active, topic, 4000n);
    await commit(sourceGroups, groups.ahead, topic, 4000n);
    // Target groups: one with a running member, one idle but ahead of any translation.
    await commit(targetGroups, groups.active, remote, 10n);
    member = await activeMember(target, groups.active, remote);
    await commit(targetGroups, groups.ahead, remote, 9000n);

    writeFileSync(
      configPath,
      [
        `clusters = ${S}, ${T}`,
        `${S}.bootstrap.servers = ${clusters.source.bootstrap}`,
        `${T}.bootstrap.servers = ${clusters.target.bootstrap}`,
        `${flow}.enabled = true`,
        `${flow}.topics = ${topic}`,
        `${flow}.sync.group.offsets.enabled = true`,
        'emit.checkpoints.interval.seconds = 1',
        'sync.group.offsets.interval.seconds = 1',
        'refresh.groups.interval.seconds = 1',
        'checkpoints.topic.replication.factor = 1',
        'offset-syncs.topic.replication.factor = 1',
        'emit.heartbeats.enabled = false',
        '',
      ].join('\n'),
    );
    coordinator = await startTestCoordinator([`groups/${flow}/0`]);
    startedAt = Date.now();
    await startOffsetSync(`offset-sync-a-${tag}`);
  }, 120_000);

  afterAll(async () => {
    await member?.close().catch(() => undefined);
    await service?.handle.stop('test done').catch(() => undefined);
    await coordinator?.stop();
    await Promise.allSettled([sourceGroups?.close(), targetGroups?.close(), sourceAdmin?.close(), targetAdmin?.close()]);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('writes the checkpoint of a source group in MM2 format, translated with the syncs read', async () => {
    const expected = expectedTranslation(phaseA, G_OFFSET);
    // Offset lag 100 keeps a sync at most 101 offsets behind the group here.
    expect(expected).toEqual({ downstream: 4243n, syncUpstream: 4242n });
    const [checkpoint] = await eventually('a checkpoint for g', async () => {
      const found = await checkpointsOf(groups.g);
      return found.length > 0 ? found : undefined;
    });
    const { timestamp, ...fields } = checkpoint!;
    expect(fields).toEqual({ group: groups.g, topic: remote, partition: 0, upstreamOffset: G_OFFSET, downstreamOffset: 4243n, metadata: '' });
    // Record timestamp: when the group's round started (MM2's rule), after this instance started.
    expect(Number(timestamp)).toBeGreaterThanOrEqual(startedAt);
    expect(Number(timestamp)).toBeLessThanOrEqual(Date.now());
    expect(coordinator.holders().get(`groups/${flow}/0`)).toBe(service!.instance);
    expect(coordinator.manager.addressOf(service!.instance)).toBe(`127.0.0.1:${service!.grpcPort}`);
  });

  it("answers TranslateOffsets by MM2's rule where no offset segments exist, with the re-read bound", async () => {
    const response = await translate(groups.g);
    expect(response.offsets).toEqual([
      { topic: remote, partition: 0, downstreamOffset: 4243n, upstreamOffset: G_OFFSET, recordsReread: 78n, metadata: '', method: TranslationMethod.TRANSLATION_METHOD_OFFSET_SYNCS },
    ]);
    await expect(translate('')).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    expect((await translate(`nobody-${tag}`)).offsets).toEqual([]);
  });

  it('fails a consumer group over to the target without missing a record', async () => {
    const resumeAt = await eventually('g committed on the target', async () => {
      const offset = await committedOffset(targetAdmin, groups.g, remote);
      return offset === 4243n ? offset : undefined;
    });
    const values = await consumeAsGroup(target, groups.g, remote, resumeAt, BigInt(RECORDS));
    const read = values.map(indexOf);
    const seen = new Set(read);
    const missing: number[] = [];
    for (let i = Number(G_OFFSET); i < RECORDS; i++) if (!seen.has(i)) missing.push(i);
    expect(missing).toEqual([]);
    const reread = read.filter((i) => i < Number(G_OFFSET)).length;
    expect(reread).toBe(78);
    expect(BigInt(reread)).toBeLessThanOrEqual(LAG_MAX);
  });

  it('never touches a target group with members, and syncs it once it is empty', async () => {
    const translated = expectedTranslation(phaseA, 4000n).downstream;
    await eventually('a checkpoint for the active group', async () => (await checkpointsOf(groups.active)).length > 0);
    await sleep(2500); // at least two sync rounds
    expect(await committedOffset(targetAdmin, groups.active, remote)).toBe(10n);
    await member!.close();
    member = undefined;
    await eventually('the emptied group synced forward', async () => (await committedOffset(targetAdmin, groups.active, remote)) === translated);
  });

  it('has the broker refuse a commit to a group with a member, which keeps consuming undisturbed', async () => {
    const busy = `busy-${tag}`;
    await commit(targetGroups, busy, remote, 5n);
    const running = await activeMember(target, busy, remote);
    try {
      await expect(commit(targetGroups, busy, remote, 50n)).rejects.toMatchObject({ code: 'GROUP_NOT_IDLE' });
      expect(running.status()).toBe('running');
      expect(await committedOffset(targetAdmin, busy, remote)).toBe(5n);
    } finally {
      await running.close();
    }
  });

  it('never moves an idle target group backwards', async () => {
    await eventually('a checkpoint for the group ahead', async () => (await checkpointsOf(groups.ahead)).length > 0);
    await sleep(2500);
    expect(await committedOffset(targetAdmin, groups.ahead, remote)).toBe(9000n);
  });

  it('writes no checkpoints for groups the default groups.exclude rejects', async () => {
    expect(await checkpointsOf(groups.console)).toEqual([]);
    expect(await committedOffset(targetAdmin, groups.console, remote)).toBeUndefined();
  });

  it('exposes checkpoint latency, emitted checkpoints, synced groups and target lag', async () => {
    const text = await (await fetch(`http://127.0.0.1:${service!.handle.metricsPort}/metrics`)).text();
    const labels = `source="${S}",target="${T}",group="${groups.g}"`;
    expect(text).toContain(`mirrormaker_checkpoint_latency_ms_count{${labels},topic="${remote}",partition="0"} 1`);
    // The same latency under MM2's name, as dashboards made for MM2 query it (the last value is not windowed).
    expect(text).toContain(`kafka_connect_mirror_checkpoint_connector_checkpoint_latency_ms{${labels},topic="${remote}",partition="0"} `);
    expect(text).toContain(`mirrormaker_checkpoints_emitted_total{${labels}} 1`);
    expect(text).toContain(`mirrormaker_group_offsets_synced_total{${labels}} 1`);
    expect(text).toContain(`mirrormaker_consumer_group_lag{${labels},topic="${remote}",partition="0"} ${RECORDS - 4243}`);
    expect(text).toMatch(new RegExp(`mirrormaker_group_offset_syncs_skipped_total\\{source="${S}",target="${T}",group="${groups.active}",reason="active"\\} [1-9]`));
    expect(text).toContain(`mirrormaker_offset_sync_store_ready{source="${S}",target="${T}"} 1`);
    // The console consumer's group is listed but never selected.
    expect(text).not.toContain(`group="${groups.console}"`);
  });

  it('never emits a checkpoint behind an earlier one across a restart', async () => {
    // The mirror carries on: with the later syncs, the store keeps only sparse old syncs, and 4321
    // now translates far lower than the checkpoint already emitted.
    await writeOffsetSyncs(source, offsetSyncsTopic, phaseB);
    expect(expectedTranslation([...phaseA, ...phaseB], G_OFFSET).downstream).toBeLessThan(4243n);
    await sleep(1500);
    await stopOffsetSync();
    const restartedAt = BigInt(Date.now());
    await startOffsetSync(`offset-sync-b-${tag}`);
    await eventually('the restarted instance translating', async () => (await translate(groups.g)).offsets.length > 0);
    await sleep(2500); // a few checkpoint rounds of the new instance
    const [kept] = await checkpointsOf(groups.g);
    expect((await checkpointsOf(groups.g)).map((c) => c.downstreamOffset)).toEqual([4243n]);
    // The new instance wrote no checkpoint of g, yet reports with its renewals the age of the one
    // it loaded, counted from that checkpoint's record timestamp: the status never shows g as
    // having none after a restart.
    const age = await eventually('the age of the loaded checkpoint reported', () =>
      coordinator.manager.reportOf(service!.instance)?.progress.get(`groups/${flow}/0`)?.checkpoints.find((c) => c.group === groups.g),
    );
    expect(age.ageMs).toBeGreaterThanOrEqual(restartedAt - kept!.timestamp);

    // The group moves on: the next checkpoint goes forward.
    await commit(sourceGroups, groups.g, topic, BigInt(RECORDS - 1));
    const all = await eventually('a checkpoint at the new position', async () => {
      const found = await checkpointsOf(groups.g);
      return found.some((c) => c.upstreamOffset === BigInt(RECORDS - 1)) ? found : undefined;
    });
    expect(all.map((c) => [c.upstreamOffset, c.downstreamOffset])).toEqual([
      [G_OFFSET, 4243n],
      [BigInt(RECORDS - 1), BigInt(RECORDS - 1)],
    ]);
  });
});
