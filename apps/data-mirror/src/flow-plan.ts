import {
  mirrorConsumerSettings,
  mirrorProducerSettings,
  offsetFlushIntervalMs,
  offsetStorageTopicLayout,
  type FlowConfig,
  type MirrorConfig,
  type MirrorConsumerSettings,
  type MirrorProducerSettings,
} from '@mirrormaker/config';
import type { IsolationLevel } from '@mirrormaker/kafka';
import { createReplicationPolicy, offsetSegmentsTopicConfigs, offsetSegmentsTopicPlacement, offsetSyncsTopicPlacement, type ReplicationPolicy } from '@mirrormaker/replication-policy';
import { offsetResetOf, type OffsetReset } from './start-position';

/** A topic this service creates when it is missing (creation is idempotent: existing topics are left alone). */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  /** -1 = the broker's default.replication.factor. */
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
  /**
   * Its records must stay until retention drops them: an existing topic that compacts is refused
   * (an error naming the fix), never altered.
   */
  readonly keepsHistory?: boolean;
}

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
  /** At-least-once: positions are stored this often (`offset.flush.interval.ms` of the target cluster). */
  readonly positionFlushIntervalMs: number;
  readonly heartbeatsTopic: TopicSpec;
  readonly heartbeatIntervalMs: number;
  readonly emitHeartbeats: boolean;
  readonly offsetSyncs: { readonly enabled: boolean; readonly cluster: 'source' | 'target'; readonly topic: TopicSpec };
  readonly offsetLagMax: bigint;
  /**
   * Our exact offset mapping (`mirrormaker-offset-segments.<alias>.internal`), on the cluster of the
   * offset-syncs topic and written with its producer; on exactly when offset syncs are, since the
   * offset-sync service translates only for flows that emit offset syncs.
   */
  readonly offsetSegments: { readonly enabled: boolean; readonly cluster: 'source' | 'target'; readonly topic: TopicSpec };
  /** The source consumer's keys we apply: fetch sizes and waits, client id, rack, records per round. */
  readonly consumer: MirrorConsumerSettings;
  /** The target producer's keys we apply to copied records: acks, request size, codec, client id. */
  readonly producer: MirrorProducerSettings;
}

const COMPACT = Object.freeze({ 'cleanup.policy': 'compact' });

export function planFlow(config: MirrorConfig, flow: FlowConfig): FlowPlan {
  const warnings: string[] = [];
  const policy = createReplicationPolicy({
    class: flow.replicationPolicy.class,
    separator: flow.replicationPolicy.separator,
    internalTopicSeparatorEnabled: flow.replicationPolicy.internalTopicSeparatorEnabled,
    sourceClusterAlias: flow.source,
  });
  const exactlyOnce = flow.exactlyOnceEnabled;
  const consumerProps = flow.clients.source.consumer;
  const isolation = (consumerProps['isolation.level'] ?? 'read_uncommitted').trim().toLowerCase();
  const isolationLevel: IsolationLevel = exactlyOnce || isolation === 'read_committed' ? 'read_committed' : 'read_uncommitted';
  const reset = offsetResetOf(flow.consumerAutoOffsetReset);
  if (reset.warning) warnings.push(reset.warning);

  const aliases = { sourceClusterAlias: flow.source, targetClusterAlias: flow.target };
  const placement = offsetSyncsTopicPlacement(policy, aliases, flow.offsetSyncsTopicLocation);
  const segments = offsetSegmentsTopicPlacement(aliases, flow.offsetSyncsTopicLocation);
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
    positionsTopic: { ...offsetStorageTopicLayout(config, flow), configs: COMPACT },
    positionFlushIntervalMs: offsetFlushIntervalMs(config, flow),
    heartbeatsTopic: { name: policy.heartbeatsTopic(), partitions: 1, replicationFactor: flow.heartbeatsTopicReplicationFactor, configs: COMPACT },
    heartbeatIntervalMs: Math.max(1, flow.emitHeartbeatsIntervalSeconds) * 1000,
    emitHeartbeats: flow.emitHeartbeatsEnabled,
    offsetSyncs: {
      enabled: flow.emitOffsetSyncsEnabled,
      cluster: placement.cluster,
      topic: { name: placement.topic, partitions: 1, replicationFactor: flow.offsetSyncsTopicReplicationFactor, configs: COMPACT },
    },
    offsetSegments: {
      enabled: flow.emitOffsetSyncsEnabled,
      cluster: segments.cluster,
      topic: {
        name: segments.topic,
        // One partition, like the offset-syncs topic: readers follow partition 0 only.
        partitions: 1,
        replicationFactor: flow.offsetSyncsTopicReplicationFactor,
        configs: offsetSegmentsTopicConfigs(flow.offsetSegmentsRetentionMs),
        keepsHistory: true,
      },
    },
    offsetLagMax: BigInt(flow.offsetLagMax),
    consumer: mirrorConsumerSettings(flow),
    producer: mirrorProducerSettings(flow),
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

/**
 * What this service's units of a flow run on: the plan, the flow's client settings and both of its
 * clusters. Settings only other services read (topic and group filters, checkpoints, group offset,
 * topic config and ACL sync, refresh intervals) leave it unchanged, so a revision that changes
 * only those does not restart thousands of partition units. Units read the flow only through
 * their runtime's plan and clients, which is what this covers.
 */
export function dataMirrorFingerprint(config: MirrorConfig, flowName: string): string | undefined {
  const flow = config.flows.find((f) => f.name === flowName);
  if (!flow) return undefined;
  // Left out: the whole flow, text, and an object built from replicationPolicy
  const { flow: _flow, warnings: _warnings, policy: _policy, ...plan } = planFlow(config, flow);
  return JSON.stringify(
    {
      plan,
      replicationPolicy: flow.replicationPolicy,
      clients: flow.clients,
      metricsPartitionLabelEnabled: flow.metricsPartitionLabelEnabled,
      source: config.clusters[flow.source],
      target: config.clusters[flow.target],
    },
    (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
  );
}
