import type { OffsetSync } from '@mirrormaker/mm2-formats';
import { OffsetTranslationError } from './errors';

/**
 * Upper bound on the records a consumer re-reads after failing over with a translated offset.
 *
 * A group committed at upstream U has processed everything below U. Translating with a sync at
 * upstream s <= U resumes it on the target right after s's record (or at s itself when U == s),
 * so the source offsets s+1 .. U-1 are delivered again: `max(0, U - s - 1)`. Fewer records come
 * back when some of those offsets were not records (compaction, transaction markers).
 */
export function reReadEstimate(upstreamCommitted: bigint, sync: Pick<OffsetSync, 'upstreamOffset'>): bigint {
  if (sync.upstreamOffset > upstreamCommitted) {
    throw new OffsetTranslationError(
      'SYNC_AFTER_OFFSET',
      `sync at upstream ${sync.upstreamOffset} cannot translate offset ${upstreamCommitted}`,
    );
  }
  const gap = upstreamCommitted - sync.upstreamOffset - 1n;
  return gap > 0n ? gap : 0n;
}
