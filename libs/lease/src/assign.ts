import { balanceTargets, type BalanceCandidate } from './balance-targets';
import { LeaseError } from './errors';
import type { Instance, InstanceId, Lease, LeaseTable } from './lease-table';
import type { ServiceKind } from './service-kind';
import type { UnitId } from './unit-id';

export interface LeaseTimings {
  /** Lease lifetime granted and added by each renewal. */
  readonly ttlMs: number;
  /**
   * Extra wait after a lease's expiry before its unit is regranted, covering clock skew and
   * message delay between coordinator and holder.
   */
  readonly graceMs: number;
}

export interface Grant {
  readonly unitId: UnitId;
  readonly holder: InstanceId;
  readonly epoch: number;
  readonly expiresAt: number;
}

export type RevocationReason = 'rebalance' | 'draining' | 'unit-removed' | 'wrong-kind';

export interface Revocation {
  readonly unitId: UnitId;
  readonly holder: InstanceId;
  readonly epoch: number;
  readonly reason: RevocationReason;
}

export interface AssignResult {
  readonly grants: readonly Grant[];
  /** Leases that just became `revoking`; the holder must stop and release them. */
  readonly revocations: readonly Revocation[];
  /** Leases dropped because they expired more than `graceMs` ago. */
  readonly expirations: readonly Lease[];
  /** Instances dropped because they did not renew within one TTL. */
  readonly removedInstances: readonly InstanceId[];
  readonly nextState: LeaseTable;
}

/** When unclaimed units may first be granted after a coordinator start. */
export function quietPeriodEnd(table: LeaseTable, timings: LeaseTimings): number {
  return table.startedAt + timings.ttlMs + timings.graceMs;
}

/**
 * One assignment round. Run it after anything changed (and periodically, so that expiries are
 * noticed).
 *
 * 1. Instances silent for more than a TTL are dropped; leases more than `graceMs` past their
 *    expiry are dropped and their units become free.
 * 2. Leases that must end are revoked: holder draining, unit no longer wanted, or held by the
 *    wrong service kind.
 * 3. Per service kind, a target count is computed for every live, non-draining instance
 *    (`balanceTargets`). Instances above target have their surplus revoked; free units are dealt
 *    round-robin to instances below target (and below capacity), with epoch = highest + 1.
 *    Revoked units are dealt in a later round, once released or expired plus grace.
 *
 * During the quiet period after a coordinator start (one TTL plus grace), step 3 and the
 * revocation of unknown units are held back: leases granted by the previous coordinator may still
 * be live and are being re-presented, and discovery may not be complete yet. The grace is included
 * for the same reason it is added to every expiry: the new coordinator cannot see those leases.
 *
 * Cost: O(units + leases + units·log instances).
 */
export function assign(table: LeaseTable, now: number, timings: LeaseTimings): AssignResult {
  const { ttlMs, graceMs } = timings;
  if (!(ttlMs > 0) || !(graceMs >= 0)) {
    throw new LeaseError('INVALID_OPTIONS', `ttlMs must be > 0 and graceMs >= 0, got ${ttlMs} and ${graceMs}`);
  }
  const quiet = now < quietPeriodEnd(table, timings);

  // 1. Liveness and expiry.
  const removedInstances: InstanceId[] = [];
  let instances = table.instances;
  for (const instance of table.instances.values()) {
    if (instance.lastRenewalAt + ttlMs < now) removedInstances.push(instance.id);
  }
  if (removedInstances.length > 0) {
    const kept = new Map(table.instances);
    for (const id of removedInstances) kept.delete(id);
    instances = kept;
  }

  // Copied on first change only: a round with nothing to do allocates almost nothing.
  let changedLeases: Map<UnitId, Lease> | undefined;
  const writableLeases = (): Map<UnitId, Lease> => (changedLeases ??= new Map(table.leases));
  const expirations: Lease[] = [];
  let endedEpochs = table.endedEpochs;
  for (const lease of table.leases.values()) {
    if (now >= lease.expiresAt + graceMs) {
      writableLeases().delete(lease.unitId);
      expirations.push(lease);
    }
  }
  const currentLeases = (): ReadonlyMap<UnitId, Lease> => changedLeases ?? table.leases;
  if (expirations.length > 0) {
    const ended = new Map(endedEpochs);
    for (const lease of expirations) ended.set(lease.unitId, lease.epoch);
    endedEpochs = ended;
  }

  // 2. Forced revocations, and the per-instance view of what each one actively holds.
  const revocations: Revocation[] = [];
  const revoke = (lease: Lease, reason: RevocationReason): void => {
    writableLeases().set(lease.unitId, { ...lease, state: 'revoking' });
    revocations.push({ unitId: lease.unitId, holder: lease.holder, epoch: lease.epoch, reason });
  };
  /** Active leases per holder (oldest grant first), and all live leases per holder for capacity. */
  const activeUnits = new Map<InstanceId, UnitId[]>();
  const liveCount = new Map<InstanceId, number>();
  for (const lease of currentLeases().values()) {
    liveCount.set(lease.holder, (liveCount.get(lease.holder) ?? 0) + 1);
    if (lease.state !== 'active') continue;
    const unit = table.units.get(lease.unitId);
    const holder = instances.get(lease.holder);
    if (holder === undefined) continue; // silent holder: its lease simply runs out
    if (holder.draining) revoke(lease, 'draining');
    else if (unit === undefined) {
      if (!quiet) revoke(lease, 'unit-removed');
    } else if (unit.serviceKind !== holder.serviceKind) revoke(lease, 'wrong-kind');
    else {
      let held = activeUnits.get(holder.id);
      if (held === undefined) activeUnits.set(holder.id, (held = []));
      held.push(lease.unitId);
    }
  }

  // 3. Balance per service kind.
  const grants: Grant[] = [];
  let highestEpochs = table.highestEpochs;
  if (!quiet) {
    const eligible = new Map<ServiceKind, Instance[]>();
    for (const instance of instances.values()) {
      if (instance.draining) continue;
      let list = eligible.get(instance.serviceKind);
      if (list === undefined) eligible.set(instance.serviceKind, (list = []));
      list.push(instance);
    }
    const totals = new Map<ServiceKind, number>();
    const free = new Map<ServiceKind, UnitId[]>();
    for (const unit of table.units.values()) {
      totals.set(unit.serviceKind, (totals.get(unit.serviceKind) ?? 0) + 1);
      if (currentLeases().has(unit.id)) continue;
      let list = free.get(unit.serviceKind);
      if (list === undefined) free.set(unit.serviceKind, (list = []));
      list.push(unit.id);
    }

    let epochs: Map<UnitId, number> | undefined;
    for (const [kind, members] of eligible) {
      members.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const candidates: BalanceCandidate[] = members.map((m) => ({
        id: m.id,
        weight: m.weight ?? 1,
        capacity: m.capacity ?? Infinity,
        current: activeUnits.get(m.id)?.length ?? 0,
      }));
      const targets = balanceTargets(candidates, totals.get(kind) ?? 0);

      // Surplus first: an instance hands over its most recently granted units.
      const receivers: Array<{ id: InstanceId; room: number }> = [];
      for (const member of members) {
        const held = activeUnits.get(member.id) ?? [];
        const target = targets.get(member.id) ?? 0;
        for (let i = held.length - 1; i >= target; i--) revoke(currentLeases().get(held[i]) as Lease, 'rebalance');
        const capacityRoom = (member.capacity ?? Infinity) - (liveCount.get(member.id) ?? 0);
        const room = Math.min(target - held.length, capacityRoom);
        if (room > 0) receivers.push({ id: member.id, room });
      }

      // Free units round-robin over instances below target.
      const units = free.get(kind) ?? [];
      let turn = 0;
      for (const unitId of units) {
        if (receivers.length === 0) break;
        turn %= receivers.length;
        const receiver = receivers[turn];
        epochs ??= new Map(highestEpochs);
        const epoch = Math.max(epochs.get(unitId) ?? 0, endedEpochs.get(unitId) ?? 0) + 1;
        epochs.set(unitId, epoch);
        const lease: Lease = { unitId, holder: receiver.id, epoch, expiresAt: now + ttlMs, state: 'active' };
        writableLeases().set(unitId, lease);
        grants.push({ unitId, holder: receiver.id, epoch, expiresAt: lease.expiresAt });
        if (--receiver.room === 0) receivers.splice(turn, 1);
        else turn++;
      }
    }
    if (epochs !== undefined) highestEpochs = epochs;
  }

  return {
    grants,
    revocations,
    expirations,
    removedInstances,
    nextState: { ...table, instances, leases: currentLeases(), highestEpochs, endedEpochs },
  };
}
