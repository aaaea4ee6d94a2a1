import { PartitionFetcher, withDecodedRecords, type KafkaAdmin, type KafkaClient, type PartitionOffsets, type ProducerRecord } from '@mirrormaker/kafka';
import { encodeSourceOffsetKey, encodeSourceOffsetValue, type MirrorSourcePartition } from '@mirrormaker/mm2-formats';
import type { Logger, SkippedRecordReporter } from '@mirrormaker/observability';
import { ensureTopic } from './ensure-topic';
import type { TopicSpec } from './flow-plan';
import { defaultPartitionFor } from './murmur2';
import { StoredPositions } from './stored-positions';

export interface PositionStoreOptions {
  /** The target cluster, where the Connect offsets topic lives. */
  client: KafkaClient;
  admin: KafkaAdmin;
  topic: TopicSpec;
  logger: Logger;
  /** Counts and logs records that are neither a position nor another connector's record. */
  skipped: SkippedRecordReporter;
  /** How long `readToEnd` waits. @default 60000 */
  readTimeoutMs?: number;
}

/**
 * The flow's replication positions in Kafka Connect's offsets topic (`mm2-offsets.<source>.internal`
 * on the target), shared with MM2: either can stop and the other resumes from what was stored.
 *
 * Reading works like Connect's KafkaBasedLog: one consumer follows every partition of the topic
 * from the beginning (read_committed, so positions of aborted transactions never count) into a
 * last-value-per-key table. A unit that starts first calls `readToEnd`, which waits until the table
 * covers everything written before the call. Writing: a record with MM2's exact key bytes, to the
 * partition Connect's default partitioner would pick, so Connect finds it and every version of a key
 * stays ordered in one partition.
 */
export class PositionStore {
  private readonly table = new StoredPositions();
  private consumer: PartitionFetcher | undefined;
  private partitions = 0;
  private starting: Promise<void> | undefined;
  private closed = false;
  private readonly logger: Logger;

  constructor(private readonly options: PositionStoreOptions) {
    this.logger = options.logger.child({ component: 'position-store', topic: options.topic.name });
  }

  get topic(): string {
    return this.options.topic.name;
  }

  /** Creates the topic if needed and starts following it (idempotent; retried after a failure). */
  start(): Promise<void> {
    this.starting ??= this.open().catch((err: unknown) => {
      this.starting = undefined;
      throw err;
    });
    return this.starting;
  }

  /** Waits until every position written before this call has been read. */
  async readToEnd(): Promise<void> {
    await this.start();
    const ends = await this.endOffsets();
    const deadline = Date.now() + (this.options.readTimeoutMs ?? 60_000);
    for (;;) {
      const current = this.consumer!;
      const behind = [...ends].filter(([p, o]) => (current.position(this.topic, p) ?? -1n) < o.latest);
      if (behind.length === 0) return;
      if (this.closed) throw new Error(`positions topic ${this.topic}: closed while reading`);
      if (Date.now() > deadline) {
        throw new Error(`positions topic ${this.topic}: not read to its end within ${this.options.readTimeoutMs ?? 60_000} ms (${behind.length} partition(s) behind)`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** End offsets of the topic; retried briefly, as leaders of a topic created a moment ago may not be known yet. */
  private async endOffsets(): Promise<Map<number, PartitionOffsets>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.options.admin.listOffsets(this.topic);
      } catch (err) {
        if (attempt >= 10 || this.closed) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** The stored position: the last upstream offset already copied. */
  get(partition: MirrorSourcePartition): bigint | undefined {
    return this.table.get(partition);
  }

  /** The record that stores `lastCopied` as the position of `partition`. */
  recordFor(partition: MirrorSourcePartition, lastCopied: bigint): ProducerRecord {
    if (this.partitions < 1) throw new Error(`positions topic ${this.topic} is not open`);
    const key = encodeSourceOffsetKey(partition);
    return { partition: defaultPartitionFor(key, this.partitions), key, value: encodeSourceOffsetValue(lastCopied) };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting?.catch(() => undefined);
    await this.consumer?.close();
  }

  private async open(): Promise<void> {
    this.partitions = await ensureTopic(this.options.admin, this.options.topic, this.logger);
    await this.follow(new Map());
    this.logger.info({ partitions: this.partitions }, 'following stored positions');
  }

  /** Reads every partition from `from` (offset 0 if absent: an offset below the log start is reset to it). */
  private async follow(from: Map<number, bigint>): Promise<void> {
    // The fetcher retries every failure itself (with backoff), so it never needs replacing.
    const consumer = new PartitionFetcher(this.options.client, {
      handler: withDecodedRecords(async (batch) => {
        for (const r of batch.records) {
          const read = this.table.read(r.key, r.value);
          if (read === 'undecodable') this.options.skipped.skipped({ topic: batch.topic, partition: batch.partition, offset: r.offset }, 'undecodable');
        }
      }),
      isolationLevel: 'read_committed',
      maxWaitTimeMs: 250,
      concurrency: this.partitions,
    });
    try {
      await consumer.addPartitions(
        Array.from({ length: this.partitions }, (_, p) => ({ topic: this.topic, partition: p, offset: from.get(p) ?? 0n })),
      );
    } catch (err) {
      await consumer.close();
      throw err;
    }
    this.consumer = consumer;
  }
}
