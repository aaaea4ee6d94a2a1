import { createLeaseTable, registerInstance, setUnits, type LeaseTable } from '../lease-table';
import type { ServiceKind } from '../service-kind';
import { unitId, type UnitId } from '../unit-id';

export const TIMINGS = { ttlMs: 10_000, graceMs: 2_000 };
/** First instant after the start-up quiet period of a table started at 0. */
export const AFTER_QUIET = TIMINGS.ttlMs + TIMINGS.graceMs;

export function partitionUnits(count: number, flow = 'A->B', topic = 't'): UnitId[] {
  return Array.from({ length: count }, (_, partition) => unitId({ kind: 'partition', flow, topic, partition }));
}

/** A table started at 0 with the given units and data-mirror instances registered at `now`. */
export function tableWith(units: readonly UnitId[], instances: readonly string[], now = AFTER_QUIET, kind: ServiceKind = 'data-mirror'): LeaseTable {
  let table = setUnits(createLeaseTable({ startedAt: 0 }), units);
  for (const id of instances) table = registerInstance(table, { id, serviceKind: kind }, now);
  return table;
}

/** Number of active leases per holder. */
export function activeCounts(table: LeaseTable): Map<string, number> {
  const counts = new Map<string, number>();
  for (const lease of table.leases.values()) {
    if (lease.state === 'active') counts.set(lease.holder, (counts.get(lease.holder) ?? 0) + 1);
  }
  return counts;
}
