import { flowReplication, type FlowConfig } from '@mirrormaker/config';
import type { KafkaAdmin } from '@mirrormaker/kafka';
import { shouldCheckpointGroup } from '@mirrormaker/replication-policy';
import type { DiscoveredTopic } from './flow-discovery-result';

/**
 * One discovery pass of a flow against its source cluster: the topics MM2 would replicate with
 * their partition counts, and the consumer groups MM2 would checkpoint (group filter, and at least
 * one committed offset on a topic the topic filter accepts).
 */
export async function discoverFlow(admin: KafkaAdmin, flow: FlowConfig): Promise<{ topics: DiscoveredTopic[]; groups: string[] }> {
  const rules = flowReplication(flow);
  const names = (await admin.listTopics()).filter((t) => rules.shouldReplicateTopic(t)).sort();
  const described = names.length > 0 ? await admin.describeTopics(names) : new Map();
  const topics = names
    .filter((name) => described.has(name))
    .map((name) => ({ sourceTopic: name, remoteTopic: rules.remoteTopic(name), partitions: described.get(name)!.partitions }));

  const groups: string[] = [];
  if (flow.emitCheckpointsEnabled) {
    const candidates = (await admin.listGroups()).map((g) => g.groupId).filter((g) => rules.groupFilter.shouldReplicateGroup(g));
    for (const group of candidates.sort()) {
      const committed = await admin.fetchCommittedOffsets(group);
      if (shouldCheckpointGroup({ groupFilter: rules.groupFilter, topicFilter: rules.topicFilter }, group, committed.keys())) groups.push(group);
    }
  }
  return { topics, groups };
}
