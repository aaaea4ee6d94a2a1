import type { Checkpoint } from '@mirrormaker/mm2-formats';
import type { OffsetAndMetadata } from './offset-and-metadata';
import { topicPartitionKey, type TopicPartitionKey } from './topic-partition';

/**
 * The last checkpoint emitted per group and target-side partition.
 *
 * It starts by reading the checkpoints topic once (`loadRecord` for each record, then
 * `finishLoad`). No checkpoint may be emitted before that, and when the read failed the store
 * starts empty and the offset-sync store must only translate from syncs read after start-up
 * (`initializationMustReadToEnd`), so new checkpoints cannot go behind forgotten ones.
 */
export class CheckpointStore {
  private readonly byGroup = new Map<string, Map<TopicPartitionKey, Checkpoint>>();
  private initialized = false;
  private loadSucceeded = false;

  /**
   * @param groups when given, only checkpoints of these groups are kept while loading (the groups
   *   this worker is responsible for).
   */
  constructor(private readonly groups?: ReadonlySet<string>) {}

  /** A checkpoint record read during the initial load; later records win. */
  loadRecord(checkpoint: Checkpoint): void {
    if (this.groups !== undefined && !this.groups.has(checkpoint.group)) return;
    this.put(checkpoint);
  }

  /** Ends the initial load. A failed load forgets whatever was read. */
  finishLoad(result: { readonly succeeded: boolean }): void {
    if (!result.succeeded) this.byGroup.clear();
    this.loadSucceeded = result.succeeded;
    this.initialized = true;
  }

  get isInitialized(): boolean {
    return this.initialized;
  }

  /** What the offset-sync store must be created with once this store is initialised. */
  get initializationMustReadToEnd(): boolean {
    return !this.loadSucceeded;
  }

  get(group: string): ReadonlyMap<TopicPartitionKey, Checkpoint> | undefined {
    return this.byGroup.get(group);
  }

  /** Records checkpoints about to be produced (before producing them, as MM2 does). */
  update(checkpoints: Iterable<Checkpoint>): void {
    for (const checkpoint of checkpoints) this.put(checkpoint);
  }

  /** Every group's latest checkpoints. */
  snapshot(): ReadonlyMap<string, ReadonlyMap<TopicPartitionKey, Checkpoint>> {
    return this.byGroup;
  }

  /** Per group and target partition, the offset a target consumer should resume from. */
  convertedOffsets(): Map<string, Map<TopicPartitionKey, OffsetAndMetadata>> {
    const result = new Map<string, Map<TopicPartitionKey, OffsetAndMetadata>>();
    for (const [group, checkpoints] of this.byGroup) {
      const offsets = new Map<TopicPartitionKey, OffsetAndMetadata>();
      for (const [key, cp] of checkpoints) offsets.set(key, { offset: cp.downstreamOffset, metadata: cp.metadata });
      result.set(group, offsets);
    }
    return result;
  }

  private put(checkpoint: Checkpoint): void {
    let checkpoints = this.byGroup.get(checkpoint.group);
    if (checkpoints === undefined) {
      checkpoints = new Map();
      this.byGroup.set(checkpoint.group, checkpoints);
    }
    checkpoints.set(topicPartitionKey(checkpoint), checkpoint);
  }
}
