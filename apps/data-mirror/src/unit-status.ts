/**
 * Why a unit is not making progress, if it is not: at most one current problem per unit, with the
 * time it started. Reported to the coordinator with every lease renewal (UnitProgress.stalled_reason
 * and ErrorReport) and shown in the stalled gauge.
 */
export const UNIT_PROBLEM_CAUSES = [
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
] as const;

export type UnitProblemCause = (typeof UNIT_PROBLEM_CAUSES)[number];

export interface UnitProblem {
  readonly cause: UnitProblemCause;
  readonly message: string;
  /** When this cause was first seen (ms since the epoch); kept while the cause stays the same. */
  readonly since: number;
}

export class UnitStatus {
  private current: UnitProblem | undefined;

  /**
   * Records a problem; returns true when the cause is new (worth a log line), false when only the
   * message was refreshed.
   */
  problem(cause: UnitProblemCause, message: string, now: number): boolean {
    const isNew = this.current?.cause !== cause;
    this.current = { cause, message, since: isNew ? now : this.current!.since };
    return isNew;
  }

  /** Clears the problem (progress was made); returns the cleared problem, if there was one. */
  clear(): UnitProblem | undefined {
    const was = this.current;
    this.current = undefined;
    return was;
  }

  /** Clears the problem only if it has this cause. */
  clearCause(cause: UnitProblemCause): void {
    if (this.current?.cause === cause) this.current = undefined;
  }

  get problemNow(): UnitProblem | undefined {
    return this.current;
  }

  /** Empty while healthy, else `<CAUSE>: <message>`. */
  stalledReason(): string {
    return this.current ? `${this.current.cause}: ${this.current.message}` : '';
  }
}
