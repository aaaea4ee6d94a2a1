/**
 * Why a data-mirror unit is not making progress, if it is not (at most one such problem per unit,
 * with the time it started), and what happened to its source that an operator must know of. Reported to the coordinator with every lease renewal
 * (UnitProgress.stalled_reason and ErrorReport) and shown in the stalled gauge.
 */
export const MIRROR_UNIT_CAUSES = [
  /** The remote topic, or the partition on it, does not exist yet. */
  'REMOTE_TOPIC_MISSING',
  /** The target refused a record; the partition stops at it. */
  'RECORD_REJECTED',
  /** Producing to the target keeps failing (network, timeouts, leader changes). */
  'PRODUCE_FAILED',
  /** Reading or writing the stored position failed. */
  'POSITION_FAILED',
  /** The unit could not start (stored positions unreadable, source unreachable). */
  'START_FAILED',
  /**
   * The source topic (or the partition) does not exist: deleted, or not visible yet. Copying waits
   * for it; a topic that comes back while the unit is held is copied as a new topic.
   */
  'SOURCE_TOPIC_DELETED',
  /**
   * Records of the source partition were deleted (retention, DeleteRecords) before they were
   * copied; copying went on at the log start (or the end, with auto.offset.reset=latest). Recorded,
   * not blocking: it stays in the unit's problems while the lease is held.
   */
  'SOURCE_TRUNCATED',
  /**
   * The source partition is a new log: its topic was deleted and created again under the same name
   * (or the source lost records in an unclean leader election). Copying started over by
   * auto.offset.reset. Recorded, not blocking, like SOURCE_TRUNCATED.
   */
  'SOURCE_RECREATED',
  /** A newer holder took over the partition's transactional id (exactly-once mode). */
  'FENCED',
  /** The flow is not in this instance's configuration. */
  'UNKNOWN_FLOW',
  /** Heartbeats could not be written. */
  'HEARTBEAT_FAILED',
  /**
   * The offset segments of the partition could not be written (kept and retried); copying goes on.
   * Reported apart from the copy's problems: it does not stall the partition.
   */
  'OFFSET_SEGMENTS_FAILED',
] as const;

export type MirrorUnitCause = (typeof MIRROR_UNIT_CAUSES)[number];

/**
 * Causes no retry clears: they last until someone changes something (the target, the config, the
 * lease, the source topic), or record what already happened to the source.
 */
const NEEDS_A_CHANGE: ReadonlySet<MirrorUnitCause> = new Set(['RECORD_REJECTED', 'SOURCE_TOPIC_DELETED', 'SOURCE_TRUNCATED', 'SOURCE_RECREATED', 'FENCED', 'UNKNOWN_FLOW']);

/** Whether a problem of this cause may go away with nobody changing anything. */
export function isRetriableCause(cause: MirrorUnitCause): boolean {
  return !NEEDS_A_CHANGE.has(cause);
}
