/**
 * Checkpoint lag, the I/O part: commits of the bench group on the source (without joining it, so
 * the group stays memberless, as both mirrors' group handling expects) and a consumer of the
 * checkpoints topic on the target that notes when each checkpoint of the group arrives.
 */
import { IdleGroupOffsets, type KafkaAdmin, type PartitionConsumer } from '@mirrormaker/kafka';
import { seenCheckpoint, type GroupCommit, type SeenCheckpoint } from './checkpoint-lag';
import { benchAdmin, benchClient, benchConsumer, endOffsets, waitForTopic } from './kafka-helpers';

/** Commits the group's offsets at the topic's current end offsets. */
export class GroupCommitter {
  private readonly admin: KafkaAdmin;
  private readonly offsets: IdleGroupOffsets;

  constructor(
    bootstrap: string,
    readonly group: string,
    private readonly topic: string,
  ) {
    this.admin = benchAdmin('source', bootstrap);
    this.offsets = new IdleGroupOffsets(benchClient(`source-${group}`, bootstrap));
  }

  async commitAtEnd(): Promise<GroupCommit> {
    const offsets = await endOffsets(this.admin, this.topic);
    if (offsets.size === 0) throw new Error(`topic ${this.topic} has no partitions on the source`);
    const sentAt = Date.now();
    await this.offsets.commit(
      this.group,
      [...offsets].map(([partition, offset]) => ({ topic: this.topic, partition, offset, metadata: '' })),
    );
    return { sentAt, at: Date.now(), offsets };
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.offsets.close(), this.admin.close()]);
  }
}

/** Reads partition 0 of `<source>.checkpoints.internal` from its start and keeps the group's checkpoints. */
export class CheckpointWatcher {
  readonly seen: SeenCheckpoint[] = [];
  /** Records that were not checkpoints. */
  undecodable = 0;
  /** Next offset to read: compared with the topic's end offset to tell a slow reader from a silent mirror. */
  position = 0n;
  private readonly consumer: PartitionConsumer;

  constructor(
    private readonly bootstrap: string,
    private readonly checkpointsTopic: string,
    group: string,
    remoteTopic: string,
  ) {
    this.consumer = benchConsumer(
      benchClient(`target-${group}-checkpoints`, bootstrap),
      async (batch) => {
        const now = Date.now();
        for (const r of batch.records) {
          this.position = r.offset + 1n;
          try {
            const c = seenCheckpoint(r.key, r.value, now, group, remoteTopic);
            if (c) this.seen.push(c);
          } catch {
            this.undecodable++;
          }
        }
      },
      1,
    );
  }

  /** Waits for the mirror to create the topic, then starts reading it. */
  async attach(timeoutMs: number, failure: () => string | undefined): Promise<void> {
    await waitForTopic('target', this.bootstrap, this.checkpointsTopic, timeoutMs, failure);
    await this.consumer.addPartitions([{ topic: this.checkpointsTopic, partition: 0, offset: 'earliest' }]);
  }

  async close(): Promise<void> {
    await this.consumer.close().catch(() => undefined);
  }
}
