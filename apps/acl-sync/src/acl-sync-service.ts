import type { MirrorConfig } from '@mirrormaker/config';
import type { Logger } from '@mirrormaker/observability';
import { ServiceKind, type WorkUnit } from '@mirrormaker/proto';
import { flowAdmin, idleUnit, leasedUnitService, resolveUnitFlow, type HeldUnit } from '@mirrormaker/service-kit';
import { aclRules } from './acl-rules';
import { createAclSyncMetrics, type AclSyncMetrics } from './acl-sync-metrics';
import { AclSyncUnit, type ClusterHandle } from './acl-sync-unit';

function startUnit(unit: WorkUnit, config: MirrorConfig, metrics: AclSyncMetrics, logger: Logger): HeldUnit {
  const resolved = resolveUnitFlow(config, unit.id, 'acls');
  if (!resolved.ok) {
    logger.warn({ unit: unit.id, cause: resolved.cause }, `not syncing ACLs: ${resolved.message}`);
    return idleUnit(unit.id, logger, resolved.message, resolved.cause === 'FLOW_DISABLED' ? undefined : resolved);
  }
  const { flow } = resolved;
  if (!flow.syncTopicAclsEnabled) {
    logger.info({ unit: unit.id }, `ACL sync is off for flow ${flow.name} (sync.topic.acls.enabled = false)`);
    return idleUnit(unit.id, logger, `ACL sync is off for flow ${flow.name} (sync.topic.acls.enabled = false)`);
  }
  let source: ClusterHandle;
  let target: ClusterHandle;
  try {
    source = flowAdmin(config, flow, 'source', 'acl-sync', logger);
    target = flowAdmin(config, flow, 'target', 'acl-sync', logger);
  } catch (err) {
    const message = `cannot connect to the clusters of flow ${flow.name}: ${(err as Error).message}`;
    logger.error({ unit: unit.id }, message);
    return idleUnit(unit.id, logger, message, { cause: 'BAD_CONNECTION', message });
  }
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
