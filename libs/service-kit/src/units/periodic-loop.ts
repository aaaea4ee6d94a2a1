import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `step` again and again until stopped; each step returns how long to wait before the next.
 * Stopping wakes a waiting loop at once and waits (bounded) for a step in progress to finish.
 */
export class PeriodicLoop {
  private readonly abort = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly step: (signal: AbortSignal) => Promise<number>,
    /** Told about a step that threw; the loop then waits `fallbackDelayMs`. */
    private readonly onUnexpected: (error: unknown) => void,
    private readonly fallbackDelayMs = 5_000,
  ) {}

  /**
   * A loop at a fixed rate: the next round starts `intervalMs` after the previous one started, or
   * right after it ended when it took longer. A round that throws is reported and the loop carries
   * on at the next interval.
   */
  static fixedRate(
    intervalMs: number,
    round: (signal: AbortSignal) => Promise<void>,
    onError: (error: unknown) => void,
    now: () => number = Date.now,
  ): PeriodicLoop {
    return new PeriodicLoop(
      async (signal) => {
        const began = now();
        await round(signal);
        return intervalMs - (now() - began);
      },
      onError,
      intervalMs,
    );
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Resolves true when the loop ended within `timeoutMs`, false when a step was still running. */
  async stop(timeoutMs: number): Promise<boolean> {
    this.abort.abort();
    if (!this.running) return true;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const ended = await Promise.race([this.running.then(() => true as const), late]);
    clearTimeout(timer);
    return ended;
  }

  private async loop(): Promise<void> {
    const { signal } = this.abort;
    while (!signal.aborted) {
      let delayMs: number;
      try {
        delayMs = await this.step(signal);
      } catch (err) {
        if (signal.aborted) return;
        this.onUnexpected(err);
        delayMs = this.fallbackDelayMs;
      }
      if (signal.aborted) return;
      await sleep(Math.max(0, delayMs), undefined, { signal }).catch(() => undefined);
    }
  }
}
