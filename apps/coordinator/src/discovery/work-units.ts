import type { FlowConfig } from '@mirrormaker/config';
import { unitId, type UnitId } from '@mirrormaker/lease';
import type { FlowDiscovery } from './flow-discovery-result';

/**
 * The units the coordinator leases out, from the config and what discovery found:
 * - enabled, unpaused flows: one `partition` unit per source partition to replicate, one `topics`
 *   unit, one `acls` unit when ACL sync is on, one `groups` unit when checkpoints are on;
 * - `heartbeat` units for every pair that emits heartbeats (MM2 runs them for disabled pairs too).
 */
export function workUnits(
  flows: readonly FlowConfig[],
  heartbeatFlows: readonly FlowConfig[],
  discoveries: ReadonlyMap<string, FlowDiscovery>,
  paused: ReadonlySet<string>,
): UnitId[] {
  const units: UnitId[] = [];
  for (const flow of flows) {
    if (!flow.enabled || paused.has(flow.name)) continue;
    units.push(unitId({ kind: 'topics', flow: flow.name }));
    if (flow.syncTopicAclsEnabled) units.push(unitId({ kind: 'acls', flow: flow.name }));
    if (flow.emitCheckpointsEnabled) units.push(unitId({ kind: 'groups', flow: flow.name, shard: 0 }));
    for (const topic of discoveries.get(flow.name)?.topics ?? []) {
      for (let partition = 0; partition < topic.partitions; partition++) {
        units.push(unitId({ kind: 'partition', flow: flow.name, topic: topic.sourceTopic, partition }));
      }
    }
  }
  for (const flow of heartbeatFlows) {
    if (!paused.has(flow.name)) units.push(unitId({ kind: 'heartbeat', flow: flow.name }));
  }
  return units;
}
