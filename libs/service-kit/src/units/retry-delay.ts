import type { Backoff } from '../backoff';

/** How a run of a periodic task ended. */
export type RunOutcome = { readonly ok: true } | { readonly ok: false; readonly retriable: boolean };

/**
 * Wait before the next run. A success waits the interval. A failure that may pass by itself (a
 * cluster down, a timeout) retries with growing backoff, sooner than the interval if that is
 * longer. A failure someone has to fix (a missing ACL, a bad config) waits at least the interval,
 * and longer while it keeps failing, so it never spins.
 */
export function nextDelayMs(outcome: RunOutcome, intervalMs: number, backoff: Backoff): number {
  if (outcome.ok) {
    backoff.reset();
    return intervalMs;
  }
  const delay = backoff.next();
  return outcome.retriable ? delay : Math.max(intervalMs, delay);
}
