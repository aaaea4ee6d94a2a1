import type { Registry } from '@mirrormaker/observability';
import { Counter, Gauge, Histogram } from 'prom-client';

/** Labels of every flow-level series. */
export interface FlowLabels {
  readonly source: string;
  readonly target: string;
}

/**
 * The offset-sync service's series, registered once per process and shared by its units.
 *
 * `mirrormaker_checkpoint_latency_ms` is MM2's `checkpoint-latency-ms` (acknowledgement time minus
 * the checkpoint record's timestamp) as a histogram. Each (group, topic, partition) gets only its
 * own checkpoints' latencies; MM2 shares one sensor between them, so there every checkpoint shows up
 * in every group's figures.
 */
export interface OffsetSyncMetrics {
  readonly checkpointLatency: Histogram<'source' | 'target' | 'group' | 'topic' | 'partition'>;
  readonly checkpointsEmitted: Counter<'source' | 'target' | 'group'>;
  readonly groupsSynced: Counter<'source' | 'target' | 'group'>;
  readonly groupSyncsSkipped: Counter<'source' | 'target' | 'group' | 'reason'>;
  readonly consumerGroupLag: Gauge<'source' | 'target' | 'group' | 'topic' | 'partition'>;
  readonly translationMisses: Counter<'source' | 'target' | 'group' | 'topic' | 'partition'>;
  readonly offsetSyncsRead: Counter<'source' | 'target'>;
  readonly offsetSyncStoreReady: Gauge<'source' | 'target'>;
  readonly checkpointGroups: Gauge<'source' | 'target'>;
  readonly errors: Counter<'source' | 'target' | 'operation'>;
}

export function createOffsetSyncMetrics(registry: Registry): OffsetSyncMetrics {
  const registers = [registry];
  return {
    checkpointLatency: new Histogram({
      name: 'mirrormaker_checkpoint_latency_ms',
      help: "Time from the start of a group's checkpoint round (the checkpoint record's timestamp) to the target's acknowledgement (MM2 checkpoint-latency-ms).",
      labelNames: ['source', 'target', 'group', 'topic', 'partition'],
      buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
      registers,
    }),
    checkpointsEmitted: new Counter({
      name: 'mirrormaker_checkpoints_emitted_total',
      help: 'Checkpoint records written to <source>.checkpoints.internal and acknowledged by the target.',
      labelNames: ['source', 'target', 'group'],
      registers,
    }),
    groupsSynced: new Counter({
      name: 'mirrormaker_group_offsets_synced_total',
      help: 'Times translated offsets were committed to an idle consumer group on the target.',
      labelNames: ['source', 'target', 'group'],
      registers,
    }),
    groupSyncsSkipped: new Counter({
      name: 'mirrormaker_group_offset_syncs_skipped_total',
      help: 'Group offset syncs not written: reason "active" (the target group has members) or "failed" (the commit was refused or failed).',
      labelNames: ['source', 'target', 'group', 'reason'],
      registers,
    }),
    consumerGroupLag: new Gauge({
      name: 'mirrormaker_consumer_group_lag',
      help: "Records a checkpointed group has left to read on the target: the partition's end offset minus the group's committed offset there.",
      labelNames: ['source', 'target', 'group', 'topic', 'partition'],
      registers,
    }),
    translationMisses: new Counter({
      name: 'mirrormaker_offset_translation_misses_total',
      help: 'Checkpoint rounds in which a committed offset was older than every offset sync kept for its partition, so it could not be translated.',
      labelNames: ['source', 'target', 'group', 'topic', 'partition'],
      registers,
    }),
    offsetSyncsRead: new Counter({
      name: 'mirrormaker_offset_syncs_read_total',
      help: 'Offset sync records read from the offset-syncs topic.',
      labelNames: ['source', 'target'],
      registers,
    }),
    offsetSyncStoreReady: new Gauge({
      name: 'mirrormaker_offset_sync_store_ready',
      help: '1 once the offset-syncs topic has been read to its end and offsets can be translated, else 0.',
      labelNames: ['source', 'target'],
      registers,
    }),
    checkpointGroups: new Gauge({
      name: 'mirrormaker_checkpoint_groups',
      help: 'Source consumer groups selected for checkpoints in the last round (group filter and committed offsets on an accepted topic).',
      labelNames: ['source', 'target'],
      registers,
    }),
    errors: new Counter({
      name: 'mirrormaker_offset_sync_errors_total',
      help: 'Failed operations of the offset-sync service, by operation.',
      labelNames: ['source', 'target', 'operation'],
      registers,
    }),
  };
}
