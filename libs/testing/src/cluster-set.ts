/**
 * Any number of independent single-node clusters, named by the caller (e.g. east, west, central),
 * started in parallel. Two of them are the usual test topology (two-clusters.ts); the use-case
 * scenarios start a third or a fourth of their own once and share it between their tests.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PORTS, type ClusterPorts, type JvmProfile } from './kafka-config';
import { ensureKafka } from './kafka-distribution';
import { KafkaCluster, type ClusterInfo } from './kafka-cluster';
import { testRunsRoot } from './paths';
import { freePorts } from './process-util';
import { toConnection, uniqueName, type ClusterConnection } from './test-clusters';

export interface ClusterSetOptions<Name extends string> {
  /** Parent directory of one directory per cluster (default: MM_KAFKA_DATA or <repo>/.cache/kafka/clusters). */
  baseDir?: string;
  /** Explicit ports per cluster, or 'free' to let the kernel pick (the default). */
  ports?: Record<Name, ClusterPorts> | 'free';
  /** With ports 'free': these clusters also get a PROXIED listener and the port its proxy is to listen on (ClusterPorts.proxied). */
  proxied?: readonly Name[];
  detached?: boolean;
  jvm?: JvmProfile;
  keepData?: boolean;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface ClusterSet<Name extends string> {
  /** Connection state of each cluster as it was started. */
  info: Record<Name, ClusterInfo>;
  /** The clusters themselves: stop, kill or restart one of them. */
  clusters: Record<Name, KafkaCluster>;
  /** Stops every cluster (in parallel); throws the first failure after trying them all. */
  stopAll(): Promise<void>;
}

function checkRequest<Name extends string>(names: readonly Name[], ports: ClusterSetOptions<Name>['ports']): void {
  if (names.length === 0) throw new Error('startClusters needs at least one cluster name');
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) throw new Error(`cluster name '${duplicate}' is given twice; every cluster needs its own name`);
  if (ports !== undefined && ports !== 'free') {
    const missing = names.filter((n) => ports[n] === undefined);
    if (missing.length > 0) throw new Error(`no ports given for cluster(s) ${missing.join(', ')}: give ports for every name, or 'free'`);
  }
}

async function resolvePorts<Name extends string>(names: readonly Name[], ports: ClusterSetOptions<Name>['ports'], proxied: readonly Name[] = []): Promise<Record<Name, ClusterPorts>> {
  if (ports !== undefined && ports !== 'free') return ports;
  const avoid = [...Object.values(DEFAULT_PORTS.source), ...Object.values(DEFAULT_PORTS.target)];
  const picked = await freePorts(names.length * 5, { avoid });
  const result = {} as Record<Name, ClusterPorts>;
  names.forEach((name, i) => {
    const [plaintext, sasl, controller, proxiedPort, proxiedAdvertised] = picked.slice(i * 5, i * 5 + 5) as [number, number, number, number, number];
    result[name] = { plaintext, sasl, controller, ...(proxied.includes(name) ? { proxied: proxiedPort, proxiedAdvertised } : {}) };
  });
  return result;
}

/**
 * Starts one cluster per name in parallel; if one fails, the others are stopped and the errors
 * thrown together. With ports 'free', a start that lost a port to another process in the meantime
 * is retried once on new ports.
 */
export async function startClusters<Name extends string>(names: readonly Name[], options: ClusterSetOptions<Name> = {}): Promise<ClusterSet<Name>> {
  checkRequest(names, options.ports);
  // One fetch up front, rather than several racing ones.
  await ensureKafka({ profile: 'broker', log: options.log });
  try {
    return await startOnce(names, options);
  } catch (err) {
    const lostPort = /already in use|BindException|Address already in use/.test((err as Error).message);
    if ((options.ports !== undefined && options.ports !== 'free') || !lostPort) throw err;
    options.log?.(`a port was taken meanwhile; retrying on other ports`);
    return startOnce(names, options);
  }
}

async function startOnce<Name extends string>(names: readonly Name[], options: ClusterSetOptions<Name>): Promise<ClusterSet<Name>> {
  const ports = await resolvePorts(names, options.ports, options.proxied);
  const clusters = {} as Record<Name, KafkaCluster>;
  for (const name of names) {
    clusters[name] = new KafkaCluster({
      name,
      ports: ports[name],
      dataRoot: options.baseDir,
      detached: options.detached,
      jvm: options.jvm,
      keepData: options.keepData,
      startTimeoutMs: options.startTimeoutMs,
      stopTimeoutMs: options.stopTimeoutMs,
      log: options.log,
    });
  }
  const all = names.map((n) => clusters[n]);
  const stopAll = async (): Promise<void> => {
    const stops = await Promise.allSettled(all.map((c) => c.stop()));
    const failed = stops.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  const results = await Promise.allSettled(all.map((c) => c.start()));
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    await Promise.allSettled(all.map((c) => c.stop()));
    throw new Error(failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason))).join('\n\n'));
  }
  const info = {} as Record<Name, ClusterInfo>;
  names.forEach((name, i) => (info[name] = (results[i] as PromiseFulfilledResult<ClusterInfo>).value));
  return { info, clusters, stopAll };
}

export interface ExtraTestClusters<Name extends string> {
  /** What tests connect with, as testClusters() gives for source and target. */
  connections: Record<Name, ClusterConnection>;
  clusters: Record<Name, KafkaCluster>;
  /** Stops the clusters and removes their data (logs stay under the test runs directory). */
  stop(): Promise<void>;
}

/**
 * Clusters a test file starts for itself beside the two shared ones (call it in beforeAll, and
 * `stop()` in afterAll): free ports, a directory of their own under the test runs directory.
 */
export async function startExtraTestClusters<Name extends string>(names: readonly Name[], log?: (message: string) => void): Promise<ExtraTestClusters<Name>> {
  const baseDir = join(testRunsRoot(), uniqueName('extra'));
  const set = await startClusters(names, { baseDir, ports: 'free', log });
  const connections = {} as Record<Name, ClusterConnection>;
  for (const name of names) connections[name] = toConnection(set.info[name]);
  return {
    connections,
    clusters: set.clusters,
    stop: async () => {
      try {
        await set.stopAll();
      } finally {
        for (const name of names) rmSync(set.info[name].dataDir, { recursive: true, force: true });
      }
    },
  };
}
