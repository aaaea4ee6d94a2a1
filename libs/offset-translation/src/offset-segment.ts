import type { TopicPartition } from './topic-partition';

/**
 * A run of copied records of one source partition whose target offset is the source offset plus
 * a constant: source offsets `upstreamStart .. upstreamEnd - 1` landed at
 * `downstreamStart + (upstream - upstreamStart)`. Source offsets inside the run that were not
 * records (transaction markers, aborted or compacted records) sit over target offsets that are
 * not records either, so they map exactly too. A new segment starts whenever the difference
 * changes: the first record of a lease, a resend after a restart, a hole on either side.
 *
 * Segments are identified by `(downstreamStart)` within a target partition: target offsets only
 * grow, so no two segments of a partition start at the same one.
 */
export interface OffsetSegment extends TopicPartition {
  /** Source partition (named as on the source). */
  readonly topic: string;
  readonly partition: number;
  readonly upstreamStart: bigint;
  readonly downstreamStart: bigint;
  /** One past the last source offset known to be copied in this segment. */
  readonly upstreamEnd: bigint;
}

/** Target offset right after the last record known to be copied in `segment`. */
export function downstreamEndOf(segment: Pick<OffsetSegment, 'upstreamStart' | 'downstreamStart' | 'upstreamEnd'>): bigint {
  return segment.downstreamStart + (segment.upstreamEnd - segment.upstreamStart);
}
