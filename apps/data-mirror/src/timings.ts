/** How often and how long the data mirror does things; tests shorten them. */
export interface DataMirrorTimings {
  /**
   * Delayed offset syncs are promoted and sent this often. MM2 does it after every offset flush
   * (offset.flush.interval.ms, 60 s); a few seconds keep checkpoints of quiet partitions close to
   * the end for a small cost (at most one record per partition per interval). @default 5000
   */
  offsetSyncFlushMs: number;
  /**
   * Each partition unit writes the offset segments that changed this often. Readers (the
   * offset-sync service) translate group offsets every second by default
   * (emit.checkpoints.interval.seconds = 1), so a second keeps the exact mapping about as fresh as
   * they can use it, for one small record per copying partition per second. @default 1000
   */
  offsetSegmentsFlushMs: number;
  /**
   * A new segment (a lease start, a hole on either side) is written at once, unless the partition's
   * previous segments record went out less than this long ago; then it waits for the next flush.
   * Bounds the records of sources (or exactly-once copies) with a new segment in every round to a
   * few per second. @default 500
   */
  offsetSegmentsMinGapMs: number;
  /** Source end offsets (lag) and source topic existence are checked this often. @default 5000 */
  sourceRefreshMs: number;
  /** A missing remote topic is looked up again after this long. @default 1000 */
  remoteTopicRecheckMs: number;
  /** A partition stalled on a refused record tries that record again after this long. @default 30000 */
  stalledRetryMs: number;
  /** A batch whose copy failed is delivered again after this long. @default 2000 */
  batchRetryMs: number;
  /** How long a unit's stop waits for the batch it is copying. @default 5000 */
  stopWaitMs: number;
  /** The service reports unhealthy after a cluster was unreachable this long. @default 120000 */
  unhealthyAfterMs: number;
  /**
   * A partition unit's start (source offsets, stored position) that has not finished after this
   * long is reported (START_FAILED, naming the step it waits on) and tried again, so a request that
   * never gets an answer cannot hold the partition for good. @default 60000
   */
  startStepTimeoutMs: number;
}

export const DEFAULT_TIMINGS: DataMirrorTimings = Object.freeze({
  offsetSyncFlushMs: 5000,
  offsetSegmentsFlushMs: 1000,
  offsetSegmentsMinGapMs: 500,
  sourceRefreshMs: 5000,
  remoteTopicRecheckMs: 1000,
  stalledRetryMs: 30_000,
  batchRetryMs: 2000,
  stopWaitMs: 5000,
  unhealthyAfterMs: 120_000,
  startStepTimeoutMs: 60_000,
});
