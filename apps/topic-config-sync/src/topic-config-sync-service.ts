import type { FlowConfig } from '@mirrormaker/config';
import { ServiceKind } from '@mirrormaker/proto';
import { leasedUnitService } from '@mirrormaker/service-kit';
import { flowRules } from './flow-rules';
import { internalTopicSpecs } from './internal-topics';
import { createTopicSyncMetrics } from './topic-sync-metrics';
import { TopicSyncUnit, type TopicSyncSettings } from './topic-sync-unit';

export function topicSyncSettings(flow: FlowConfig): TopicSyncSettings {
  return {
    replicationFactor: flow.replicationFactor,
    refreshTopicsIntervalMs: flow.refreshTopicsEnabled ? flow.refreshTopicsIntervalSeconds * 1000 : null,
    syncConfigsIntervalMs: flow.syncTopicConfigsEnabled ? flow.syncTopicConfigsIntervalSeconds * 1000 : null,
  };
}

/** Creates remote topics and keeps partitions and configs in step. */
export const topicConfigSyncService = leasedUnitService({
  name: 'topic-config-sync',
  grpcPort: 7003,
  metricsPort: 9403,
  kind: ServiceKind.SERVICE_KIND_TOPIC_CONFIG_SYNC,
  unitKind: 'topics',
  work: 'syncing topics',
  createMetrics: createTopicSyncMetrics,
  createUnit: ({ unitId, config, flow, source, target, metrics, logger }) => {
    const rules = flowRules(flow);
    return new TopicSyncUnit({
      unitId,
      flow: flow.name,
      rules,
      internalTopics: internalTopicSpecs(config, flow, rules.policy),
      settings: topicSyncSettings(flow),
      source,
      target,
      metrics,
      logger,
    });
  },
});
