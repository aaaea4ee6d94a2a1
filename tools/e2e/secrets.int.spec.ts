// Secrets given inline in the --config file, through ${env:...} and through ${file:...}, followed
// through a running coordinator and a worker process: none shows in their logs (at debug level),
// their command lines, or the control API's answers.
import * as grpc from '@grpc/grpc-js';
import { ControlServiceClient } from '@mirrormaker/proto';
import { spawnService, type SpawnedService } from '@mirrormaker/service-kit/testing';
import { eventually, freePorts, testClusters, uniqueName } from '@mirrormaker/testing';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patiently, rpc, testClusterDefaults, uniqueAlias, type InstanceView } from './running-system';

jest.setTimeout(120_000);

describe('secrets in a running system', () => {
  const clusters = testClusters();
  const [a, b] = [uniqueAlias('west'), uniqueAlias('east')];
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mm-e2e-secrets-')));
  const configPath = join(dir, 'mm2.properties');
  const secrets = { inline: uniqueName('inline-secret'), env: uniqueName('env-secret'), file: uniqueName('file-secret'), jaas: uniqueName('jaas-secret') };
  const env = { MM_LOG_LEVEL: 'debug', MM_E2E_TRUSTSTORE_PASSWORD: secrets.env, MM_E2E_JAAS_PASSWORD: secrets.jaas };
  const services: SpawnedService[] = [];
  let control: ControlServiceClient;

  beforeAll(async () => {
    writeFileSync(join(dir, 'secrets.properties'), `keystore.password = ${secrets.file}\n`);
    writeFileSync(
      configPath,
      [
        `clusters = ${a}, ${b}`,
        `${a}.bootstrap.servers = ${clusters.source.bootstrap}`,
        `${b}.bootstrap.servers = ${clusters.target.bootstrap}`,
        `${a}->${b}.enabled = true`,
        `${a}->${b}.topics = ${uniqueName('nothing')}`,
        `${a}->${b}.sync.topic.acls.enabled = false`,
        'emit.heartbeats.enabled = false',
        `${a}.ssl.key.password = ${secrets.inline}`,
        `${b}.ssl.truststore.password = \${env:MM_E2E_TRUSTSTORE_PASSWORD}`,
        `${a}.ssl.keystore.password = \${file:${join(dir, 'secrets.properties')}:keystore.password}`,
        `${b}.admin.sasl.jaas.config = org.apache.kafka.common.security.plain.PlainLoginModule required username="mm" password="\${env:MM_E2E_JAAS_PASSWORD}";`,
        ...testClusterDefaults(),
        '',
      ].join('\n'),
    );
    const [controlPort, workerPort] = await freePorts(2);
    const common = ['--host', '127.0.0.1', '--metrics-port', '0', '--insecure-plaintext'];
    services.push(await spawnService('coordinator', ['--config', configPath, ...common, '--grpc-port', String(controlPort)], env));
    // The worker resolves the references itself, so it may read the secrets file's directory too.
    const worker = [...common, '--grpc-port', String(workerPort), '--coordinator', `127.0.0.1:${controlPort}`, '--config-provider-dir', dir];
    services.push(await spawnService('topic-config-sync', worker, env));
    control = new ControlServiceClient(`127.0.0.1:${controlPort}`, grpc.credentials.createInsecure());
    await eventually(
      'the worker running the first revision',
      async () => (await rpc<{ instances: InstanceView[] }>(control, 'listInstances', {})).instances.some((i) => i.appliedConfigRevision >= 1n),
      patiently,
    );
  });

  afterAll(async () => {
    control?.close();
    await Promise.all(services.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  const leaked = (text: string) => Object.entries(secrets).filter(([, secret]) => text.includes(secret)).map(([where]) => where);
  const json = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

  it('keeps them out of GetFlow, ListFlows and GetStatus', async () => {
    const answers = await Promise.all([
      rpc(control, 'getFlow', { flow: { source: a, target: b } }),
      rpc(control, 'listFlows', {}),
      rpc(control, 'getStatus', { flows: [] }),
    ]);
    expect(json(answers)).toContain('[redacted]');
    expect(leaked(json(answers))).toEqual([]);
  });

  it('keeps them out of every log line, at debug level, of the coordinator and the worker', () => {
    for (const service of services) {
      expect(service.logs.length).toBeGreaterThan(0);
      expect(leaked(json(service.logs) + service.stderr())).toEqual([]);
    }
  });

  it('keeps them out of the processes\' command lines', () => {
    for (const service of services) {
      const cmdline = readFileSync(`/proc/${service.process.pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      expect(cmdline).toContain('--');
      expect(leaked(cmdline)).toEqual([]);
    }
  });
});
