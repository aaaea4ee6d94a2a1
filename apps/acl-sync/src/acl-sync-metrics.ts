import type { Registry } from '@mirrormaker/observability';
import { Counter, Gauge, Histogram } from 'prom-client';

/** Operation kinds counted by `mirrormaker_acl_sync_operations_total`. */
export type AclSyncOperation = 'topic_acl_created' | 'group_acl_created';

/** One set per process, shared by every unit (labelled by flow). */
export interface AclSyncMetrics {
  readonly operations: Counter<'flow' | 'operation'>;
  readonly errors: Counter<'flow' | 'cause'>;
  readonly runDuration: Histogram<'flow'>;
  readonly lastRun: Gauge<'flow'>;
  readonly lastSuccess: Gauge<'flow'>;
  readonly bindings: Gauge<'flow' | 'state'>;
}

export function createAclSyncMetrics(registry: Registry): AclSyncMetrics {
  const registers = [registry];
  return {
    operations: new Counter({
      name: 'mirrormaker_acl_sync_operations_total',
      help: 'ACL bindings created on the target, by kind (topic_acl_created, group_acl_created).',
      labelNames: ['flow', 'operation'],
      registers,
    }),
    errors: new Counter({
      name: 'mirrormaker_acl_sync_errors_total',
      help: 'Failed ACL sync runs, by cause (AUTHORIZATION_FAILED, UNREACHABLE, SECURITY_DISABLED, ...).',
      labelNames: ['flow', 'cause'],
      registers,
    }),
    runDuration: new Histogram({
      name: 'mirrormaker_acl_sync_run_duration_seconds',
      help: 'Duration of one ACL sync run.',
      labelNames: ['flow'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    lastRun: new Gauge({
      name: 'mirrormaker_acl_sync_last_run_timestamp_seconds',
      help: 'When an ACL sync run last finished, successful or not.',
      labelNames: ['flow'],
      registers,
    }),
    lastSuccess: new Gauge({
      name: 'mirrormaker_acl_sync_last_success_timestamp_seconds',
      help: 'When an ACL sync run last finished without failure.',
      labelNames: ['flow'],
      registers,
    }),
    bindings: new Gauge({
      name: 'mirrormaker_acl_sync_bindings',
      help: 'Source ACL bindings as of the last run: mirrored (present on the target) or ignored (left out by the rules).',
      labelNames: ['flow', 'state'],
      registers,
    }),
  };
}
