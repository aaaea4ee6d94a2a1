import { metricFactory, type Counter, type Gauge, type Registry } from '@mirrormaker/observability';
import { unitMetrics, type UnitMetrics } from '@mirrormaker/service-kit';

/** Operation kinds counted by `mirrormaker_acl_sync_operations_total`. */
export type AclSyncOperation = 'topic_acl_created' | 'group_acl_created';

/** One set per process, shared by every unit: the ACL series (labelled by flow) and the unit series. */
export interface AclSyncMetrics {
  readonly operations: Counter<'flow' | 'operation'>;
  readonly bindings: Gauge<'flow' | 'state'>;
  readonly units: UnitMetrics;
}

export function createAclSyncMetrics(registry: Registry): AclSyncMetrics {
  const m = metricFactory(registry);
  return {
    operations: m.counter('mirrormaker_acl_sync_operations_total', 'ACL bindings created on the target, by kind (topic_acl_created, group_acl_created).', ['flow', 'operation']),
    bindings: m.gauge(
      'mirrormaker_acl_sync_bindings',
      'Source ACL bindings as of the last run: mirrored (present on the target) or ignored (left out by the rules).',
      ['flow', 'state'],
    ),
    units: unitMetrics(registry),
  };
}
