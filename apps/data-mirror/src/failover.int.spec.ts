import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unitId } from '@mirrormaker/lease';
import { spawnService, startTestCoordinator, type SpawnedService, type TestCoordinator } from '@mirrormaker/service-kit/testing';
import { eventually, uniqueName } from '@mirrormaker/testing';
import { Clusters, FLOW, mm2Properties, readUntil, startMirror, type InProcessMirror } from './testing/mirror-harness';

jest.setTimeout(150_000);

/**
 * kill -9 of the instance holding every partition while records stream in. At-least-once: every
 * record arrives, in order, and those after the victim's last stored position may arrive twice.
 * Exactly-once: the survivor fences the victim's transactions, and a read_committed reader sees
 * every record exactly once.
 */
describe.each([
  { mode: 'at-least-once', extra: [] as string[] },
  { mode: 'exactly-once', extra: [`${FLOW}.exactly.once.enabled = true`] },
])('data-mirror failover ($mode)', ({ mode, extra }) => {
  const clusters = new Clusters();
  const dir = mkdtempSync(join(tmpdir(), 'dm-failover-'));
  const victimId = `dm-victim-${mode}`;
  const survivorId = `dm-survivor-${mode}`;
  let coordinator: TestCoordinator | undefined;
  let victim: SpawnedService | undefined;
  let survivor: InProcessMirror | undefined;

  afterAll(async () => {
    if (victim && victim.process.exitCode === null && victim.process.signalCode === null) await victim.stop('SIGKILL');
    await survivor?.stop();
    await coordinator?.stop();
    await clusters.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('after an instance is killed mid-stream, the other continues once the lease expires and every record reaches the target in order', async () => {
    const topic = uniqueName('dm-failover');
    const remote = `A.${topic}`;
    const partitions = 3;
    const perPartition = 400;
    await clusters.createTopic('source', topic, partitions);
    await clusters.createTopic('target', remote, partitions);
    const units = Array.from({ length: partitions }, (_, p) => unitId({ kind: 'partition', flow: FLOW, topic, partition: p }));
    coordinator = await startTestCoordinator(units);
    const configPath = join(dir, 'mm2.properties');
    writeFileSync(configPath, mm2Properties(extra));

    victim = await spawnService('data-mirror', ['--config', configPath, '--coordinator', coordinator.address, '--instance-id', victimId, '--host', '127.0.0.1', '--grpc-port', '0', '--metrics-port', '0', '--insecure-plaintext']);
    const held = (instance: string) => [...coordinator!.holders().values()].filter((h) => h === instance).length;
    await eventually('the victim holds every unit', () => held(victimId) === partitions);

    const write = (from: number, count: number) =>
      clusters.produce(
        'source',
        topic,
        Array.from({ length: partitions }, (_, p) => Array.from({ length: count }, (_, i) => ({ partition: p, key: null, value: Buffer.from(`p${p}-${from + i}`) }))).flat(),
      );
    const positionsOf = (instance: string) => [...(coordinator!.manager.reportOf(instance)?.progress.values() ?? [])].map((p) => p.position);
    await write(0, 50);
    await eventually('the victim copying every partition', () => positionsOf(victimId).filter((position) => position >= 49n).length === partitions);
    survivor = await startMirror({ coordinator: coordinator.address, configText: mm2Properties(extra), instanceId: survivorId });

    // A steady stream into every partition; the victim dies in the middle of it.
    let produced = 50;
    const producing = (async () => {
      for (; produced < perPartition; produced += 10) {
        await write(produced, 10);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await eventually('the victim copying the stream', () => positionsOf(victimId).some((position) => position >= 100n));
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    expect(produced).toBeLessThan(perPartition); // killed mid-stream
    await producing;

    await eventually('the survivor holds every unit', () => held(survivorId) === partitions, 30_000);
    const takeoverMs = Date.now() - killedAt;
    // Everything is copied before the target is read, so a record written twice would be read too.
    await eventually(
      'the survivor copied every record',
      () => positionsOf(survivorId).filter((position) => position === BigInt(perPartition - 1)).length === partitions,
      60_000,
    );
    const copiedMs = Date.now() - killedAt;
    // read_committed: in exactly-once mode the victim's open transaction was aborted by the fence.
    const copied = await readUntil(clusters.target, remote, [0, 1, 2], (got) =>
      [0, 1, 2].every((p) => new Set(got.get(p)!.map((r) => r.value!.toString())).size >= perPartition),
    );

    let duplicates = 0;
    for (let p = 0; p < partitions; p++) {
      const values = copied.get(p)!.map((r) => r.value!.toString());
      const firstSeen = [...new Set(values)];
      expect(firstSeen).toEqual(Array.from({ length: perPartition }, (_, i) => `p${p}-${i}`)); // all there, in order
      duplicates += values.length - firstSeen.length;
    }
    if (mode === 'exactly-once') expect(duplicates).toBe(0);
    console.info(
      `failover (${mode}): ${partitions * perPartition} records, ${duplicates} duplicate(s) on the target, units taken over ${takeoverMs} ms and all copied ${copiedMs} ms after the kill`,
    );
  });
});
