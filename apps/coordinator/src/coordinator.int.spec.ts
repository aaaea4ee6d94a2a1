import * as grpc from '@grpc/grpc-js';
import { createKafkaClient, KafkaAdmin } from '@mirrormaker/kafka';
import { unitId } from '@mirrormaker/lease';
import { createLogger, createMetricsRegistry } from '@mirrormaker/observability';
import { ControlServiceClient, ServiceKind } from '@mirrormaker/proto';
import { LeaseClient, secureClient, startService, type ServiceHandle } from '@mirrormaker/service-kit';
import { testSecurity } from '@mirrormaker/service-kit/testing';
import { eventually, testClusters, uniqueName } from '@mirrormaker/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coordinatorService } from './coordinator-service';
import { controlCall as call } from './testing/control-call';

const logger = createLogger({ service: 'test', level: 'silent' });
const sec = testSecurity();

describe('coordinator against real clusters', () => {
  const { source, target } = testClusters();
  const prefix = uniqueName('disc');
  const configTopic = uniqueName('mm-config');
  const dir = mkdtempSync(join(tmpdir(), 'coordinator-'));
  const configPath = join(dir, 'mm2.properties');
  const properties = (extra: string[] = []) =>
    [
      'clusters = source, target',
      `source.bootstrap.servers = ${source.bootstrap}`,
      `target.bootstrap.servers = ${target.bootstrap}`,
      'source->target.enabled = true',
      `source->target.topics = ${prefix}.*, target.${prefix}.*`,
      'source->target.refresh.topics.interval.seconds = 1',
      'source->target.sync.topic.acls.enabled = false',
      // Other tests write heartbeats on these shared clusters; MM2 would replicate them regardless of the filter.
      'source->target.heartbeats.replication.enabled = false',
      'emit.heartbeats.enabled = false',
      `coordinator.config.topic = ${configTopic}`,
      'lease.ttl.ms = 2000',
      'lease.renew.interval.ms = 400',
      'lease.grace.ms = 400',
      ...extra,
      '',
    ].join('\n');

  const sourceAdmin = new KafkaAdmin(createKafkaClient({ clusterAlias: 'source', brokers: [source.bootstrap], clientId: 'coordinator-test' }, logger));
  let coordinator: ServiceHandle;
  let control: ControlServiceClient;
  const worker = { units: new Set<string>() };
  let dataMirror: LeaseClient;

  async function startCoordinator(args: string[] = []): Promise<void> {
    // Secure as in production: TLS, an operator token for the control API, the worker token for leases.
    coordinator = await startService(coordinatorService, ['--config', configPath, '--host', '127.0.0.1', '--grpc-port', '0', '--metrics-port', '0', ...sec.serviceArgs(), ...args], {
      MM_LOG_LEVEL: 'silent',
    });
    control = secureClient(ControlServiceClient, `127.0.0.1:${coordinator.grpcPort}`, sec.client('operator'));
  }

  beforeAll(async () => {
    writeFileSync(configPath, properties());
    await sourceAdmin.createTopics([
      { name: `${prefix}.orders`, partitions: 2, replicationFactor: 1 },
      { name: `${prefix}.internal`, partitions: 1, replicationFactor: 1 },
      { name: `target.${prefix}.loop`, partitions: 1, replicationFactor: 1 },
    ]);
    await startCoordinator();
    dataMirror = startWorker('dm-test');
  }, 60_000);

  function startWorker(instanceId: string): LeaseClient {
    const client = new LeaseClient({
      coordinator: `127.0.0.1:${coordinator.grpcPort}`,
      instanceId,
      security: sec.client('worker'),
      kind: ServiceKind.SERVICE_KIND_DATA_MIRROR,
      version: 'test',
      logger,
      metrics: createMetricsRegistry({ service: 'data-mirror', version: 'test' }),
      startUnit: async (unit) => {
        worker.units.add(unit.id);
        return { stop: async () => void worker.units.delete(unit.id) };
      },
      fenceMarginMs: 300,
      backoff: { initialMs: 100, maxMs: 500 },
    });
    client.start();
    return client;
  }

  afterAll(async () => {
    await dataMirror?.stop();
    control?.close();
    await coordinator?.stop('test done');
    await sourceAdmin.close();
  });

  const partitionUnit = (topic: string, partition: number) => unitId({ kind: 'partition', flow: 'source->target', topic, partition });

  it('leases the partitions of replicated topics, never internal or cycle topics', async () => {
    await eventually('orders partitions leased', () => worker.units.has(partitionUnit(`${prefix}.orders`, 1)));
    expect([...worker.units].filter((u) => u.startsWith('partition/')).sort()).toEqual([partitionUnit(`${prefix}.orders`, 0), partitionUnit(`${prefix}.orders`, 1)]);
  });

  it('discovers and leases a topic created after start, and a new partition', async () => {
    await sourceAdmin.createTopics([{ name: `${prefix}.late`, partitions: 1, replicationFactor: 1 }]);
    await eventually('late topic leased', () => worker.units.has(partitionUnit(`${prefix}.late`, 0)));

    await sourceAdmin.createPartitions(`${prefix}.late`, 2);
    await eventually('new partition leased', () => worker.units.has(partitionUnit(`${prefix}.late`, 1)));
  });

  it('shows discovered partitions with their holder in status', async () => {
    const status = await eventually('status with holders', async () => {
      const res = await call<object, { flows: { topics: { sourceTopic: string; remoteTopic: string; partitions: { holder: string }[] }[] }[] }>(control, 'getStatus', { flows: [] });
      const orders = res.flows[0]?.topics.find((t) => t.sourceTopic === `${prefix}.orders`);
      return orders?.partitions.every((p) => p.holder === 'dm-test') ? res : undefined;
    });
    const orders = status.flows[0]!.topics.find((t) => t.sourceTopic === `${prefix}.orders`)!;
    expect(orders.remoteTopic).toBe(`source.${prefix}.orders`);
    expect(orders.partitions).toHaveLength(2);
  });

  it('rejects an invalid config with every problem listed and keeps the running one', async () => {
    const before = await call<object, { configRevision: bigint }>(control, 'listFlows', {});
    const bad = ['clusters = source, target', 'source->nowhere.enabled = true', 'source->target.topics = (unclosed', 'source->target.offset.lag.max = -5'].join('\n');
    const err = await call(control, 'applyConfig', { config: { $case: 'properties', value: bad }, dryRun: false }).catch((e: grpc.ServiceError) => e);
    expect((err as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
    const details = (err as grpc.ServiceError).details;
    expect(details).toContain('bootstrap.servers');
    expect(details).toContain('nowhere');
    expect(details).toContain('(unclosed');
    expect(details).toContain('offset.lag.max');
    const after = await call<object, { configRevision: bigint }>(control, 'listFlows', {});
    expect(after.configRevision).toBe(before.configRevision);
  });

  it('shows the warnings of the config in force in status, with line, key and what happens instead', async () => {
    const text = properties(['tasks.max = 4', 'source->target.transforms = drop']);
    const lineOf = (key: string) => text.split('\n').findIndex((l) => l.startsWith(key)) + 1;
    await call(control, 'applyConfig', { config: { $case: 'properties', value: text }, dryRun: false });
    const status = await call<object, { configWarnings: { severity: string; line: number; key: string; message: string; hint: string }[] }>(control, 'getStatus', { flows: [] });
    expect(status.configWarnings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ severity: 'warning', line: lineOf('tasks.max'), key: 'tasks.max', message: expect.stringContaining('leases') }),
        expect.objectContaining({ severity: 'warning', line: lineOf('source->target.transforms'), key: 'source->target.transforms', message: expect.stringContaining('byte for byte') }),
      ]),
    );
    await call(control, 'applyConfig', { config: { $case: 'properties', value: properties() }, dryRun: false });
    const cleared = await call<object, { configWarnings: { key: string }[] }>(control, 'getStatus', { flows: [] });
    expect(cleared.configWarnings.map((w) => w.key)).not.toContain('tasks.max');
  });

  it('continues lease epochs after a restart, also for units nobody re-presents', async () => {
    const before = new Map(dataMirror.heldUnits().map((h) => [h.unitId, h.epoch]));
    expect(before.size).toBeGreaterThan(0);
    await dataMirror.stop(); // releases every lease: nothing is re-presented after the restart
    control.close();
    await coordinator.stop('restart');
    await startCoordinator();
    dataMirror = startWorker('dm-test-after-restart');
    const after = await eventually('the units granted again', () => {
      const held = new Map(dataMirror.heldUnits().map((h) => [h.unitId, h.epoch]));
      return [...before.keys()].every((u) => held.has(u)) ? held : undefined;
    });
    for (const [unit, epoch] of before) expect(after.get(unit)!).toBeGreaterThan(epoch);
  });

  it('keeps a config applied through the API across a restart, reading it back from Kafka', async () => {
    const applied = await call<object, { configRevision: bigint }>(control, 'applyConfig', {
      config: { $case: 'properties', value: properties(['source->target.offset.lag.max = 42']) },
      dryRun: false,
    });
    await call(control, 'pauseFlow', { flow: { source: 'source', target: 'target' } });
    control.close();
    await coordinator.stop('restart');
    await startCoordinator();
    const flow = await eventually('stored config loaded', async () => {
      const res = await call<object, { flow: { paused: boolean; settings: Record<string, string> } }>(control, 'getFlow', { flow: { source: 'source', target: 'target' } });
      return res.flow;
    });
    expect(flow.settings['offset.lag.max']).toBe('42');
    expect(flow.paused).toBe(true);
    // Changes go to the leader: the restarted replica leads once it has read the leader topic.
    await eventually('the restarted coordinator leads', async () => {
      const health = (await (await fetch(`http://127.0.0.1:${coordinator.metricsPort}/healthz`)).json()) as { details: { role: string } };
      return health.details.role === 'leader';
    });
    const listed = await call<object, { configRevision: bigint }>(control, 'listFlows', {});
    expect(listed.configRevision).toBe(applied.configRevision + 1n);
  });

  it('shows an unreachable cluster in status without crashing', async () => {
    await call(control, 'resumeFlow', { flow: { source: 'source', target: 'target' } });
    const unreachable = properties().replace(`source.bootstrap.servers = ${source.bootstrap}`, 'source.bootstrap.servers = 127.0.0.1:1');
    await call(control, 'applyConfig', { config: { $case: 'properties', value: unreachable }, dryRun: false });
    const status = await eventually(
      'discovery error in status',
      async () => {
        const res = await call<object, { flows: { errors: { cause: string; message: string }[] }[] }>(control, 'getStatus', { flows: [] });
        return res.flows[0]?.errors.find((e) => e.cause === 'DISCOVERY_FAILED');
      },
      30_000,
    );
    expect(status.message).toContain('cluster source');
    const health = await fetch(`http://127.0.0.1:${coordinator.metricsPort}/healthz`);
    expect(health.status).toBe(200);
  });
});
