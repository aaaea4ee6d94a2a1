import { isKafkaError, type GroupDescription, type KafkaAdmin } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';
import type { Checkpoint } from '@mirrormaker/mm2-formats';
import {
  parseTopicPartitionKey,
  topicPartitionKey,
  type CheckpointStore,
  type TopicPartitionKey,
} from '@mirrormaker/offset-translation';
import { consumerGroupLag } from './consumer-group-lag';
import { guardedGroupWrite, type GroupSnapshot } from './group-offset-guard';
import { isGroupNotIdleError, type GroupOffsetWriter } from './idle-group-offset-writer';
import type { GroupsUnitPlan } from './groups-unit-plan';
import type { FlowLabels, OffsetSyncMetrics } from './offset-sync-metrics';

export interface TargetGroupsRoundOptions {
  readonly plan: GroupsUnitPlan;
  readonly targetAdmin: KafkaAdmin;
  readonly checkpointStore: CheckpointStore;
  /** Present when `sync.group.offsets.enabled`. */
  readonly writer: GroupOffsetWriter | undefined;
  readonly metrics: OffsetSyncMetrics;
  readonly logger: Logger;
}

type LagLabels = FlowLabels & { readonly group: string; readonly topic: string; readonly partition: string };

/**
 * One look at the checkpointed groups on the target: their lag there, and (when group offset sync
 * is on) committing translated offsets to those without members, only ever forward.
 *
 * Every write is preceded by a describe and an offset fetch of that one group, taken right before
 * it; a group with members, in any state but EMPTY or DEAD, or that cannot be described, is left
 * alone. The write itself is refused by the broker if the group got a member in between (see
 * idle-group-offset-writer.ts), so a consumer starting at any moment is never disturbed.
 */
export class TargetGroupsRound {
  private readonly labels: FlowLabels;
  private lagSeries = new Map<string, LagLabels>();

  constructor(private readonly options: TargetGroupsRoundOptions) {
    this.labels = { source: options.plan.flow.source, target: options.plan.flow.target };
  }

  async round(signal: AbortSignal): Promise<void> {
    const { checkpointStore, plan, writer } = this.options;
    if (!checkpointStore.isInitialized) return;
    const byGroup = [...checkpointStore.snapshot()].filter(([group]) => plan.rules.groupFilter.shouldReplicateGroup(group));
    const endOffsets = await this.endOffsets(new Set(byGroup.flatMap(([, checkpoints]) => [...checkpoints.values()].map((c) => c.topic))));
    const existingTopics = new Set([...endOffsets.keys()].map((key) => parseTopicPartitionKey(key).topic));
    const descriptions = writer && byGroup.length > 0 ? await this.describe(byGroup.map(([group]) => group)) : new Map<string, GroupDescription>();
    const seen = new Map<string, LagLabels>();
    for (const [group, all] of byGroup) {
      if (signal.aborted) return;
      // Offsets can only be read and written for remote topics that exist on the target.
      const checkpoints = new Map([...all].filter(([, checkpoint]) => existingTopics.has(checkpoint.topic)));
      if (checkpoints.size === 0) continue;
      const topics = [...new Set([...checkpoints.values()].map((c) => c.topic))];
      let committed: Map<TopicPartitionKey, bigint | null>;
      try {
        committed = await this.committed(group, topics);
        if (writer) {
          const written = await this.sync(group, checkpoints, topics, descriptions.get(group), committed, writer);
          if (written) committed = new Map([...committed, ...written]);
        }
      } catch (err) {
        this.options.metrics.errors.inc({ ...this.labels, operation: 'read-target-group' });
        this.options.logger.warn({ group, err: (err as Error).message }, 'cannot read the target group; skipping it this round');
        continue;
      }
      for (const [key, lag] of consumerGroupLag(committed, endOffsets)) {
        const { topic, partition } = parseTopicPartitionKey(key);
        const labels: LagLabels = { ...this.labels, group, topic, partition: String(partition) };
        this.options.metrics.consumerGroupLag.set(labels, Number(lag));
        seen.set(`${group}\u0000${key}`, labels);
      }
    }
    for (const [id, labels] of this.lagSeries) if (!seen.has(id)) this.options.metrics.consumerGroupLag.remove(labels);
    this.lagSeries = seen;
  }

  /** Removes this unit's lag series (the unit stopped). */
  forgetSeries(): void {
    for (const labels of this.lagSeries.values()) this.options.metrics.consumerGroupLag.remove(labels);
    this.lagSeries.clear();
  }

  /** Returns the offsets written, if any. */
  private async sync(
    group: string,
    checkpoints: ReadonlyMap<TopicPartitionKey, Checkpoint>,
    topics: readonly string[],
    description: GroupDescription | undefined,
    committed: ReadonlyMap<TopicPartitionKey, bigint | null>,
    writer: GroupOffsetWriter,
  ): Promise<ReadonlyMap<TopicPartitionKey, bigint> | undefined> {
    const { metrics, logger } = this.options;
    const first = guardedGroupWrite(group, checkpoints, snapshotOf(description, committed));
    if (first.kind === 'skip') {
      if (first.reason === 'active') metrics.groupSyncsSkipped.inc({ ...this.labels, group, reason: 'active' });
      return undefined;
    }
    // Right before writing: is the group still idle, and still behind?
    const latest = (await this.describe([group])).get(group);
    const decision = guardedGroupWrite(group, checkpoints, snapshotOf(latest, await this.committed(group, topics)));
    if (decision.kind === 'skip') {
      if (decision.reason === 'active') metrics.groupSyncsSkipped.inc({ ...this.labels, group, reason: 'active' });
      return undefined;
    }
    try {
      await writer.commit(group, decision.offsets);
    } catch (err) {
      if (isGroupNotIdleError(err)) {
        // A consumer joined after the describe; the broker refused, nothing changed.
        metrics.groupSyncsSkipped.inc({ ...this.labels, group, reason: 'active' });
        logger.debug({ group }, 'the target group got a member before the commit; left alone');
        return undefined;
      }
      metrics.groupSyncsSkipped.inc({ ...this.labels, group, reason: 'failed' });
      metrics.errors.inc({ ...this.labels, operation: 'commit-target-offsets' });
      logger.warn({ group, err: (err as Error).message }, 'committing translated offsets to the target group failed; trying again next round');
      return undefined;
    }
    metrics.groupsSynced.inc({ ...this.labels, group });
    logger.info(
      { group, offsets: Object.fromEntries([...decision.offsets].map(([key, value]) => [key, value.offset.toString()])) },
      'committed translated offsets to the idle target group',
    );
    return new Map([...decision.offsets].map(([key, value]) => [key, value.offset]));
  }

  private async describe(groups: readonly string[]): Promise<Map<string, GroupDescription>> {
    try {
      return await this.options.targetAdmin.describeGroups(groups);
    } catch (err) {
      this.options.metrics.errors.inc({ ...this.labels, operation: 'describe-target-groups' });
      this.options.logger.warn({ err: (err as Error).message }, 'cannot describe target groups; not syncing them this round');
      return new Map();
    }
  }

  private async committed(group: string, topics: readonly string[]): Promise<Map<TopicPartitionKey, bigint | null>> {
    const result = new Map<TopicPartitionKey, bigint | null>();
    const byTopic = await this.options.targetAdmin.fetchCommittedOffsets(group, topics);
    for (const [topic, partitions] of byTopic) {
      for (const [partition, { offset }] of partitions) result.set(topicPartitionKey({ topic, partition }), offset);
    }
    return result;
  }

  private async endOffsets(topics: ReadonlySet<string>): Promise<Map<TopicPartitionKey, bigint>> {
    const result = new Map<TopicPartitionKey, bigint>();
    for (const topic of [...topics].sort()) {
      try {
        for (const [partition, offsets] of await this.options.targetAdmin.listOffsets(topic)) {
          result.set(topicPartitionKey({ topic, partition }), offsets.latest);
        }
      } catch (err) {
        if (!isKafkaError(err, 'TOPIC_NOT_FOUND')) throw err;
      }
    }
    return result;
  }
}

function snapshotOf(description: GroupDescription | undefined, offsets: ReadonlyMap<TopicPartitionKey, bigint | null>): GroupSnapshot {
  return { state: description?.state, members: description?.members ?? 0, offsets };
}
