import type { ReplicationPolicy } from './replication-policy';
import type { TopicFilter } from './topic-filter';

/**
 * True if the topic already passed through the target cluster somewhere along its chain of hops, so
 * copying it there again would loop. Stops when the policy cannot name an older hop (the identity
 * policy reports a topic as its own upstream), which is why that policy has no cycle protection.
 */
export function isCycle(policy: ReplicationPolicy, topic: string, targetClusterAlias: string): boolean {
  let current = topic;
  for (;;) {
    const source = policy.topicSource(current);
    if (source === null) {
      return false;
    }
    if (source === targetClusterAlias) {
      return true;
    }
    const upstream = policy.upstreamTopic(current);
    if (upstream === null || upstream === current) {
      return false;
    }
    current = upstream;
  }
}

export interface TopicReplicationRule {
  readonly policy: ReplicationPolicy;
  readonly topicFilter: TopicFilter;
  readonly targetClusterAlias: string;
  /** `heartbeats.replication.enabled`: heartbeat topics bypass the topic filter. @default true */
  readonly heartbeatsReplicationEnabled?: boolean;
}

/** MirrorSourceConnector's decision for a source-cluster topic. */
export function shouldReplicateTopic(rule: TopicReplicationRule, topic: string): boolean {
  const { policy } = rule;
  const selected =
    rule.topicFilter.shouldReplicateTopic(topic) ||
    ((rule.heartbeatsReplicationEnabled ?? true) && policy.isHeartbeatsTopic(topic));
  return selected && !policy.isInternalTopic(topic) && !isCycle(policy, topic, rule.targetClusterAlias);
}
