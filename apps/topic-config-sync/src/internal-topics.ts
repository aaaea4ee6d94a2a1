import { offsetStorageTopicLayout, type FlowConfig, type FlowSide, type MirrorConfig } from '@mirrormaker/config';
import { offsetSegmentsTopicConfigs, offsetSegmentsTopicPlacement, offsetSyncsTopicPlacement, type ReplicationPolicy } from '@mirrormaker/replication-policy';

export type InternalTopicRole = 'heartbeats' | 'checkpoints' | 'offset-syncs' | 'offset-segments' | 'offsets' | 'coordinator-config';

/** A topic the services of a flow keep their own data in; created when missing, never altered. */
export interface InternalTopicSpec {
  readonly role: InternalTopicRole;
  readonly cluster: FlowSide;
  readonly name: string;
  readonly partitions: number;
  /** -1 = the broker's default.replication.factor. */
  readonly replicationFactor: number;
  readonly configs: Readonly<Record<string, string>>;
}

const COMPACT = Object.freeze({ 'cleanup.policy': 'compact' });

/**
 * The internal topics of one flow, on the cluster each belongs to (mm2.md §1):
 * - `heartbeats` on the target, when heartbeats are emitted;
 * - `<source>.checkpoints.internal` on the target, when checkpoints are emitted;
 * - the offset-syncs topic where `offset-syncs.topic.location` puts it, when syncs are emitted, and
 *   beside it our offset-segments topic (deleted by `offset.segments.retention.ms`, not compacted);
 * - the data mirror's positions, `mm2-offsets.<source>.internal` on the target, laid out as Kafka
 *   Connect's offsets topic (`offset.storage.partitions`, default 25);
 * - the coordinator's config topic, when the flow's target is the coordinator's home cluster.
 * All compacted but the offset segments; single-partition except the offsets topic.
 */
export function internalTopicSpecs(config: MirrorConfig, flow: FlowConfig, policy: ReplicationPolicy): InternalTopicSpec[] {
  const specs: InternalTopicSpec[] = [];
  const single = (role: InternalTopicRole, cluster: FlowSide, name: string, replicationFactor: number): InternalTopicSpec => ({
    role,
    cluster,
    name,
    partitions: 1,
    replicationFactor,
    configs: COMPACT,
  });
  if (flow.emitHeartbeatsEnabled) specs.push(single('heartbeats', 'target', policy.heartbeatsTopic(), flow.heartbeatsTopicReplicationFactor));
  if (flow.emitCheckpointsEnabled) {
    specs.push(single('checkpoints', 'target', policy.checkpointsTopic(flow.source), flow.checkpointsTopicReplicationFactor));
  }
  if (flow.emitOffsetSyncsEnabled) {
    const placement = offsetSyncsTopicPlacement(
      policy,
      { sourceClusterAlias: flow.source, targetClusterAlias: flow.target },
      flow.offsetSyncsTopicLocation,
    );
    specs.push(single('offset-syncs', placement.cluster, placement.topic, flow.offsetSyncsTopicReplicationFactor));
    const segments = offsetSegmentsTopicPlacement({ sourceClusterAlias: flow.source, targetClusterAlias: flow.target }, flow.offsetSyncsTopicLocation);
    specs.push({
      ...single('offset-segments', segments.cluster, segments.topic, flow.offsetSyncsTopicReplicationFactor),
      configs: offsetSegmentsTopicConfigs(flow.offsetSegmentsRetentionMs),
    });
  }
  specs.push({ role: 'offsets', cluster: 'target', ...offsetStorageTopicLayout(config, flow), configs: COMPACT });
  if (config.ours.coordinatorHomeCluster === flow.target) {
    // No key of its own sets this topic's replication factor: the broker's default applies.
    specs.push(single('coordinator-config', 'target', config.ours.coordinatorConfigTopic, -1));
  }
  return specs;
}
