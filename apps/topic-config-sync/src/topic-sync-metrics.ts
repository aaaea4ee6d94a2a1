import { metricFactory, type Counter, type Gauge, type Registry } from '@mirrormaker/observability';
import { unitMetrics, type UnitMetrics } from '@mirrormaker/service-kit';

/** Operation kinds counted by `mirrormaker_topic_sync_operations_total`. */
export const TOPIC_SYNC_OPERATIONS = [
  'topic_created',
  'internal_topic_created',
  'partitions_added',
  'topic_configs_altered',
  'config_set',
  'config_deleted',
] as const;
export type TopicSyncOperation = (typeof TOPIC_SYNC_OPERATIONS)[number];

/** The unit's periodic tasks: `topics` (create and grow) and `configs` (sync). */
export type TopicSyncTask = 'topics' | 'configs';

/** One set per process, shared by every unit: the topic series (labelled by flow) and the unit series. */
export interface TopicSyncMetrics {
  readonly operations: Counter<'flow' | 'operation'>;
  readonly replicatedTopics: Gauge<'flow'>;
  readonly units: UnitMetrics;
}

export function createTopicSyncMetrics(registry: Registry): TopicSyncMetrics {
  const m = metricFactory(registry);
  return {
    operations: m.counter(
      'mirrormaker_topic_sync_operations_total',
      'Changes made on the clusters: topics created, partitions added, config writes and the properties they set or deleted.',
      ['flow', 'operation'],
    ),
    replicatedTopics: m.gauge('mirrormaker_topic_sync_replicated_topics', 'Source topics the flow replicates, as of the last topic refresh.', ['flow']),
    units: unitMetrics(registry),
  };
}
