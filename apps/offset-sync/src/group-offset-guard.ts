import type { Checkpoint } from '@mirrormaker/mm2-formats';
import {
  planGroupOffsetSync,
  type ConsumerGroupState,
  type OffsetAndMetadata,
  type TopicPartitionKey,
} from '@mirrormaker/offset-translation';

/** What the target said about a group just before a write. */
export interface GroupSnapshot {
  /** undefined: the describe call gave no answer for the group (treated as unknown, not missing). */
  readonly state: ConsumerGroupState | undefined;
  readonly members: number;
  /** The group's committed offsets on the target, by target topic-partition. */
  readonly offsets: ReadonlyMap<TopicPartitionKey, bigint | null>;
}

export type GuardedWrite =
  | { readonly kind: 'write'; readonly offsets: ReadonlyMap<TopicPartitionKey, OffsetAndMetadata> }
  | { readonly kind: 'skip'; readonly reason: 'active' | 'up-to-date' };

/**
 * The last check before committing translated offsets to one target group, made on a describe
 * and an offset fetch taken right before the write: only a group with no members in state EMPTY
 * or DEAD (DEAD is also what a group that does not exist reports) is written, and only the
 * partitions where the translated offset is ahead of what the group has.
 */
export function guardedGroupWrite(
  group: string,
  checkpoints: ReadonlyMap<TopicPartitionKey, Checkpoint>,
  snapshot: GroupSnapshot,
): GuardedWrite {
  const idle = (snapshot.state === 'EMPTY' || snapshot.state === 'DEAD') && snapshot.members === 0;
  if (!idle) return { kind: 'skip', reason: 'active' };
  const plan = planGroupOffsetSync({
    checkpointsByGroup: new Map([[group, checkpoints]]),
    targetGroups: new Map([[group, { state: snapshot.state!, offsets: snapshot.offsets }]]),
  });
  const offsets = plan.writes.get(group);
  return offsets === undefined ? { kind: 'skip', reason: 'up-to-date' } : { kind: 'write', offsets };
}
