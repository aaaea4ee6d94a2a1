import type { KafkaAdmin, KafkaProducer, ProducerRecord } from '@mirrormaker/kafka';
import { encodeCheckpoint, type Checkpoint } from '@mirrormaker/mm2-formats';
import type { Logger } from '@mirrormaker/observability';
import type { CheckpointStore, ExactTranslator } from '@mirrormaker/offset-translation';
import { shouldCheckpointGroup } from '@mirrormaker/replication-policy';
import { committedByPartition } from './committed-offsets';
import type { GroupDiscovery } from './group-discovery';
import { groupCheckpoints } from './group-checkpoints';
import type { GroupsUnitPlan } from './groups-unit-plan';
import type { FlowLabels, OffsetSyncMetrics } from './offset-sync-metrics';

export interface CheckpointEmitterOptions {
  readonly plan: GroupsUnitPlan;
  readonly sourceAdmin: KafkaAdmin;
  /** Producer on the target cluster. */
  readonly producer: KafkaProducer;
  readonly discovery: GroupDiscovery;
  readonly translator: () => ExactTranslator | undefined;
  readonly checkpointStore: CheckpointStore;
  /** Told of every checkpoint once the target acknowledged it: its group and record timestamp. */
  readonly onWritten?: (group: string, timestamp: number) => void;
  readonly metrics: OffsetSyncMetrics;
  readonly logger: Logger;
  readonly now?: () => number;
}

interface PendingCheckpoint {
  readonly checkpoint: Checkpoint;
  /** When the group's round started: the record timestamp MM2 uses. */
  readonly timestamp: number;
}

/**
 * One checkpoint round (MM2's checkpoint task poll): for every candidate group, read its
 * committed offsets on the source, keep the group if it committed on a topic the topic filter
 * accepts, translate, apply the emission rule and write the results to partition 0 of the
 * checkpoints topic on the target.
 *
 * Unlike MM2, the checkpoint store learns about the checkpoints only once the target acknowledged
 * them: a failed write is simply retried next round instead of being remembered as emitted.
 */
export class CheckpointEmitter {
  private readonly labels: FlowLabels;
  private readonly now: () => number;
  private selected: readonly string[] = [];

  constructor(private readonly options: CheckpointEmitterOptions) {
    this.labels = { source: options.plan.flow.source, target: options.plan.flow.target };
    this.now = options.now ?? Date.now;
  }

  /** Groups selected in the last round. */
  get groups(): readonly string[] {
    return this.selected;
  }

  async round(signal: AbortSignal): Promise<void> {
    const { plan, checkpointStore, metrics, logger } = this.options;
    const translator = this.options.translator();
    if (translator === undefined || !translator.initialLoadComplete || !checkpointStore.isInitialized) return;
    const { topicFilter, groupFilter } = plan.rules;
    const candidates = await this.options.discovery.candidates();
    const selected: string[] = [];
    const pending: PendingCheckpoint[] = [];
    for (const group of candidates) {
      if (signal.aborted) return;
      const startedAt = this.now();
      let committed: Awaited<ReturnType<KafkaAdmin['fetchCommittedOffsets']>>;
      try {
        committed = await this.options.sourceAdmin.fetchCommittedOffsets(group);
      } catch (err) {
        metrics.errors.inc({ ...this.labels, operation: 'fetch-source-offsets' });
        logger.warn({ group, err: (err as Error).message }, 'cannot read the committed offsets of a source group; skipping it this round');
        continue;
      }
      if (!shouldCheckpointGroup({ groupFilter, topicFilter }, group, committed.keys())) continue;
      selected.push(group);
      const { checkpoints, misses, methods } = groupCheckpoints({
        group,
        committed: committedByPartition(committed),
        shouldCheckpointTopic: (topic) => topicFilter.shouldReplicateTopic(topic),
        translator,
        checkpointStore,
        renameTopic: plan.renameTopic,
      });
      for (const miss of misses) {
        metrics.translationMisses.inc({ ...this.labels, group, topic: miss.topic, partition: String(miss.partition) });
      }
      for (const [method, count] of methods) metrics.translations.inc({ ...this.labels, method }, count);
      for (const checkpoint of checkpoints) pending.push({ checkpoint, timestamp: startedAt });
    }
    this.selected = selected;
    metrics.checkpointGroups.set(this.labels, selected.length);
    if (pending.length === 0 || signal.aborted) return;

    const records: ProducerRecord[] = pending.map(({ checkpoint, timestamp }) => {
      const { key, value } = encodeCheckpoint(checkpoint);
      return { partition: 0, key, value, timestamp };
    });
    try {
      await this.options.producer.send(plan.checkpointsTopic, records, { acks: 'all' });
    } catch (err) {
      metrics.errors.inc({ ...this.labels, operation: 'write-checkpoints' });
      throw err;
    }
    const ackedAt = this.now();
    checkpointStore.update(pending.map((p) => p.checkpoint));
    for (const { checkpoint, timestamp } of pending) {
      const { group, topic, partition } = checkpoint;
      const labels = { ...this.labels, group, topic, partition: String(partition) };
      metrics.checkpointLatency.observe(labels, Math.max(0, ackedAt - timestamp));
      metrics.mm2CheckpointLatency.labels(labels).record(Math.max(0, ackedAt - timestamp), ackedAt);
      metrics.checkpointsEmitted.inc({ ...this.labels, group });
      this.options.onWritten?.(group, timestamp);
    }
    logger.debug({ checkpoints: pending.length, groups: selected.length }, 'checkpoints written');
  }
}
