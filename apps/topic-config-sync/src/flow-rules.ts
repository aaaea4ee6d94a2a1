import { flowReplication, type FlowConfig } from '@mirrormaker/config';
import type { ConfigPropertyFilter, ReplicationPolicy } from '@mirrormaker/replication-policy';

/** The flow's naming and filtering decisions, built once per unit. */
export interface FlowRules {
  readonly policy: ReplicationPolicy;
  /** MM2's rule for a source topic: topic filter (heartbeats bypass it), not internal, no cycle. */
  replicates(sourceTopic: string): boolean;
  remoteTopic(sourceTopic: string): string;
  readonly configFilter: ConfigPropertyFilter;
}

export function flowRules(flow: FlowConfig): FlowRules {
  const replication = flowReplication(flow);
  return {
    policy: replication.policy,
    replicates: (topic) => replication.shouldReplicateTopic(topic),
    remoteTopic: (topic) => replication.remoteTopic(topic),
    configFilter: replication.configPropertyFilter,
  };
}
