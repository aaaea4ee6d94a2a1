import { buildTestClustersInfo, TEST_CLUSTERS_ENV, testClusters, uniqueName } from './test-clusters';
import type { ClusterInfo } from './kafka-cluster';

describe('uniqueName', () => {
  it('is unique and valid as a topic or group name', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName('orders')));
    expect(names.size).toBe(1000);
    for (const n of names) {
      expect(n).toMatch(/^orders-[a-z0-9]+-[a-z0-9]+-[a-z0-9]+$/);
      expect(n.length).toBeLessThan(60);
    }
  });

  it('cleans the prefix', () => {
    expect(uniqueName('a b/c')).toMatch(/^a-b-c-/);
    expect(uniqueName('')).toMatch(/^test-/);
  });
});

describe('testClusters', () => {
  it('explains what to do when no clusters were started', () => {
    const saved = process.env[TEST_CLUSTERS_ENV];
    delete process.env[TEST_CLUSTERS_ENV];
    try {
      expect(() => testClusters()).toThrow(/MM_TEST_CLUSTERS is not set/);
    } finally {
      if (saved !== undefined) process.env[TEST_CLUSTERS_ENV] = saved;
    }
  });
});

describe('buildTestClustersInfo', () => {
  const info = (name: string, port: number): ClusterInfo => ({
    name,
    kafkaVersion: '4.3.1',
    clusterId: `id-${name}`,
    host: '127.0.0.1',
    ports: { plaintext: port, sasl: port + 1, controller: port + 2 },
    bootstrap: `127.0.0.1:${port}`,
    saslBootstrap: `127.0.0.1:${port + 1}`,
    controllerBootstrap: `127.0.0.1:${port + 2}`,
    saslMechanism: 'PLAIN',
    users: {
      admin: { username: 'admin', password: 'admin-secret' },
      alice: { username: 'alice', password: 'alice-secret' },
      bob: { username: 'bob', password: 'bob-secret' },
    },
    superUsers: ['admin'],
    pid: 1,
    dir: `/d/${name}`,
    dataDir: `/d/${name}/data`,
    logFile: `/d/${name}/server.log`,
    stdoutFile: `/d/${name}/stdout.log`,
    propertiesFile: `/d/${name}/server.properties`,
    classpathDir: '/c/libs',
    jvm: 'fast-start',
    detached: false,
    startedAt: '2026-01-01T00:00:00.000Z',
    startupMs: 1,
  });

  it('keeps only what tests need', () => {
    const built = buildTestClustersInfo(info('source', 19092), info('target', 29092), 'jest');
    expect(built.source.bootstrap).toBe('127.0.0.1:19092');
    expect(built.target.saslBootstrap).toBe('127.0.0.1:29093');
    expect(built.source.users.alice.password).toBe('alice-secret');
    expect(built.classpathDir).toBe('/c/libs');
    expect(built.startedBy).toBe('jest');
    expect(built.source).not.toHaveProperty('pid');
  });
});
