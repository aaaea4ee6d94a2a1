import type { Logger } from '@mirrormaker/observability';
import type { ErrorReport, UnitProgress } from '@mirrormaker/proto';
import type { UnitMetrics } from './unit-metrics';
import { UnitStatus } from './unit-status';

/**
 * What a worker service keeps per granted unit: running work, or an idle placeholder saying why
 * there is none. Its status feeds /healthz; its error reports, and its progress where it has one,
 * go with every lease renewal (`heldUnitsReport`).
 */
export interface HeldUnit {
  readonly status: UnitStatus<string, string>;
  errorReports(): ErrorReport[];
  /** What the coordinator shows of the unit's work in the status (e.g. checkpoint ages); none for most units. */
  progress?(): UnitProgress;
  /** Ends the work (lease revoked or expired, service stopping); safe to call twice. */
  stop(reason: string): Promise<void>;
}

export interface IdleUnitOptions {
  /** Why the unit does nothing, shown as its detail. */
  readonly note: string;
  /** Reported to the coordinator too, when the operator has something to fix (not for a flow turned off on purpose). */
  readonly problem?: { readonly cause: string; readonly message: string };
  readonly metrics?: UnitMetrics;
}

/** A unit that cannot run here, with the reason shown in health and, for a problem, reported to the coordinator. */
export function idleUnit(unitId: string, logger: Logger, options: IdleUnitOptions): HeldUnit {
  const status = new UnitStatus({ unitId, logger: logger.child({ unit: unitId }), ...(options.metrics ? { metrics: options.metrics } : {}) });
  status.setIdle(options.note, options.problem ? { ...options.problem, retriable: false, action: 'setup' } : undefined);
  return { status, errorReports: () => status.errorReports(), stop: async () => status.setStopped() };
}

/** The report sent with a lease renewal: every held unit's errors, and the progress of those that have one. */
export function heldUnitsReport(held: Iterable<HeldUnit>): { progress: UnitProgress[]; errors: ErrorReport[] } {
  const units = [...held];
  return { progress: units.flatMap((u) => (u.progress ? [u.progress()] : [])), errors: units.flatMap((u) => u.errorReports()) };
}
