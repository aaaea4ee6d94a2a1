import type { OffsetSync } from '@mirrormaker/mm2-formats';
import { OffsetTranslationError } from './errors';
import { PartitionSyncState } from './partition-sync-state';
import { topicPartitionKey, type TopicPartition, type TopicPartitionKey } from './topic-partition';

/** MM2 never has more than this many offset-sync sends outstanding per task. */
export const DEFAULT_MAX_IN_FLIGHT_SYNCS = 10;
/** Default of `offset.lag.max`. */
export const DEFAULT_MAX_OFFSET_LAG = 100n;

export interface OffsetSyncWriterOptions {
  /** `offset.lag.max`. @default 100n */
  readonly maxOffsetLag?: bigint;
  /** Sends allowed in flight at once. @default 10 */
  readonly maxInFlight?: number;
}

/** Where `maybeQueueOffsetSync` put the sync. */
export type QueuedAs = 'pending' | 'delayed';

/**
 * The queueing half of offset-sync emission, without the producer.
 *
 * ```
 *  ack of (tp,u,d) ──► PartitionSyncState.observe ──due──► pending[tp] ──takePendingSyncs──► send
 *                                        │                    ▲   (at most maxInFlight outstanding;
 *                                        └─not due──► delayed[tp]  a permit returns on completion)
 *                                                         │
 *                                    promoteDelayedSyncs ─┘ (after each offset flush)
 * ```
 * Both maps hold at most one sync per topic-partition (the latest) and keep first-insertion order,
 * so partitions are served fairly. A due sync replaces any pending one and drops the delayed one.
 */
export class OffsetSyncWriterState {
  readonly maxOffsetLag: bigint;
  readonly maxInFlight: number;
  private readonly partitions = new Map<TopicPartitionKey, PartitionSyncState>();
  private readonly pending = new Map<TopicPartitionKey, OffsetSync>();
  private readonly delayed = new Map<TopicPartitionKey, OffsetSync>();
  private outstanding = 0;

  constructor(options: OffsetSyncWriterOptions = {}) {
    const maxOffsetLag = options.maxOffsetLag ?? DEFAULT_MAX_OFFSET_LAG;
    const maxInFlight = options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT_SYNCS;
    if (maxOffsetLag < 0n) {
      throw new OffsetTranslationError('INVALID_MAX_OFFSET_LAG', `offset.lag.max must be >= 0, got ${maxOffsetLag}`);
    }
    if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1) {
      throw new OffsetTranslationError('INVALID_MAX_IN_FLIGHT', `maxInFlight must be a positive integer, got ${maxInFlight}`);
    }
    this.maxOffsetLag = maxOffsetLag;
    this.maxInFlight = maxInFlight;
  }

  /** Call once per record acknowledged by the target, in acknowledgement order. */
  maybeQueueOffsetSync(tp: TopicPartition, upstreamOffset: bigint, downstreamOffset: bigint): QueuedAs {
    const key = topicPartitionKey(tp);
    let state = this.partitions.get(key);
    if (state === undefined) {
      state = new PartitionSyncState(this.maxOffsetLag);
      this.partitions.set(key, state);
    }
    const sync: OffsetSync = { topic: tp.topic, partition: tp.partition, upstreamOffset, downstreamOffset };
    if (state.observe(upstreamOffset, downstreamOffset)) {
      this.delayed.delete(key);
      this.pending.set(key, sync);
      state.clearSyncDue();
      return 'pending';
    }
    // Replacing keeps the partition's place in the queue (insertion order), as MM2's map does.
    this.delayed.set(key, sync);
    return 'delayed';
  }

  /**
   * The acks of consecutive records of one partition, in order: the same outcome as calling
   * `maybeQueueOffsetSync` and then `takePending` for each record. `takePending` is called only
   * where it can find something new: after the first record (syncs of other partitions waiting for
   * a permit) and after each record whose sync became pending; permits come back asynchronously, so
   * not during this loop. Built for the copy path: one key and no object per record, as only the
   * last delayed sync can survive.
   */
  maybeQueueOffsetSyncs(
    tp: TopicPartition,
    count: number,
    upstreamAt: (index: number) => bigint,
    downstreamAt: (index: number) => bigint,
    takePending: () => void,
  ): void {
    if (count <= 0) return;
    const key = topicPartitionKey(tp);
    let state = this.partitions.get(key);
    if (state === undefined) {
      state = new PartitionSyncState(this.maxOffsetLag);
      this.partitions.set(key, state);
    }
    let lastDelayed = -1;
    for (let i = 0; i < count; i++) {
      const upstreamOffset = upstreamAt(i);
      const downstreamOffset = downstreamAt(i);
      if (state.observe(upstreamOffset, downstreamOffset)) {
        this.delayed.delete(key);
        lastDelayed = -1;
        this.pending.set(key, { topic: tp.topic, partition: tp.partition, upstreamOffset, downstreamOffset });
        state.clearSyncDue();
        takePending();
      } else {
        lastDelayed = i;
        if (i === 0) takePending();
      }
    }
    if (lastDelayed >= 0) {
      this.delayed.set(key, { topic: tp.topic, partition: tp.partition, upstreamOffset: upstreamAt(lastDelayed), downstreamOffset: downstreamAt(lastDelayed) });
    }
  }

  /**
   * `maybeQueueOffsetSyncs` for records at consecutive offsets on both sides (a batch copied as it
   * is: record i went from `upstreamFirst + i` to `downstreamFirst + i`), with the same outcome,
   * in time proportional to the syncs it makes instead of the records. After the first record
   * nothing but staleness can make a sync due (no gap, no step back), and staleness comes every
   * `maxOffsetLag + 1` records after the last sync, so only those records are looked at.
   */
  maybeQueueContiguousOffsetSyncs(tp: TopicPartition, count: number, upstreamFirst: bigint, downstreamFirst: bigint, takePending: () => void): void {
    if (count <= 0) return;
    this.maybeQueueOffsetSyncs(tp, 1, () => upstreamFirst, () => downstreamFirst, takePending);
    if (count === 1) return;
    const key = topicPartitionKey(tp);
    const state = this.partitions.get(key) as PartitionSyncState;
    const last = count - 1;
    const nextStale = (): number => {
      const at = state.lastSyncDownstream + 1n + this.maxOffsetLag - downstreamFirst;
      return at < 1n ? 1 : at > BigInt(last) ? last + 1 : Number(at);
    };
    let lastSynced = 0;
    for (let i = nextStale(); i <= last; i = Math.max(nextStale(), i + 1)) {
      const upstreamOffset = upstreamFirst + BigInt(i);
      const downstreamOffset = downstreamFirst + BigInt(i);
      // The records in between were observed without a sync: they leave only these behind.
      state.prevUpstream = upstreamOffset - 1n;
      state.prevDownstream = downstreamOffset - 1n;
      state.observe(upstreamOffset, downstreamOffset);
      this.delayed.delete(key);
      this.pending.set(key, { topic: tp.topic, partition: tp.partition, upstreamOffset, downstreamOffset });
      state.clearSyncDue();
      takePending();
      lastSynced = i;
    }
    state.prevUpstream = upstreamFirst + BigInt(last);
    state.prevDownstream = downstreamFirst + BigInt(last);
    if (lastSynced < last) {
      this.delayed.set(key, { topic: tp.topic, partition: tp.partition, upstreamOffset: state.prevUpstream, downstreamOffset: state.prevDownstream });
    }
  }

  /** After an offset flush: every delayed sync becomes pending (a newer delayed one wins). */
  promoteDelayedSyncs(): void {
    for (const [key, sync] of this.delayed) this.pending.set(key, sync);
    this.delayed.clear();
  }

  /**
   * Removes and returns as many pending syncs as there are free permits, oldest partition first,
   * taking one permit per returned sync. Call `sendCompleted` once per sync when its send ends,
   * whether it succeeded or not.
   */
  takePendingSyncs(): OffsetSync[] {
    const taken: OffsetSync[] = [];
    for (const [key, sync] of this.pending) {
      if (this.outstanding >= this.maxInFlight) break;
      this.pending.delete(key);
      this.outstanding++;
      taken.push(sync);
    }
    return taken;
  }

  /** Returns the permit of one finished send. */
  sendCompleted(): void {
    if (this.outstanding === 0) {
      throw new OffsetTranslationError('NO_SEND_IN_FLIGHT', 'sendCompleted called with no send in flight');
    }
    this.outstanding--;
  }

  get inFlight(): number {
    return this.outstanding;
  }

  pendingSyncs(): ReadonlyMap<TopicPartitionKey, OffsetSync> {
    return this.pending;
  }

  delayedSyncs(): ReadonlyMap<TopicPartitionKey, OffsetSync> {
    return this.delayed;
  }

  partitionState(tp: TopicPartition): Readonly<PartitionSyncState> | undefined {
    return this.partitions.get(topicPartitionKey(tp));
  }
}
