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
