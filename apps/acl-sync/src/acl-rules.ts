import type { FlowConfig } from '@mirrormaker/config';
import {
  DefaultGroupFilter,
  DefaultTopicFilter,
  createReplicationPolicy,
  shouldReplicateTopic,
  type AclMappingContext,
  type GroupFilter,
} from '@mirrormaker/replication-policy';

/** Which ACLs a flow copies and how it renames them. */
export interface AclRules {
  readonly mapping: AclMappingContext;
  /** Set only when group ACLs are copied too (our opt-in, see group-acl-setting). */
  readonly groupFilter: GroupFilter | null;
}

export function aclRules(flow: FlowConfig, copyGroupAcls: boolean): AclRules {
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
    mapping: { policy, sourceClusterAlias: flow.source, shouldReplicateTopic: (topic) => shouldReplicateTopic(rule, topic) },
    groupFilter: copyGroupAcls ? new DefaultGroupFilter({ groups: flow.groups, groupsExclude: flow.groupsExclude }) : null,
  };
}
