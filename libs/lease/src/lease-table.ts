import { LeaseError } from './errors';
import type { ServiceKind } from './service-kind';
import { parseUnitId, SERVICE_KIND_FOR_UNIT, type UnitId, type UnitRef } from './unit-id';

export type InstanceId = string;

/** A unit the coordinator wants served, with the service kind that serves it. */
export interface WorkUnit {
  readonly id: UnitId;
  readonly ref: UnitRef;
  readonly serviceKind: ServiceKind;
}

/** A registered worker process. Ids must be unique per process start. */
export interface Instance {
  readonly id: InstanceId;
  readonly serviceKind: ServiceKind;
  /** Most units it may hold at once (live leases of any state); absent = no limit. */
  readonly capacity?: number;
  /** Relative share of its kind's units; absent = 1. */
  readonly weight?: number;
  readonly lastRenewalAt: number;
  /** Draining instances hold nothing and receive nothing. */
  readonly draining: boolean;
}

/**
 * A time-bounded right to work on one unit. `active` leases are extended by renewals; a `revoking`
 * lease is never extended: it ends when the holder releases it or when it expires.
 */
export interface Lease {
  readonly unitId: UnitId;
  readonly holder: InstanceId;
  readonly epoch: number;
  readonly expiresAt: number;
  readonly state: 'active' | 'revoking';
}

/**
 * The coordinator's whole assignment state, as an immutable value: every operation returns a new
 * table and leaves its input untouched.
 *
 * Safety rules kept by the operations of this library:
 * - at most one lease per unit, and a unit is regranted only once the previous lease was released
 *   by its holder or is past `expiresAt + grace` (so the old holder has stopped);
 * - epochs per unit only go up: a grant takes `highest + 1`, including after expiry, removal of the
 *   unit or a coordinator restart seeded with the persisted `highestEpochs`;
 * - for one TTL plus grace after `startedAt` nothing unclaimed is granted, so holders of leases from
 *   a previous coordinator can re-present them first (`restoreLease`).
 */
export interface LeaseTable {
  readonly startedAt: number;
  readonly units: ReadonlyMap<UnitId, WorkUnit>;
  readonly instances: ReadonlyMap<InstanceId, Instance>;
  readonly leases: ReadonlyMap<UnitId, Lease>;
  /** Highest epoch ever granted or restored, per unit. */
  readonly highestEpochs: ReadonlyMap<UnitId, number>;
  /** Epoch of the last lease that ended (released or expired), per unit. */
  readonly endedEpochs: ReadonlyMap<UnitId, number>;
}

export interface CreateLeaseTableOptions {
  /** When this coordinator started, in ms. */
  readonly startedAt: number;
  /** Highest epochs persisted by a previous coordinator, so epochs keep increasing. */
  readonly highestEpochs?: ReadonlyMap<UnitId, number>;
}

export function createLeaseTable(options: CreateLeaseTableOptions): LeaseTable {
  return {
    startedAt: options.startedAt,
    units: new Map(),
    instances: new Map(),
    leases: new Map(),
    highestEpochs: new Map(options.highestEpochs ?? []),
    endedEpochs: new Map(),
  };
}

/** Replaces the set of units to serve. Leases on units that disappear are revoked by `assign`. */
export function setUnits(table: LeaseTable, unitIds: Iterable<UnitId>): LeaseTable {
  const units = new Map<UnitId, WorkUnit>();
  for (const id of unitIds) units.set(id, table.units.get(id) ?? workUnit(id));
  return { ...table, units };
}

export function addUnits(table: LeaseTable, unitIds: Iterable<UnitId>): LeaseTable {
  const units = new Map(table.units);
  for (const id of unitIds) if (!units.has(id)) units.set(id, workUnit(id));
  return { ...table, units };
}

export function removeUnits(table: LeaseTable, unitIds: Iterable<UnitId>): LeaseTable {
  const units = new Map(table.units);
  for (const id of unitIds) units.delete(id);
  return { ...table, units };
}

export interface InstanceRegistration {
  readonly id: InstanceId;
  readonly serviceKind: ServiceKind;
  readonly capacity?: number;
  readonly weight?: number;
}

/**
 * Adds an instance, or refreshes one that reconnects (its leases and draining flag are kept).
 * Registering counts as a renewal of liveness, not of leases.
 */
export function registerInstance(table: LeaseTable, registration: InstanceRegistration, now: number): LeaseTable {
  const { id, serviceKind, capacity, weight } = registration;
  if (id === '') throw new LeaseError('INVALID_INSTANCE', 'instance id must not be empty');
  if (capacity !== undefined && (!Number.isSafeInteger(capacity) || capacity < 0)) {
    throw new LeaseError('INVALID_INSTANCE', `capacity of ${id} must be a non-negative integer, got ${capacity}`);
  }
  if (weight !== undefined && !(Number.isFinite(weight) && weight > 0)) {
    throw new LeaseError('INVALID_INSTANCE', `weight of ${id} must be a positive number, got ${weight}`);
  }
  const previous = table.instances.get(id);
  if (previous !== undefined && previous.serviceKind !== serviceKind) {
    throw new LeaseError('INVALID_INSTANCE', `instance ${id} is registered as ${previous.serviceKind}, not ${serviceKind}`);
  }
  const instance: Instance = {
    id,
    serviceKind,
    ...(capacity === undefined ? {} : { capacity }),
    ...(weight === undefined ? {} : { weight }),
    lastRenewalAt: now,
    draining: previous?.draining ?? false,
  };
  const instances = new Map(table.instances);
  instances.set(id, instance);
  return { ...table, instances };
}

/**
 * Forgets an instance that said goodbye without draining. Its leases stay until released or
 * expired plus grace: the process may still be working on them.
 */
export function removeInstance(table: LeaseTable, instanceId: InstanceId): LeaseTable {
  if (!table.instances.has(instanceId)) return table;
  const instances = new Map(table.instances);
  instances.delete(instanceId);
  return { ...table, instances };
}

/** Leases of one holder (linear in the number of leases). */
export function leasesOf(table: LeaseTable, instanceId: InstanceId): Lease[] {
  const result: Lease[] = [];
  for (const lease of table.leases.values()) if (lease.holder === instanceId) result.push(lease);
  return result;
}

function workUnit(id: UnitId): WorkUnit {
  const ref = parseUnitId(id);
  return { id, ref, serviceKind: SERVICE_KIND_FOR_UNIT[ref.kind] };
}
