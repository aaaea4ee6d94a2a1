import type { GroupFilter } from './group-filter';
import type { TopicFilter } from './topic-filter';

export interface CheckpointGroupSelection {
  readonly groupFilter: GroupFilter;
  readonly topicFilter: TopicFilter;
}

/**
 * Whether the checkpoint connector assigns a source group to a task: the group passes the group filter
 * and has committed offsets on at least one topic the topic filter accepts. Only the topic filter is
 * consulted here; internal-topic and cycle rules are not.
 */
export function shouldCheckpointGroup(
  selection: CheckpointGroupSelection,
  group: string,
  committedTopics: Iterable<string>,
): boolean {
  if (!selection.groupFilter.shouldReplicateGroup(group)) {
    return false;
  }
  for (const topic of committedTopics) {
    if (selection.topicFilter.shouldReplicateTopic(topic)) {
      return true;
    }
  }
  return false;
}
