/** The parts of a replication policy that checkpoint renaming needs. */
export interface CheckpointRenamePolicy {
  formatRemoteTopic(sourceAlias: string, topic: string): string;
  /** Alias of the cluster a remote topic came from, or null for a local topic. */
  topicSource(topic: string): string | null;
  originalTopic(topic: string): string;
}

/**
 * How a source partition is named in a checkpoint of flow source->target: a topic that came from
 * the target itself maps back to its original name (`B.t` → `t`); any other topic gets the source
 * prefix (`t` → `A.t`, `C.t` → `A.C.t`).
 */
export function checkpointTopicRenamer(
  policy: CheckpointRenamePolicy,
  sourceAlias: string,
  targetAlias: string,
): (sourceTopic: string) => string {
  return (topic) =>
    policy.topicSource(topic) === targetAlias ? policy.originalTopic(topic) : policy.formatRemoteTopic(sourceAlias, topic);
}
