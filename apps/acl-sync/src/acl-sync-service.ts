import type { FlowConfig, MirrorConfig } from '@mirrormaker/config';
import { KafkaAdmin, createKafkaClient, type KafkaConnection } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';
import { ServiceKind, type WorkUnit } from '@mirrormaker/proto';
import { idleUnit, kafkaConnectionFor, leasedUnitService, resolveUnitFlow, type HeldUnit } from '@mirrormaker/service-kit';
import { aclRules } from './acl-rules';
import { createAclSyncMetrics, type AclSyncMetrics } from './acl-sync-metrics';
import { AclSyncUnit, type ClusterHandle } from './acl-sync-unit';
import { SYNC_GROUP_ACLS_KEY, groupAclSetting } from './group-acl-setting';

/** Admin client settings: short client-side retries, since the unit retries whole runs with backoff. */
function adminConnection(connection: KafkaConnection, flow: FlowConfig): KafkaConnection {
  return {
    ...connection,
    connectionTimeoutMs: 5_000,
    requestTimeoutMs: Math.min(flow.adminTimeoutMs, 30_000),
    retry: { retries: 2, initialRetryTimeMs: 250, maxRetryTimeMs: 2_000 },
  };
}

function clusterHandle(config: MirrorConfig, flow: FlowConfig, side: 'source' | 'target', logger: Logger): ClusterHandle {
  const cluster = config.clusters[flow[side]]!;
  const client = createKafkaClient(adminConnection(kafkaConnectionFor(cluster, `${flow.name}|acl-sync|${side}`), flow), logger);
  return { alias: cluster.alias, ...(client.principal ? { principal: client.principal } : {}), admin: new KafkaAdmin(client) };
}

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
  const groups = groupAclSetting(config, flow);
  if (groups.invalid !== undefined) {
    logger.warn({ unit: unit.id }, `${flow.name}.${SYNC_GROUP_ACLS_KEY} = "${groups.invalid}" is not true or false; group ACLs are not copied`);
  }
  let source: ClusterHandle;
  let target: ClusterHandle;
  try {
    source = clusterHandle(config, flow, 'source', logger);
    target = clusterHandle(config, flow, 'target', logger);
  } catch (err) {
    const message = `cannot connect to the clusters of flow ${flow.name}: ${(err as Error).message}`;
    logger.error({ unit: unit.id }, message);
    return idleUnit(unit.id, logger, message, { cause: 'BAD_CONNECTION', message });
  }
  const sync = new AclSyncUnit({
    unitId: unit.id,
    flow: flow.name,
    rules: aclRules(flow, groups.enabled),
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
