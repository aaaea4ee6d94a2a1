import type { MirrorConfig } from '@mirrormaker/config';
import type { Logger } from '@mirrormaker/observability';
import { ServiceKind, type WorkUnit } from '@mirrormaker/proto';
import { flowUnitAdmins, leasedUnitService, type HeldUnit } from '@mirrormaker/service-kit';
import { aclRules } from './acl-rules';
import { createAclSyncMetrics, type AclSyncMetrics } from './acl-sync-metrics';
import { AclSyncUnit } from './acl-sync-unit';

function startUnit(unit: WorkUnit, config: MirrorConfig, metrics: AclSyncMetrics, logger: Logger): HeldUnit {
  const setup = flowUnitAdmins({
    unitId: unit.id,
    kind: 'acls',
    config,
    role: 'acl-sync',
    work: 'syncing ACLs',
    logger,
    metrics: metrics.units,
    turnedOff: (flow) => (flow.syncTopicAclsEnabled ? undefined : `ACL sync is off for flow ${flow.name} (sync.topic.acls.enabled = false)`),
  });
  if (!setup.ok) return setup.idle;
  const { flow, source, target } = setup;
  const sync = new AclSyncUnit({
    unitId: unit.id,
    flow: flow.name,
    rules: aclRules(flow, flow.syncGroupAclsEnabled),
    intervalMs: flow.syncTopicAclsIntervalSeconds * 1000,
    source,
    target,
    metrics,
    logger,
  });
  sync.start();
  return sync;
}

/** Copies topic ACLs to the target by MM2 rules. */
export const aclSyncService = leasedUnitService({
  name: 'acl-sync',
  grpcPort: 7004,
  metricsPort: 9404,
  kind: ServiceKind.SERVICE_KIND_ACL_SYNC,
  createMetrics: createAclSyncMetrics,
  startUnit,
});
