import type { Checkpoint } from '@mirrormaker/mm2-formats';
import type { OffsetAndMetadata } from './offset-and-metadata';
import type { CheckpointStore } from './checkpoint-store';
import type { Translation } from './offset-sync-store';
import { parseTopicPartitionKey, topicPartitionKey, type TopicPartition, type TopicPartitionKey } from './topic-partition';

/**
 * Whether `next` must be emitted given the last checkpoint for the same group and partition:
 * always when there is none; when the group moved back upstream (a deliberate rewind, so the
 * checkpoint may go back too); or when the downstream offset advanced. Anything else (same
 * downstream, or a smaller one without an upstream rewind) is skipped, which keeps checkpoints
 * from going backwards on their own.
 */
export function shouldEmitCheckpoint(previous: Checkpoint | undefined, next: Checkpoint): boolean {
  if (previous === undefined) return true;
  if (next.upstreamOffset < previous.upstreamOffset) return true;
  return next.downstreamOffset > previous.downstreamOffset;
}

/** Anything that translates like `OffsetSyncStore`. */
export interface DownstreamTranslator {
  translateDownstream(tp: TopicPartition, upstreamOffset: bigint): Translation;
}

export interface CheckpointsForGroupInput {
  readonly group: string;
  /** The group's committed offsets on the source, keyed by source topic-partition key. */
  readonly committed: ReadonlyMap<TopicPartitionKey, OffsetAndMetadata | null | undefined>;
  /** The flow's topic filter (only the filter: internal and cycle rules are not applied here). */
  readonly shouldCheckpointTopic: (sourceTopic: string) => boolean;
  readonly translator: DownstreamTranslator;
  readonly checkpointStore: CheckpointStore;
  /** Source topic name to target-side topic name (see `checkpointTopicRenamer`). */
  readonly renameTopic: (sourceTopic: string) => string;
}

/**
 * The checkpoints to emit for one group in one round, in the order of `committed`.
 *
 * Nothing is emitted before the checkpoint store finished loading; partitions the filter rejects,
 * without a committed offset, that cannot be translated (not ready, no syncs, too old) or whose
 * translation is negative are dropped; the rest go through `shouldEmitCheckpoint`. The caller
 * records the result with `checkpointStore.update` before producing it.
 */
export function checkpointsForGroup(input: CheckpointsForGroupInput): Checkpoint[] {
  const { group, committed, checkpointStore } = input;
  if (!checkpointStore.isInitialized) return [];
  const previous = checkpointStore.get(group);
  const result: Checkpoint[] = [];
  for (const [key, committedOffset] of committed) {
    if (committedOffset === null || committedOffset === undefined) continue;
    const source = parseTopicPartitionKey(key);
    if (!input.shouldCheckpointTopic(source.topic)) continue;
    const translation = input.translator.translateDownstream(source, committedOffset.offset);
    if (translation.kind !== 'ok' || translation.downstream < 0n) continue;
    const checkpoint: Checkpoint = {
      group,
      topic: input.renameTopic(source.topic),
      partition: source.partition,
      upstreamOffset: committedOffset.offset,
      downstreamOffset: translation.downstream,
      metadata: committedOffset.metadata,
    };
    if (shouldEmitCheckpoint(previous?.get(topicPartitionKey(checkpoint)), checkpoint)) result.push(checkpoint);
  }
  return result;
}
