import type { ReplicationFlow } from './replication-flow';
import type { ReplicationPolicy } from './replication-policy';

/**
 * Target-side topic a checkpoint refers to, for a group's committed offset on source topic `topic`.
 * A topic that originally came from the target maps back to its original name (fail-back);
 * every other topic gets the remote name.
 */
export function checkpointTopicName(policy: ReplicationPolicy, topic: string, flow: ReplicationFlow): string {
  return policy.topicSource(topic) === flow.targetClusterAlias
    ? policy.originalTopic(topic)
    : policy.formatRemoteTopic(flow.sourceClusterAlias, topic);
}
