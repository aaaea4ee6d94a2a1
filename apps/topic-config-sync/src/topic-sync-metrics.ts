import type { Registry } from '@mirrormaker/observability';
import { Counter, Gauge, Histogram } from 'prom-client';

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

export type TopicSyncTask = 'topics' | 'configs';

/** One set per process, shared by every unit (labelled by flow). */
export interface TopicSyncMetrics {
  readonly operations: Counter<'flow' | 'operation'>;
  readonly errors: Counter<'flow' | 'cause'>;
  readonly runDuration: Histogram<'flow' | 'task'>;
  readonly lastRun: Gauge<'flow' | 'task'>;
  readonly lastSuccess: Gauge<'flow' | 'task'>;
  readonly replicatedTopics: Gauge<'flow'>;
}

export function createTopicSyncMetrics(registry: Registry): TopicSyncMetrics {
  const registers = [registry];
  return {
    operations: new Counter({
      name: 'mirrormaker_topic_sync_operations_total',
      help: 'Changes made on the clusters: topics created, partitions added, config writes and the properties they set or deleted.',
      labelNames: ['flow', 'operation'],
      registers,
    }),
    errors: new Counter({
      name: 'mirrormaker_topic_sync_errors_total',
      help: 'Failed operations, by cause (AUTHORIZATION_FAILED, UNREACHABLE, INVALID_CONFIG, ...).',
      labelNames: ['flow', 'cause'],
      registers,
    }),
    runDuration: new Histogram({
      name: 'mirrormaker_topic_sync_run_duration_seconds',
      help: 'Duration of one run of a task: topics (create and grow) or configs (sync).',
      labelNames: ['flow', 'task'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    lastRun: new Gauge({
      name: 'mirrormaker_topic_sync_last_run_timestamp_seconds',
      help: 'When a task last finished a run, successful or not.',
      labelNames: ['flow', 'task'],
      registers,
    }),
    lastSuccess: new Gauge({
      name: 'mirrormaker_topic_sync_last_success_timestamp_seconds',
      help: 'When a task last finished a run without any failure.',
      labelNames: ['flow', 'task'],
      registers,
    }),
    replicatedTopics: new Gauge({
      name: 'mirrormaker_topic_sync_replicated_topics',
      help: 'Source topics the flow replicates, as of the last topic refresh.',
      labelNames: ['flow'],
      registers,
    }),
  };
}
