import type { Logger } from '@mirrormaker/observability';
import type { ErrorReport } from '@mirrormaker/proto';
import type { UnitFailure as Failure } from './unit-failure';

export type UnitState = 'starting' | 'in-sync' | 'degraded' | 'retrying' | 'idle' | 'stopped';

interface CurrentFailure extends Failure {
  since: number;
  at: number;
}

interface LastRun {
  at: number;
  durationMs: number;
  ok: boolean;
  /** When a failed run is tried again. */
  retryAt?: number;
}

export interface RunRecord {
  durationMs: number;
  /** Per-topic problems of a run that otherwise completed. */
  failures: readonly Failure[];
  /** The problem that ended the run early, with the wait before the next attempt. */
  fatal?: { failure: Failure; retryInMs: number };
}

const failureKey = (f: Failure): string => `${f.action}|${f.topic ?? ''}|${f.cause}`;

/**
 * What one unit has done and what is wrong with it now, for health details, the coordinator's
 * ErrorReports and logs. Each task's current failures are replaced by every run: a problem is
 * logged as a warning when it appears, at debug level while it repeats, and once more when it is gone.
 */
export class SyncStatus {
  private readonly failures = new Map<string, Map<string, CurrentFailure>>();
  private readonly lastRuns = new Map<string, LastRun>();
  private readonly totals = new Map<string, number>();
  private state: UnitState = 'starting';
  private note: string | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  recordRun(task: string, run: RunRecord): void {
    const at = this.now();
    const current = run.fatal ? [...run.failures, run.fatal.failure] : run.failures;
    const previous = this.failures.get(task) ?? new Map<string, CurrentFailure>();
    const next = new Map<string, CurrentFailure>();
    for (const failure of current) {
      const key = failureKey(failure);
      const before = previous.get(key);
      next.set(key, { ...failure, since: before?.since ?? at, at });
      const fields = { task, cause: failure.cause, topic: failure.topic, action: failure.action };
      if (before) this.logger.debug(fields, failure.message);
      else this.logger.warn(fields, failure.message);
    }
    for (const [key, gone] of previous) {
      if (!next.has(key)) this.logger.info({ task, cause: gone.cause, topic: gone.topic, action: gone.action }, `resolved: ${gone.message}`);
    }
    this.failures.set(task, next);
    this.lastRuns.set(task, { at, durationMs: run.durationMs, ok: !run.fatal, ...(run.fatal ? { retryAt: at + run.fatal.retryInMs } : {}) });
    this.note = undefined;
    const anyFatal = [...this.lastRuns.values()].some((r) => !r.ok);
    const anyFailure = [...this.failures.values()].some((m) => m.size > 0);
    this.state = anyFatal ? 'retrying' : anyFailure ? 'degraded' : 'in-sync';
  }

  /** The unit does nothing, and why (flow disabled, not in the config, source without authorizer...). */
  setIdle(note: string, failure?: Failure): void {
    this.state = 'idle';
    this.note = note;
    this.failures.set('setup', failure ? new Map([[failureKey(failure), { ...failure, since: this.now(), at: this.now() }]]) : new Map());
  }

  setStopped(): void {
    this.state = 'stopped';
  }

  count(operation: string, n = 1): void {
    if (n > 0) this.totals.set(operation, (this.totals.get(operation) ?? 0) + n);
  }

  total(operation: string): number {
    return this.totals.get(operation) ?? 0;
  }

  get currentState(): UnitState {
    return this.state;
  }

  currentFailures(): Array<Failure & { since: number }> {
    return [...this.failures.values()].flatMap((m) => [...m.values()]);
  }

  errorReports(unitId: string): ErrorReport[] {
    return [...this.failures.values()].flatMap((m) =>
      [...m.values()].map((f) => ({ unitId, cause: f.cause, message: f.message, at: new Date(f.at) })),
    );
  }

  /** For /healthz details. */
  view(): Record<string, unknown> {
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      state: this.state,
      ...(this.note === undefined ? {} : { note: this.note }),
      lastRuns: Object.fromEntries(
        [...this.lastRuns].map(([task, r]) => [
          task,
          { at: iso(r.at), durationMs: r.durationMs, ok: r.ok, ...(r.retryAt === undefined ? {} : { retryAt: iso(r.retryAt) }) },
        ]),
      ),
      totals: Object.fromEntries(this.totals),
      errors: this.currentFailures().map((f) => ({ cause: f.cause, message: f.message, since: iso(f.since) })),
    };
  }
}
