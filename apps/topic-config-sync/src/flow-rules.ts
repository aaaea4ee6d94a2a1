import type { FlowConfig } from '@mirrormaker/config';
import {
  DefaultConfigPropertyFilter,
  DefaultTopicFilter,
  createReplicationPolicy,
  shouldReplicateTopic,
  type ConfigPropertyFilter,
  type ReplicationPolicy,
} from '@mirrormaker/replication-policy';

/** The flow's naming and filtering decisions, built once per unit. */
export interface FlowRules {
  readonly policy: ReplicationPolicy;
  /** MM2's rule for a source topic: topic filter (heartbeats bypass it), not internal, no cycle. */
  replicates(sourceTopic: string): boolean;
  remoteTopic(sourceTopic: string): string;
  readonly configFilter: ConfigPropertyFilter;
}

export function flowRules(flow: FlowConfig): FlowRules {
  const policy = createReplicationPolicy({
    class: flow.replicationPolicy.class,
    separator: flow.replicationPolicy.separator,
    internalTopicSeparatorEnabled: flow.replicationPolicy.internalTopicSeparatorEnabled,
    sourceClusterAlias: flow.source,
  });
  const rule = {
    policy,
    topicFilter: new DefaultTopicFilter({ topics: flow.topics, topicsExclude: flow.topicsExclude }),
    targetClusterAlias: flow.target,
    heartbeatsReplicationEnabled: flow.heartbeatsReplicationEnabled,
  };
  return {
    policy,
    replicates: (topic) => shouldReplicateTopic(rule, topic),
    remoteTopic: (topic) => policy.formatRemoteTopic(flow.source, topic),
    configFilter: new DefaultConfigPropertyFilter({ configPropertiesExclude: flow.configPropertiesExclude, useDefaultsFrom: flow.useDefaultsFrom }),
  };
}
