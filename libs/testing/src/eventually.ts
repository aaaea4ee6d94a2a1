/**
 * The one way tests wait: poll `probe` until it returns something other than `undefined` or
 * `false`, and fail with `what` (and the last error the probe threw) once `timeoutMs` has passed.
 * Tests wait on observable outcomes this way and never assert how long something took.
 */
export interface EventuallyOptions {
  /** @default 20000 */
  timeoutMs?: number;
  /** Pause between probes. @default 100 */
  intervalMs?: number;
}

export async function eventually<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  options: EventuallyOptions | number = {},
): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 100 } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message ?? String(last)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
