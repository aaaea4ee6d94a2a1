import { KafkaAdmin, KafkaError, PartitionFetcher, withDecodedRecords, type ConsumedRecord, type KafkaClient, type KafkaError as KafkaErrorType } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';

export interface PartitionFollowerOptions {
  readonly client: KafkaClient;
  readonly topic: string;
  /** Records in offset order. Must not throw: a throw makes the consumer deliver the batch again. */
  readonly onRecords: (records: readonly ConsumedRecord[]) => void;
  readonly logger: Logger;
  /** First offset to read. @default the partition's first offset */
  readonly fromOffset?: bigint;
  /** Told about failures the fetcher retries on its own. */
  readonly onError?: (error: KafkaErrorType) => void;
}

const POSITION_CHECK_MS = 200;

/**
 * Reads partition 0 of a single-partition internal topic (MM2 only ever uses partition 0) from
 * its first offset (or `fromOffset`), and keeps following it until closed. `caughtUp` resolves once everything up
 * to the end offset seen at start has been handed to `onRecords`: the "read to the end once" that
 * MM2's offset-sync store and checkpoint load wait for.
 */
export class PartitionFollower {
  private constructor(
    private readonly topic: string,
    private readonly consumer: PartitionFetcher,
    readonly caughtUp: Promise<void>,
    private readonly stopChecking: () => void,
  ) {}

  /** Throws TOPIC_NOT_FOUND when the topic does not exist (yet). */
  static async start(options: PartitionFollowerOptions): Promise<PartitionFollower> {
    const { client, topic } = options;
    const admin = new KafkaAdmin(client);
    let end: bigint;
    let earliest: bigint;
    try {
      const offsets = (await admin.listOffsets(topic)).get(0);
      if (offsets === undefined) throw new KafkaError('PARTITION_NOT_FOUND', `topic '${topic}' on cluster '${client.clusterAlias}' has no partition 0`);
      end = offsets.latest;
      earliest = offsets.earliest;
    } finally {
      await admin.close();
    }

    let markCaughtUp!: () => void;
    let isCaughtUp = false;
    const caughtUp = new Promise<void>((resolve) => {
      markCaughtUp = () => {
        if (isCaughtUp) return;
        isCaughtUp = true;
        resolve();
      };
    });
    const from = options.fromOffset !== undefined && options.fromOffset > earliest ? options.fromOffset : earliest;
    if (end <= from) markCaughtUp();

    // Fetched directly (no consumer group, so no GROUP rights); the fetcher retries every failure.
    const consumer = new PartitionFetcher(client, {
      isolationLevel: 'read_committed',
      maxWaitTimeMs: 250,
      concurrency: 1,
      handler: withDecodedRecords(async (batch) => {
        options.onRecords(batch.records);
        const last = batch.records[batch.records.length - 1]!;
        if (last.offset + 1n >= end) markCaughtUp();
      }),
      onError: (error) => {
        options.logger.warn({ topic, err: error.message }, 'reading the topic failed; retrying');
        options.onError?.(error);
      },
    });
    // The end offset may sit behind transaction markers or records removed by compaction, which
    // never reach the handler; the consumer's position passes them.
    const timer = setInterval(() => {
      const position = consumer.position(topic, 0);
      if (position !== undefined && position >= end) markCaughtUp();
    }, POSITION_CHECK_MS);
    const stopChecking = () => clearInterval(timer);
    void caughtUp.then(stopChecking);
    try {
      await consumer.addPartitions([{ topic, partition: 0, offset: from }]);
    } catch (err) {
      stopChecking();
      await consumer.close();
      throw err;
    }
    return new PartitionFollower(topic, consumer, caughtUp, stopChecking);
  }

  /** Next offset to hand to `onRecords`. */
  get position(): bigint | undefined {
    return this.consumer.position(this.topic, 0);
  }

  /** Stops reading (idempotent). */
  async close(): Promise<void> {
    this.stopChecking();
    await this.consumer.close();
  }
}
