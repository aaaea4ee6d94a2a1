import { internalRecordsSkippedCounter, metricFactory, SensorGauges, type Counter, type Gauge, type Histogram, type InternalRecordsSkipped, type Registry } from '@mirrormaker/observability';
import { unitMetrics, type UnitMetrics } from '@mirrormaker/service-kit';

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
 *
 * `mm2CheckpointLatency` serves the same observations under MM2's own names as a JMX exporter with
 * Strimzi's MM2 rules renders them (`kafka_connect_mirror_checkpoint_connector_checkpoint_latency_ms`
 * and its `_min`, `_max`, `_avg`), so MM2 dashboards keep working (docs/metrics.md).
 */
export interface OffsetSyncMetrics {
  readonly checkpointLatency: Histogram<'source' | 'target' | 'group' | 'topic' | 'partition'>;
  readonly mm2CheckpointLatency: SensorGauges<'source' | 'target' | 'group' | 'topic' | 'partition'>;
  readonly checkpointsEmitted: Counter<'source' | 'target' | 'group'>;
  readonly groupsSynced: Counter<'source' | 'target' | 'group'>;
  readonly groupSyncsSkipped: Counter<'source' | 'target' | 'group' | 'reason'>;
  readonly consumerGroupLag: Gauge<'source' | 'target' | 'group' | 'topic' | 'partition'>;
  readonly translationMisses: Counter<'source' | 'target' | 'group' | 'topic' | 'partition'>;
  readonly offsetSyncsRead: Counter<'source' | 'target'>;
  readonly offsetSegmentRecordsRead: Counter<'source' | 'target'>;
  readonly offsetSegments: Gauge<'source' | 'target'>;
  readonly translations: Counter<'source' | 'target' | 'method'>;
  readonly offsetSyncStoreReady: Gauge<'source' | 'target'>;
  readonly checkpointGroups: Gauge<'source' | 'target'>;
  readonly errors: Counter<'source' | 'target' | 'operation'>;
  /** Corrupt records of the offset-syncs, offset-segments and checkpoints topics. */
  readonly internalRecordsSkipped: InternalRecordsSkipped;
  readonly units: UnitMetrics;
}

export function createOffsetSyncMetrics(registry: Registry): OffsetSyncMetrics {
  const m = metricFactory(registry);
  return {
    checkpointLatency: m.histogram(
      'mirrormaker_checkpoint_latency_ms',
      "Time from the start of a group's checkpoint round (the checkpoint record's timestamp) to the target's acknowledgement (MM2 checkpoint-latency-ms).",
      ['source', 'target', 'group', 'topic', 'partition'],
      [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
    ),
    mm2CheckpointLatency: new SensorGauges({
      registry,
      help: 'MM2 checkpoint-latency-ms: time from the checkpoint record’s timestamp to its acknowledgement by the target, ms',
      labelNames: ['source', 'target', 'group', 'topic', 'partition'],
      series: {
        last: 'kafka_connect_mirror_checkpoint_connector_checkpoint_latency_ms',
        min: 'kafka_connect_mirror_checkpoint_connector_checkpoint_latency_ms_min',
        max: 'kafka_connect_mirror_checkpoint_connector_checkpoint_latency_ms_max',
        avg: 'kafka_connect_mirror_checkpoint_connector_checkpoint_latency_ms_avg',
      },
    }),
    checkpointsEmitted: m.counter(
      'mirrormaker_checkpoints_emitted_total',
      'Checkpoint records written to <source>.checkpoints.internal and acknowledged by the target.',
      ['source', 'target', 'group'],
    ),
    groupsSynced: m.counter(
      'mirrormaker_group_offsets_synced_total',
      'Times translated offsets were committed to an idle consumer group on the target.',
      ['source', 'target', 'group'],
    ),
    groupSyncsSkipped: m.counter(
      'mirrormaker_group_offset_syncs_skipped_total',
      'Group offset syncs not written: reason "active" (the target group has members) or "failed" (the commit was refused or failed).',
      ['source', 'target', 'group', 'reason'],
    ),
    consumerGroupLag: m.gauge(
      'mirrormaker_consumer_group_lag',
      "Records a checkpointed group has left to read on the target: the partition's end offset minus the group's committed offset there.",
      ['source', 'target', 'group', 'topic', 'partition'],
    ),
    translationMisses: m.counter(
      'mirrormaker_offset_translation_misses_total',
      'Checkpoint rounds in which a committed offset was older than every offset sync kept for its partition, so it could not be translated.',
      ['source', 'target', 'group', 'topic', 'partition'],
    ),
    offsetSyncsRead: m.counter(
      'mirrormaker_offset_syncs_read_total',
      'Offset sync records read from the offset-syncs topic.',
      ['source', 'target'],
    ),
    offsetSegmentRecordsRead: m.counter(
      'mirrormaker_offset_segment_records_read_total',
      'Records read from the offset-segments topic (each lists the segments of one partition that changed).',
      ['source', 'target'],
    ),
    offsetSegments: m.gauge(
      'mirrormaker_offset_segments',
      'Offset segments held in memory for exact translation, over all partitions of the flow.',
      ['source', 'target'],
    ),
    translations: m.counter(
      'mirrormaker_offset_translations_total',
      'Committed offsets translated for checkpoints, by method: "exact" from the offset segments, "offset-syncs" by MM2\'s rule (no segment covers the offset, e.g. positions Apache MM2 reached).',
      ['source', 'target', 'method'],
    ),
    offsetSyncStoreReady: m.gauge(
      'mirrormaker_offset_sync_store_ready',
      '1 once the offset-syncs and offset-segments topics have been read to their end and offsets can be translated, else 0.',
      ['source', 'target'],
    ),
    checkpointGroups: m.gauge(
      'mirrormaker_checkpoint_groups',
      'Source consumer groups selected for checkpoints in the last round (group filter and committed offsets on an accepted topic).',
      ['source', 'target'],
    ),
    errors: m.counter(
      'mirrormaker_offset_sync_errors_total',
      'Failed operations of the offset-sync service, by operation.',
      ['source', 'target', 'operation'],
    ),
    internalRecordsSkipped: internalRecordsSkippedCounter(registry),
    units: unitMetrics(registry),
  };
}
