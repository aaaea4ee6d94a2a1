import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnService, startTestCoordinator, type SpawnedService, type TestCoordinator } from '@mirrormaker/service-kit/testing';
import { KafkaCluster, eventually, freePorts, testClusters, uniqueName } from '@mirrormaker/testing';

jest.setTimeout(180_000);

/**
 * MM2 turns ACL sync on by default, and many clusters run without an authorizer. There the
 * broker answers every ACL request with SECURITY_DISABLED; the on-call person should read that
 * once, as a warning, not as an error every interval. The shared test clusters have an
 * authorizer, so this file starts its own source cluster without one.
 */
describe('acl-sync against a source cluster without an authorizer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'acl-no-authorizer-'));
  const S = uniqueName('noauthS');
  const T = uniqueName('noauthT');
  const flow = `${S}->${T}`;
  let cluster: KafkaCluster;
  let coordinator: TestCoordinator | undefined;
  let service: SpawnedService | undefined;

  beforeAll(async () => {
    const [plaintext, sasl, controller] = (await freePorts(3)) as [number, number, number];
    cluster = new KafkaCluster({
      name: 'no-authorizer',
      ports: { plaintext, sasl, controller },
      dataRoot: dir,
      brokerOverrides: { 'authorizer.class.name': undefined, 'super.users': undefined, 'allow.everyone.if.no.acl.found': undefined },
    });
    const info = await cluster.start();
    const configPath = join(dir, 'mm2.properties');
    writeFileSync(
      configPath,
      [
        `clusters = ${S}, ${T}`,
        `${S}.bootstrap.servers = ${info.bootstrap}`,
        `${T}.bootstrap.servers = ${testClusters().target.bootstrap}`,
        `${flow}.enabled = true`,
        // sync.topic.acls.enabled is left at its default (true)
        'sync.topic.acls.interval.seconds = 1',
      ].join('\n'),
    );
    coordinator = await startTestCoordinator([`acls/${flow}`]);
    service = await spawnService('acl-sync', [
      '--config', configPath,
      '--coordinator', coordinator.address,
      '--host', '127.0.0.1',
      '--grpc-port', '0',
      '--metrics-port', '0',
      '--insecure-plaintext',
      '--log-level', 'info',
      '--instance-id', 'acl-no-authorizer',
    ]);
  });

  afterAll(async () => {
    await service?.stop();
    await coordinator?.stop();
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says once, at warn, that ACL sync has nothing to do, and logs no error while it keeps checking', async () => {
    const runs = async () => {
      const text = await (await fetch(`http://127.0.0.1:${service!.metricsPort}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('mirrormaker_unit_run_duration_seconds_count{') && l.includes(`unit="acls/${flow}"`));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    await eventually('at least four ACL sync runs', async () => (await runs()) >= 4, { timeoutMs: 60_000 });
    const logs = service!.logs;
    const nothingToDo = logs.filter((l) => typeof l.msg === 'string' && l.msg.includes('ACL sync has nothing to do'));
    expect(nothingToDo).toEqual([expect.objectContaining({ level: 'warn', cluster: S, cause: 'SECURITY_DISABLED' })]);
    expect(String(nothingToDo[0]!.msg)).toContain(`set ${flow}.sync.topic.acls.enabled = false`);
    expect(logs.filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);
    expect(logs.length).toBeGreaterThan(nothingToDo.length); // the log is read as the service writes it
    const health = (await (await fetch(`http://127.0.0.1:${service!.metricsPort}/healthz`)).json()) as { details: { units: Record<string, { state: string }> } };
    expect(health.details.units[`acls/${flow}`]).toMatchObject({ state: 'idle' });
  });
});
