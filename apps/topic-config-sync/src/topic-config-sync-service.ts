import type { FlowConfig, MirrorConfig } from '@mirrormaker/config';
import type { Logger } from '@mirrormaker/observability';
import { ServiceKind, type WorkUnit } from '@mirrormaker/proto';
import { flowUnitAdmins, leasedUnitService, type HeldUnit } from '@mirrormaker/service-kit';
import { flowRules } from './flow-rules';
import { internalTopicSpecs } from './internal-topics';
import { createTopicSyncMetrics, type TopicSyncMetrics } from './topic-sync-metrics';
import { TopicSyncUnit, type TopicSyncSettings } from './topic-sync-unit';

export function topicSyncSettings(flow: FlowConfig): TopicSyncSettings {
  return {
    replicationFactor: flow.replicationFactor,
    refreshTopicsIntervalMs: flow.refreshTopicsEnabled ? flow.refreshTopicsIntervalSeconds * 1000 : null,
    syncConfigsIntervalMs: flow.syncTopicConfigsEnabled ? flow.syncTopicConfigsIntervalSeconds * 1000 : null,
  };
}

function startUnit(unit: WorkUnit, config: MirrorConfig, metrics: TopicSyncMetrics, logger: Logger): HeldUnit {
  const setup = flowUnitAdmins({ unitId: unit.id, kind: 'topics', config, role: 'topic-config-sync', work: 'syncing topics', logger, metrics: metrics.units });
  if (!setup.ok) return setup.idle;
  const { flow, source, target } = setup;
  const rules = flowRules(flow);
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
