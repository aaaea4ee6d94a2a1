import type { DownstreamTranslator } from './checkpoint-emission';
import type { OffsetSegmentStore } from './offset-segment-store';
import type { OffsetSyncStore, Translation } from './offset-sync-store';
import type { TopicPartition } from './topic-partition';

const NOT_READY: Translation = Object.freeze({ kind: 'notReady' });

/**
 * Translates from the offset segments where they cover the offset, and by MM2's rule from the
 * offset syncs where they do not (offsets older than every segment, e.g. positions reached while
 * Apache MM2 did the copying). Nothing is translated before both topics were read to their end
 * once, so a restart never answers from half a mapping.
 *
 * When the segments only place the group at the end of what is known to be copied (it is ahead
 * of the mapping read so far), the offset syncs may know a later position; both answers never
 * pass the group's next record, so the larger one is taken.
 */
export class ExactTranslator implements DownstreamTranslator {
  constructor(
    private readonly segments: OffsetSegmentStore,
    private readonly syncs: OffsetSyncStore,
  ) {}

  /** Both topics were read to their end once. */
  get initialLoadComplete(): boolean {
    return this.segments.initialLoadComplete && this.syncs.initialLoadComplete;
  }

  translateDownstream(tp: TopicPartition, upstreamOffset: bigint): Translation {
    if (!this.initialLoadComplete) return NOT_READY;
    const exact = this.segments.translate(tp, upstreamOffset);
    if (exact === undefined) return this.syncs.translateDownstream(tp, upstreamOffset);
    if (exact.recordsReread > 0n) {
      const bySync = this.syncs.translateDownstream(tp, upstreamOffset);
      if (bySync.kind === 'ok' && bySync.downstream > exact.downstream) return bySync;
    }
    return { kind: 'ok', downstream: exact.downstream, method: 'exact', recordsReread: exact.recordsReread };
  }
}
