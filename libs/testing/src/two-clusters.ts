/** The usual test topology: two independent clusters, "source" and "target", started in parallel. */
import { DEFAULT_PORTS, type ClusterPorts, type JvmProfile } from './kafka-config';
import { ensureKafka } from './kafka-distribution';
import { KafkaCluster, listClusterDirs, stopClusterAt, type ClusterInfo } from './kafka-cluster';
import { defaultDataRoot } from './paths';
import { freePorts } from './process-util';

export interface TwoClustersOptions {
  /** Parent directory of source/ and target/ (default: MM_KAFKA_DATA or <repo>/.cache/kafka/clusters). */
  baseDir?: string;
  /** Explicit ports, or 'free' to let the kernel pick (default: DEFAULT_PORTS, 19092.. and 29092..). */
  ports?: { source: ClusterPorts; target: ClusterPorts } | 'free';
  detached?: boolean;
  jvm?: JvmProfile;
  keepData?: boolean;
  startTimeoutMs?: number;
  stopTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface TwoClusters {
  source: ClusterInfo;
  target: ClusterInfo;
  clusters: { source: KafkaCluster; target: KafkaCluster };
  /** Stops both (in parallel). */
  stopAll(): Promise<void>;
}

async function resolvePorts(ports: TwoClustersOptions['ports']): Promise<{ source: ClusterPorts; target: ClusterPorts }> {
  if (ports === 'free') {
    const avoid = [...Object.values(DEFAULT_PORTS.source), ...Object.values(DEFAULT_PORTS.target)];
    const [a, b, c, d, e, f] = (await freePorts(6, { avoid })) as [number, number, number, number, number, number];
    return { source: { plaintext: a, sasl: b, controller: c }, target: { plaintext: d, sasl: e, controller: f } };
  }
  return ports ?? { source: { ...DEFAULT_PORTS.source }, target: { ...DEFAULT_PORTS.target } };
}

/**
 * Starts source and target in parallel; if one fails, the other is stopped and the error thrown.
 * With ports 'free', a start that lost a port to another process in the meantime is retried once
 * on new ports.
 */
export async function startTwoClusters(options: TwoClustersOptions = {}): Promise<TwoClusters> {
  // One fetch up front, rather than two racing ones.
  await ensureKafka({ profile: 'broker', log: options.log });
  try {
    return await startOnce(options);
  } catch (err) {
    const lostPort = /already in use|BindException|Address already in use/.test((err as Error).message);
    if (options.ports !== 'free' || !lostPort) throw err;
    options.log?.(`a port was taken meanwhile; retrying on other ports`);
    return startOnce(options);
  }
}

async function startOnce(options: TwoClustersOptions): Promise<TwoClusters> {
  const ports = await resolvePorts(options.ports);
  const make = (name: 'source' | 'target'): KafkaCluster =>
    new KafkaCluster({
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
  const source = make('source');
  const target = make('target');
  const results = await Promise.allSettled([source.start(), target.start()]);
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    await Promise.allSettled([source.stop(), target.stop()]);
    const messages = failures.map((f) => (f.reason instanceof Error ? f.reason.message : String(f.reason)));
    throw new Error(messages.join('\n\n'));
  }
  const [s, t] = results as PromiseFulfilledResult<ClusterInfo>[];
  return {
    source: (s as PromiseFulfilledResult<ClusterInfo>).value,
    target: (t as PromiseFulfilledResult<ClusterInfo>).value,
    clusters: { source, target },
    stopAll: async () => {
      const stops = await Promise.allSettled([source.stop(), target.stop()]);
      const failed = stops.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

/**
 * Stops every cluster that has a state file under baseDir, whoever started it. Resolves to the
 * names of the clusters that were running.
 */
export async function stopAll(baseDir: string = defaultDataRoot(), options: { timeoutMs?: number; log?: (m: string) => void } = {}): Promise<string[]> {
  const dirs = listClusterDirs(baseDir);
  const results = await Promise.allSettled(dirs.map((dir) => stopClusterAt(dir, options)));
  const stopped: string[] = [];
  const errors: string[] = [];
  results.forEach((r, i) => {
    const name = (dirs[i] as string).split(/[\\/]/).pop() as string;
    if (r.status === 'fulfilled') {
      if (r.value) stopped.push(name);
    } else errors.push(`${name}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
  });
  if (errors.length > 0) throw new Error(`could not stop every cluster:\n${errors.join('\n')}`);
  return stopped;
}
