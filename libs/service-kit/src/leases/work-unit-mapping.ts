import { parseUnitId, type UnitId } from '@mirrormaker/lease';
import type { WorkUnit } from '@mirrormaker/proto';

/** The protobuf form of a unit id, as sent in a grant. */
export function workUnitMessage(id: UnitId): WorkUnit {
  const ref = parseUnitId(id);
  const [source, target] = ref.flow.split('->');
  const flow = { source: source ?? '', target: target ?? '' };
  switch (ref.kind) {
    case 'partition':
      return { id, flow, unit: { $case: 'partition', value: { topic: ref.topic, partition: ref.partition } } };
    case 'groups':
      return { id, flow, unit: { $case: 'groups', value: { shard: ref.shard, shardCount: 0, groups: [] } } };
    case 'heartbeat':
      return { id, flow, unit: { $case: 'heartbeat', value: {} } };
    case 'topics':
      return { id, flow, unit: { $case: 'topics', value: {} } };
    case 'acls':
      return { id, flow, unit: { $case: 'acls', value: {} } };
  }
}
