import { downstreamEndOf, type OffsetSegment } from './offset-segment';
import { topicPartitionKey, type TopicPartition, type TopicPartitionKey } from './topic-partition';

/**
 * The segments of one partition in target-offset order, as columns: 32 bytes per segment instead
 * of about 150 for an object of bigints, which matters for transactional sources and
 * exactly-once mode, where every transaction starts a segment.
 */
class SegmentColumns {
  length = 0;
  upstreamStart = new BigInt64Array(4);
  downstreamStart = new BigInt64Array(4);
  upstreamEnd = new BigInt64Array(4);
  /** Time of the last record that mentioned the segment (ms since the epoch). */
  seenAt = new Float64Array(4);

  insert(at: number, segment: OffsetSegment, seenAt: number): void {
    if (this.length === this.upstreamStart.length) this.grow();
    if (at < this.length) {
      this.upstreamStart.copyWithin(at + 1, at, this.length);
      this.downstreamStart.copyWithin(at + 1, at, this.length);
      this.upstreamEnd.copyWithin(at + 1, at, this.length);
      this.seenAt.copyWithin(at + 1, at, this.length);
    }
    this.upstreamStart[at] = segment.upstreamStart;
    this.downstreamStart[at] = segment.downstreamStart;
    this.upstreamEnd[at] = segment.upstreamEnd;
    this.seenAt[at] = seenAt;
    this.length += 1;
  }

  /** Keeps the segments `keep` accepts, in order; returns how many were dropped. */
  retain(keep: (i: number) => boolean): number {
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      if (!keep(i)) continue;
      this.upstreamStart[kept] = this.upstreamStart[i];
      this.downstreamStart[kept] = this.downstreamStart[i];
      this.upstreamEnd[kept] = this.upstreamEnd[i];
      this.seenAt[kept] = this.seenAt[i];
      kept += 1;
    }
    const dropped = this.length - kept;
    this.length = kept;
    return dropped;
  }

  private grow(): void {
    const size = this.upstreamStart.length * 2;
    const grown = <T extends BigInt64Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old as never);
      return next;
    };
    this.upstreamStart = grown(this.upstreamStart, (n) => new BigInt64Array(n));
    this.downstreamStart = grown(this.downstreamStart, (n) => new BigInt64Array(n));
    this.upstreamEnd = grown(this.upstreamEnd, (n) => new BigInt64Array(n));
    this.seenAt = grown(this.seenAt, (n) => new Float64Array(n));
  }
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
  private readonly partitions = new Map<TopicPartitionKey, SegmentColumns>();
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
    let columns = this.partitions.get(key);
    if (columns === undefined) {
      columns = new SegmentColumns();
      this.partitions.set(key, columns);
    }
    const at = lowerBound(columns, segment.downstreamStart);
    if (at < columns.length && columns.downstreamStart[at] === segment.downstreamStart) {
      if (segment.upstreamEnd > columns.upstreamEnd[at]) columns.upstreamEnd[at] = segment.upstreamEnd;
      if (seenAt > columns.seenAt[at]) columns.seenAt[at] = seenAt;
      return;
    }
    columns.insert(at, segment, seenAt);
    this.count += 1;
  }

  /** undefined when no segment starts at or below `upstream` (or none is known for the partition). */
  translate(tp: TopicPartition, upstream: bigint): SegmentTranslation | undefined {
    const columns = this.partitions.get(topicPartitionKey(tp));
    if (columns === undefined) return undefined;
    let i = columns.length - 1;
    while (i >= 0 && columns.upstreamStart[i] > upstream) i--;
    if (i < 0) return undefined;
    const segment = { upstreamStart: columns.upstreamStart[i], downstreamStart: columns.downstreamStart[i], upstreamEnd: columns.upstreamEnd[i] };
    if (upstream < segment.upstreamEnd) return { downstream: segment.downstreamStart + (upstream - segment.upstreamStart), recordsReread: 0n };
    return { downstream: downstreamEndOf(segment), recordsReread: upstream - segment.upstreamEnd };
  }

  /**
   * The reverse of `translate`, for failing a group back to the source: `downstream` is the next
   * record a group would read on the target copy of `tp` (named by its source topic). The segment
   * that starts last at or below it answers:
   * - inside its known extent: the source offset of that very record, exact;
   * - at or past its end: right after its last known source record. The group then reads again
   *   at most `downstream - end` records (copies whose extent was not written yet) and never misses
   *   one, whatever a lost segment between would have said.
   * undefined when no segment starts at or below `downstream` (copied before the mapping began).
   */
  translateToSource(tp: TopicPartition, downstream: bigint): { upstream: bigint; recordsReread: bigint } | undefined {
    const columns = this.partitions.get(topicPartitionKey(tp));
    if (columns === undefined) return undefined;
    const i = lowerBound(columns, downstream + 1n) - 1;
    if (i < 0) return undefined;
    const segment = { upstreamStart: columns.upstreamStart[i], downstreamStart: columns.downstreamStart[i], upstreamEnd: columns.upstreamEnd[i] };
    const end = downstreamEndOf(segment);
    if (downstream < end) return { upstream: segment.upstreamStart + (downstream - segment.downstreamStart), recordsReread: 0n };
    return { upstream: segment.upstreamEnd, recordsReread: downstream - end };
  }

  /** The segments of a partition in target-offset order (copies). */
  segments(tp: TopicPartition): OffsetSegment[] {
    const columns = this.partitions.get(topicPartitionKey(tp));
    const result: OffsetSegment[] = [];
    for (let i = 0; i < (columns?.length ?? 0); i++) {
      result.push({
        topic: tp.topic,
        partition: tp.partition,
        upstreamStart: columns!.upstreamStart[i],
        downstreamStart: columns!.downstreamStart[i],
        upstreamEnd: columns!.upstreamEnd[i],
      });
    }
    return result;
  }

  /**
   * Forgets segments last seen before `before` (the topic's retention drops their records too),
   * keeping the newest segment of every partition, which still maps its partition's live end.
   * Returns how many were dropped.
   */
  prune(before: number): number {
    let dropped = 0;
    for (const columns of this.partitions.values()) {
      const last = columns.length - 1;
      dropped += columns.retain((i) => i === last || columns.seenAt[i] >= before);
    }
    this.count -= dropped;
    return dropped;
  }
}

/** First index whose downstreamStart is >= `downstream`. */
function lowerBound(columns: SegmentColumns, downstream: bigint): number {
  // Segments arrive in target order almost always: check the end first.
  const { length } = columns;
  if (length === 0 || columns.downstreamStart[length - 1] < downstream) return length;
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (columns.downstreamStart[mid] < downstream) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
