// Three coordinator replicas and two data-mirrors, each its own process: the leader is killed
// (kill -9) and later a new leader is paused (SIGSTOP) and resumed. A follower leads each time,
// the data-mirrors move to it by themselves and keep their units, every record arrives, and the
// paused leader, once resumed, can neither lead nor write.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { createKafkaClient, KafkaAdmin, KafkaProducer, PartitionConsumer } from '@mirrormaker/kafka';
import { createLogger } from '@mirrormaker/observability';
import { ControlServiceClient } from '@mirrormaker/proto';
import { spawnService, type SpawnedService } from '@mirrormaker/service-kit/testing';
import { eventually, freePorts, testClusters, uniqueName } from '@mirrormaker/testing';
import { patiently, rpc, uniqueAlias } from './running-system';

jest.setTimeout(240_000);

const logger = createLogger({ service: 'e2e', level: 'silent' });
const PARTITIONS = 4;

interface StatusView {
  leaderAddress: string;
  coordinators: { instanceId: string; address: string; role: string }[];
}

async function metric(service: SpawnedService, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return Number(line?.split(' ').pop() ?? 'NaN');
}

describe('coordinator replicas', () => {
  const { source, target } = testClusters();
  const [a, b] = [uniqueAlias('east'), uniqueAlias('west')];
  const topic = uniqueName('ha-orders');
  const remote = `${a}.${topic}`;
  const sourceClient = createKafkaClient({ clusterAlias: 'source', brokers: [source.bootstrap], clientId: 'ha-source' }, logger);
  const targetClient = createKafkaClient({ clusterAlias: 'target', brokers: [target.bootstrap], clientId: 'ha-target' }, logger);
  const coordinators = new Map<string, { process: SpawnedService; address: string; control: ControlServiceClient }>();
  const mirrors: SpawnedService[] = [];
  let produced = 0;

  afterAll(async () => {
    for (const c of coordinators.values()) c.control.close();
    const all = [...[...coordinators.values()].map((c) => c.process), ...mirrors];
    for (const s of all) if (s.process.exitCode === null && s.process.signalCode === null) s.process.kill('SIGCONT');
    await Promise.all(all.filter((s) => s.process.exitCode === null && s.process.signalCode === null).map((s) => s.stop('SIGKILL')));
  });

  const statusFrom = (id: string) => rpc<StatusView>(coordinators.get(id)!.control, 'getStatus', { flows: [] });
  /** The replica every live one names as leader, once they agree and it is not `except`. */
  const agreedLeader = (live: string[], except?: string) =>
    eventually(
      'the live replicas agree on a leader',
      async () => {
        const views = await Promise.all(live.map((id) => statusFrom(id)));
        const named = new Set(views.map((v) => v.leaderAddress));
        if (named.size !== 1) return undefined;
        const address = [...named][0]!;
        const leader = [...coordinators].find(([, c]) => c.address === address)?.[0];
        return leader && leader !== except && live.includes(leader) ? leader : undefined;
      },
      patiently,
    );

  async function produce(count: number): Promise<void> {
    const producer = new KafkaProducer(sourceClient, { idempotent: true });
    await producer.connect();
    await producer.send(topic, Array.from({ length: count }, (_, i) => ({ partition: (produced + i) % PARTITIONS, key: null, value: Buffer.from(`r${produced + i}`) })));
    await producer.close();
    produced += count;
  }

  it('keeps mirroring through a killed and a paused leader, with the paused one unable to lead or write after it resumes', async () => {
    const sourceAdmin = new KafkaAdmin(sourceClient);
    const targetAdmin = new KafkaAdmin(targetClient);
    await sourceAdmin.createTopics([{ name: topic, partitions: PARTITIONS, replicationFactor: 1 }]);
    await targetAdmin.createTopics([{ name: remote, partitions: PARTITIONS, replicationFactor: 1 }]);
    await Promise.all([sourceAdmin.close(), targetAdmin.close()]);

    const dir = mkdtempSync(join(tmpdir(), 'mm-ha-'));
    const config = join(dir, 'mm2.properties');
    const properties = [
      `clusters = ${a}, ${b}`,
      `${a}.bootstrap.servers = ${source.bootstrap}`,
      `${b}.bootstrap.servers = ${target.bootstrap}`,
      `${a}->${b}.enabled = true`,
      `${a}->${b}.topics = ${topic}`,
      `${a}->${b}.emit.checkpoints.enabled = false`,
      'emit.heartbeats.enabled = false',
      'replication.factor = 1',
      'offset-syncs.topic.replication.factor = 1',
      `coordinator.config.topic = ${uniqueName('mm-config-ha')}`,
      // Leases long enough that a leader change on a loaded 2-core machine (every process of this
      // and another test file competing) still completes before any held lease could run out.
      'lease.ttl.ms = 15000',
      'lease.renew.interval.ms = 2000',
      'lease.grace.ms = 1000',
      '',
    ];
    writeFileSync(config, properties.join('\n'));
    const ports = await freePorts(3);
    const ids = ['coord-a', 'coord-b', 'coord-c'];
    // Plaintext: this spec is about leadership; running-system.ts runs the secure setup.
    const common = ['--config', config, '--host', '127.0.0.1', '--metrics-port', '0', '--insecure-plaintext'];
    const started = await Promise.all(ids.map((id, i) => spawnService('coordinator', [...common, '--grpc-port', String(ports[i]), '--instance-id', id])));
    ids.forEach((id, i) => {
      const address = `127.0.0.1:${ports[i]}`;
      coordinators.set(id, { process: started[i]!, address, control: new ControlServiceClient(address, grpc.credentials.createInsecure()) });
    });
    const addresses = ids.map((id) => coordinators.get(id)!.address).join(',');
    mirrors.push(
      ...(await Promise.all(
        ['dm-1', 'dm-2'].map((id) => spawnService('data-mirror', ['--host', '127.0.0.1', '--metrics-port', '0', '--grpc-port', '0', '--coordinator', addresses, '--instance-id', id, '--insecure-plaintext'])),
      )),
    );

    const first = await agreedLeader(ids);
    const status = await statusFrom(first);
    expect(status.coordinators.map((c) => [c.instanceId, c.role]).sort()).toEqual(ids.map((id) => [id, id === first ? 'leader' : 'follower']));
    const holdersOn = async (leader: string) => {
      const res = await rpc<{ instances: { instanceId: string; unitIds: string[] }[] }>(coordinators.get(leader)!.control, 'listInstances', {});
      return res.instances.filter((i) => i.unitIds.some((u) => u.startsWith('partition/'))).length;
    };
    await eventually('both data-mirrors hold partitions', async () => (await holdersOn(first)) === 2, patiently);
    await produce(400);

    // 1. kill -9 of the leader.
    await coordinators.get(first)!.process.stop('SIGKILL');
    const survivors = ids.filter((id) => id !== first);
    await produce(400);
    const second = await agreedLeader(survivors, first);
    await eventually('both data-mirrors hold partitions under the new leader', async () => (await holdersOn(second)) === 2, patiently);
    await produce(400);

    // 2. SIGSTOP of the new leader; the last replica leads; the paused one resumes as a follower.
    const paused = coordinators.get(second)!;
    paused.process.process.kill('SIGSTOP');
    const third = ids.find((id) => id !== first && id !== second)!;
    await eventually(
      'the last replica leads',
      async () => (await statusFrom(third)).leaderAddress === coordinators.get(third)!.address,
      patiently,
    );
    await eventually('both data-mirrors hold partitions under the third leader', async () => (await holdersOn(third)) === 2, patiently);
    await produce(400);
    paused.process.process.kill('SIGCONT');
    await eventually('the resumed replica follows the third', async () => (await statusFrom(second)).leaderAddress === coordinators.get(third)!.address, patiently);
    expect(await metric(paused.process, 'mirrormaker_coordinator_leader')).toBe(0);
    const write = await rpc(paused.control, 'patchFlow', { flow: { source: a, target: b }, set: { 'offset.lag.max': '7' }, unset: [] }).then(
      () => undefined,
      (err: grpc.ServiceError) => err,
    );
    expect(write?.code).toBe(grpc.status.UNAVAILABLE);
    expect(write?.metadata.get('mirrormaker-leader')[0]?.toString()).toBe(coordinators.get(third)!.address);

    // Every record arrived, and no data-mirror ever had to stop a unit for want of a renewal.
    const seen = new Set<string>();
    const consumer = new PartitionConsumer(targetClient, {
      handler: async (batch) => {
        for (const r of batch.records) seen.add(r.value!.toString());
      },
      maxWaitTimeMs: 100,
    });
    await consumer.addPartitions(Array.from({ length: PARTITIONS }, (_, partition) => ({ topic: remote, partition, offset: 'earliest' as const })));
    try {
      await eventually('every record on the target', () => seen.size >= produced, patiently);
    } finally {
      await consumer.close();
    }
    expect(Array.from({ length: produced }, (_, i) => `r${i}`).filter((v) => !seen.has(v))).toEqual([]);
    for (const m of mirrors) expect(await metric(m, 'mirrormaker_leases_fenced_total')).toBe(0);
  });
});
