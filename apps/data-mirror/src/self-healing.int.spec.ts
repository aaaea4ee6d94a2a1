// The data plane heals by itself after a pause of the coordinator or of a worker (SIGSTOP, as a
// stalled VM or a long GC would), with every service as its own process and nothing lost.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { ControlServiceClient, type ListInstancesResponse } from '@mirrormaker/proto';
import { spawnService, type SpawnedService } from '@mirrormaker/service-kit/testing';
import { eventually, freePorts, uniqueName } from '@mirrormaker/testing';
import { Clusters, mm2Properties, readUntil } from './testing/mirror-harness';

jest.setTimeout(240_000);

const TTL_MS = 3000;
const PARTITIONS = 8;

function listInstances(control: ControlServiceClient): Promise<ListInstancesResponse> {
  return new Promise((resolve, reject) =>
    control.listInstances({}, new grpc.Metadata(), { deadline: Date.now() + 5000 }, (err, res) => (err ? reject(err) : resolve(res))),
  );
}

async function healthStatus(service: SpawnedService): Promise<number> {
  return (await fetch(`http://127.0.0.1:${service.metricsPort}/healthz`)).status;
}

describe('self-healing after a pause', () => {
  const clusters = new Clusters();
  const dir = mkdtempSync(join(tmpdir(), 'dm-self-healing-'));
  const services: SpawnedService[] = [];
  let control: ControlServiceClient;

  afterAll(async () => {
    control?.close();
    for (const s of services) if (s.process.exitCode === null && s.process.signalCode === null) s.process.kill('SIGCONT');
    await Promise.all(services.filter((s) => s.process.exitCode === null && s.process.signalCode === null).map((s) => s.stop('SIGKILL')));
    await clusters.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps mirroring, by itself, after the coordinator and then a data-mirror were stopped for longer than the lease TTL', async () => {
    const topic = uniqueName('self-healing');
    const remote = `A.${topic}`;
    await clusters.createTopic('source', topic, PARTITIONS);
    await clusters.createTopic('target', remote, PARTITIONS);
    const configPath = join(dir, 'mm2.properties');
    writeFileSync(
      configPath,
      mm2Properties([
        `A->B.topics = ${topic}`,
        'A->B.emit.checkpoints.enabled = false',
        'A->B.refresh.topics.interval.seconds = 2',
        `coordinator.config.topic = ${uniqueName('mm-config')}`,
        `lease.ttl.ms = ${TTL_MS}`,
        'lease.renew.interval.ms = 500',
        'lease.grace.ms = 500',
      ]),
    );
    const [controlPort] = await freePorts(1);
    const common = ['--config', configPath, '--host', '127.0.0.1', '--metrics-port', '0', '--insecure-plaintext'];
    const coordinator = await spawnService('coordinator', [...common, '--grpc-port', String(controlPort)]);
    services.push(coordinator);
    const mirror = (id: string) => spawnService('data-mirror', [...common, '--grpc-port', '0', '--coordinator', `127.0.0.1:${controlPort}`, '--instance-id', id]);
    const [dm1, dm2] = await Promise.all([mirror('dm-1'), mirror('dm-2')]);
    services.push(dm1!, dm2!);
    control = new ControlServiceClient(`127.0.0.1:${controlPort}`, grpc.credentials.createInsecure());

    let produced = 0;
    const write = async (count: number) => {
      await clusters.produce(
        'source',
        topic,
        Array.from({ length: count }, (_, i) => ({ partition: (produced + i) % PARTITIONS, key: null, value: Buffer.from(`r${produced + i}`) })),
      );
      produced += count;
    };
    const unitsOf = async (id: string) => (await listInstances(control)).instances.find((i) => i.instanceId === id)?.unitIds.length ?? 0;
    const partitionsOf = async (id: string) =>
      (await listInstances(control)).instances.find((i) => i.instanceId === id)?.unitIds.filter((u) => u.startsWith(`partition/A->B/${topic}/`)).length ?? 0;
    const pause = (s: SpawnedService) => s.process.kill('SIGSTOP');
    const resume = (s: SpawnedService) => s.process.kill('SIGCONT');

    await eventually('both data-mirrors hold partitions', async () => (await unitsOf('dm-1')) > 0 && (await unitsOf('dm-2')) > 0, 60_000);
    await write(400);

    // 1. The coordinator hangs for four TTLs: the workers stop their units and say they are unhealthy.
    pause(coordinator);
    await write(400);
    await eventually('both data-mirrors report 503 while the coordinator does not answer', async () => (await healthStatus(dm1!)) === 503 && (await healthStatus(dm2!)) === 503);
    await new Promise((r) => setTimeout(r, 4 * TTL_MS));
    resume(coordinator);
    await eventually('both data-mirrors rejoin and report 200', async () => (await unitsOf('dm-1')) > 0 && (await unitsOf('dm-2')) > 0 && (await healthStatus(dm1!)) === 200 && (await healthStatus(dm2!)) === 200, 60_000);
    await write(400);

    // 2. dm-1 hangs for four TTLs while dm-2 takes over; then dm-2 dies for good.
    pause(dm1!);
    await eventually('dm-2 holds every partition', async () => (await partitionsOf('dm-2')) === PARTITIONS, 30_000);
    await new Promise((r) => setTimeout(r, 2 * TTL_MS));
    resume(dm1!);
    await eventually('dm-1 is registered again', async () => (await listInstances(control)).instances.some((i) => i.instanceId === 'dm-1'), 60_000);
    await dm2!.stop('SIGKILL');
    await write(400);
    await eventually('dm-1 holds every partition', async () => (await partitionsOf('dm-1')) === PARTITIONS, 60_000);
    expect(await healthStatus(dm1!)).toBe(200);

    // Every record reached the target (at least once: a stopped unit may resend its last batch).
    const expected = new Set(Array.from({ length: produced }, (_, i) => `r${i}`));
    const seen = new Set<string>();
    await readUntil(
      clusters.target,
      remote,
      Array.from({ length: PARTITIONS }, (_, p) => p),
      (byPartition) => {
        for (const records of byPartition.values()) for (const r of records) seen.add(r.value!.toString());
        return [...expected].every((v) => seen.has(v));
      },
      90_000,
    );
    expect([...expected].filter((v) => !seen.has(v))).toEqual([]);
  });
});
