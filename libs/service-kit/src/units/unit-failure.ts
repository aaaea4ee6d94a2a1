/** A problem a unit's run met, explained for the operator and classified for retrying. */
export interface UnitFailure {
  /** Machine-readable, for ErrorReport.cause and the errors metric label. */
  cause: string;
  /** What went wrong and what to do, in one line. */
  message: string;
  /** The same call may succeed later with nobody changing anything (broker down, timeout). */
  retriable: boolean;
  /** Every further call to the cluster would fail the same way. */
  clusterWide: boolean;
  /** What the unit was doing, e.g. 'create topic'. */
  action: string;
  topic?: string;
}
