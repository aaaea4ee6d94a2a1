import { LeaseError } from './errors';
import type { InstanceId, LeaseTable } from './lease-table';

/**
 * Starts a graceful hand-over: the instance gets no new units and the next `assign` revokes all
 * of its leases. Each unit moves as soon as the instance releases it, with no TTL wait.
 */
export function drain(table: LeaseTable, instanceId: InstanceId): LeaseTable {
  const instance = table.instances.get(instanceId);
  if (instance === undefined) throw new LeaseError('UNKNOWN_INSTANCE', `no instance ${instanceId} to drain`);
  if (instance.draining) return table;
  const instances = new Map(table.instances);
  instances.set(instanceId, { ...instance, draining: true });
  return { ...table, instances };
}
