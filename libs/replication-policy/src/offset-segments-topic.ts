import type { OffsetSyncsTopicLocation, OffsetSyncsTopicPlacement } from './offset-syncs-topic';
import type { ReplicationFlow } from './replication-flow';

/**
 * Our exact offset mapping (see @mirrormaker/offset-translation OffsetSegment) lives beside MM2's
 * offset syncs: on the same cluster, named after the same alias (the other cluster of the flow).
 * The `.internal` suffix keeps it out of every replication and checkpoint.
 */
export function offsetSegmentsTopicPlacement(flow: ReplicationFlow, location: OffsetSyncsTopicLocation = 'source'): OffsetSyncsTopicPlacement {
  const alias = location === 'source' ? flow.targetClusterAlias : flow.sourceClusterAlias;
  return { cluster: location, topic: `mirrormaker-offset-segments.${alias}.internal` };
}
