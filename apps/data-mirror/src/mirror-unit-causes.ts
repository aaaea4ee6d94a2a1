/**
 * Why a data-mirror unit is not making progress, if it is not: at most one current problem per
 * unit, with the time it started. Reported to the coordinator with every lease renewal
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
  /** The source topic was deleted; the unit stopped. */
  'SOURCE_TOPIC_DELETED',
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

/** Causes that last until someone changes something (the target, the config, the lease). */
const NEEDS_A_CHANGE: ReadonlySet<MirrorUnitCause> = new Set(['RECORD_REJECTED', 'SOURCE_TOPIC_DELETED', 'FENCED', 'UNKNOWN_FLOW']);

/** Whether a problem of this cause may go away with nobody changing anything. */
export function isRetriableCause(cause: MirrorUnitCause): boolean {
  return !NEEDS_A_CHANGE.has(cause);
}
