import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unitId } from '@mirrormaker/lease';
import { KafkaAdmin, KafkaProducer, createKafkaClient, type KafkaClient } from '@mirrormaker/kafka';
import { startTestCoordinator, type TestCoordinator } from '@mirrormaker/service-kit/testing';
import { KafkaCluster, eventually, freePorts, testClusters, uniqueName } from '@mirrormaker/testing';
import { flowProperties, readUntil, startMirror, testLogger, type InProcessMirror } from './testing/mirror-harness';

jest.setTimeout(240_000);

/**
 * A broker of either cluster restarts while records stream through the mirror. The shared test
 * clusters must stay up for the other test files, so a third, single-broker cluster of this file's
 * own (data kept across its restart) plays the restarted side: first the target, then the source.
 */
describe('data-mirror across a broker restart', () => {
  const dataRoot = mkdtempSync(join(tmpdir(), 'dm-restart-'));
  let cluster: KafkaCluster;
  let restartable: KafkaClient;
  let coordinator: TestCoordinator | undefined;
  let mirror: InProcessMirror | undefined;

  beforeAll(async () => {
    const [plaintext, sasl, controller] = (await freePorts(3)) as [number, number, number];
    cluster = new KafkaCluster({ name: 'restarted', ports: { plaintext, sasl, controller }, dataRoot, keepData: true });
    const info = await cluster.start();
    restartable = client('restarted', info.bootstrap);
  });

  afterEach(async () => {
    await mirror?.stop();
    await coordinator?.stop();
    mirror = undefined;
    coordinator = undefined;
  });

  afterAll(async () => {
    await cluster?.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  function client(alias: string, bootstrap: string): KafkaClient {
    return createKafkaClient({ clusterAlias: alias, brokers: [bootstrap], clientId: `dm-restart-${alias}`, retry: { retries: 5, initialRetryTimeMs: 200, maxRetryTimeMs: 2000 } }, testLogger);
  }

  /**
   * Streams records into every partition of the source, restarts `restarted` mid-stream, and checks
   * that every record reaches the target, in order (at-least-once: repeats are counted, not failed).
   */
  async function mirrorThroughRestart(options: { source: string; target: string; sourceClient: KafkaClient; targetClient: KafkaClient; config: string; sourceRestarts: boolean }) {
    const { source, target, sourceClient, targetClient } = options;
    const topic = uniqueName('dm-restart');
    const remote = `${source}.${topic}`;
    const partitions = 2;
    const sourceAdmin = new KafkaAdmin(sourceClient);
    const targetAdmin = new KafkaAdmin(targetClient);
    const producer = new KafkaProducer(sourceClient, { idempotent: true });
    try {
      await sourceAdmin.createTopics([{ name: topic, partitions, replicationFactor: 1 }]);
      await targetAdmin.createTopics([{ name: remote, partitions, replicationFactor: 1 }]);
      const flow = `${source}->${target}`;
      coordinator = await startTestCoordinator(Array.from({ length: partitions }, (_, p) => unitId({ kind: 'partition', flow, topic, partition: p })));
      mirror = await startMirror({ coordinator: coordinator.address, configText: options.config, instanceId: `dm-restart-${source}` });
      const positions = () => [...(coordinator!.manager.reportOf(mirror!.instanceId)?.progress.values() ?? [])].map((p) => p.position);

      // 10 records per partition every 40 ms until well after the restart. The stream holds back
      // while the source broker is away (a producer's problem, not the mirror's).
      let produced = 0;
      let sourceUp = true;
      let stopAt = Number.POSITIVE_INFINITY;
      const producing = (async () => {
        while (produced < stopAt) {
          if (!sourceUp) {
            await new Promise((r) => setTimeout(r, 50));
            continue;
          }
          const records = Array.from({ length: partitions }, (_, p) => Array.from({ length: 10 }, (_, i) => ({ partition: p, key: null, value: Buffer.from(`p${p}-${produced + i}`) }))).flat();
          await producer.send(topic, records);
          produced += 10;
          await new Promise((r) => setTimeout(r, 40));
        }
      })();

      await eventually('the mirror copying the stream', () => positions().filter((position) => position >= 100n).length === partitions, 60_000);
      if (options.sourceRestarts) {
        sourceUp = false;
        await new Promise((r) => setTimeout(r, 100)); // let a send in flight finish
      }
      await cluster.stop();
      await new Promise((r) => setTimeout(r, 2_000));
      await cluster.start();
      sourceUp = true;
      const restartedAt = produced;
      stopAt = restartedAt + 100;
      await producing;
      const perPartition = produced;

      const copied = await readUntil(
        targetClient,
        remote,
        Array.from({ length: partitions }, (_, p) => p),
        (got) => [...got.values()].every((records) => new Set(records.map((r) => r.value!.toString())).size >= perPartition),
        120_000,
      );
      let repeats = 0;
      for (let p = 0; p < partitions; p++) {
        const values = copied.get(p)!.map((r) => r.value!.toString());
        const firstSeen = [...new Set(values)];
        expect(firstSeen).toEqual(Array.from({ length: perPartition }, (_, i) => `p${p}-${i}`));
        repeats += values.length - firstSeen.length;
      }
      console.info(`restart of the ${options.sourceRestarts ? 'source' : 'target'} broker: ${partitions * perPartition} records, ${repeats} written twice`);
    } finally {
      await producer.close();
      await Promise.allSettled([sourceAdmin.close(), targetAdmin.close()]);
    }
  }

  it('resumes with no loss after the target broker restarts mid-stream', async () => {
    const shared = testClusters().source;
    const sourceClient = client('A', shared.bootstrap);
    await mirrorThroughRestart({
      source: 'A',
      target: 'R',
      sourceClient,
      targetClient: restartable,
      config: flowProperties({ alias: 'A', bootstrap: shared.bootstrap }, { alias: 'R', bootstrap: restartable.connection.brokers[0]! }),
      sourceRestarts: false,
    });
  });

  it('resumes with no loss after the source broker restarts mid-stream', async () => {
    const shared = testClusters().target;
    const targetClient = client('B', shared.bootstrap);
    await mirrorThroughRestart({
      source: 'R',
      target: 'B',
      sourceClient: restartable,
      targetClient,
      config: flowProperties({ alias: 'R', bootstrap: restartable.connection.brokers[0]! }, { alias: 'B', bootstrap: shared.bootstrap }),
      sourceRestarts: true,
    });
  });
});
