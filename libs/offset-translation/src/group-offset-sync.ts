import type { Checkpoint } from '@mirrormaker/mm2-formats';
import type { OffsetAndMetadata } from './offset-and-metadata';
import type { TopicPartitionKey } from './topic-partition';

/** Consumer group states as the target cluster reports them. */
export type ConsumerGroupState =
  | 'EMPTY'
  | 'STABLE'
  | 'PREPARING_REBALANCE'
  | 'COMPLETING_REBALANCE'
  | 'ASSIGNING'
  | 'RECONCILING'
  | 'DEAD'
  | 'UNKNOWN';

export interface TargetGroup {
  readonly state: ConsumerGroupState;
  /** Committed offsets on the target by target topic-partition key; null = reset/unset. */
  readonly offsets: ReadonlyMap<TopicPartitionKey, bigint | null>;
}

export interface GroupOffsetSyncInput {
  /** Latest checkpoint per group and target partition (`CheckpointStore.snapshot()`). */
  readonly checkpointsByGroup: ReadonlyMap<string, ReadonlyMap<TopicPartitionKey, Checkpoint>>;
  /**
   * What the target cluster says about each group. A group absent here does not exist on the
   * target. A group that could not be described must be passed as `UNKNOWN`, never left out.
   */
  readonly targetGroups: ReadonlyMap<string, TargetGroup>;
}

export interface GroupOffsetSyncPlan {
  /** Offsets to commit on the target, per group; groups with nothing to write are absent. */
  readonly writes: ReadonlyMap<string, ReadonlyMap<TopicPartitionKey, OffsetAndMetadata>>;
  /** Groups left alone because they have (or may have) active members. */
  readonly skippedActive: readonly string[];
}

/** States in which nobody consumes with the group, so its offsets may be written. */
const WRITABLE_STATES: ReadonlySet<ConsumerGroupState> = new Set<ConsumerGroupState>(['EMPTY', 'DEAD']);

/**
 * Decides which translated offsets to commit to target consumer groups.
 *
 * - A group missing on the target gets every translated offset.
 * - An EMPTY (or DEAD) group gets a partition only if it has no offset there, its offset is null,
 *   or its offset is below the translated one: a group is never moved backwards.
 * - Any other state leaves the group untouched. MM2 tries anyway and lets the broker refuse the
 *   commit; we do not even try, so a consumer that joins the group is never raced.
 */
export function planGroupOffsetSync(input: GroupOffsetSyncInput): GroupOffsetSyncPlan {
  const writes = new Map<string, Map<TopicPartitionKey, OffsetAndMetadata>>();
  const skippedActive: string[] = [];
  for (const [group, checkpoints] of input.checkpointsByGroup) {
    const target = input.targetGroups.get(group);
    if (target !== undefined && !WRITABLE_STATES.has(target.state)) {
      skippedActive.push(group);
      continue;
    }
    const offsets = new Map<TopicPartitionKey, OffsetAndMetadata>();
    for (const [key, checkpoint] of checkpoints) {
      const current = target?.offsets.get(key);
      if (current !== undefined && current !== null && current >= checkpoint.downstreamOffset) continue;
      offsets.set(key, { offset: checkpoint.downstreamOffset, metadata: checkpoint.metadata });
    }
    if (offsets.size > 0) writes.set(group, offsets);
  }
  return { writes, skippedActive };
}
