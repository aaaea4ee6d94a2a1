import type { Logger } from '@mirrormaker/observability';
import type { ErrorReport } from '@mirrormaker/proto';
import type { UnitFailure } from './unit-failure';
import type { UnitMetrics } from './unit-metrics';

/** Where a unit is in its life; an app may add its own steps before `running` (e.g. `loading-checkpoints`). */
export type UnitPhase = 'starting' | 'running' | 'idle' | 'stopped';

/**
 * The one-word summary in /healthz and `mirrormaker_unit_state`: `idle` and `stopped` as the
 * phase says; else `retrying` while a blocking problem lasts, `degraded` while only some of the
 * work fails, `in-sync` once running without problems, `starting` before.
 */
export type UnitState = 'starting' | 'in-sync' | 'degraded' | 'retrying' | 'idle' | 'stopped';

/** A problem as a unit reports it, with a cause from the app's closed list. */
export interface ProblemReport<Cause extends string> {
  readonly cause: Cause;
  /** What went wrong and what to do, in one line. */
  readonly message: string;
  /** It may go away with nobody changing anything (broker down, topic not created yet). */
  readonly retriable: boolean;
  /** The unit (or the task) makes no progress while it lasts; false when only part of the work fails. @default true */
  readonly blocking?: boolean;
  readonly action?: string;
  readonly topic?: string;
}

/** A current problem. */
export interface UnitProblem<Cause extends string> extends ProblemReport<Cause> {
  /** The task that reported it (`unit` for units that report for the whole unit). */
  readonly task: string;
  readonly blocking: boolean;
  /** First seen (ms since the epoch); kept while the same problem is reported again. */
  readonly since: number;
  /** Last reported. */
  readonly at: number;
}

/** One run of a periodic task, with what it met. */
export interface RunRecord<Cause extends string> {
  durationMs: number;
  /** Problems of a run that otherwise completed (one topic refused, the others done). */
  failures: readonly UnitFailure<Cause>[];
  /** The problem that ended the run early, with the wait before the next attempt. */
  fatal?: { failure: UnitFailure<Cause>; retryInMs: number };
}

interface LastRun {
  at: number;
  durationMs: number;
  ok: boolean;
  /** When a failed run is tried again. */
  retryAt?: number;
}

export interface UnitStatusOptions {
  readonly unitId: string;
  /** When given, problems are logged: a warning when one appears, debug while it repeats, info when it is gone. */
  readonly logger?: Logger;
  /** When given, the unit's state, failures and runs are published there. */
  readonly metrics?: UnitMetrics;
  readonly now?: () => number;
}

const DEFAULT_TASK = 'unit';

const keyOf = (p: { cause: string; action?: string; topic?: string }): string => `${p.action ?? ''}|${p.topic ?? ''}|${p.cause}`;

/**
 * What one leased unit is doing and what is wrong with it now: its phase (with a detail such as
 * why it is idle), its current problems per task, and for periodic units the last run of each
 * task and totals of what it did. The same object answers the coordinator (`errorReports`, sent
 * with every lease renewal), /healthz (`view`) and the unit metrics.
 *
 * Problems are replaced, never accumulated: `report` replaces the problems of its task (a unit
 * with one problem at a time uses the default task), `recordRun` replaces those of the run's task,
 * `resolve` clears them. A problem reported again keeps its `since`.
 */
export class UnitStatus<Cause extends string = string, Phase extends string = UnitPhase> {
  readonly unitId: string;
  private currentPhase: Phase | UnitPhase = 'starting';
  private currentDetail: string | undefined;
  private readonly byTask = new Map<string, Map<string, UnitProblem<Cause>>>();
  private readonly lastRuns = new Map<string, LastRun>();
  private readonly totals = new Map<string, number>();
  private published: UnitState | undefined;
  private readonly now: () => number;

  constructor(private readonly options: UnitStatusOptions) {
    this.unitId = options.unitId;
    this.now = options.now ?? Date.now;
    this.publish();
  }

  get phase(): Phase | UnitPhase {
    return this.currentPhase;
  }

  /** Why the unit is in its phase (idle, stopped) or what it waits for; undefined when nothing to add. */
  get detail(): string | undefined {
    return this.currentDetail;
  }

  get state(): UnitState {
    const phase: string = this.currentPhase;
    if (phase === 'idle' || phase === 'stopped') return phase;
    const problems = this.problems;
    if (problems.some((p) => p.blocking)) return 'retrying';
    if (problems.length > 0) return 'degraded';
    return this.currentPhase === 'running' ? 'in-sync' : 'starting';
  }

  /** Current problems, oldest task first. */
  get problems(): Array<UnitProblem<Cause>> {
    return [...this.byTask.values()].flatMap((m) => [...m.values()]);
  }

  has(cause: Cause): boolean {
    return this.problems.some((p) => p.cause === cause);
  }

  setPhase(phase: Phase | UnitPhase, detail?: string): void {
    this.currentPhase = phase;
    this.currentDetail = detail;
    this.publish();
  }

  /** The unit does nothing, and why (flow disabled, not in the config, source without authorizer...). */
  setIdle(note: string, problem?: ProblemReport<Cause>): void {
    const at = this.now();
    this.byTask.set('setup', problem ? new Map([[keyOf(problem), { ...problem, task: 'setup', blocking: false, since: at, at }]]) : new Map());
    this.setPhase('idle', note);
  }

  /** The unit's work ended (lease gone, service stopping): its metric series go too. */
  setStopped(reason?: string): void {
    this.setPhase('stopped', reason);
    if (this.published !== undefined) this.options.metrics?.state.remove({ unit: this.unitId, state: this.published });
    this.published = undefined;
  }

  /** Replaces the task's problems by this one; true when it is new there (worth a log line), false when it repeats. */
  report(problem: ProblemReport<Cause>, task = DEFAULT_TASK): boolean {
    const isNew = !this.byTask.get(task)?.has(keyOf(problem));
    this.replace(task, [{ ...problem, blocking: problem.blocking ?? true }], this.now());
    this.options.metrics?.failures.inc({ unit: this.unitId, cause: problem.cause });
    this.publish();
    return isNew;
  }

  /** Clears the problems with this cause, or all without one; returns what was cleared. */
  resolve(cause?: Cause): Array<UnitProblem<Cause>> {
    const cleared: Array<UnitProblem<Cause>> = [];
    for (const problems of this.byTask.values()) {
      for (const [key, p] of problems) {
        if (cause !== undefined && p.cause !== cause) continue;
        problems.delete(key);
        cleared.push(p);
        this.options.logger?.info(this.logFields(p), `resolved: ${p.message}`);
      }
    }
    if (cleared.length > 0) this.publish();
    return cleared;
  }

  /** A periodic task finished a run: its problems become those of the run, and the unit runs. */
  recordRun(task: string, run: RunRecord<Cause>): void {
    const at = this.now();
    const fatal = run.fatal?.failure;
    this.replace(task, [...run.failures.map((f) => ({ ...f, blocking: false })), ...(fatal ? [{ ...fatal, blocking: true }] : [])], at);
    this.lastRuns.set(task, { at, durationMs: run.durationMs, ok: !fatal, ...(run.fatal ? { retryAt: at + run.fatal.retryInMs } : {}) });
    const metrics = this.options.metrics;
    if (metrics) {
      const labels = { unit: this.unitId, task };
      metrics.runDuration.observe(labels, run.durationMs / 1000);
      metrics.lastRun.set(labels, at / 1000);
      if (!fatal && run.failures.length === 0) metrics.lastSuccess.set(labels, at / 1000);
      for (const f of fatal ? [...run.failures, fatal] : run.failures) metrics.failures.inc({ unit: this.unitId, cause: f.cause });
    }
    this.setPhase('running');
  }

  count(operation: string, n = 1): void {
    if (n > 0) this.totals.set(operation, (this.totals.get(operation) ?? 0) + n);
  }

  total(operation: string): number {
    return this.totals.get(operation) ?? 0;
  }

  /** `<CAUSE>: <message>` of the first current problem, empty without one (UnitProgress.stalled_reason). */
  problemSummary(): string {
    const first = this.problems[0];
    return first ? `${first.cause}: ${first.message}` : '';
  }

  /** The current problems as the lease renewal reports them, each at the time it began. */
  errorReports(): ErrorReport[] {
    return this.problems.map((p) => ({ unitId: this.unitId, cause: p.cause, message: p.message, at: new Date(p.since) }));
  }

  /** For /healthz details. */
  view(): Record<string, unknown> {
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      state: this.state,
      phase: this.currentPhase,
      ...(this.currentDetail === undefined ? {} : { detail: this.currentDetail }),
      problems: this.problems.map((p) => ({
        cause: p.cause,
        message: p.message,
        retriable: p.retriable,
        since: iso(p.since),
        ...(p.task === DEFAULT_TASK ? {} : { task: p.task }),
        ...(p.topic === undefined ? {} : { topic: p.topic }),
      })),
      ...(this.lastRuns.size === 0
        ? {}
        : {
            lastRuns: Object.fromEntries(
              [...this.lastRuns].map(([task, r]) => [
                task,
                { at: iso(r.at), durationMs: r.durationMs, ok: r.ok, ...(r.retryAt === undefined ? {} : { retryAt: iso(r.retryAt) }) },
              ]),
            ),
          }),
      ...(this.totals.size === 0 ? {} : { totals: Object.fromEntries(this.totals) }),
    };
  }

  private replace(task: string, problems: ReadonlyArray<ProblemReport<Cause> & { blocking: boolean }>, at: number): void {
    const previous = this.byTask.get(task) ?? new Map<string, UnitProblem<Cause>>();
    const next = new Map<string, UnitProblem<Cause>>();
    for (const problem of problems) {
      const key = keyOf(problem);
      const before = previous.get(key);
      const current: UnitProblem<Cause> = { ...problem, task, since: before?.since ?? at, at };
      next.set(key, current);
      if (before) this.options.logger?.debug(this.logFields(current), problem.message);
      else this.options.logger?.warn(this.logFields(current), problem.message);
    }
    for (const [key, gone] of previous) {
      if (!next.has(key)) this.options.logger?.info(this.logFields(gone), `resolved: ${gone.message}`);
    }
    this.byTask.set(task, next);
  }

  private logFields(p: UnitProblem<Cause>): Record<string, unknown> {
    return { task: p.task, cause: p.cause, topic: p.topic, action: p.action };
  }

  /** Keeps `mirrormaker_unit_state` at 1 for the current state only. */
  private publish(): void {
    const metrics = this.options.metrics;
    if (!metrics || (this.currentPhase === 'stopped' && this.published === undefined)) return;
    const state = this.state;
    if (state === this.published) return;
    if (this.published !== undefined) metrics.state.remove({ unit: this.unitId, state: this.published });
    metrics.state.set({ unit: this.unitId, state }, 1);
    this.published = state;
  }
}
