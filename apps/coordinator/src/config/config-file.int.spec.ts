import * as grpc from '@grpc/grpc-js';
import { createKafkaClient, KafkaAdmin, PartitionConsumer, type KafkaClient } from '@mirrormaker/kafka';
import { createLogger } from '@mirrormaker/observability';
import { ControlServiceClient } from '@mirrormaker/proto';
import { startService, type ServiceHandle } from '@mirrormaker/service-kit';
import { eventually, testClusters, uniqueName } from '@mirrormaker/testing';
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coordinatorService } from '../coordinator-service';
import { controlCall } from '../testing/control-call';

const logger = createLogger({ service: 'test', level: 'silent' });

const call = <Res>(client: ControlServiceClient, method: string, req: object) => controlCall<object, Res>(client, method, req);
const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (err: grpc.ServiceError) => err);

/** Every record value of the config topic, as the bytes Kafka holds (decoded as text). */
async function rawValues(client: KafkaClient, topic: string): Promise<string> {
  const admin = new KafkaAdmin(client);
  const end = (await admin.listOffsets(topic)).get(0)!;
  await admin.close();
  const values: string[] = [];
  const consumer = new PartitionConsumer(client, {
    handler: async (batch) => {
      for (const record of batch.records) values.push(`${record.key?.toString('utf8')}=${record.value?.toString('utf8')}`);
    },
  });
  try {
    await consumer.addPartitions([{ topic, partition: 0, offset: end.earliest }]);
    // Revisions are written in the leader's transactions: the end is a marker, not a record.
    await eventually('the end of the config topic', () => (consumer.position(topic, 0) ?? -1n) >= end.latest);
  } finally {
    await consumer.close();
  }
  return values.join('\n');
}

describe('coordinator config file and stored secrets against real clusters', () => {
  const { source, target } = testClusters();
  const configTopic = uniqueName('mm-config-secrets');
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'coordinator-secrets-')));
  const configPath = join(dir, 'mm2.properties');
  const secrets = { inFile: uniqueName('file-secret'), inSecretsFile: uniqueName('provided-secret'), viaApi: uniqueName('api-secret') };
  writeFileSync(join(dir, 'secrets.properties'), `truststore.password = ${secrets.inSecretsFile}\n`);
  const properties = (extra: string[] = []) =>
    [
      'clusters = source, target',
      `source.bootstrap.servers = ${source.bootstrap}`,
      `target.bootstrap.servers = ${target.bootstrap}`,
      'source->target.enabled = true',
      `source->target.topics = ${uniqueName('none')}`,
      'source->target.sync.topic.acls.enabled = false',
      'source->target.heartbeats.replication.enabled = false',
      'emit.heartbeats.enabled = false',
      `coordinator.config.topic = ${configTopic}`,
      ...extra,
      '',
    ].join('\n');

  const targetClient = createKafkaClient({ clusterAlias: 'target', brokers: [target.bootstrap], clientId: 'coordinator-secrets-test' }, logger);
  let coordinator: ServiceHandle;
  let control: ControlServiceClient;

  const listFlows = () => call<{ configRevision: bigint; flows: { settings: Record<string, string> }[] }>(control, 'listFlows', {});

  beforeAll(async () => {
    // A file with a secret written in clear text: accepted for running, never stored as such.
    writeFileSync(configPath, properties([`source.ssl.key.password = ${secrets.inFile}`]));
    coordinator = await startService(coordinatorService, ['--config', configPath, '--host', '127.0.0.1', '--grpc-port', '0', '--metrics-port', '0', '--insecure-plaintext'], {
      MM_LOG_LEVEL: 'silent',
    });
    control = new ControlServiceClient(`127.0.0.1:${coordinator.grpcPort}`, grpc.credentials.createInsecure());
    await eventually('first revision stored', async () => (await listFlows()).configRevision >= 1n);
  }, 60_000);

  afterAll(async () => {
    control?.close();
    await coordinator?.stop('test done');
  });

  it('stores the file with its clear-text secret as a reference to the file, not the secret', async () => {
    const stored = await rawValues(targetClient, configTopic);
    expect(stored).not.toContain(secrets.inFile);
    expect(stored).toContain(`\${file:${configPath}:source.ssl.key.password}`);
  });

  it('refuses ApplyConfig and PatchFlow with a clear-text secret, naming the key and the fix', async () => {
    const before = (await listFlows()).configRevision;
    const applied = await refusal(call(control, 'applyConfig', { config: { $case: 'properties', value: properties([`target.ssl.truststore.password = ${secrets.viaApi}`]) }, dryRun: false }));
    expect(applied?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(applied?.details).toContain('target.ssl.truststore.password holds a secret in clear text');
    expect(applied?.details).toContain('${file:');

    const patched = await refusal(call(control, 'patchFlow', { flow: { source: 'source', target: 'target' }, set: { 'consumer.ssl.keystore.password': secrets.viaApi }, unset: [] }));
    expect(patched?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(patched?.details).toContain('source->target.consumer.ssl.keystore.password');
    expect((await listFlows()).configRevision).toBe(before);
  });

  it('refuses a file reference outside the allowed directories, naming the path and the flag', async () => {
    const err = await refusal(call(control, 'applyConfig', { config: { $case: 'properties', value: properties(['target.ssl.truststore.password = ${file:/etc/passwd:root}']) }, dryRun: false }));
    expect(err?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(err?.details).toContain('/etc/passwd is outside the directories config providers may read');
    expect(err?.details).toContain(dir);
    expect(err?.details).toContain('--config-provider-dir');
  });

  it('accepts a reference into the directory of --config and stores the reference only', async () => {
    const applied = await call<{ configRevision: bigint }>(control, 'applyConfig', {
      config: { $case: 'properties', value: properties([`target.ssl.truststore.password = \${file:${join(dir, 'secrets.properties')}:truststore.password}`]) },
      dryRun: false,
    });
    expect((await listFlows()).configRevision).toBe(applied.configRevision);
    const stored = await rawValues(targetClient, configTopic);
    expect(stored).toContain('secrets.properties:truststore.password}');
    for (const secret of Object.values(secrets)) expect(stored).not.toContain(secret);
  });

  it('applies an edit of the --config file as a new revision, and refuses an invalid edit while the old one keeps running', async () => {
    const before = (await listFlows()).configRevision;
    writeFileSync(configPath, properties([`source.ssl.key.password = ${secrets.inFile}`, 'source->target.offset.lag.max = 77']));
    const edited = await eventually('edit applied', async () => {
      const res = await listFlows();
      return res.configRevision > before && res.flows[0]?.settings['offset.lag.max'] === '77' ? res : undefined;
    });

    writeFileSync(configPath, properties(['source->target.offset.lag.max = -1', 'source->nowhere.enabled = true']));
    await eventually('refusal counted', async () => {
      const metrics = await (await fetch(`http://127.0.0.1:${coordinator.metricsPort}/metrics`)).text();
      return /mirrormaker_coordinator_config_file_edits_total\{outcome="rejected"\} 1/.test(metrics);
    });
    const after = await listFlows();
    expect(after.configRevision).toBe(edited.configRevision);
    expect(after.flows[0]?.settings['offset.lag.max']).toBe('77');

    const stored = await rawValues(targetClient, configTopic);
    for (const secret of Object.values(secrets)) expect(stored).not.toContain(secret);
  });
});
