/**
 * Where copying of a source partition starts, from the stored position (MM2's Connect offset: the
 * last upstream offset already copied) and the partition's current log range.
 *
 * - A stored position p resumes at p + 1, like MirrorSourceTask's seek.
 * - Without one (or with a negative one, which MM2 also reads as none), the flow's
 *   `consumer.auto.offset.reset` decides: `earliest` (MM2's default) or `latest`.
 * - A resume offset below the log start means retention (or DeleteRecords) removed records that
 *   were never copied: the reset policy applies, as the Java consumer's would, and `lost` counts the
 *   offsets removed.
 * - A resume offset past the log end is kept: the end the admin client lists is the last stable
 *   offset, which a read_uncommitted copy may have passed inside an open transaction. The fetch
 *   decides: if the records are gone, the broker answers OFFSET_OUT_OF_RANGE and the consumer
 *   resets (partition-unit.ts reports it as a new log).
 */
export type OffsetReset = 'earliest' | 'latest';

export interface LogRange {
  /** Log start offset. */
  readonly earliest: bigint;
  /** Log end offset (next offset to be written). */
  readonly latest: bigint;
}

export type StartPosition =
  | { readonly offset: bigint; readonly reason: 'stored' | 'stored-past-log-end' | 'reset-no-position' }
  /** `lost`: offsets between the stored position and the log start, deleted before they were copied. */
  | { readonly offset: bigint; readonly reason: 'reset-before-log-start'; readonly lost: bigint };

/** Reads `auto.offset.reset`; anything but `latest` means earliest (`none` would fail the Java task). */
export function offsetResetOf(autoOffsetReset: string | undefined): { reset: OffsetReset; warning?: string } {
  const value = (autoOffsetReset ?? 'earliest').trim().toLowerCase();
  if (value === 'latest') return { reset: 'latest' };
  if (value === 'earliest') return { reset: 'earliest' };
  return {
    reset: 'earliest',
    warning: `consumer.auto.offset.reset=${autoOffsetReset} is not supported for mirroring; partitions without a stored position start at the earliest offset`,
  };
}

export function startPosition(stored: bigint | undefined, reset: OffsetReset, log: LogRange): StartPosition {
  const byReset = reset === 'earliest' ? log.earliest : log.latest;
  if (stored === undefined || stored < 0n) return { offset: byReset, reason: 'reset-no-position' };
  const next = stored + 1n;
  if (next < log.earliest) return { offset: byReset, reason: 'reset-before-log-start', lost: log.earliest - next };
  if (next > log.latest) return { offset: next, reason: 'stored-past-log-end' };
  return { offset: next, reason: 'stored' };
}
