import { ServiceKind } from '@mirrormaker/proto';
import { leasedUnitService } from '@mirrormaker/service-kit';
import { aclRules } from './acl-rules';
import { createAclSyncMetrics } from './acl-sync-metrics';
import { AclSyncUnit } from './acl-sync-unit';

/** Copies topic ACLs to the target by MM2 rules. */
export const aclSyncService = leasedUnitService({
  name: 'acl-sync',
  grpcPort: 7004,
  metricsPort: 9404,
  kind: ServiceKind.SERVICE_KIND_ACL_SYNC,
  unitKind: 'acls',
  work: 'syncing ACLs',
  turnedOff: (flow) => (flow.syncTopicAclsEnabled ? undefined : `ACL sync is off for flow ${flow.name} (sync.topic.acls.enabled = false)`),
  createMetrics: createAclSyncMetrics,
  createUnit: ({ unitId, flow, source, target, metrics, logger }) =>
    new AclSyncUnit({
      unitId,
      flow: flow.name,
      rules: aclRules(flow, flow.syncGroupAclsEnabled),
      intervalMs: flow.syncTopicAclsIntervalSeconds * 1000,
      source,
      target,
      metrics,
      logger,
    }),
});
