import type { ReplicationFlow } from './replication-flow';
import type { ReplicationPolicy } from './replication-policy';

/** `offset-syncs.topic.location`. */
export type OffsetSyncsTopicLocation = 'source' | 'target';

export interface OffsetSyncsTopicPlacement {
  /** Which cluster of the flow holds the topic. */
  readonly cluster: OffsetSyncsTopicLocation;
  readonly topic: string;
}

/** The topic is named after the *other* cluster of the flow than the one it lives on. */
export function offsetSyncsTopicPlacement(
  policy: ReplicationPolicy,
  flow: ReplicationFlow,
  location: OffsetSyncsTopicLocation = 'source',
): OffsetSyncsTopicPlacement {
  return location === 'source'
    ? { cluster: 'source', topic: policy.offsetSyncsTopic(flow.targetClusterAlias) }
    : { cluster: 'target', topic: policy.offsetSyncsTopic(flow.sourceClusterAlias) };
}

/**
 * Our offset-segments topic (the exact offset mapping; MM2 has none): on the same cluster as the
 * flow's offset-syncs topic and named after the other cluster the same way, so a reader of one
 * finds the other next to it. Always with dots, whatever the replication separator (as MM2's Connect
 * worker topics), so the name ends in `.internal` and every policy treats it as internal: no flow
 * mirrors it, Java MM2's included.
 */
export function offsetSegmentsTopicPlacement(flow: ReplicationFlow, location: OffsetSyncsTopicLocation = 'source'): OffsetSyncsTopicPlacement {
  const alias = location === 'source' ? flow.targetClusterAlias : flow.sourceClusterAlias;
  return { cluster: location, topic: `mirrormaker-offset-segments.${alias}.internal` };
}

/**
 * Topic configs of the offset-segments topic: deleted by time, never compacted (every record
 * holds different segments; compaction would keep only the latest per source partition).
 */
export function offsetSegmentsTopicConfigs(retentionMs: number): Readonly<Record<string, string>> {
  return { 'cleanup.policy': 'delete', 'retention.ms': String(retentionMs) };
}
