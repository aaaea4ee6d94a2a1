import { partitionIncrease } from '@mirrormaker/replication-policy';

/** A replicated source topic and its copy on the target. */
export interface TopicPair {
  readonly source: string;
  readonly remote: string;
}

export interface TopicCreation extends TopicPair {
  readonly partitions: number;
}

export interface PartitionGrowth extends TopicPair {
  readonly from: number;
  readonly to: number;
}

export interface TopicPlan {
  /** Remote topics to create, with the source's partition count. */
  readonly create: readonly TopicCreation[];
  /** Remote topics with fewer partitions than their source. */
  readonly grow: readonly PartitionGrowth[];
  /** Pairs whose remote topic exists already (config sync covers only these, as in MM2). */
  readonly existing: readonly TopicPair[];
}

/**
 * What to do on the target, given partition counts of the replicated source topics and of the
 * remote topics that exist. Topics are only ever created and grown: a remote topic with more
 * partitions than its source, or without a source any more, is left alone.
 */
export function planTopics(
  sourcePartitions: ReadonlyMap<string, number>,
  remotePartitions: ReadonlyMap<string, number>,
  remoteTopic: (sourceTopic: string) => string,
): TopicPlan {
  const create: TopicCreation[] = [];
  const grow: PartitionGrowth[] = [];
  const existing: TopicPair[] = [];
  for (const [source, partitions] of [...sourcePartitions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const remote = remoteTopic(source);
    const current = remotePartitions.get(remote);
    if (current === undefined) {
      create.push({ source, remote, partitions });
      continue;
    }
    existing.push({ source, remote });
    const to = partitionIncrease(partitions, current);
    if (to !== null) grow.push({ source, remote, from: current, to });
  }
  return { create, grow, existing };
}
