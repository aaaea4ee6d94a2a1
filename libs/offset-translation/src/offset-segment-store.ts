import { downstreamEndOf, type OffsetSegment } from './offset-segment';
import { topicPartitionKey, type TopicPartition, type TopicPartitionKey } from './topic-partition';

interface StoredSegment {
  readonly upstreamStart: bigint;
  readonly downstreamStart: bigint;
  upstreamEnd: bigint;
  /** Time of the last record that mentioned the segment (ms since the epoch). */
  seenAt: number;
}

/** Where a committed source offset resumes on the target, from segments. */
export interface SegmentTranslation {
  readonly downstream: bigint;
  /**
   * At most this many records are read again after resuming at `downstream`: 0 when the mapping
   * covers the offset; otherwise the group is ahead of what is known to be copied, and the
   * records in between may arrive before it resumes.
   */
  readonly recordsReread: bigint;
}

/**
 * The exact source → target offset mapping of every partition, as read from the offset-segments
 * topic. Per partition the segments are kept in target-offset order (the order they were
 * written); a later segment that starts at or below a source offset (a resend after a restart)
 * overrides earlier ones for it.
 *
 * Translating source offset U (the next record a group would read):
 * - the segment S written last among those starting at or below U answers it;
 * - U inside S's known extent: `S.downstreamStart + (U - S.upstreamStart)`, exact;
 * - U at or past the end of S's known extent: right after S's last known record. When U is a
 *   hole of the source (markers, aborted or compacted records up to the next segment), that is
 *   exactly where the group goes on: the target holds nothing between but our own commit
 *   markers, which a consumer passes without delivering anything. When the extent is stale (it
 *   is written every second or so, and a crash can lose the last write), the group may read
 *   again the records between, never more than `U - end`; it never misses one. The next
 *   segment's start is deliberately not used as a bound: a segment lost in a crash could sit
 *   between, and answering past it would skip records.
 * No segment at or below U: not translated here (the caller falls back to offset syncs).
 */
export class OffsetSegmentStore {
  private readonly partitions = new Map<TopicPartitionKey, StoredSegment[]>();
  private loaded = false;
  private count = 0;

  get initialLoadComplete(): boolean {
    return this.loaded;
  }

  /** Marks the end of the first read to the end of the offset-segments topic. */
  completeInitialLoad(): void {
    this.loaded = true;
  }

  /** Segments held, over all partitions. */
  get size(): number {
    return this.count;
  }

  /** Applies one segment as read (`seenAt`: the record's timestamp). */
  apply(segment: OffsetSegment, seenAt: number): void {
    const key = topicPartitionKey(segment);
    let list = this.partitions.get(key);
    if (list === undefined) {
      list = [];
      this.partitions.set(key, list);
    }
    const at = lowerBound(list, segment.downstreamStart);
    const existing = list[at];
    if (existing !== undefined && existing.downstreamStart === segment.downstreamStart) {
      if (segment.upstreamEnd > existing.upstreamEnd) existing.upstreamEnd = segment.upstreamEnd;
      if (seenAt > existing.seenAt) existing.seenAt = seenAt;
      return;
    }
    list.splice(at, 0, { upstreamStart: segment.upstreamStart, downstreamStart: segment.downstreamStart, upstreamEnd: segment.upstreamEnd, seenAt });
    this.count += 1;
  }

  /** undefined when no segment starts at or below `upstream` (or none is known for the partition). */
  translate(tp: TopicPartition, upstream: bigint): SegmentTranslation | undefined {
    const list = this.partitions.get(topicPartitionKey(tp));
    if (list === undefined) return undefined;
    let i = list.length - 1;
    while (i >= 0 && list[i].upstreamStart > upstream) i--;
    if (i < 0) return undefined;
    const segment = list[i];
    if (upstream < segment.upstreamEnd) return { downstream: segment.downstreamStart + (upstream - segment.upstreamStart), recordsReread: 0n };
    return { downstream: downstreamEndOf(segment), recordsReread: upstream - segment.upstreamEnd };
  }

  /** The segments of a partition in target-offset order (copies). */
  segments(tp: TopicPartition): OffsetSegment[] {
    return (this.partitions.get(topicPartitionKey(tp)) ?? []).map((s) => ({
      topic: tp.topic,
      partition: tp.partition,
      upstreamStart: s.upstreamStart,
      downstreamStart: s.downstreamStart,
      upstreamEnd: s.upstreamEnd,
    }));
  }

  /**
   * Forgets segments last seen before `before` (the topic's retention drops their records too),
   * keeping the newest segment of every partition, which still maps its partition's live end.
   * Returns how many were dropped.
   */
  prune(before: number): number {
    let dropped = 0;
    for (const list of this.partitions.values()) {
      const last = list[list.length - 1];
      const kept = list.filter((s) => s === last || s.seenAt >= before);
      dropped += list.length - kept.length;
      list.splice(0, list.length, ...kept);
    }
    this.count -= dropped;
    return dropped;
  }
}

/** First index whose downstreamStart is >= `downstream`. */
function lowerBound(list: readonly StoredSegment[], downstream: bigint): number {
  // Segments arrive in target order almost always: check the end first.
  if (list.length === 0 || list[list.length - 1].downstreamStart < downstream) return list.length;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].downstreamStart < downstream) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
