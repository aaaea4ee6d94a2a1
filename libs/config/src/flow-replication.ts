import {
  createReplicationPolicy,
  DefaultConfigPropertyFilter,
  DefaultGroupFilter,
  DefaultTopicFilter,
  shouldReplicateTopic,
  type ConfigPropertyFilter,
  type GroupFilter,
  type ReplicationPolicy,
  type TopicFilter,
} from '@mirrormaker/replication-policy';
import type { FlowConfig } from './model';

/** A flow's replication rules as objects: policy, filters and the replicate decision. */
export interface FlowReplication {
  readonly policy: ReplicationPolicy;
  readonly topicFilter: TopicFilter;
  readonly groupFilter: GroupFilter;
  readonly configPropertyFilter: ConfigPropertyFilter;
  /** MM2's rule for a source topic on this flow: filter (or heartbeats), not internal, no cycle. */
  shouldReplicateTopic(topic: string): boolean;
  /** Name of a source topic on the target. */
  remoteTopic(topic: string): string;
}

export function flowReplication(flow: FlowConfig): FlowReplication {
  const policy = createReplicationPolicy({
    class: flow.replicationPolicy.class,
    separator: flow.replicationPolicy.separator,
    internalTopicSeparatorEnabled: flow.replicationPolicy.internalTopicSeparatorEnabled,
    sourceClusterAlias: flow.source,
  });
  const topicFilter = new DefaultTopicFilter({ topics: [...flow.topics], topicsExclude: [...flow.topicsExclude] });
  const rule = { policy, topicFilter, targetClusterAlias: flow.target, heartbeatsReplicationEnabled: flow.heartbeatsReplicationEnabled };
  return {
    policy,
    topicFilter,
    groupFilter: new DefaultGroupFilter({ groups: [...flow.groups], groupsExclude: [...flow.groupsExclude] }),
    configPropertyFilter: new DefaultConfigPropertyFilter({ configPropertiesExclude: [...flow.configPropertiesExclude], useDefaultsFrom: flow.useDefaultsFrom }),
    shouldReplicateTopic: (topic) => shouldReplicateTopic(rule, topic),
    remoteTopic: (topic) => policy.formatRemoteTopic(flow.source, topic),
  };
}
