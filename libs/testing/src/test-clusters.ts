/**
 * What tests see of the clusters: connection info read from the JSON file named by
 * MM_TEST_CLUSTERS (written by the jest global setup or by `npm run kafka -- up`), and unique names.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { SaslUser } from './kafka-config';
import type { ClusterInfo } from './kafka-cluster';

export const TEST_CLUSTERS_ENV = 'MM_TEST_CLUSTERS';

export interface ClusterConnection {
  name: string;
  clusterId: string;
  /** PLAINTEXT bootstrap, "127.0.0.1:port": no authentication, super user. */
  bootstrap: string;
  /** SASL_PLAINTEXT bootstrap, mechanism PLAIN. */
  saslBootstrap: string;
  controllerBootstrap: string;
  saslMechanism: 'PLAIN';
  /** admin (super user), alice and bob (subject to ACLs), plus any extra users. */
  users: { admin: SaslUser; alice: SaslUser; bob: SaslUser } & Record<string, SaslUser>;
  logFile: string;
  dataDir: string;
}

export interface TestClustersInfo {
  kafkaVersion: string;
  /** Who started the clusters: 'jest' (global setup) or 'cli'. */
  startedBy: string;
  source: ClusterConnection;
  target: ClusterConnection;
  /** Directory of the Kafka jars (java -cp '<dir>/*'), for tests that run Kafka tools. */
  classpathDir: string;
}

/** The connection part of a cluster's state. */
export function toConnection(info: ClusterInfo): ClusterConnection {
  const { admin, alice, bob } = info.users;
  if (!admin || !alice || !bob) throw new Error(`cluster '${info.name}' lacks one of the users admin, alice, bob`);
  return {
    name: info.name,
    clusterId: info.clusterId,
    bootstrap: info.bootstrap,
    saslBootstrap: info.saslBootstrap,
    controllerBootstrap: info.controllerBootstrap,
    saslMechanism: info.saslMechanism,
    users: { ...info.users, admin, alice, bob },
    logFile: info.logFile,
    dataDir: info.dataDir,
  };
}

export function buildTestClustersInfo(source: ClusterInfo, target: ClusterInfo, startedBy: string): TestClustersInfo {
  return {
    kafkaVersion: source.kafkaVersion,
    startedBy,
    source: toConnection(source),
    target: toConnection(target),
    classpathDir: source.classpathDir,
  };
}

export function writeTestClustersFile(path: string, info: TestClustersInfo): void {
  writeFileSync(path, JSON.stringify(info, null, 2) + '\n');
}

let cached: { path: string; info: TestClustersInfo } | undefined;

/** Connection info of the test clusters. Throws with instructions when none were started. */
export function testClusters(): TestClustersInfo {
  const path = process.env[TEST_CLUSTERS_ENV];
  if (!path) {
    throw new Error(
      `${TEST_CLUSTERS_ENV} is not set, so there are no Kafka clusters for this test. Run integration tests through jest ` +
        `(the integration project's global setup starts them), or start them with \`npm run kafka -- up\` and ` +
        `export ${TEST_CLUSTERS_ENV} as it prints.`,
    );
  }
  if (cached?.path === path) return cached.info;
  let info: TestClustersInfo;
  try {
    info = JSON.parse(readFileSync(path, 'utf8')) as TestClustersInfo;
  } catch (err) {
    throw new Error(`cannot read the cluster info ${TEST_CLUSTERS_ENV}=${path}: ${(err as Error).message}`);
  }
  if (!info.source?.bootstrap || !info.target?.bootstrap) throw new Error(`${path} does not describe a source and a target cluster`);
  cached = { path, info };
  return info;
}

let counter = 0;

/**
 * A name no other test (in this or another process) uses: `<prefix>-<time>-<pid>-<counter><random>`,
 * made of characters valid in topic, group and ACL resource names, well under the 249-character limit.
 */
export function uniqueName(prefix = 'test'): string {
  const clean = prefix.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 100) || 'test';
  counter += 1;
  return `${clean}-${Date.now().toString(36)}-${process.pid.toString(36)}-${counter.toString(36)}${randomBytes(2).toString('hex')}`;
}
