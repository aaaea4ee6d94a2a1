/**
 * Consumes exactly a given set of topic-partitions, each from a given offset, like Java's
 * `consumer.assign()` + `seek()` (kafkajs has neither).
 *
 * How: a kafkajs consumer in a consumer group of its own (a group id no one else uses) with a
 * partition assigner that gives the member exactly the partitions it declares in its group
 * metadata. Nothing is ever committed; positions live in this object, and the caller stores them
 * wherever its source of truth is (the data mirror: `mm2-offsets.<source>.internal` on the target).
 *
 * Invariants:
 * - A partition's batches reach the handler in offset order, one at a time: the next batch of a
 *   partition is fetched only after the handler's promise for the previous one settled (that is
 *   the back-pressure). Batches of different partitions may be handled concurrently (`concurrency`).
 * - `position(tp)` is the next offset to deliver: after a handler resolves, the offset after the
 *   batch's last record; after a fetch that held only transaction markers or aborted records, the
 *   offset after those (so a partition ending in a marker reaches its end offset).
 * - kafkajs forgets positions on every group rejoin (it would restart from the default offset, as
 *   nothing is committed); every join therefore seeks each assigned partition back to its position.
 * - A handler that rejects gets the same records again after `handlerRetryBackoffMs`; other
 *   partitions keep flowing. The error goes to `onError`. Nothing is ever skipped.
 * - kafkajs's own restart-after-crash is off (a consumer it restarts while being stopped keeps
 *   running as a zombie group member). This class restarts a crashed consumer itself, from the
 *   current positions, when the error is transient; otherwise status() becomes 'failed' and
 *   onError is told. Restarting happens again on the next addPartitions/removePartitions.
 * - An offset outside the log (retention deleted it, or the topic was recreated) restarts the
 *   partition from `offsetReset` ('earliest' by default, like MM2), with a warning from kafkajs
 *   (which also commits that reset offset to this consumer's own group; nothing reads it). The
 *   batches after such a reset say so (`ConsumedBatch.positionReset`) until the handler takes one,
 *   so it can tell records skipped or read again from an ordinary gap (markers, compaction). A
 *   reset whose first fetch holds nothing but markers or aborted records goes untold.
 * - A partition's position only moves to where kafkajs fetches from: after a handled batch, a
 *   filtered fetch, or a reset.
 * - 'latest' as a start offset is the end offset the admin client sees: with an open transaction
 *   on the partition, the last stable offset.
 *
 * Changing the set (addPartitions/removePartitions) restarts the kafkajs consumer: it leaves the
 * group, reconnects and joins again with the new declaration. Cost per change: one leave + join
 * round (the broker holds the first join of an empty group for group.initial.rebalance.delay.ms,
 * 3 s by default), plus at most `maxWaitTimeMs` for the fetch in progress, plus in-flight handlers
 * finishing. Callers that change many partitions should pass them in one call.
 *
 * ACLs on the source: READ and DESCRIBE on the topics, READ on GROUP `groupId` (use a prefixed ACL
 * on the generated ids' prefix).
 */
import { randomUUID } from 'node:crypto';
// Before kafkajs loads: see the module.
import { assertAbortedTransactionFilter } from './aborted-transactions-patch';
import { AssignerProtocol, type Consumer, type EachBatchPayload, type PartitionAssigner } from 'kafkajs';
import type { Logger } from 'pino';
import { KafkaAdmin } from './admin-port';
import { newStarts, partitionKey, resolveStartOffsets } from './start-offsets';
import { kafkaJsOf, type KafkaClient, type RetryOptions } from './connection';
import { KafkaError, isKafkaError, toKafkaError, type KafkaErrorContext } from './errors';
import type { OrderedHeaders } from './headers';
import { assertRecordCodecPatched, consumedRecordOf, type DecodedKafkaJsRecord } from './record-codec-patch';

export type StartOffset = bigint | 'earliest' | 'latest';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface PartitionStart extends TopicPartition {
  /** First offset to deliver, or the log start / end at the time of the call. */
  offset: StartOffset;
}

export interface ConsumedRecord {
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: OrderedHeaders;
  /** CreateTime, or LogAppendTime for topics with message.timestamp.type=LogAppendTime. */
  timestamp: bigint;
  /** Size of the record as encoded in its (uncompressed) batch, length prefix included. */
  sizeBytes: number;
}

export interface ConsumedBatch extends TopicPartition {
  /** Never empty. */
  records: ConsumedRecord[];
  /** The partition's high watermark when fetched. */
  highWatermark: bigint;
  /**
   * Set when the partition's position `from` was outside its log (the broker answered
   * OFFSET_OUT_OF_RANGE) and the consumer restarted it by `offsetReset`: this batch was fetched
   * from `to`. `to > from`: the records between were deleted (retention, DeleteRecords) or skipped
   * by a 'latest' reset; `to < from`: the log is shorter than the position (the topic was created
   * anew, or the source lost records in an unclean leader election). The position moves to `to` at
   * once; a batch delivered again after the handler rejected it carries the same reset.
   */
  positionReset?: { from: bigint; to: bigint };
}

export type IsolationLevel = 'read_committed' | 'read_uncommitted';

export type PartitionConsumerStatus = 'idle' | 'running' | 'failed' | 'closed';

export interface PartitionConsumerOptions {
  handler: (batch: ConsumedBatch) => Promise<void>;
  /** Told about handler failures (with the partition) and fatal consumer errors (without). */
  onError?: (error: KafkaError, partition?: TopicPartition) => void;
  /** Must be unique to this consumer. @default `mirrormaker-pc.<clientId>.<uuid>` */
  groupId?: string;
  /** read_committed hides aborted records and open transactions. @default 'read_committed' */
  isolationLevel?: IsolationLevel;
  /** Where a partition restarts when its position is outside the log. @default 'earliest' */
  offsetReset?: 'earliest' | 'latest';
  /** Partitions whose batches are handled at the same time. @default 4 */
  concurrency?: number;
  /** @default 1048576 */
  maxBytesPerPartition?: number;
  /** @default 10485760 */
  maxBytes?: number;
  /** @default 1 */
  minBytes?: number;
  /** The consumer's rack, so brokers with rack-aware replica selection serve fetches from a nearby replica. */
  rackId?: string;
  /** How long the broker may hold a fetch for new data. @default 500 */
  maxWaitTimeMs?: number;
  /** @default 30000 */
  sessionTimeoutMs?: number;
  /** @default 60000 */
  rebalanceTimeoutMs?: number;
  /** Also how often a running handler's heartbeat is sent. @default 3000 */
  heartbeatIntervalMs?: number;
  /** Delay before a failed batch is delivered again. @default 1000 */
  handlerRetryBackoffMs?: number;
  /** How long a (re)start may take to join its group. @default 30000 */
  startTimeoutMs?: number;
  retry?: RetryOptions;
}

interface PartitionState extends TopicPartition {
  position: bigint;
  /** An offset reset not handled yet: told with every batch until the handler resolves one. */
  pendingReset: { from: bigint; to: bigint } | undefined;
  inFlight: boolean;
  retryTimer: NodeJS.Timeout | undefined;
}

interface Running {
  consumer: Consumer;
  generation: number;
  removeListeners: Array<() => void>;
}

/** The part of kafkajs's END_BATCH_PROCESS payload used here (offsets as decimal strings). */
interface FilteredBatchEvent extends TopicPartition {
  batchSize: number;
  firstOffset: string | null;
  lastOffset: string;
}

const ASSIGNER_NAME = 'MirrorMakerExactAssigner';

const keyOf = partitionKey;

/**
 * Declared partitions travel in the member's userData; the leader (this member) assigns each member
 * exactly what it declared. Exported for tests only (index.ts does not).
 */
export function exactAssigner(declared: Record<string, number[]>): PartitionAssigner {
  return () => ({
    name: ASSIGNER_NAME,
    version: 1,
    async assign({ members }) {
      return members.map((member) => {
        let assignment: Record<string, number[]> = {};
        try {
          const { userData } = AssignerProtocol.MemberMetadata.decode(member.memberMetadata) ?? {};
          assignment = userData && userData.length > 0 ? (JSON.parse(userData.toString('utf8')) as Record<string, number[]>) : {};
        } catch {
          assignment = {};
        }
        return {
          memberId: member.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment, userData: Buffer.alloc(0) }),
        };
      });
    },
    protocol() {
      return {
        name: ASSIGNER_NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 1,
          topics: Object.keys(declared),
          userData: Buffer.from(JSON.stringify(declared), 'utf8'),
        }),
      };
    },
  });
}

export class PartitionConsumer {
  readonly groupId: string;
  private readonly logger: Logger;
  private readonly admin: KafkaAdmin;
  private readonly partitions = new Map<string, PartitionState>();
  private running: Running | undefined;
  private generation = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private state: PartitionConsumerStatus = 'idle';
  private lastFailure: KafkaError | undefined;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: PartitionConsumerOptions,
  ) {
    assertRecordCodecPatched();
    assertAbortedTransactionFilter();
    if (typeof options.handler !== 'function') throw new KafkaError('INVALID_CONFIG', 'PartitionConsumer needs a handler');
    this.groupId = options.groupId ?? `mirrormaker-pc.${client.connection.clientId}.${randomUUID()}`;
    this.logger = client.logger.child({ component: 'partition-consumer', groupId: this.groupId });
    this.admin = new KafkaAdmin(client);
  }

  status(): PartitionConsumerStatus {
    return this.state;
  }

  /** The fatal error that stopped consumption, if any (cleared by the next successful restart). */
  failure(): KafkaError | undefined {
    return this.lastFailure;
  }

  assignment(): TopicPartition[] {
    return [...this.partitions.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  /** Next offset to deliver for the partition, undefined when not assigned. */
  position(topic: string, partition: number): bigint | undefined {
    return this.partitions.get(keyOf(topic, partition))?.position;
  }

  /**
   * Starts consuming the given partitions (in addition to the current ones) and resolves once the
   * consumer is running with them. Checks that every partition exists; resolves 'earliest' and
   * 'latest' now.
   */
  async addPartitions(starts: readonly PartitionStart[]): Promise<void> {
    return this.serialize(async () => {
      this.ensureOpen('add partitions');
      const fresh = newStarts(starts, (key) => this.partitions.has(key));
      if (fresh.size === 0) return;
      const positions = await resolveStartOffsets(this.admin, this.client.clusterAlias, [...fresh.values()]);
      for (const [key, s] of fresh) {
        this.partitions.set(key, {
          topic: s.topic,
          partition: s.partition,
          position: positions.get(key) as bigint,
          pendingReset: undefined,
          inFlight: false,
          retryTimer: undefined,
        });
      }
      try {
        await this.restart();
      } catch (err) {
        for (const key of fresh.keys()) this.partitions.delete(key);
        await this.restart().catch(() => undefined);
        throw err;
      }
    });
  }

  /**
   * Stops consuming the given partitions. When this resolves, no handler call for them is running
   * or will start.
   */
  async removePartitions(partitions: readonly TopicPartition[]): Promise<void> {
    return this.serialize(async () => {
      this.ensureOpen('remove partitions');
      let changed = false;
      for (const tp of partitions) {
        const st = this.partitions.get(keyOf(tp.topic, tp.partition));
        if (!st) continue;
        if (st.retryTimer) clearTimeout(st.retryTimer);
        this.partitions.delete(keyOf(tp.topic, tp.partition));
        changed = true;
      }
      if (changed) await this.restart();
    });
  }

  /** Stops consuming and disconnects (idempotent). Waits for running handlers. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    return this.serialize(async () => {
      if (this.state === 'closed') return;
      this.state = 'closed';
      for (const st of this.partitions.values()) if (st.retryTimer) clearTimeout(st.retryTimer);
      await this.stopRunning();
      await this.admin.close();
    });
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.chain.then(fn);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private ensureOpen(operation: string): void {
    if (this.state === 'closed') throw new KafkaError('CLOSED', `${operation}: the partition consumer is closed`);
  }

  private async stopRunning(): Promise<void> {
    const running = this.running;
    this.running = undefined;
    this.generation += 1; // callbacks of the stopped consumer see a stale generation
    if (!running) return;
    for (const remove of running.removeListeners) remove();
    try {
      await running.consumer.stop();
    } catch (err) {
      this.logger.debug({ err }, 'error while stopping the kafkajs consumer');
    }
    try {
      await running.consumer.disconnect();
    } catch (err) {
      this.logger.debug({ err }, 'error while disconnecting the kafkajs consumer');
    }
  }

  /**
   * Replaces the running kafkajs consumer by one for the current partition set. Start failures
   * that may pass (coordinator still loading, broker restarting) are retried until
   * `startTimeoutMs`; others throw.
   */
  private async restart(): Promise<void> {
    const started = Date.now();
    await this.stopRunning();
    if (this.partitions.size === 0) {
      this.state = 'idle';
      return;
    }
    const declared: Record<string, number[]> = {};
    for (const { topic, partition } of this.partitions.values()) (declared[topic] ??= []).push(partition);
    for (const list of Object.values(declared)) list.sort((a, b) => a - b);

    const deadline = started + (this.options.startTimeoutMs ?? 30_000);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.startOnce(declared, deadline);
        break;
      } catch (err) {
        await this.stopRunning();
        const error = toKafkaError(err, this.context('start consumer'));
        if (!error.retriable || Date.now() + 200 * attempt > deadline) {
          this.state = 'failed';
          throw error;
        }
        this.logger.debug({ err: error, attempt }, 'consumer start failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, Math.min(200 * attempt, 2_000)));
      }
    }
    this.state = 'running';
    this.lastFailure = undefined;
    this.logger.info(
      { partitions: this.partitions.size, topics: Object.keys(declared).length, ms: Date.now() - started },
      'partition consumer (re)started',
    );
  }

  private context(operation: string): KafkaErrorContext {
    return { operation, cluster: this.client.clusterAlias, group: this.groupId, principal: this.client.principal };
  }

  /** One kafkajs consumer, up to its first group join. kafkajs never restarts it on its own. */
  private async startOnce(declared: Record<string, number[]>, deadline: number): Promise<void> {
    const o = this.options;
    const consumer = kafkaJsOf(this.client).consumer({
      groupId: this.groupId,
      partitionAssigners: [exactAssigner(declared)],
      readUncommitted: (o.isolationLevel ?? 'read_committed') === 'read_uncommitted',
      allowAutoTopicCreation: false,
      maxBytesPerPartition: o.maxBytesPerPartition,
      maxBytes: o.maxBytes,
      minBytes: o.minBytes,
      ...(o.rackId ? { rackId: o.rackId } : {}),
      maxWaitTimeInMs: o.maxWaitTimeMs ?? 500,
      sessionTimeout: o.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: o.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: o.heartbeatIntervalMs ?? 3_000,
      retry: {
        ...(o.retry ? { retries: o.retry.retries, initialRetryTime: o.retry.initialRetryTimeMs, maxRetryTime: o.retry.maxRetryTimeMs } : {}),
        // kafkajs's own restart after a crash races with stop(): a consumer restarting while it is
        // stopped keeps running, unreachable, as a member of the group. Restarts happen here instead.
        restartOnFailure: async () => false,
      },
    });
    this.generation += 1;
    const generation = this.generation;
    const running: Running = { consumer, generation, removeListeners: [] };
    this.running = running;

    let hasJoined = false;
    let joined!: () => void;
    let failedToJoin!: (err: KafkaError) => void;
    const firstJoin = new Promise<void>((resolve, reject) => {
      joined = resolve;
      failedToJoin = reject;
    });
    // kafkajs reports a failed start through the CRASH event, possibly before run() returns.
    firstJoin.catch(() => undefined);
    running.removeListeners.push(
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        if (generation !== this.generation) return;
        this.seekAfterJoin(consumer, event.payload.memberAssignment as Record<string, number[]>);
        hasJoined = true;
        joined();
      }),
      // A fetched batch whose records were all filtered out (transaction markers, aborted records)
      // never reaches eachBatch; kafkajs only reports it through this event. Without it, a partition
      // ending in an abort or commit marker would look one or more offsets short of its end forever.
      consumer.on(consumer.events.END_BATCH_PROCESS, (event) => {
        if (generation !== this.generation) return;
        const { topic, partition, batchSize, lastOffset } = event.payload as FilteredBatchEvent;
        // kafkajs resolves such a batch to its lastOffset (the fetch offset when every record in it
        // lies below that offset) and fetches on from there: the position follows, so the next
        // fetch is not mistaken for an offset reset.
        if (batchSize !== 0) return;
        this.skipFiltered(topic, partition, BigInt(lastOffset) + 1n);
      }),
      consumer.on(consumer.events.CRASH, (event) => {
        if (generation !== this.generation) return;
        const error = toKafkaError(event.payload.error, this.context('consume'));
        if (!hasJoined) failedToJoin(error);
        else this.recover(generation, error, event.payload.error?.name === 'KafkaJSNumberOfRetriesExceeded');
      }),
    );

    let timer: NodeJS.Timeout | undefined;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: Object.keys(declared), fromBeginning: (o.offsetReset ?? 'earliest') === 'earliest' });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        partitionsConsumedConcurrently: Math.max(1, o.concurrency ?? 4),
        eachBatch: (payload) => this.onBatch(consumer, generation, payload),
      });
      await Promise.race([
        firstJoin,
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new KafkaError('TIMEOUT', `start consumer for group '${this.groupId}' on cluster '${this.client.clusterAlias}': no group join in time`)),
            Math.max(0, deadline - Date.now()),
          );
        }),
      ]);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  /** After a crash of a running consumer: start a new one (transient errors) or give up. */
  private recover(generation: number, error: KafkaError, exhaustedRetries: boolean): void {
    if (!error.retriable && !exhaustedRetries) {
      this.fail(error);
      return;
    }
    this.logger.warn({ err: error }, 'consumer crashed; restarting it from the current positions');
    this.options.onError?.(error);
    setTimeout(() => {
      this.serialize(async () => {
        if (this.state === 'closed' || generation !== this.generation) return;
        await this.restart();
      }).catch((err: unknown) => this.fail(toKafkaError(err, this.context('restart consumer'))));
    }, this.options.handlerRetryBackoffMs ?? 1_000).unref();
  }

  /** Moves a partition past records that were fetched but are not for the handler. */
  private skipFiltered(topic: string, partition: number, next: bigint): void {
    const st = this.partitions.get(keyOf(topic, partition));
    // In flight or waiting to retry: that batch's outcome decides the position, not a later fetch.
    if (!st || st.inFlight || st.retryTimer || next <= st.position) return;
    st.position = next;
  }

  /** kafkajs starts every (re)joined assignment from the default offset: put each partition back. */
  private seekAfterJoin(consumer: Consumer, assignment: Record<string, number[]>): void {
    const assigned = new Set<string>();
    for (const [topic, partitions] of Object.entries(assignment ?? {})) {
      for (const partition of partitions) {
        const key = keyOf(topic, partition);
        assigned.add(key);
        const st = this.partitions.get(key);
        // A partition whose batch is still being handled resumes right after that batch (kafkajs
        // resolves it when the handler returns); seeking now would deliver the batch twice.
        if (st && !st.inFlight) consumer.seek({ topic, partition, offset: st.position.toString() });
      }
    }
    const missing = [...this.partitions.keys()].filter((k) => !assigned.has(k));
    if (missing.length > 0) {
      this.logger.warn({ missing: missing.map((k) => k.replace('\u0000', '@')) }, 'group join did not assign every declared partition');
    }
  }

  private async onBatch(consumer: Consumer, generation: number, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (generation !== this.generation || payload.isStale()) return;
    const st = this.partitions.get(keyOf(batch.topic, batch.partition));
    if (!st) return;
    const lastOffset = BigInt(batch.lastOffset());
    const messages = batch.messages as unknown as DecodedKafkaJsRecord[];
    // kafkajs fetches from st.position unless it reset the partition after OFFSET_OUT_OF_RANGE.
    const fetchedFrom = BigInt((batch as unknown as { fetchedOffset: string }).fetchedOffset);
    const wentBack = messages.length > 0 && BigInt(messages[0].offset) < st.position;
    if (wentBack || fetchedFrom > st.position) {
      this.logger.warn(
        { topic: st.topic, partition: st.partition, position: st.position.toString(), resetTo: fetchedFrom.toString() },
        fetchedFrom < st.position
          ? 'partition went back to an earlier offset (offset reset after OFFSET_OUT_OF_RANGE); these records are delivered again'
          : 'partition moved past offsets it had not delivered (offset reset after OFFSET_OUT_OF_RANGE)',
      );
      // Retries start from where the broker put the partition, never from the offset outside the
      // log (it may be inside again by then, past records never delivered); the reset is told with
      // every delivery until one is handled, from the position before the first unhandled one.
      st.pendingReset = { from: st.pendingReset?.from ?? st.position, to: fetchedFrom };
      st.position = fetchedFrom;
    }
    const reset = st.pendingReset;
    if (messages.length === 0) {
      if (lastOffset + 1n > st.position) st.position = lastOffset + 1n;
      return;
    }
    const records: ConsumedRecord[] = messages.map(consumedRecordOf);

    st.inFlight = true;
    const beat = setInterval(() => {
      payload.heartbeat().catch(() => undefined);
    }, this.options.heartbeatIntervalMs ?? 3_000);
    try {
      await this.options.handler({
        topic: st.topic,
        partition: st.partition,
        records,
        highWatermark: BigInt(batch.highWatermark),
        ...(reset ? { positionReset: reset } : {}),
      });
      if (this.partitions.get(keyOf(st.topic, st.partition)) === st) {
        st.position = lastOffset + 1n;
        st.pendingReset = undefined;
      }
    } catch (err) {
      this.retryLater(consumer, generation, st, err);
    } finally {
      clearInterval(beat);
      st.inFlight = false;
    }
  }

  /** Redelivers from the unchanged position after a backoff; only this partition waits. */
  private retryLater(consumer: Consumer, generation: number, st: PartitionState, err: unknown): void {
    const error = isKafkaError(err)
      ? err
      : new KafkaError('UNKNOWN', `handler failed for ${st.topic}-${st.partition} at offset ${st.position}: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
    this.logger.warn({ err: error, topic: st.topic, partition: st.partition, position: st.position.toString() }, 'batch handler failed; retrying');
    this.options.onError?.(error, { topic: st.topic, partition: st.partition });
    if (generation !== this.generation) return; // being restarted: the next consumer starts from the position
    const tp = { topic: st.topic, partitions: [st.partition] };
    try {
      consumer.seek({ topic: st.topic, partition: st.partition, offset: st.position.toString() });
      consumer.pause([tp]);
    } catch (seekError) {
      this.logger.debug({ err: seekError }, 'could not rewind the partition (consumer stopping)');
      return;
    }
    if (st.retryTimer) clearTimeout(st.retryTimer);
    st.retryTimer = setTimeout(() => {
      st.retryTimer = undefined;
      if (generation === this.generation) consumer.resume([tp]);
    }, this.options.handlerRetryBackoffMs ?? 1_000);
    st.retryTimer.unref();
  }

  private fail(error: KafkaError): void {
    this.lastFailure = error;
    this.state = 'failed';
    this.logger.error({ err: error }, 'partition consumer stopped');
    this.options.onError?.(error);
  }
}
