import type { RecordSender } from './coalescing-sender';
import { encodeOffsetSync } from '@mirrormaker/mm2-formats';
import type { Logger } from '@mirrormaker/observability';
import { OffsetSyncWriterState, type TopicPartition } from '@mirrormaker/offset-translation';

export interface OffsetSyncEmitterOptions {
  /** Writes to the cluster holding the offset-syncs topic (the flow's CoalescingSender). */
  producer: RecordSender;
  /** `mm2-offset-syncs.<alias>.internal`, created beforehand. */
  topic: () => Promise<string>;
  maxOffsetLag: bigint;
  logger: Logger;
  onSent?: () => void;
  onFailed?: (error: Error) => void;
}

/**
 * Offset-sync emission for one source partition, as MM2's OffsetSyncWriter does it (§5.1 of the
 * reference): every record the target acknowledged goes through `OffsetSyncWriterState`, which
 * decides whether its sync is sent now or delayed; at most 10 sends are outstanding, written one
 * after the other in the order they were made; each goes to partition 0 of the offset-syncs topic. `flush()` promotes delayed syncs, so the latest position
 * of a quiet partition is synced too: MM2 does that after each offset flush (60 s by default), we
 * on a timer of a few seconds (see DataMirrorTimings.offsetSyncFlushMs).
 *
 * Syncs are facts about records already on the target, so a send may finish after the unit lost its
 * lease without harm.
 */
export class OffsetSyncEmitter {
  private readonly state: OffsetSyncWriterState;
  private readonly inFlight = new Set<Promise<void>>();
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly options: OffsetSyncEmitterOptions) {
    this.state = new OffsetSyncWriterState({ maxOffsetLag: options.maxOffsetLag });
  }

  /**
   * Acknowledged records of one partition, in order: record i (upstream `upstreamAt(i)`) was written
   * at downstream `downstreamAt(i)`. The syncs MM2 sends acking record by record, in one pass.
   */
  recordsAcked(tp: TopicPartition, count: number, upstreamAt: (i: number) => bigint, downstreamAt: (i: number) => bigint): void {
    this.state.maybeQueueOffsetSyncs(tp, count, upstreamAt, downstreamAt, () => this.fire());
  }

  /** `recordsAcked` for a batch copied as it is: its record i went from `upstreamFirst + i` to `downstreamFirst + i`. */
  contiguousRecordsAcked(tp: TopicPartition, count: number, upstreamFirst: bigint, downstreamFirst: bigint): void {
    this.state.maybeQueueContiguousOffsetSyncs(tp, count, upstreamFirst, downstreamFirst, () => this.fire());
  }

  /** Sends pending syncs, as many as there are free permits. */
  fire(): void {
    if (this.state.pendingSyncs().size === 0) return; // the common case, once per copied record
    for (const sync of this.state.takePendingSyncs()) {
      const { key, value } = encodeOffsetSync(sync);
      // One send at a time: a reader must see a partition's syncs in the order they were made (the
      // flow's sender gathers the syncs of all its partitions into one request at a time).
      const send = this.last
        .then(() => this.options.topic())
        .then((topic) => this.options.producer.send(topic, [{ partition: 0, key, value }]))
        .then(
          () => this.options.onSent?.(),
          (err: Error) => {
            this.options.logger.warn({ err: err.message, topic: sync.topic, partition: sync.partition }, 'offset sync not written');
            this.options.onFailed?.(err);
          },
        )
        .finally(() => {
          this.state.sendCompleted();
          this.inFlight.delete(send);
        });
      this.inFlight.add(send);
      this.last = send;
    }
  }

  /** Promotes delayed syncs and sends them. */
  flush(): void {
    this.state.promoteDelayedSyncs();
    this.fire();
  }

  /** Waits for sends in flight (bounded), e.g. before closing the producer. */
  async settle(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}
