import { Backoff, type BackoffOptions } from '@mirrormaker/service-kit';
import {
  decodeFetchedBatches,
  PartitionFetcher,
  type FetchBuffer,
  passthroughBlocker,
  type BatchCodec,
  type ConsumedBatch,
  type FetchedBatches,
  type IsolationLevel,
  type KafkaClient,
  type KafkaError,
  type PassthroughBlocker,
  type RawRecordBatch,
} from '@mirrormaker/kafka';
import type { MirrorConsumerSettings } from '@mirrormaker/config';
import type { Logger } from '@mirrormaker/observability';

/** One source partition a unit wants to read, and where its batches go. */
export interface ConsumerRoute {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to copy: where reading (re)starts when the partition is (re)added. */
  resumeOffset(): bigint;
  /** Copies one batch. Rejecting redelivers the same records later; resolving moves on. */
  handle(batch: ConsumedBatch): Promise<void>;
  /** What decides whether a batch can be copied as it is. */
  passthroughLimits(): { maxBatchBytes: number; codec?: BatchCodec };
  /** Copies fetched batches as they are; `decode` gives the records of those it cannot. */
  handleBatches(batches: FetchedBatches, decode: (batches: FetchedBatches) => Promise<ConsumedBatch | undefined>): Promise<void>;
  /** Adding the partition failed (the unit checks whether its source topic still exists). */
  attachFailed(error: KafkaError): void;
}

export interface FlowConsumerOptions {
  /** The source cluster. */
  client: KafkaClient;
  isolationLevel: IsolationLevel;
  offsetReset: 'earliest' | 'latest';
  logger: Logger;
  /** Failures of the source fetching that are not one partition's (no broker answers, metadata). */
  onConsumerFailure?: (error: KafkaError) => void;
  /** Partition changes arriving within this window are applied together. @default 50 */
  coalesceMs?: number;
  /** @default 500 */
  maxWaitTimeMs?: number;
  /** Delay before a batch whose copy failed is delivered again. @default 2000 */
  handlerRetryBackoffMs?: number;
  /** Batches of this many partitions are copied at the same time. @default 256 */
  concurrency?: number;
  /** Largest fetch from one broker, bytes (bounds the records held in memory). */
  maxBytes?: number;
  /** Largest fetch of one partition, bytes. */
  maxBytesPerPartition?: number;
  /** @default 1 */
  minBytes?: number;
  /** The consumer's rack (`client.rack`). */
  rackId?: string;
  /** Records of one partition handed to its route at a time; 0 or unset: all that one fetch returned. */
  maxRecordsPerRound?: number;
  /** Between attempts to apply partition changes that failed. */
  retry?: BackoffOptions;
  /** Bounds what is fetched and not yet copied (shared with other flows). */
  buffer?: FetchBuffer;
  /** Told of every Fetch answered, with its size (metrics). */
  onFetch?: (bytes: number) => void;
  /** Counts fetched batches by the way they were copied: as they are, or re-encoded and why. */
  onBatches?: (path: CopyPath, count: number) => void;
}

/** 'passthrough', or the reason a batch was re-encoded. */
export type CopyPath = 'passthrough' | PassthroughBlocker;

/** The options that come from the flow's source consumer keys. */
export function flowConsumerSettings(
  settings: MirrorConsumerSettings,
): Pick<FlowConsumerOptions, 'maxWaitTimeMs' | 'maxBytes' | 'maxBytesPerPartition' | 'minBytes' | 'rackId' | 'maxRecordsPerRound'> {
  return {
    maxWaitTimeMs: settings.fetchMaxWaitMs,
    maxBytes: settings.fetchMaxBytes,
    maxBytesPerPartition: settings.maxPartitionFetchBytes,
    minBytes: settings.fetchMinBytes,
    ...(settings.clientRack === '' ? {} : { rackId: settings.clientRack }),
    maxRecordsPerRound: settings.maxPollRecords,
  };
}

/** A batch as rounds of at most `max` records (one round when `max` is 0); only the first tells of a position reset. */
export function copyRounds(batch: ConsumedBatch, max: number): ConsumedBatch[] {
  if (max <= 0 || batch.records.length <= max) return [batch];
  const { positionReset: _, ...later } = batch;
  const rounds: ConsumedBatch[] = [];
  for (let i = 0; i < batch.records.length; i += max) rounds.push({ ...(i === 0 ? batch : later), records: batch.records.slice(i, i + max) });
  return rounds;
}

const keyOf = (topic: string, partition: number) => `${partition}\u0000${topic}`;

/**
 * The source consumer of one flow on this instance: every partition whose unit this instance holds,
 * in one PartitionFetcher (no consumer group: partitions are fetched from their leaders directly),
 * batches of different partitions copied concurrently, each partition's batches strictly one after
 * the other.
 *
 * Units attach and detach routes at any time; changes are coalesced and applied in the background.
 * A unit that stops does not wait for that: it stops copying by itself, and a batch arriving for a
 * route that is no longer attached is dropped without effect (nothing is stored for it, so the next
 * holder reads it again). The fetcher retries every failure itself (per partition or per broker,
 * with backoff), so it is never replaced; failures that are not one partition's are reported.
 */
export class FlowConsumer {
  private consumer: PartitionFetcher;
  private readonly desired = new Map<string, ConsumerRoute>();
  private readonly applied = new Map<string, ConsumerRoute>();
  private readonly backoff: Backoff;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private closed = false;

  constructor(private readonly options: FlowConsumerOptions) {
    this.logger = options.logger.child({ component: 'flow-consumer' });
    this.backoff = new Backoff({ initialMs: 500, maxMs: 15_000, ...options.retry });
    this.consumer = this.newConsumer();
  }

  attach(route: ConsumerRoute): void {
    this.desired.set(keyOf(route.topic, route.partition), route);
    this.schedule(this.options.coalesceMs ?? 50);
  }

  detach(route: ConsumerRoute): void {
    const key = keyOf(route.topic, route.partition);
    if (this.desired.get(key) === route) this.desired.delete(key);
    this.schedule(this.options.coalesceMs ?? 50);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.consumer.close();
  }

  private newConsumer(): PartitionFetcher {
    const o = this.options;
    return new PartitionFetcher(o.client, {
      handler: (fetched) => this.deliver(fetched),
      // Every route copies (or decodes) its batches before its handle call settles.
      reuseAnswers: true,
      onError: (error, tp) => {
        if (tp) return; // a unit's own copy failure, or its partition's; the unit reports it
        o.onConsumerFailure?.(error);
      },
      isolationLevel: o.isolationLevel,
      offsetReset: o.offsetReset,
      maxWaitTimeMs: o.maxWaitTimeMs ?? 500,
      handlerRetryBackoffMs: o.handlerRetryBackoffMs ?? 2000,
      concurrency: o.concurrency ?? 256,
      maxBytes: o.maxBytes,
      maxBytesPerPartition: o.maxBytesPerPartition,
      minBytes: o.minBytes,
      rackId: o.rackId,
      ...(o.buffer ? { buffer: o.buffer } : {}),
      onFetch: (event) => o.onFetch?.(event.bytes),
    });
  }

  /**
   * Hands a partition's fetched batches to its route in runs: consecutive batches that can be
   * copied as they are go together, the others are decoded into records (in rounds of
   * max.poll.records). A run that fails has the whole delivery fetched again; the route skips what
   * it copied already.
   */
  private async deliver(fetched: FetchedBatches): Promise<void> {
    const route = this.applied.get(keyOf(fetched.topic, fetched.partition));
    if (!route) return;
    const limits = route.passthroughLimits();
    const fromOffset = fetched.fromOffset > route.resumeOffset() ? fetched.fromOffset : route.resumeOffset();
    let run: RawRecordBatch[] = [];
    let runPassesThrough = false;
    let first = true;
    const flush = async () => {
      if (run.length === 0) return;
      const part: FetchedBatches = { ...fetched, batches: run };
      if (!first) delete part.positionReset; // told once, with the first run
      first = false;
      run = [];
      if (runPassesThrough) {
        await route.handleBatches(part, decodeFetchedBatches);
        return;
      }
      const batch = await decodeFetchedBatches(part);
      if (!batch) return;
      for (const round of copyRounds(batch, this.options.maxRecordsPerRound ?? 0)) await route.handle(round);
    };
    for (const b of fetched.batches) {
      const blocker = passthroughBlocker(b, { ...limits, fromOffset });
      this.options.onBatches?.(blocker ?? 'passthrough', 1);
      const passes = blocker === undefined;
      if (passes !== runPassesThrough) await flush();
      runPassesThrough = passes;
      run.push(b);
    }
    await flush();
  }

  private schedule(delayMs: number): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.kick();
    }, delayMs);
  }

  private kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = this.reconcile().finally(() => {
      this.running = undefined;
      if (this.dirty) {
        this.dirty = false;
        this.schedule(0);
      }
    });
  }

  private async reconcile(): Promise<void> {
    let adding: ConsumerRoute[] = [];
    try {
      const removing = [...this.applied].filter(([key, route]) => this.desired.get(key) !== route);
      if (removing.length > 0) {
        await this.consumer.removePartitions(removing.map(([, r]) => ({ topic: r.topic, partition: r.partition })));
        for (const [key] of removing) this.applied.delete(key);
      }
      const fresh = [...this.desired].filter(([key]) => !this.applied.has(key));
      adding = fresh.map(([, r]) => r);
      if (fresh.length > 0) {
        for (const [key, route] of fresh) this.applied.set(key, route);
        try {
          await this.consumer.addPartitions(adding.map((r) => ({ topic: r.topic, partition: r.partition, offset: r.resumeOffset() })));
        } catch (err) {
          for (const [key, route] of fresh) if (this.applied.get(key) === route) this.applied.delete(key);
          throw err;
        }
      }
      if (removing.length > 0 || fresh.length > 0) {
        this.logger.info({ partitions: this.applied.size, added: fresh.length, removed: removing.length }, 'source partitions changed');
      }
      this.backoff.reset();
    } catch (err) {
      if (this.closed) return;
      const error = err as KafkaError;
      const retryInMs = this.backoff.next();
      this.logger.warn({ err: error.message, code: error.code, retryInMs }, 'could not apply source partition changes; retrying');
      for (const route of adding) route.attachFailed(error);
      this.schedule(retryInMs);
    }
  }
}
