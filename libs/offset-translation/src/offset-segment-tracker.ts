import type { OffsetSegment } from './offset-segment';
import type { TopicPartition } from './topic-partition';

/**
 * Writer side of the exact offset mapping for one source partition, fed with every record the
 * target acknowledged, in order. It keeps the open segment and the segments closed since the last
 * `takeChanged`; each call to `takeChanged` returns them (closed ones with their final extent,
 * then the open one if it grew), which the caller writes as one record.
 */
export class OffsetSegmentTracker {
  private open: { upstreamStart: bigint; downstreamStart: bigint; upstreamEnd: bigint } | undefined;
  private openChanged = false;
  private closed: OffsetSegment[] = [];

  constructor(private readonly tp: TopicPartition) {}

  /** Record i of `count` (source offset `upstreamAt(i)`) was written at target offset `downstreamAt(i)`. */
  recordsAcked(count: number, upstreamAt: (i: number) => bigint, downstreamAt: (i: number) => bigint): void {
    if (count === 0) return;
    const open = this.open;
    // Both sides strictly grow: when the target offsets are consecutive and the difference is the
    // same at both ends, the source offsets are consecutive too and every record fits the segment.
    if (open !== undefined) {
      const difference = open.downstreamStart - open.upstreamStart;
      const lastUpstream = upstreamAt(count - 1);
      if (
        upstreamAt(0) >= open.upstreamEnd &&
        downstreamAt(count - 1) - downstreamAt(0) === BigInt(count - 1) &&
        downstreamAt(0) - upstreamAt(0) === difference &&
        downstreamAt(count - 1) - lastUpstream === difference
      ) {
        open.upstreamEnd = lastUpstream + 1n;
        this.openChanged = true;
        return;
      }
    }
    for (let i = 0; i < count; i++) this.recordAcked(upstreamAt(i), downstreamAt(i));
  }

  /** Segments closed or grown since the last call, oldest first; empty when nothing changed. */
  takeChanged(): OffsetSegment[] {
    const changed = this.closed;
    this.closed = [];
    if (this.open !== undefined && this.openChanged) changed.push(this.snapshot(this.open));
    this.openChanged = false;
    return changed;
  }

  private recordAcked(upstream: bigint, downstream: bigint): void {
    const open = this.open;
    if (open !== undefined && upstream >= open.upstreamEnd && downstream - upstream === open.downstreamStart - open.upstreamStart) {
      open.upstreamEnd = upstream + 1n;
      this.openChanged = true;
      return;
    }
    if (open !== undefined) this.closed.push(this.snapshot(open));
    this.open = { upstreamStart: upstream, downstreamStart: downstream, upstreamEnd: upstream + 1n };
    this.openChanged = true;
  }

  private snapshot(open: { upstreamStart: bigint; downstreamStart: bigint; upstreamEnd: bigint }): OffsetSegment {
    return { topic: this.tp.topic, partition: this.tp.partition, upstreamStart: open.upstreamStart, downstreamStart: open.downstreamStart, upstreamEnd: open.upstreamEnd };
  }
}
