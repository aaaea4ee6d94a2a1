import { flowReplication, type FlowConfig } from '@mirrormaker/config';
import type { AclMappingContext, GroupFilter } from '@mirrormaker/replication-policy';

/** Which ACLs a flow copies and how it renames them. */
export interface AclRules {
  readonly mapping: AclMappingContext;
  /** Set only when group ACLs are copied too (our opt-in, see group-acl-setting). */
  readonly groupFilter: GroupFilter | null;
}

export function aclRules(flow: FlowConfig, copyGroupAcls: boolean): AclRules {
  const replication = flowReplication(flow);
  return {
    mapping: { policy: replication.policy, sourceClusterAlias: flow.source, shouldReplicateTopic: (topic) => replication.shouldReplicateTopic(topic) },
    groupFilter: copyGroupAcls ? replication.groupFilter : null,
  };
}
