/**
 * Decides, record by record, whether one source partition needs an offset sync now.
 *
 * Fields start at -1 and live as long as the replicating process does (they are not persisted), so
 * the first acknowledged record after a (re)start always syncs. A sync is due at once when:
 *   1. nothing was synced yet in this lifetime;
 *   2. the translator would lag too far: `d - (lastSyncD + 1) >= maxOffsetLag`. The `+ 1` is
 *      there because translation of any offset past a sync lands on that sync's downstream + 1;
 *   3. the upstream offsets are not contiguous (`u != prevU + 1`: compaction, transaction markers,
 *      aborted records, a seek or a rewind);
 *   4. the downstream offset went back (the remote topic was truncated or recreated).
 * Forward jumps of the downstream offset alone are not a trigger; they only add to the lag in 2.
 *
 * Once due, `syncDue` stays set until the writer has queued the sync and calls `clearSyncDue`.
 */
export class PartitionSyncState {
  prevUpstream = -1n;
  prevDownstream = -1n;
  lastSyncDownstream = -1n;
  syncDue = false;

  constructor(readonly maxOffsetLag: bigint) {}

  /** Records one acknowledged record and reports whether a sync must be sent right away. */
  observe(upstreamOffset: bigint, downstreamOffset: bigint): boolean {
    const firstInLifetime = this.lastSyncDownstream === -1n;
    const tooStale = downstreamOffset - (this.lastSyncDownstream + 1n) >= this.maxOffsetLag;
    const upstreamGap = upstreamOffset - this.prevUpstream !== 1n;
    const downstreamWentBack = downstreamOffset < this.prevDownstream;
    if (firstInLifetime || tooStale || upstreamGap || downstreamWentBack) {
      this.lastSyncDownstream = downstreamOffset;
      this.syncDue = true;
    }
    this.prevUpstream = upstreamOffset;
    this.prevDownstream = downstreamOffset;
    return this.syncDue;
  }

  clearSyncDue(): void {
    this.syncDue = false;
  }
}
