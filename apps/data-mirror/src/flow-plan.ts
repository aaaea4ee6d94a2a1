import { offsetStorageTopic, workerConfig, type FlowConfig, type MirrorConfig } from '@mirrormaker/config';
import { COMPRESSIONS, type Compression, type IsolationLevel } from '@mirrormaker/kafka';
import { createReplicationPolicy, offsetSyncsTopicPlacement, type ReplicationPolicy } from '@mirrormaker/replication-policy';
import { offsetResetOf, type OffsetReset } from './start-position';

/** A topic this service creates when it is missing (creation is idempotent: existing topics are left alone). */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** -1 = the broker's default.replication.factor. */
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

/** Kafka Connect's default partition count of its offsets topic (`offset.storage.partitions`). */
export const CONNECT_OFFSETS_PARTITIONS = 25;

/** Everything the data mirror derives from the configuration for one flow, computed once. */
export interface FlowPlan {
  readonly flow: FlowConfig;
  readonly name: string;
  readonly source: string;
  readonly target: string;
  readonly policy: ReplicationPolicy;
  readonly exactlyOnce: boolean;
  /** Source consumer isolation: read_committed with exactly-once; otherwise the consumer's `isolation.level` (Java default read_uncommitted, as MM2). */
  readonly isolationLevel: IsolationLevel;
  readonly offsetReset: OffsetReset;
  readonly warnings: readonly string[];
  /** `mm2-offsets.<source>.internal` on the target, where positions live. */
  readonly positionsTopic: TopicSpec;
  readonly heartbeatsTopic: TopicSpec;
  readonly heartbeatIntervalMs: number;
  readonly emitHeartbeats: boolean;
  readonly offsetSyncs: { readonly enabled: boolean; readonly cluster: 'source' | 'target'; readonly topic: TopicSpec };
  readonly offsetLagMax: bigint;
  /** Codec of the records we write to the target (`producer.compression.type`), none by default. */
  readonly compression: Compression;
  /**
   * Source fetch sizes, the bound on records held in memory: at most `fetchMaxBytes` per fetch
   * from one broker (`consumer.fetch.max.bytes`, 10 MiB here where Java defaults to 50 MiB) and
   * `partitionFetchMaxBytes` per partition (`consumer.max.partition.fetch.bytes`, 1 MiB as Java).
   */
  readonly fetchMaxBytes: number;
  readonly partitionFetchMaxBytes: number;
}

export const DEFAULT_FETCH_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_PARTITION_FETCH_MAX_BYTES = 1024 * 1024;

const COMPACT = Object.freeze({ 'cleanup.policy': 'compact' });

function positiveInt(text: string | undefined, fallback: number): number {
  const n = text === undefined ? NaN : Number(text.trim());
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function replicationFactor(text: string | undefined): number {
  const n = text === undefined ? NaN : Number(text.trim());
  return Number.isInteger(n) && (n > 0 || n === -1) ? n : -1;
}

export function planFlow(config: MirrorConfig, flow: FlowConfig): FlowPlan {
  const warnings: string[] = [];
  const policy = createReplicationPolicy({
    class: flow.replicationPolicy.class,
    separator: flow.replicationPolicy.separator,
    internalTopicSeparatorEnabled: flow.replicationPolicy.internalTopicSeparatorEnabled,
    sourceClusterAlias: flow.source,
  });
  const worker = workerConfig(config, flow);
  const exactlyOnce = flow.exactlyOnceEnabled;
  const consumerProps = flow.clients.source.consumer;
  const isolation = (consumerProps['isolation.level'] ?? 'read_uncommitted').trim().toLowerCase();
  const isolationLevel: IsolationLevel = exactlyOnce || isolation === 'read_committed' ? 'read_committed' : 'read_uncommitted';
  const reset = offsetResetOf(flow.consumerAutoOffsetReset);
  if (reset.warning) warnings.push(reset.warning);

  const fetchBytes = (key: string, fallback: number) => {
    const text = consumerProps[key];
    const n = positiveInt(text, 0);
    if (text !== undefined && n === 0) warnings.push(`consumer ${key}=${text} is not a positive integer; using ${fallback}`);
    return n || fallback;
  };
  const fetchMaxBytes = fetchBytes('fetch.max.bytes', DEFAULT_FETCH_MAX_BYTES);
  const partitionFetchMaxBytes = fetchBytes('max.partition.fetch.bytes', DEFAULT_PARTITION_FETCH_MAX_BYTES);

  const compressionText = (flow.clients.target.producer['compression.type'] ?? 'none').trim().toLowerCase();
  let compression: Compression = 'none';
  if ((COMPRESSIONS as readonly string[]).includes(compressionText)) compression = compressionText as Compression;
  else warnings.push(`producer compression.type=${compressionText} is not available here; records are written uncompressed`);

  const placement = offsetSyncsTopicPlacement(policy, { sourceClusterAlias: flow.source, targetClusterAlias: flow.target }, flow.offsetSyncsTopicLocation);
  return {
    flow,
    name: flow.name,
    source: flow.source,
    target: flow.target,
    policy,
    exactlyOnce,
    isolationLevel,
    offsetReset: reset.reset,
    warnings,
    positionsTopic: {
      name: offsetStorageTopic(config, flow),
      partitions: positiveInt(worker['offset.storage.partitions'], CONNECT_OFFSETS_PARTITIONS),
      // Connect's own default is 3, which a small cluster cannot satisfy; the broker default is
      // what an operator who did not set offset.storage.replication.factor most likely wants.
      replicationFactor: replicationFactor(worker['offset.storage.replication.factor']),
      configs: COMPACT,
    },
    heartbeatsTopic: { name: policy.heartbeatsTopic(), partitions: 1, replicationFactor: flow.heartbeatsTopicReplicationFactor, configs: COMPACT },
    heartbeatIntervalMs: Math.max(1, flow.emitHeartbeatsIntervalSeconds) * 1000,
    emitHeartbeats: flow.emitHeartbeatsEnabled,
    offsetSyncs: {
      enabled: flow.emitOffsetSyncsEnabled,
      cluster: placement.cluster,
      topic: { name: placement.topic, partitions: 1, replicationFactor: flow.offsetSyncsTopicReplicationFactor, configs: COMPACT },
    },
    offsetLagMax: BigInt(flow.offsetLagMax),
    compression,
    fetchMaxBytes,
    partitionFetchMaxBytes,
  };
}

/** Name of a source topic on the target. */
export function remoteTopicOf(plan: FlowPlan, topic: string): string {
  return plan.policy.formatRemoteTopic(plan.source, topic);
}

/**
 * Transactional id of a partition's copier in exactly-once mode. Derived from the unit alone, so
 * whichever instance holds the unit next uses the same id and fences the previous holder.
 */
export function transactionalIdOf(plan: FlowPlan, topic: string, partition: number): string {
  return `mirrormaker-${plan.name}-${topic}-${partition}`;
}
