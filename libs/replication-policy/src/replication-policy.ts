export const HEARTBEATS_TOPIC = 'heartbeats';

/**
 * How topic names map between clusters, and how MM2's own topics are named.
 * Methods returning `null` mean "this is not a remote topic".
 */
export interface ReplicationPolicy {
  /** Name of `topic` from cluster `sourceClusterAlias` once copied to another cluster. */
  formatRemoteTopic(sourceClusterAlias: string, topic: string): string;
  /** Alias of the cluster the topic was copied from (one hop), or null if it is not remote. */
  topicSource(topic: string): string | null;
  /** Name of the topic one hop upstream (may itself be remote), or null if it is not remote. */
  upstreamTopic(topic: string): string | null;
  /** Name at the cluster where the topic was first produced, following every hop. */
  originalTopic(topic: string): string;
  heartbeatsTopic(): string;
  offsetSyncsTopic(clusterAlias: string): string;
  checkpointsTopic(clusterAlias: string): string;
  isHeartbeatsTopic(topic: string): boolean;
  isCheckpointsTopic(topic: string): boolean;
  isMM2InternalTopic(topic: string): boolean;
  /** Internal topics are never replicated. */
  isInternalTopic(topic: string): boolean;
}
