/** A problem a unit's run met, explained for the operator and classified for retrying. */
export interface UnitFailure<Cause extends string = string, Action extends string = string> {
  /** Machine-readable, from the app's closed list of causes: ErrorReport.cause and the failures metric label. */
  cause: Cause;
  /** What went wrong and what to do, in one line. */
  message: string;
  /** The same call may succeed later with nobody changing anything (broker down, timeout). */
  retriable: boolean;
  /** Every further call to the cluster would fail the same way: end the run, retry with backoff. */
  clusterWide: boolean;
  /** What the unit was doing, e.g. 'create topic'; `setup` before any call, `run` for the unexpected. */
  action: Action | 'setup' | 'run';
  topic?: string;
}
