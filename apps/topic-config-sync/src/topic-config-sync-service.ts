import type { FlowConfig, MirrorConfig } from '@mirrormaker/config';
import { KafkaAdmin, createKafkaClient, type KafkaConnection } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';
import { ServiceKind, type WorkUnit } from '@mirrormaker/proto';
import { idleUnit, kafkaConnectionFor, leasedUnitService, resolveUnitFlow, type HeldUnit } from '@mirrormaker/service-kit';
import { flowRules } from './flow-rules';
import { internalTopicSpecs } from './internal-topics';
import { createTopicSyncMetrics, type TopicSyncMetrics } from './topic-sync-metrics';
import { TopicSyncUnit, type ClusterHandle, type TopicSyncSettings } from './topic-sync-unit';

export function topicSyncSettings(flow: FlowConfig): TopicSyncSettings {
  return {
    replicationFactor: flow.replicationFactor,
    refreshTopicsIntervalMs: flow.refreshTopicsEnabled ? flow.refreshTopicsIntervalSeconds * 1000 : null,
    syncConfigsIntervalMs: flow.syncTopicConfigsEnabled ? flow.syncTopicConfigsIntervalSeconds * 1000 : null,
  };
}

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
  const client = createKafkaClient(adminConnection(kafkaConnectionFor(cluster, `${flow.name}|topic-config-sync|${side}`), flow), logger);
  return { alias: cluster.alias, ...(client.principal ? { principal: client.principal } : {}), admin: new KafkaAdmin(client) };
}

function startUnit(unit: WorkUnit, config: MirrorConfig, metrics: TopicSyncMetrics, logger: Logger): HeldUnit {
  const resolved = resolveUnitFlow(config, unit.id, 'topics');
  if (!resolved.ok) {
    logger.warn({ unit: unit.id, cause: resolved.cause }, `not syncing topics: ${resolved.message}`);
    return idleUnit(unit.id, logger, resolved.message, resolved.cause === 'FLOW_DISABLED' ? undefined : resolved);
  }
  const { flow } = resolved;
  const rules = flowRules(flow);
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
  const sync = new TopicSyncUnit({
    unitId: unit.id,
    flow: flow.name,
    rules,
    internalTopics: internalTopicSpecs(config, flow, rules.policy),
    settings: topicSyncSettings(flow),
    source,
    target,
    metrics,
    logger,
  });
  sync.start();
  return sync;
}

/** Creates remote topics and keeps partitions and configs in step. */
export const topicConfigSyncService = leasedUnitService({
  name: 'topic-config-sync',
  grpcPort: 7003,
  metricsPort: 9403,
  kind: ServiceKind.SERVICE_KIND_TOPIC_CONFIG_SYNC,
  createMetrics: createTopicSyncMetrics,
  startUnit,
});
