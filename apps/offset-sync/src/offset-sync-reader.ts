import type { KafkaClient } from '@mirrormaker/kafka';
import { decodeOffsetSync } from '@mirrormaker/mm2-formats';
import type { Logger } from '@mirrormaker/observability';
import type { OffsetSyncStore } from '@mirrormaker/offset-translation';
import { PartitionFollower } from './partition-follower';

export interface OffsetSyncReaderOptions {
  readonly client: KafkaClient;
  /** The flow's offset-syncs topic, on `client`'s cluster. */
  readonly topic: string;
  readonly store: OffsetSyncStore;
  readonly logger: Logger;
  /** Called with the number of syncs applied, after each batch. */
  readonly onSyncs?: (count: number) => void;
}

/**
 * Feeds the offset-syncs topic into an OffsetSyncStore: from the first offset, then following the
 * topic. The store's initial load completes once the end offset seen at start has been applied;
 * nothing is translated before that.
 */
export class OffsetSyncReader {
  private follower: PartitionFollower | undefined;
  private nextOffset: bigint | undefined;
  private closed = false;

  constructor(private readonly options: OffsetSyncReaderOptions) {}

  /** Starts reading; throws TOPIC_NOT_FOUND while the topic does not exist. */
  async start(): Promise<void> {
    const { store, logger, topic } = this.options;
    const follower = await PartitionFollower.start({
      client: this.options.client,
      topic,
      logger,
      ...(this.nextOffset === undefined ? {} : { fromOffset: this.nextOffset }),
      onRecords: (records) => {
        let applied = 0;
        for (const record of records) {
          this.nextOffset = record.offset + 1n;
          if (record.key === null || record.value === null) continue;
          try {
            store.applySync(decodeOffsetSync(record.key, record.value));
            applied += 1;
          } catch (err) {
            logger.warn({ topic, offset: record.offset.toString(), err: (err as Error).message }, 'skipping a record of the offset-syncs topic that does not decode');
          }
        }
        if (applied > 0) this.options.onSyncs?.(applied);
      },
    });
    if (this.closed) {
      await follower.close();
      return;
    }
    this.follower = follower;
    void follower.caughtUp.then(() => {
      if (!store.initialLoadComplete) {
        store.completeInitialLoad();
        logger.info({ topic }, 'offset syncs read to the end; translating from now on');
      }
    });
  }

  get caughtUp(): Promise<void> | undefined {
    return this.follower?.caughtUp;
  }

  /** True when reading stopped for good; `restart` picks up after the last record read. */
  get failed(): boolean {
    return this.follower?.failed ?? false;
  }

  async restart(): Promise<void> {
    const old = this.follower;
    this.follower = undefined;
    await old?.close();
    await this.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.follower?.close();
    this.follower = undefined;
  }
}
