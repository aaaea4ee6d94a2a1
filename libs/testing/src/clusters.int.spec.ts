import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saslClientProperties } from './kafka-config';
import { runKafkaTool } from './kafka-distribution';
import { probeApiVersions } from './kafka-protocol';
import { renderProperties } from './properties';
import { testClusters, uniqueName } from './test-clusters';

function hostPort(bootstrap: string): [string, number] {
  const i = bootstrap.lastIndexOf(':');
  return [bootstrap.slice(0, i), Number(bootstrap.slice(i + 1))];
}

describe('test clusters', () => {
  const clusters = testClusters();
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mm-kafka-int-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function clientConfig(user: 'admin' | 'alice'): string {
    const file = join(dir, `${user}.properties`);
    writeFileSync(file, renderProperties(saslClientProperties(clusters.source.users[user])));
    return file;
  }

  it('are two distinct clusters answering on both listeners', async () => {
    expect(clusters.source.clusterId).not.toBe(clusters.target.clusterId);
    for (const c of [clusters.source, clusters.target]) {
      for (const bootstrap of [c.bootstrap, c.saslBootstrap]) {
        const [host, port] = hostPort(bootstrap);
        const answer = await probeApiVersions(host, port);
        expect(answer.errorCode).toBe(0);
        expect(answer.apiKeys.map((k) => k.apiKey)).toContain(18);
      }
    }
  });

  it('let admin create topics over SASL but deny alice without ACLs', async () => {
    const allowed = uniqueName('admin-topic');
    const admin = await runKafkaTool('topics', [
      '--bootstrap-server', clusters.source.saslBootstrap, '--command-config', clientConfig('admin'), '--create', '--topic', allowed,
    ]);
    expect(admin.stdout).toContain(`Created topic ${allowed}`);

    const alice = await runKafkaTool('topics', [
      '--bootstrap-server', clusters.source.saslBootstrap, '--command-config', clientConfig('alice'), '--create', '--topic', uniqueName('alice-topic'),
    ]);
    expect(alice.code).not.toBe(0);
    expect(alice.stdout + alice.stderr).toMatch(/Authorization failed/);

    const list = await runKafkaTool('topics', ['--bootstrap-server', clusters.source.bootstrap, '--list']);
    expect(list.stdout.split('\n')).toContain(allowed);
  }, 60_000);
});
