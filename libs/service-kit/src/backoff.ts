export interface BackoffOptions {
  /** @default 200 */
  initialMs?: number;
  /** @default 10000 */
  maxMs?: number;
  /** @default 2 */
  factor?: number;
  /** Random spread as a fraction of the delay, so many instances do not retry in step. @default 0.2 */
  jitter?: number;
}

/** Exponential backoff with jitter; `next()` gives the next delay, `reset()` after a success. */
export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;

  constructor(options: BackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.initialMs = options.initialMs ?? 200;
    this.maxMs = options.maxMs ?? 10_000;
    this.factor = options.factor ?? 2;
    this.jitter = options.jitter ?? 0.2;
  }

  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.attempt);
    this.attempt += 1;
    const spread = base * this.jitter * (this.random() * 2 - 1);
    return Math.max(0, Math.round(Math.min(this.maxMs, base + spread)));
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
