/** The usual test topology: two independent clusters, "source" and "target", started in parallel. */
import { startClusters } from './cluster-set';
import { DEFAULT_PORTS, type ClusterPorts, type JvmProfile } from './kafka-config';
import { KafkaCluster, listClusterDirs, stopClusterAt, type ClusterInfo } from './kafka-cluster';
import { defaultDataRoot } from './paths';

export interface TwoClustersOptions {
  /** Parent directory of source/ and target/ (default: MM_KAFKA_DATA or <repo>/.cache/kafka/clusters). */
  baseDir?: string;
  /** Explicit ports, or 'free' to let the kernel pick (default: DEFAULT_PORTS, 19092.. and 29092..). */
  ports?: { source: ClusterPorts; target: ClusterPorts } | 'free';
  /** With ports 'free': the source also gets a PROXIED listener (see ClusterPorts.proxied). */
  proxiedSource?: boolean;
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

/**
 * Starts source and target in parallel (startClusters with the two names); if one fails, the other
 * is stopped and the error thrown. With ports 'free', a start that lost a port to another process
 * in the meantime is retried once on new ports.
 */
export async function startTwoClusters(options: TwoClustersOptions = {}): Promise<TwoClusters> {
  const ports = options.ports === 'free' ? 'free' : (options.ports ?? { source: { ...DEFAULT_PORTS.source }, target: { ...DEFAULT_PORTS.target } });
  const set = await startClusters(['source', 'target'] as const, { ...options, ports, proxied: options.proxiedSource ? ['source'] : [] });
  return { source: set.info.source, target: set.info.target, clusters: set.clusters, stopAll: set.stopAll };
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
