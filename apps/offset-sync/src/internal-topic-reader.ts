import type { ConsumedRecord, KafkaClient } from '@mirrormaker/kafka';
import type { Logger, SkippedRecordReporter } from '@mirrormaker/observability';
import { PartitionFollower } from './partition-follower';

export interface InternalTopicReaderOptions {
  readonly client: KafkaClient;
  /** A single-partition internal topic on `client`'s cluster (offset syncs, offset segments). */
  readonly topic: string;
  /** Applies one record with a key and a value; throws when it does not decode (it is skipped and reported). */
  readonly apply: (record: ConsumedRecord & { key: Buffer; value: Buffer }) => void;
  /** Called once, when the end offset seen at the first start has been applied. */
  readonly onLoaded: () => void;
  readonly logger: Logger;
  /** Counts and logs every record skipped: without a key or value, or one `apply` refused. */
  readonly skipped: SkippedRecordReporter;
  /** Called with the number of records applied, after each batch. */
  readonly onApplied?: (count: number) => void;
}

/**
 * Feeds an internal topic into an in-memory store: from the first offset, then following the
 * topic. `onLoaded` marks the first read to the end; nothing is translated before that.
 */
export class InternalTopicReader {
  private follower: PartitionFollower | undefined;
  private nextOffset: bigint | undefined;
  private closed = false;
  private loaded = false;

  constructor(private readonly options: InternalTopicReaderOptions) {}

  /** Starts reading; throws TOPIC_NOT_FOUND while the topic does not exist. */
  async start(): Promise<void> {
    const { logger, topic } = this.options;
    const follower = await PartitionFollower.start({
      client: this.options.client,
      topic,
      logger,
      ...(this.nextOffset === undefined ? {} : { fromOffset: this.nextOffset }),
      onRecords: (records) => {
        let applied = 0;
        for (const record of records) {
          this.nextOffset = record.offset + 1n;
          const where = { topic, partition: 0, offset: record.offset };
          if (record.key === null || record.value === null) {
            this.options.skipped.skipped(where, 'no-key-or-value');
            continue;
          }
          try {
            this.options.apply(record as ConsumedRecord & { key: Buffer; value: Buffer });
            applied += 1;
          } catch (err) {
            this.options.skipped.skipped(where, 'undecodable', err);
          }
        }
        if (applied > 0) this.options.onApplied?.(applied);
      },
    });
    if (this.closed) {
      await follower.close();
      return;
    }
    this.follower = follower;
    void follower.caughtUp.then(() => {
      if (this.loaded) return;
      this.loaded = true;
      this.options.onLoaded();
      logger.info({ topic }, 'read to the end; translating from now on');
    });
  }

  get caughtUp(): Promise<void> | undefined {
    return this.follower?.caughtUp;
  }

  /** True once `start` succeeded (and until closed). */
  get started(): boolean {
    return this.follower !== undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.follower?.close();
    this.follower = undefined;
  }
}
