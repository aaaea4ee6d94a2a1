import type { FlowConfig, MirrorConfig } from '@mirrormaker/config';
import type { Logger } from '@mirrormaker/observability';
import { ServiceKind, type WorkUnit } from '@mirrormaker/proto';
import { flowAdmin, idleUnit, leasedUnitService, resolveUnitFlow, type HeldUnit } from '@mirrormaker/service-kit';
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
    source = flowAdmin(config, flow, 'source', 'topic-config-sync', logger);
    target = flowAdmin(config, flow, 'target', 'topic-config-sync', logger);
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
