import type { InstanceId, Lease, LeaseTable } from './lease-table';
import type { UnitId } from './unit-id';

/** A lease as the holder sees it: which unit, under which epoch. */
export interface HeldLease {
  readonly unitId: UnitId;
  readonly epoch: number;
}

export type LostReason = 'not-held' | 'epoch-mismatch' | 'expired';

export interface RenewResult {
  /** False when the instance is not registered (it was dropped): it must stop all work and re-register. */
  readonly known: boolean;
  /** Every active lease of the instance, extended. This list is authoritative: work on exactly these. */
  readonly renewed: readonly Lease[];
  /** Leases being revoked: stop, then release them; they are not extended. */
  readonly revoking: readonly Lease[];
  /** Presented leases the instance does not (or no longer) hold: stop them at once. */
  readonly lost: ReadonlyArray<HeldLease & { readonly reason: LostReason }>;
  readonly nextState: LeaseTable;
}

/**
 * A heartbeat from an instance. Marks it alive and extends all of its active, unexpired leases to
 * `now + ttlMs` (never shortening one), whether or not it presented them, so a grant whose message
 * was lost is adopted on the next renewal. Leases it presents are checked against the table.
 */
export function renew(
  table: LeaseTable,
  instanceId: InstanceId,
  now: number,
  ttlMs: number,
  presented: readonly HeldLease[] = [],
): RenewResult {
  const instance = table.instances.get(instanceId);
  if (instance === undefined) {
    return { known: false, renewed: [], revoking: [], lost: presented.map((p) => ({ ...p, reason: 'not-held' })), nextState: table };
  }
  const leases = new Map(table.leases);
  const renewed: Lease[] = [];
  const revoking: Lease[] = [];
  for (const lease of table.leases.values()) {
    if (lease.holder !== instanceId || lease.expiresAt <= now) continue;
    if (lease.state === 'revoking') {
      revoking.push(lease);
      continue;
    }
    const extended: Lease = { ...lease, expiresAt: Math.max(lease.expiresAt, now + ttlMs) };
    leases.set(lease.unitId, extended);
    renewed.push(extended);
  }
  const lost: Array<HeldLease & { reason: LostReason }> = [];
  for (const held of presented) {
    const lease = table.leases.get(held.unitId);
    if (lease === undefined || lease.holder !== instanceId) lost.push({ ...held, reason: 'not-held' });
    else if (lease.epoch !== held.epoch) lost.push({ ...held, reason: 'epoch-mismatch' });
    else if (lease.expiresAt <= now) lost.push({ ...held, reason: 'expired' });
  }
  const instances = new Map(table.instances);
  instances.set(instanceId, { ...instance, lastRenewalAt: now });
  return { known: true, renewed, revoking, lost, nextState: { ...table, instances, leases } };
}
