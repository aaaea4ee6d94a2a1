import type { InstanceId, Lease, LeaseTable } from './lease-table';
import type { ServiceKind } from './service-kind';
import { parseUnitId, SERVICE_KIND_FOR_UNIT, type UnitId } from './unit-id';

export type RestoreRejection = 'unknown-instance' | 'invalid-unit' | 'invalid-epoch' | 'wrong-kind' | 'held-by-other' | 'stale-epoch';

export type RestoreResult =
  | { readonly accepted: true; readonly lease: Lease; readonly nextState: LeaseTable }
  | { readonly accepted: false; readonly reason: RestoreRejection; readonly nextState: LeaseTable };

/**
 * A registered instance re-presents a lease it still holds, typically after a coordinator
 * restart, and keeps it under the same epoch for another TTL.
 *
 * Accepted when the table has no lease for the unit and the epoch is not older than anything this
 * table granted or saw end, or when the table already has exactly this lease (a reconnect), or,
 * while the table has only adopted leases, when another instance re-presented the unit under a
 * lower epoch (the highest epoch wins). Refused when someone else holds the unit, the epoch is
 * stale or no epoch this table could have granted (epochs count up from 1 and stay exact numbers:
 * taking 2^63 - 1 from a worker would leave the unit an epoch no later grant can exceed or encode),
 * or the instance cannot serve the unit; the instance must then stop that unit at once.
 */
export function restoreLease(
  table: LeaseTable,
  unitId: UnitId,
  holder: InstanceId,
  epoch: number,
  now: number,
  ttlMs: number,
): RestoreResult {
  const { nextState, results } = restoreLeases(table, holder, [{ unitId, epoch }], now, ttlMs);
  const [result] = results;
  return result.accepted ? { accepted: true, lease: result.lease, nextState } : { accepted: false, reason: result.reason, nextState };
}

export type PresentedLeaseResult = { readonly unitId: UnitId } & (
  | { readonly accepted: true; readonly lease: Lease }
  | { readonly accepted: false; readonly reason: RestoreRejection }
);

/**
 * `restoreLease` for every lease an instance re-presents, in order, each seeing the ones before
 * it: the table's maps are copied once, not once per lease (an instance holding thousands of units
 * re-presents them all on every new session).
 */
export function restoreLeases(
  table: LeaseTable,
  holder: InstanceId,
  presented: ReadonlyArray<{ readonly unitId: UnitId; readonly epoch: number }>,
  now: number,
  ttlMs: number,
): { nextState: LeaseTable; results: PresentedLeaseResult[] } {
  const instance = table.instances.get(holder);
  const leases = new Map(table.leases);
  const highestEpochs = new Map(table.highestEpochs);
  // Until one TTL after this table started it granted nothing itself (assign's quiet period is
  // longer still): every lease in it was adopted from what instances re-presented.
  const adoptingOnly = now < table.startedAt + ttlMs;
  let changed = false;
  const results = presented.map(({ unitId, epoch }): PresentedLeaseResult => {
    const reject = (reason: RestoreRejection): PresentedLeaseResult => ({ unitId, accepted: false, reason });
    if (instance === undefined) return reject('unknown-instance');
    if (!Number.isSafeInteger(epoch) || epoch < 1) return reject('invalid-epoch');
    let kind: ServiceKind;
    try {
      kind = SERVICE_KIND_FOR_UNIT[parseUnitId(unitId).kind];
    } catch {
      return reject('invalid-unit');
    }
    if (kind !== instance.serviceKind) return reject('wrong-kind');

    const existing = leases.get(unitId);
    let lease: Lease;
    if (existing !== undefined && existing.holder !== holder && adoptingOnly && epoch > existing.epoch) {
      // Two instances re-present the unit: the higher epoch is the later grant (the previous leader
      // granted it after the lower one ran out, and may have died before persisting it). It wins;
      // the other holder's next renewal no longer lists the unit, so it stops.
      lease = { unitId, holder, epoch, expiresAt: now + ttlMs, state: 'active' };
    } else if (existing !== undefined) {
      if (existing.holder !== holder) return reject('held-by-other');
      if (existing.epoch !== epoch || existing.expiresAt <= now) return reject('stale-epoch');
      lease = { ...existing, expiresAt: Math.max(existing.expiresAt, now + ttlMs) };
    } else {
      if (epoch < (highestEpochs.get(unitId) ?? 0) || epoch <= (table.endedEpochs.get(unitId) ?? 0)) {
        return reject('stale-epoch');
      }
      lease = { unitId, holder, epoch, expiresAt: now + ttlMs, state: 'active' };
    }
    leases.set(unitId, lease);
    highestEpochs.set(unitId, Math.max(epoch, highestEpochs.get(unitId) ?? 0));
    changed = true;
    return { unitId, accepted: true, lease };
  });
  return { nextState: changed ? { ...table, leases, highestEpochs } : table, results };
}
