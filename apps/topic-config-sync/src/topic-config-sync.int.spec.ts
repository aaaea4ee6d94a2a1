import { startWithUnits, superAdmin, type RunningTestService } from '@mirrormaker/service-kit/testing';
import { eventually, testClusters, uniqueName } from '@mirrormaker/testing';
import { overridesOf } from './testing/overrides';
import { topicConfigSyncService } from './topic-config-sync-service';

jest.setTimeout(90_000);

describe('topic-config-sync against real clusters', () => {
  const S = uniqueName('tcsS');
  const T = uniqueName('tcsT');
  const prefix = uniqueName('tcs');
  const coordinatorTopic = `${uniqueName('mm-config')}.internal`;
  const source = superAdmin('source');
  const target = superAdmin('target');
  let service: RunningTestService;

  beforeAll(async () => {
    const { source: src, target: tgt } = testClusters();
    const properties = [
      `clusters = ${S}, ${T}`,
      `${S}.bootstrap.servers = ${src.bootstrap}`,
      `${T}.bootstrap.servers = ${tgt.bootstrap}`,
      `${S}->${T}.enabled = true`,
      `${S}->${T}.topics = ${prefix}-.*`,
      'replication.factor = 1',
      'heartbeats.topic.replication.factor = 1',
      'checkpoints.topic.replication.factor = 1',
      'offset-syncs.topic.replication.factor = 1',
      'offset.storage.replication.factor = 1',
      'refresh.topics.interval.seconds = 1',
      'sync.topic.configs.interval.seconds = 1',
      `coordinator.config.topic = ${coordinatorTopic}`,
    ].join('\n');
    service = await startWithUnits(topicConfigSyncService, [`topics/${S}->${T}`], properties);
  });

  afterAll(async () => {
    await service?.stop();
    const mine = (names: string[], test: (n: string) => boolean) => names.filter(test);
    await source.deleteTopics(mine(await source.listTopics(), (n) => n.startsWith(prefix) || n === `mm2-offset-syncs.${T}.internal`)).catch(() => undefined);
    await target.deleteTopics(mine(await target.listTopics(), (n) => n.startsWith(`${S}.`) || n === `mm2-offsets.${S}.internal` || n === coordinatorTopic)).catch(() => undefined);
    await source.close();
    await target.close();
  });

  it('creates the internal topics compacted with one partition, the offsets topic with 25', async () => {
    const expected: Array<['source' | 'target', string, number]> = [
      ['target', 'heartbeats', 1],
      ['target', `${S}.checkpoints.internal`, 1],
      ['source', `mm2-offset-syncs.${T}.internal`, 1],
      ['target', `mm2-offsets.${S}.internal`, 25],
      ['target', coordinatorTopic, 1],
    ];
    for (const [role, topic, partitions] of expected) {
      const admin = role === 'source' ? source : target;
      const found = await eventually(`${topic} on ${role}`, async () => (await admin.describeTopics([topic])).get(topic));
      expect([topic, found.partitions]).toEqual([topic, partitions]);
      const cleanup = ((await admin.describeTopicConfigs([topic])).get(topic) ?? []).find((e) => e.name === 'cleanup.policy');
      expect([topic, cleanup?.value]).toEqual([topic, 'compact']);
    }
  });

  it('creates a new source topic on the target with the same partitions, configs through the filter', async () => {
    const topic = `${prefix}-new`;
    await source.createTopics([
      { name: topic, partitions: 3, replicationFactor: 1, configs: { 'retention.ms': '3600000', 'cleanup.policy': 'compact', 'min.insync.replicas': '1' } },
    ]);
    const remote = await eventually('the remote topic', async () => (await target.describeTopics([`${S}.${topic}`])).get(`${S}.${topic}`));
    expect(remote.partitions).toBe(3);
    expect(await overridesOf(target, `${S}.${topic}`)).toEqual({ 'retention.ms': '3600000', 'cleanup.policy': 'compact' });
  });

  it('grows the remote topic, and a target-only override survives a config sync', async () => {
    const topic = `${prefix}-grow`;
    const remote = `${S}.${topic}`;
    await source.createTopics([{ name: topic, partitions: 3, replicationFactor: 1, configs: { 'retention.ms': '3600000' } }]);
    const synced = await eventually('the remote topic', async () => (await overridesOf(target, remote))['retention.ms'] === '3600000');
    expect(synced).toBe(true);
    // In sync, so the service writes nothing now: a read-modify-write here cannot race with it.
    await target.alterTopicConfigs(remote, { 'retention.ms': '3600000', 'min.insync.replicas': '1' });
    await source.createPartitions(topic, 5);
    await eventually('5 remote partitions', async () => (await target.describeTopics([remote])).get(remote)?.partitions === 5);

    await source.alterTopicConfigs(topic, { 'retention.ms': '7200000' });
    await eventually('the changed retention', async () => (await overridesOf(target, remote))['retention.ms'] === '7200000');
    expect(await overridesOf(target, remote)).toEqual({ 'retention.ms': '7200000', 'min.insync.replicas': '1' });
  });

  it('follows config changes and deletes a config the source reset to its default', async () => {
    const topic = `${prefix}-cfg`;
    const remote = `${S}.${topic}`;
    await source.createTopics([{ name: topic, partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '3600000', 'max.message.bytes': '200000' } }]);
    await eventually('the remote topic', async () => (await overridesOf(target, remote))['max.message.bytes'] === '200000');
    await source.alterTopicConfigs(topic, { 'retention.ms': '5400000', 'max.message.bytes': '200000' });
    await eventually('the new value', async () => (await overridesOf(target, remote))['retention.ms'] === '5400000');
    await source.alterTopicConfigs(topic, { 'retention.ms': '5400000' }); // max.message.bytes back to its default
    await eventually('the deleted override', async () => !('max.message.bytes' in (await overridesOf(target, remote))));
    expect(await overridesOf(target, remote)).toEqual({ 'retention.ms': '5400000' });
  });

  it('reports what it did through /metrics and /healthz', async () => {
    const base = `http://127.0.0.1:${service.handle.metricsPort}`;
    const metrics = await (await fetch(`${base}/metrics`)).text();
    // Three topics of the test, plus every `heartbeats` topic other tests left on the shared source
    // cluster (MM2 replicates those whatever the topic filter says).
    const created = new RegExp(`mirrormaker_topic_sync_operations_total\\{flow="${S}->${T}",operation="topic_created"\\} (\\d+)`).exec(metrics)?.[1];
    expect(Number(created)).toBeGreaterThanOrEqual(3);
    expect(metrics).toContain(`mirrormaker_topic_sync_operations_total{flow="${S}->${T}",operation="partitions_added"} 2`);
    expect(metrics).toMatch(new RegExp(`mirrormaker_unit_last_success_timestamp_seconds\\{unit="topics/${S}->${T}",task="configs"\\} \\d`));
    // The flow also takes every `heartbeats` topic other test files leave on the shared clusters
    // (some meanwhile deleted, some with names too long for another prefix): problems with those
    // may keep the unit degraded. Its own topics must have none, and both tasks must run.
    interface UnitHealth {
      state: string;
      problems?: Array<{ topic?: string }>;
      lastRuns?: Record<string, { ok: boolean }>;
    }
    await eventually('the unit on /healthz, both tasks running and no problem with this test\'s topics', async () => {
      const health = (await (await fetch(`${base}/healthz`)).json()) as { details: { units: Record<string, UnitHealth> } };
      const unit = health.details.units[`topics/${S}->${T}`];
      const ours = (unit?.problems ?? []).filter((p) => (p.topic ?? '').includes(prefix));
      const othersOnly = unit?.state === 'degraded' && (unit.problems ?? []).length > 0 && ours.length === 0;
      const ok = unit !== undefined && (unit.state === 'in-sync' || othersOnly) && unit.lastRuns?.['topics']?.ok && unit.lastRuns?.['configs']?.ok;
      if (!ok) throw new Error(`unit reported ${JSON.stringify(unit)}`);
      return true;
    }, 60_000);
  });
});

describe('topic-config-sync with a principal that lacks ACLs on the target', () => {
  const S = uniqueName('tcsS');
  const T = uniqueName('tcsT');
  const prefix = uniqueName('tcs-denied');
  const source = superAdmin('source');
  const target = superAdmin('target');
  let service: RunningTestService;

  beforeAll(async () => {
    const { source: src, target: tgt } = testClusters();
    const bob = tgt.users.bob;
    await source.createTopics([{ name: `${prefix}-t`, partitions: 1, replicationFactor: 1 }]);
    const properties = [
      `clusters = ${S}, ${T}`,
      `${S}.bootstrap.servers = ${src.bootstrap}`,
      `${T}.bootstrap.servers = ${tgt.saslBootstrap}`,
      `${T}.security.protocol = SASL_PLAINTEXT`,
      `${T}.sasl.mechanism = PLAIN`,
      `${T}.sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="${bob.username}" password="${bob.password}";`,
      `${S}->${T}.enabled = true`,
      `${S}->${T}.topics = ${prefix}-.*`,
      `${S}->${T}.emit.offset-syncs.enabled = false`,
      `coordinator.home.cluster = ${S}`,
      'replication.factor = 1',
      'refresh.topics.interval.seconds = 1',
    ].join('\n');
    service = await startWithUnits(topicConfigSyncService, [`topics/${S}->${T}`], properties);
  });

  afterAll(async () => {
    await service?.stop();
    await source.deleteTopics([`${prefix}-t`]).catch(() => undefined);
    await source.close();
    await target.close();
  });

  it('tells the coordinator which ACL is missing, and stops when the lease is revoked', async () => {
    const reports = await eventually('error reports', async () => {
      const errors = service.coordinator.manager.reportOf('topic-config-sync-int')?.errors ?? [];
      return errors.some((e) => e.message.includes(`'${S}.${prefix}-t'`)) ? errors : undefined;
    });
    expect(reports).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          unitId: `topics/${S}->${T}`,
          cause: 'AUTHORIZATION_FAILED',
          message: `principal User:${testClusters().target.users.bob.username} lacks CREATE on topic '${S}.${prefix}-t' of cluster '${T}' (needed to create the topic); grant it with an ACL`,
        }),
        expect.objectContaining({ cause: 'AUTHORIZATION_FAILED', message: expect.stringContaining(`CREATE on topic '${S}.checkpoints.internal'`) }),
      ]),
    );
    expect(await target.describeTopics([`${S}.${prefix}-t`])).toEqual(new Map());

    const health = async () =>
      ((await (await fetch(`http://127.0.0.1:${service.handle.metricsPort}/healthz`)).json()) as { details: { units: Record<string, unknown> } }).details.units;
    expect(Object.keys(await health())).toEqual([`topics/${S}->${T}`]);
    service.coordinator.manager.setUnits([]);
    await eventually('the unit to stop', async () => Object.keys(await health()).length === 0);
  });
});
