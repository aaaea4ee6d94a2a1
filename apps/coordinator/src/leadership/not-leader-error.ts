/** A call that only the leading coordinator replica serves reached one that does not lead. */
export class NotLeaderError extends Error {
  readonly code = 'NOT_LEADER';

  constructor(
    reason: string,
    /** host:port of the leader, when one is known and was heard of lately. */
    readonly leaderAddress: string | undefined,
  ) {
    super(reason);
  }
}

export function isNotLeaderError(err: unknown): err is NotLeaderError {
  return (err as { code?: unknown } | undefined)?.code === 'NOT_LEADER';
}
