/** Where a groups unit is in its life. */
export type UnitPhase =
  | 'starting'
  | 'creating-checkpoints-topic'
  | 'loading-checkpoints'
  | 'waiting-for-offset-syncs'
  | 'reading-offset-syncs'
  | 'running'
  | 'idle'
  | 'stopped';

export interface UnitProblem {
  /** Short machine-readable cause, e.g. "CHECKPOINTS_TOPIC", "OFFSET_SYNCS_TOPIC_MISSING". */
  readonly cause: string;
  readonly message: string;
  readonly at: Date;
}

/** A unit's phase and its latest unresolved problem, for health details and the coordinator. */
export class UnitStatus {
  private current: UnitPhase = 'starting';
  private detail: string | undefined;
  private problem: UnitProblem | undefined;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  get phase(): UnitPhase {
    return this.current;
  }

  setPhase(phase: UnitPhase, detail?: string): void {
    this.current = phase;
    this.detail = detail;
  }

  /** Remembers a problem until `resolve(cause)` or a newer problem replaces it. */
  report(cause: string, message: string): void {
    this.problem = { cause, message, at: this.clock() };
  }

  /** Clears the problem if it has this cause (or any problem, without a cause). */
  resolve(cause?: string): void {
    if (cause === undefined || this.problem?.cause === cause) this.problem = undefined;
  }

  view(): { phase: UnitPhase; detail?: string; problem?: { cause: string; message: string; at: string } } {
    return {
      phase: this.current,
      ...(this.detail === undefined ? {} : { detail: this.detail }),
      ...(this.problem === undefined ? {} : { problem: { cause: this.problem.cause, message: this.problem.message, at: this.problem.at.toISOString() } }),
    };
  }

  /** The problem in the shape the lease protocol reports to the coordinator. */
  errorReports(unitId: string): Array<{ unitId: string; cause: string; message: string; at: Date }> {
    return this.problem === undefined ? [] : [{ unitId, cause: this.problem.cause, message: this.problem.message, at: this.problem.at }];
  }
}
