import type { RetryOptions } from './connection';

/** Delay before attempt `failures + 1` of a request this lib retries itself: doubling, capped. */
export function retryDelayMs(failures: number, retry: RetryOptions | undefined): number {
  const initial = retry?.initialRetryTimeMs ?? 100;
  const max = retry?.maxRetryTimeMs ?? 5_000;
  return Math.min(max, initial * 2 ** Math.min(failures, 16));
}
