import { HotPathHistogram, internalRecordsSkippedCounter, SensorGauges, type HistogramChild, type InternalRecordsSkipped, type Registry, type SensorChild } from '@mirrormaker/observability';
import { Counter, Gauge } from 'prom-client';
import type { MirrorUnitCause } from './mirror-unit-causes';

/**
 * MM2's MirrorSourceConnector metrics under Prometheus names, plus what MM2 lacks (lag, stalled
 * partitions, errors by cause, records lost to retention, recreated source partitions). Partition
 * labels follow MM2's tags: `topic` is the remote topic name on the target, as in MM2's MBean.
 *
 * | MM2 (kafka.connect.mirror:type=MirrorSourceConnector) | here                                      |
 * |--------------------------------------------------------|-------------------------------------------|
 * | record-count / record-rate (at ack)                    | mirrormaker_source_record_count_total     |
 * | byte-count / byte-rate (value bytes, at poll)          | mirrormaker_source_byte_count_total       |
 * | replication-latency-ms[-min,-max,-avg] (at ack)        | mirrormaker_replication_latency_ms        |
 * | record-age-ms[-min,-max,-avg] (at poll)                | mirrormaker_record_age_ms                 |
 *
 * MM2's own names are exported too, fed from the same observations, as a Prometheus JMX exporter
 * with Strimzi's MM2 rules renders them (`kafka_connect_mirror_source_connector_record_count`, …,
 * labels `source`, `target`, `destination` = target, `topic`, `partition`), so dashboards built
 * for MM2 work unchanged. docs/metrics.md lists both.
 */
const PARTITION_LABELS = ['flow', 'source', 'target', 'topic', 'partition'] as const;
const LATENCY_BUCKETS_MS = [1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000, 900_000, 3_600_000];

export type PartitionLabels = Record<(typeof PARTITION_LABELS)[number], string>;

const MM2_SOURCE_LABELS = ['source', 'target', 'destination', 'topic', 'partition'] as const;
type Mm2SourceLabels = Partial<Record<(typeof MM2_SOURCE_LABELS)[number], string>>;

/** MM2's MirrorSourceConnector sensors under the names a JMX exporter gives them. */
class Mm2SourceSensors {
  readonly records: SensorGauges<(typeof MM2_SOURCE_LABELS)[number]>;
  readonly bytes: SensorGauges<(typeof MM2_SOURCE_LABELS)[number]>;
  readonly age: SensorGauges<(typeof MM2_SOURCE_LABELS)[number]>;
  readonly latency: SensorGauges<(typeof MM2_SOURCE_LABELS)[number]>;

  constructor(registry: Registry) {
    const common = { registry, labelNames: MM2_SOURCE_LABELS };
    this.records = new SensorGauges({
      ...common,
      help: 'MM2 record-count/record-rate: records acknowledged by the target',
      series: { total: 'kafka_connect_mirror_source_connector_record_count', rate: 'kafka_connect_mirror_source_connector_record_rate' },
    });
    this.bytes = new SensorGauges({
      ...common,
      help: 'MM2 byte-count/byte-rate: value bytes read from the source',
      series: { total: 'kafka_connect_mirror_source_connector_byte_count', rate: 'kafka_connect_mirror_source_connector_byte_rate' },
    });
    this.age = new SensorGauges({
      ...common,
      help: 'MM2 record-age-ms: age of a record when read from the source, ms',
      series: {
        last: 'kafka_connect_mirror_source_connector_record_age_ms',
        min: 'kafka_connect_mirror_source_connector_record_age_ms_min',
        max: 'kafka_connect_mirror_source_connector_record_age_ms_max',
        avg: 'kafka_connect_mirror_source_connector_record_age_ms_avg',
      },
    });
    this.latency = new SensorGauges({
      ...common,
      help: 'MM2 replication-latency-ms: time from a record’s timestamp to its acknowledgement by the target, ms',
      series: {
        last: 'kafka_connect_mirror_source_connector_replication_latency_ms',
        min: 'kafka_connect_mirror_source_connector_replication_latency_ms_min',
        max: 'kafka_connect_mirror_source_connector_replication_latency_ms_max',
        avg: 'kafka_connect_mirror_source_connector_replication_latency_ms_avg',
      },
    });
  }

  static labelsOf({ source, target, topic, partition }: Partial<PartitionLabels>): Mm2SourceLabels {
    return partition === undefined ? { source, target, destination: target, topic } : { source, target, destination: target, topic, partition };
  }

  remove(labels: Mm2SourceLabels): void {
    for (const sensor of [this.records, this.bytes, this.age, this.latency]) sensor.remove(labels);
  }
}

/** Error causes counted in mirrormaker_data_mirror_errors_total: the units' causes and those of the shared clients. */
export type ErrorCause = Exclude<MirrorUnitCause, 'UNKNOWN_FLOW'> | 'FETCH_FAILED' | 'OFFSET_SYNC_FAILED';

/** What the per-record histograms need of a record, or of `count` records sharing a timestamp. */
export interface TimedRecord {
  /** ms since the epoch (CreateTime or LogAppendTime). */
  readonly timestamp: bigint;
  /** @default 1 */
  readonly count?: number;
}

/** The metric children of one mirrored partition, bound to its labels once. */
export interface PartitionMetrics {
  /** `records` acknowledged by the target at `now` (ms): count and replication latency of each. */
  copied(records: readonly TimedRecord[], now: number): void;
  /** Records read at `now` (ms): their value bytes, and the age of each. */
  polled(valueBytes: number, records: readonly TimedRecord[], now: number): void;
  position(lastCopied: bigint, sourceEnd: bigint | undefined): void;
  stalled(isStalled: boolean): void;
  /** Source offsets deleted (retention, DeleteRecords) before they were copied. */
  lostToRetention(offsets: bigint): void;
  /** The source partition turned out to be a new log (its topic deleted and created again). */
  recreated(): void;
  /** Drops the gauges of a partition this instance no longer holds (counters stay). */
  remove(): void;
}

/** Observes now − timestamp of each record (never negative: clocks of producers drift); returns the record count. */
function observeSince(histogram: HistogramChild, sensor: SensorChild, records: readonly TimedRecord[], now: number): number {
  let total = 0;
  for (const r of records) {
    const ms = now - Number(r.timestamp);
    const count = r.count ?? 1;
    histogram.observe(ms > 0 ? ms : 0, count);
    sensor.record(ms > 0 ? ms : 0, now, count);
    total += count;
  }
  return total;
}

export class MirrorMetrics {
  private readonly records: Counter<string>;
  private readonly bytes: Counter<string>;
  private readonly latency: HotPathHistogram<(typeof PARTITION_LABELS)[number]>;
  private readonly age: HotPathHistogram<(typeof PARTITION_LABELS)[number]>;
  private readonly positionGauge: Gauge<string>;
  private readonly endOffsetGauge: Gauge<string>;
  private readonly lagGauge: Gauge<string>;
  private readonly stalledGauge: Gauge<string>;
  private readonly errors: Counter<string>;
  private readonly batchPaths: Counter<string>;
  private readonly fetches: Counter<string>;
  private readonly produceRetries: Counter<string>;
  private readonly fetchedBytes: Counter<string>;
  private fetchBufferUsed: () => number = () => 0;
  private readonly lost: Counter<string>;
  private readonly recreations: Counter<string>;
  private readonly heartbeats: Counter<string>;
  private readonly offsetSyncs: Counter<string>;
  private readonly segmentRecords: Counter<string>;
  private readonly segments: Counter<string>;
  private readonly segmentsDropped: Counter<string>;
  private readonly mm2: Mm2SourceSensors;
  /** Corrupt records of the Connect offsets topic the position store skipped. */
  readonly internalRecordsSkipped: InternalRecordsSkipped;

  constructor(registry: Registry) {
    this.mm2 = new Mm2SourceSensors(registry);
    const registers = [registry];
    this.internalRecordsSkipped = internalRecordsSkippedCounter(registry);
    const labelNames = [...PARTITION_LABELS];
    this.records = new Counter({ name: 'mirrormaker_source_record_count_total', help: 'Records copied to the target and acknowledged (MM2 record-count).', labelNames, registers });
    this.bytes = new Counter({ name: 'mirrormaker_source_byte_count_total', help: 'Value bytes of records read from the source (MM2 byte-count).', labelNames, registers });
    this.latency = new HotPathHistogram({
      name: 'mirrormaker_replication_latency_ms',
      help: 'Time from a record’s timestamp to its acknowledgement by the target, ms (MM2 replication-latency-ms).',
      labelNames,
      buckets: LATENCY_BUCKETS_MS,
      registers,
    });
    this.age = new HotPathHistogram({
      name: 'mirrormaker_record_age_ms',
      help: 'Age of a record when read from the source, ms (MM2 record-age-ms).',
      labelNames,
      buckets: LATENCY_BUCKETS_MS,
      registers,
    });
    this.positionGauge = new Gauge({ name: 'mirrormaker_partition_position', help: 'Last upstream offset copied and acknowledged; -1 before the first.', labelNames, registers });
    this.endOffsetGauge = new Gauge({ name: 'mirrormaker_partition_source_end_offset', help: 'Log end offset of the source partition, as last seen.', labelNames, registers });
    this.lagGauge = new Gauge({ name: 'mirrormaker_partition_lag', help: 'Records on the source not yet copied (source end offset − position − 1).', labelNames, registers });
    this.stalledGauge = new Gauge({ name: 'mirrormaker_partition_stalled', help: '1 while the partition makes no progress because of a problem (see the unit status), else 0.', labelNames, registers });
    this.lost = new Counter({
      name: 'mirrormaker_records_lost_to_retention_total',
      help: 'Source records deleted (retention, DeleteRecords) before they were copied, counted in offsets (transaction markers among them count too).',
      labelNames,
      registers,
    });
    this.recreations = new Counter({
      name: 'mirrormaker_source_partition_recreations_total',
      help: 'Times a copied source partition turned out to be a new log (its topic deleted and created again under the same name); copying started over.',
      labelNames,
      registers,
    });
    this.produceRetries = new Counter({
      name: 'mirrormaker_produce_retries_total',
      help: 'Copied batches sent again after a retriable failure (leader moved, timeout, connection lost); the broker drops what it already has, so nothing is doubled.',
      labelNames: ['flow'],
      registers,
    });
    this.fetches = new Counter({ name: 'mirrormaker_source_fetches_total', help: 'Fetch requests answered by source brokers.', labelNames: ['flow'], registers });
    this.fetchedBytes = new Counter({ name: 'mirrormaker_source_fetched_bytes_total', help: 'Bytes of Fetch answers from source brokers (record batches as sent, compressed or not).', labelNames: ['flow'], registers });
    const bufferUsed = () => this.fetchBufferUsed();
    new Gauge({
      name: 'mirrormaker_fetch_buffer_bytes',
      help: 'Bytes fetched from sources and not yet copied, plus what the fetches in flight may return, over every flow of the process (bounded by --fetch-buffer-bytes).',
      registers,
      collect() {
        this.set(bufferUsed());
      },
    });
    this.batchPaths = new Counter({
      name: 'mirrormaker_source_batches_total',
      help: "Fetched record batches by how they were copied: path 'passthrough' (as they are), or the reason they were re-encoded record by record.",
      labelNames: ['flow', 'path'],
      registers,
    });
    this.errors = new Counter({ name: 'mirrormaker_data_mirror_errors_total', help: 'Failures while mirroring, by cause.', labelNames: ['flow', 'cause'], registers });
    this.heartbeats = new Counter({ name: 'mirrormaker_heartbeats_sent_total', help: 'Heartbeats written to the target.', labelNames: ['flow', 'source', 'target'], registers });
    this.offsetSyncs = new Counter({ name: 'mirrormaker_offset_syncs_sent_total', help: 'Offset syncs written.', labelNames: ['flow'], registers });
    this.segmentRecords = new Counter({ name: 'mirrormaker_offset_segment_records_written_total', help: 'Records written to the offset-segments topic.', labelNames: ['flow'], registers });
    this.segments = new Counter({
      name: 'mirrormaker_offset_segments_written_total',
      help: 'Offset segments written (new or grown; a segment that grows is counted at every write).',
      labelNames: ['flow'],
      registers,
    });
    this.segmentsDropped = new Counter({
      name: 'mirrormaker_offset_segments_dropped_total',
      help: 'Offset segments dropped unwritten because too many piled up while the offset-segments topic refused them.',
      labelNames: ['flow'],
      registers,
    });
  }

  error(flow: string, cause: ErrorCause): void {
    this.errors.inc({ flow, cause });
  }

  /** One Fetch answered by a source broker, with the bytes it carried. */
  produceRetried(flow: string): void {
    this.produceRetries.inc({ flow });
  }

  fetched(flow: string, bytes: number): void {
    this.fetches.inc({ flow });
    this.fetchedBytes.inc({ flow }, bytes);
  }

  /** Reports the process-wide fetch buffer's use at every scrape. */
  watchFetchBuffer(used: () => number): void {
    this.fetchBufferUsed = used;
  }

  /** Fetched batches by how they were copied: 'passthrough', or why they were re-encoded. */
  batches(flow: string, path: string, count: number): void {
    this.batchPaths.inc({ flow, path }, count);
  }

  heartbeatSent(flow: string, source: string, target: string): void {
    this.heartbeats.inc({ flow, source, target });
  }

  offsetSyncSent(flow: string): void {
    this.offsetSyncs.inc({ flow });
  }

  /** One record holding `segments` segments reached the offset-segments topic. */
  offsetSegmentsWritten(flow: string, segments: number): void {
    this.segmentRecords.inc({ flow });
    this.segments.inc({ flow }, segments);
  }

  offsetSegmentsDropped(flow: string, segments: number): void {
    this.segmentsDropped.inc({ flow }, segments);
  }

  /**
   * The metric children of one partition. With `partitionLabel` false (the flow's
   * `metrics.partition.label.enabled`) they are shared by every partition of the topic: counters and
   * histograms add up in one series, and the gauges show the sum over the partitions this instance
   * holds (position, end offset, lag; stalled = partitions stalled).
   */
  forPartition(partitionLabels: PartitionLabels, partitionLabel = true): PartitionMetrics {
    if (!partitionLabel) return this.aggregated(partitionLabels);
    const labels = partitionLabels;
    const position = this.positionGauge.labels(labels);
    const endOffset = this.endOffsetGauge.labels(labels);
    const lag = this.lagGauge.labels(labels);
    const stalled = this.stalledGauge.labels(labels);
    stalled.set(0);
    return {
      ...this.countersOf(labels),
      position(lastCopied, sourceEnd) {
        position.set(Number(lastCopied));
        if (sourceEnd !== undefined) {
          endOffset.set(Number(sourceEnd));
          const behind = sourceEnd - lastCopied - 1n;
          lag.set(Number(behind > 0n ? behind : 0n));
        }
      },
      stalled(isStalled) {
        stalled.set(isStalled ? 1 : 0);
      },
      remove: () => {
        for (const gauge of [this.positionGauge, this.endOffsetGauge, this.lagGauge, this.stalledGauge]) gauge.remove(labels);
        // As MM2 drops a task's metrics when the task stops: the next holder starts them again.
        this.mm2.remove(Mm2SourceSensors.labelsOf(labels));
      },
    };
  }

  /** The counters and histograms of a label set (with or without `partition`), bound once. */
  private countersOf(labels: Partial<PartitionLabels>): Pick<PartitionMetrics, 'copied' | 'polled' | 'lostToRetention' | 'recreated'> {
    const records = this.records.labels(labels);
    const bytes = this.bytes.labels(labels);
    const latency = this.latency.labels(labels);
    const age = this.age.labels(labels);
    const lost = this.lost.labels(labels);
    const recreations = this.recreations.labels(labels);
    const mm2Labels = Mm2SourceSensors.labelsOf(labels);
    const mm2Records = this.mm2.records.labels(mm2Labels);
    const mm2Bytes = this.mm2.bytes.labels(mm2Labels);
    const mm2Latency = this.mm2.latency.labels(mm2Labels);
    const mm2Age = this.mm2.age.labels(mm2Labels);
    return {
      lostToRetention(offsets) {
        lost.inc(Number(offsets));
      },
      recreated() {
        recreations.inc();
      },
      copied(copiedRecords, now) {
        const count = observeSince(latency, mm2Latency, copiedRecords, now);
        records.inc(count);
        mm2Records.record(count, now);
      },
      polled(valueBytes, polledRecords, now) {
        bytes.inc(valueBytes);
        mm2Bytes.record(valueBytes, now);
        observeSince(age, mm2Age, polledRecords, now);
      },
    };
  }

  /** Per topic: the gauges' per-partition values, summed into one series. */
  private readonly topicGauges = new Map<string, Map<string, GaugeValues>>();

  private aggregated(partitionLabels: PartitionLabels): PartitionMetrics {
    const { partition, ...labels } = partitionLabels;
    const key = JSON.stringify([labels.flow, labels.source, labels.target, labels.topic]);
    let perPartition = this.topicGauges.get(key);
    if (!perPartition) this.topicGauges.set(key, (perPartition = new Map()));
    const mine: GaugeValues = { position: 0, endOffset: 0, lag: 0, stalled: 0 };
    perPartition.set(partition, mine);
    const gauges = { position: this.positionGauge, endOffset: this.endOffsetGauge, lag: this.lagGauge, stalled: this.stalledGauge } as const;
    const publish = (which: keyof GaugeValues) => {
      let sum = 0;
      for (const values of perPartition.values()) sum += values[which];
      gauges[which].set(labels, sum);
    };
    publish('stalled');
    return {
      ...this.countersOf(labels),
      position(lastCopied, sourceEnd) {
        mine.position = Number(lastCopied);
        publish('position');
        if (sourceEnd !== undefined) {
          mine.endOffset = Number(sourceEnd);
          const behind = sourceEnd - lastCopied - 1n;
          mine.lag = Number(behind > 0n ? behind : 0n);
          publish('endOffset');
          publish('lag');
        }
      },
      stalled(isStalled) {
        mine.stalled = isStalled ? 1 : 0;
        publish('stalled');
      },
      remove: () => {
        if (perPartition.get(partition) !== mine) return;
        perPartition.delete(partition);
        if (perPartition.size === 0) {
          this.topicGauges.delete(key);
          for (const gauge of Object.values(gauges)) gauge.remove(labels);
          this.mm2.remove(Mm2SourceSensors.labelsOf(labels));
        } else {
          for (const which of Object.keys(gauges) as (keyof GaugeValues)[]) publish(which);
        }
      },
    };
  }
}

interface GaugeValues {
  position: number;
  endOffset: number;
  lag: number;
  stalled: number;
}
