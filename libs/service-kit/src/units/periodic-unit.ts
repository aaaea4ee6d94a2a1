import type { Logger } from '@mirrormaker/observability';
import type { ErrorReport } from '@mirrormaker/proto';
import type { HeldUnit } from './held-unit';
import { PeriodicLoop } from './periodic-loop';
import { isUnitFailureError } from './unit-failure-error';
import type { UnitFailure } from './unit-failure';
import type { UnitMetrics } from './unit-metrics';
import { UnitStatus } from './unit-status';

export interface PeriodicUnitOptions {
  readonly unitId: string;
  readonly flow: string;
  /** What the unit does, for its log lines, e.g. `topic sync`. */
  readonly work: string;
  readonly logger: Logger;
  readonly metrics?: UnitMetrics;
  /** How long stop() waits for a run in progress. @default 3000 */
  readonly stopTimeoutMs?: number;
  readonly now?: () => number;
}

/** How a task's run ended, for choosing the wait before the next one. */
export interface TaskOutcome<Cause extends string, Action extends string = string> {
  readonly fatal?: UnitFailure<Cause, Action>;
  readonly failures: ReadonlyArray<UnitFailure<Cause, Action>>;
}

/**
 * The shell of a reconciling unit (topics, ACLs): a loop of steps, each returning the wait before
 * the next; tasks whose failures become the unit's status; a stop that wakes the loop, closes the
 * unit's clients (which fails any call in progress at once) and waits, bounded, for the step.
 * Subclasses hold only what they reconcile: `step` and `closeClients`.
 *
 * Invariants: after `stop()` resolves no step runs; a run that sees the stop records nothing.
 */
export abstract class PeriodicUnit<Cause extends string, Action extends string = string> implements HeldUnit {
  readonly status: UnitStatus<Cause>;
  protected readonly log: Logger;
  protected readonly now: () => number;
  private readonly loop: PeriodicLoop;

  constructor(private readonly base: PeriodicUnitOptions) {
    this.now = base.now ?? Date.now;
    this.log = base.logger.child({ unit: base.unitId, flow: base.flow });
    this.status = new UnitStatus<Cause>({ unitId: base.unitId, logger: this.log, now: this.now, ...(base.metrics ? { metrics: base.metrics } : {}) });
    this.loop = new PeriodicLoop(
      (signal) => this.step(signal),
      (err) => this.log.error({ err }, `unexpected error in the ${base.work} loop`),
    );
  }

  /** One pass of the loop; returns the wait before the next. */
  protected abstract step(signal: AbortSignal): Promise<number>;

  /** Closes the unit's clients. */
  protected abstract closeClients(): Promise<void>;

  /** Log fields of the start line. */
  protected startFields(): Record<string, unknown> {
    return {};
  }

  start(): void {
    this.log.info(this.startFields(), `${this.base.work} started`);
    this.loop.start();
  }

  /** Stops the loop (waking it if it waits), closes the clients; safe to call twice. */
  async stop(reason: string): Promise<void> {
    if (this.loop.stopped) return;
    const began = this.now();
    const stopping = this.loop.stop(this.base.stopTimeoutMs ?? 3000);
    // Closing fails any call in progress at once; the run then sees the stop and records nothing.
    await this.closeClients();
    const inTime = await stopping;
    this.status.setStopped(reason);
    this.log.info({ reason, durationMs: this.now() - began, inTime }, `${this.base.work} stopped`);
  }

  errorReports(): ErrorReport[] {
    return this.status.errorReports();
  }

  /**
   * Runs one task: `work` pushes the problems that leave the rest of the run going and throws a
   * `UnitFailureError` for one that ends it. Records the run in the status and returns the wait
   * before the task runs again (from `delayAfter`), or undefined when the unit was stopped meanwhile.
   */
  protected async runTask(
    task: string,
    signal: AbortSignal,
    work: (failures: Array<UnitFailure<Cause, Action>>) => Promise<void>,
    delayAfter: (outcome: TaskOutcome<Cause, Action>) => number,
  ): Promise<number | undefined> {
    const began = this.now();
    const failures: Array<UnitFailure<Cause, Action>> = [];
    let fatal: UnitFailure<Cause, Action> | undefined;
    try {
      await work(failures);
    } catch (err) {
      // The cause lists of periodic units include CLUSTER_CALL_CAUSES, hence INTERNAL.
      fatal = isUnitFailureError(err)
        ? (err.failure as UnitFailure<Cause, Action>)
        : { cause: 'INTERNAL' as Cause, message: `${task} run failed unexpectedly: ${(err as Error)?.message ?? String(err)}`, retriable: false, clusterWide: true, action: 'run' };
    }
    if (signal.aborted) return undefined;
    const delay = delayAfter(fatal ? { fatal, failures } : { failures });
    const durationMs = this.now() - began;
    if (fatal) {
      const failure = { ...fatal, message: `${fatal.message}; retrying in ${Math.round(delay / 100) / 10} s` };
      this.status.recordRun(task, { durationMs, failures, fatal: { failure, retryInMs: delay } });
    } else {
      this.status.recordRun(task, { durationMs, failures });
    }
    return delay;
  }
}
