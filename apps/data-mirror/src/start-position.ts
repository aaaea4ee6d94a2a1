/**
 * Where copying of a source partition starts, from the stored position (MM2's Connect offset: the
 * last upstream offset already copied) and the partition's current log range.
 *
 * - A stored position p resumes at p + 1, like MirrorSourceTask's seek.
 * - Without one, the flow's `consumer.auto.offset.reset` decides: `earliest` (MM2's default) or
 *   `latest`.
 * - A resume offset outside the log (retention removed records that were never copied, or the topic
 *   was recreated) is treated as the Java consumer would: its reset policy applies. The returned
 *   `reason` says so, since it means records are skipped or copied again.
 */
export type OffsetReset = 'earliest' | 'latest';

export interface LogRange {
  /** Log start offset. */
  readonly earliest: bigint;
  /** Log end offset (next offset to be written). */
  readonly latest: bigint;
}

export interface StartPosition {
  readonly offset: bigint;
  readonly reason: 'stored' | 'reset-no-position' | 'reset-before-log-start' | 'reset-after-log-end';
}

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
  if (stored === undefined || stored < -1n) return { offset: byReset, reason: 'reset-no-position' };
  const next = stored + 1n;
  if (next < log.earliest) return { offset: byReset, reason: 'reset-before-log-start' };
  if (next > log.latest) return { offset: byReset, reason: 'reset-after-log-end' };
  return { offset: next, reason: 'stored' };
}
