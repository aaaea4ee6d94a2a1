import type { InstanceId, LeaseTable } from './lease-table';
import type { UnitId } from './unit-id';

export interface ReleaseResult {
  /** False when the lease was not held under this epoch (already gone or regranted): nothing changed. */
  readonly released: boolean;
  readonly nextState: LeaseTable;
}

/**
 * The holder confirms it stopped work on a unit (usually after a revocation). The unit can be
 * regranted in the next `assign` without waiting for expiry.
 */
export function release(table: LeaseTable, unitId: UnitId, holder: InstanceId, epoch: number): ReleaseResult {
  const lease = table.leases.get(unitId);
  if (lease === undefined || lease.holder !== holder || lease.epoch !== epoch) return { released: false, nextState: table };
  const leases = new Map(table.leases);
  leases.delete(unitId);
  const endedEpochs = new Map(table.endedEpochs);
  endedEpochs.set(unitId, epoch);
  return { released: true, nextState: { ...table, leases, endedEpochs } };
}
