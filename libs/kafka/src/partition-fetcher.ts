/**
 * Reads exactly a given set of topic-partitions, each from a given offset, by sending Fetch
 * requests to the partitions' leaders itself, as Java's `consumer.assign()` does: no consumer group
 * (so no join on start and no GROUP rights on the source), and record batches handed over as the
 * broker sent them (record-batches.ts), so a caller can copy them without decoding a record.
 *
 * Pipelining: each leader broker has one Fetch in flight at a time, and a partition is part of it
 * while its previous batches are still being handled, so fetching and handling overlap. What is
 * fetched but not handled yet is bounded per partition (one delivery handled and at most one
 * waiting, each at most `maxBytesPerPartition` unless a single batch is larger) and per process
 * (`buffer`, one FetchBuffer shared by all fetchers, which also counts each Fetch in flight at the
 * size it may return): past those bounds a partition is left out of the next Fetch until its
 * handler catches up (back pressure, never unbounded buffering).
 * A Fetch that leaves a partition out this way waits at most `heldBackMaxWaitMs` on the broker
 * instead of `maxWaitTimeMs`: the partition left out is the one with data (records often arrive in
 * one partition at a time), and it may be fetched again only once that Fetch is answered. Waiting
 * the full time there would hold its next records back for up to `maxWaitTimeMs`.
 *
 * Invariants (the same as PartitionConsumer's):
 * - A partition's batches reach the handler in offset order, one call at a time; calls for
 *   different partitions may run at once (up to `concurrency`).
 * - `position(tp)` is the next offset to deliver: after a handler resolves, the offset after the
 *   delivered batches (markers and aborted transactions after them included).
 * - A handler that rejects gets the same records again after `handlerRetryBackoffMs`; other
 *   partitions keep flowing; nothing is skipped. The error goes to `onError` with the partition.
 * - An offset outside the log (OFFSET_OUT_OF_RANGE: retention deleted it, or the topic was created
 *   anew) restarts the partition from `offsetReset` ('earliest' by default, like MM2) and the
 *   deliveries after it say so (`positionReset`) until the handler takes one.
 * - Errors of one partition (no leader, unknown topic, not authorized) are retried with backoff and
 *   told to `onError` with the partition; they never stop the other partitions.
 *
 * ACLs on the source: READ and DESCRIBE on the topics. Nothing on groups.
 */
import type { Logger } from 'pino';
import { KafkaAdmin } from './admin-port';
import { newStarts, partitionKey, resolveStartOffsets } from './start-offsets';
import type { KafkaClient, RetryOptions } from './connection';
import { KafkaError, isKafkaError, toKafkaError, type KafkaErrorContext } from './errors';
import { FetchBuffer } from './fetch-buffer';
import { wireBuffers } from './buffer-pool';
import './response-framing-patch';
import { decodeFetchResponse, encodeFetchRequest, FETCH_API_KEY, FETCH_VERSION, type FetchedPartition, type FetchPartitionRequest } from './fetch-wire';
import { connectCluster, type InternalCluster } from './kafkajs-cluster';
import { retryDelayMs } from './retry-delay';
import { lookUpLeaders, UNKNOWN_TOPIC_OR_PARTITION } from './partition-leaders';
import type { IsolationLevel, PartitionStart, TopicPartition } from './partition-consumer';
import { encoderOver } from './produce-request-encoder';
import { committedBatches, readRecordBatches, type RawRecordBatch } from './record-batches';

/** What the handler gets: batches of one partition, in offset order, never empty. */
export interface FetchedBatches extends TopicPartition {
  /**
   * Complete record batches as the broker sent them (markers and aborted transactions removed under
   * read_committed). The first may start before `fromOffset` (the broker answers from the batch
   * holding the fetch offset): records below `fromOffset` were delivered before.
   */
  batches: RawRecordBatch[];
  fromOffset: bigint;
  /** Where the partition's position moves once the handler resolves. */
  nextOffset: bigint;
  highWatermark: bigint;
  positionReset?: { from: bigint; to: bigint };
}

export type PartitionFetcherStatus = 'idle' | 'running' | 'closed';

export interface PartitionFetcherOptions {
  /**
   * Gets each partition's batches in turn. They are views into the Fetch answer; with
   * `reuseAnswers`, into a pooled Buffer of their own that is used again once the promise settles.
   */
  handler: (batches: FetchedBatches) => Promise<void>;
  /**
   * Copies each partition's batches out of the answer into a Buffer from the process's pool, gives
   * the answer back to the pool as soon as it is read, and gives each copy back once its handler
   * settles, instead of leaving them to the garbage collector (which frees them late). A copying
   * process then holds what the fetch buffer counts, not every answer one of whose partitions is
   * slow. Only for a handler that keeps nothing of the batches (no Buffer, no view into one) once
   * its promise settles. @default false
   */
  reuseAnswers?: boolean;
  onError?: (error: KafkaError, partition?: TopicPartition) => void;
  /** @default 'read_committed' */
  isolationLevel?: IsolationLevel;
  /** @default 'earliest' */
  offsetReset?: 'earliest' | 'latest';
  /** Partitions handled at the same time. @default 4 */
  concurrency?: number;
  /** Bytes asked for per partition per Fetch. @default 1048576 */
  maxBytesPerPartition?: number;
  /** Bytes asked for per Fetch. @default 52428800 */
  maxBytes?: number;
  /** Fetched but not yet handled; past its limit no new Fetch is sent. Share one among fetchers to bound a process. @default a FetchBuffer of 32 MiB of its own */
  buffer?: FetchBuffer;
  /** @default 1 */
  minBytes?: number;
  /** @default 500 */
  maxWaitTimeMs?: number;
  /** The broker's wait for a Fetch that leaves a partition out for back pressure. @default 10 */
  heldBackMaxWaitMs?: number;
  rackId?: string;
  /** @default 1000 */
  handlerRetryBackoffMs?: number;
  /** Backoff after request failures and partition errors. */
  retry?: RetryOptions;
  /** Called with every answered Fetch (metrics, tests). */
  onFetch?: (event: { broker: number; partitions: number; bytes: number }) => void;
}

interface Delivery {
  batches: RawRecordBatch[];
  fromOffset: bigint;
  nextOffset: bigint;
  highWatermark: bigint;
  bytes: number;
  /** The partition jumped to `fromOffset` (offset reset) before this delivery. */
  reset: boolean;
  /** The Fetch answer its batches are views of. */
  answer?: AnswerUse;
}

/**
 * A Fetch answer (or a delivery's own copy of its batches, see `ownCopy`) and how many of its
 * deliveries are not yet handled or dropped (plus one while it is being read): at zero nothing
 * reads it any more and its Buffer is used again. A delivery that leaves some other way never gives
 * it back, and the Buffer is then collected as any garbage.
 */
interface AnswerUse {
  raw: Buffer;
  users: number;
  reuse: boolean;
}

/**
 * How many Fetches' worth of a partition may wait for its handler. With one, a partition whose
 * previous answer is still waiting sits out the next Fetch, so a busy partition is read in every
 * other round trip: half the rate where round trips are long (a remote source). Two keep it in
 * every Fetch; the fetch buffer still bounds the process.
 */
const FETCHES_AHEAD = 2;

/**
 * The batches copied into one pooled Buffer of their own. A delivery that kept views into its
 * answer would keep the whole answer (every partition's batches) in memory until that one
 * partition is copied, and slow partitions keep dozens of answers that way: at full speed the
 * answers in use were several times the fetch buffer. Copied out, an answer goes back to the pool
 * as soon as it is read, and what waits is what the fetch buffer counts. The copy costs about as
 * much as the one that framed the answer.
 */
function ownCopy(batches: RawRecordBatch[], bytes: number): { batches: RawRecordBatch[]; use: AnswerUse } {
  const raw = wireBuffers.take(bytes);
  let at = 0;
  const copied = batches.map((b) => {
    b.bytes.copy(raw, at);
    const view = raw.subarray(at, at + b.bytes.length);
    at += b.bytes.length;
    return { ...b, bytes: view };
  });
  return { batches: copied, use: { raw, users: 1, reuse: true } };
}

function doneWith(answer: AnswerUse | undefined): void {
  if (!answer) return;
  answer.users -= 1;
  if (answer.users === 0 && answer.reuse) wireBuffers.release(answer.raw);
}

interface PartitionState extends TopicPartition {
  /** Next offset to deliver. */
  position: bigint;
  /** Next offset to fetch (position plus what is queued or being handled). */
  fetchOffset: bigint;
  /** Fetched, waiting for the handler; at most FETCHES_AHEAD Fetches' worth is ever waiting. */
  queue: Delivery[];
  queuedBytes: number;
  handling: boolean;
  handlingBytes: number;
  /** Part of the Fetch in flight to its leader. */
  fetching: boolean;
  blockedUntil: number;
  /** Looking up where to restart after OFFSET_OUT_OF_RANGE: not fetched meanwhile. */
  resetting: boolean;
  pendingReset: { from: bigint; to: bigint } | undefined;
  failures: number;
  /** Bumped when the partition is removed or re-fetched from another offset: answers for an older one are dropped. */
  epoch: number;
}

/** Partition errors after which the leader may have moved: look the metadata up again. */
const STALE_METADATA = new Set([3, 5, 6, 9, 56, 74, 75, 78, 100]);
const OFFSET_OUT_OF_RANGE = 1;
const TOPIC_AUTHORIZATION_FAILED = 29;

const keyOf = partitionKey;

export class PartitionFetcher {
  private readonly logger: Logger;
  private readonly admin: KafkaAdmin;
  private readonly partitions = new Map<string, PartitionState>();
  private readonly leaders = new Map<string, number>();
  private readonly fetchingFrom = new Set<number>();
  private readonly brokerBlockedUntil = new Map<number, number>();
  private readonly brokerFailures = new Map<number, number>();
  private cluster: Promise<InternalCluster> | undefined;
  private metadataRefresh: Promise<void> | undefined;
  private metadataFailures = 0;
  private handlersRunning = 0;
  private bufferedBytes = 0;
  private readonly buffer: FetchBuffer;
  private readonly stopWaitingForSpace: () => void;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly client: KafkaClient,
    private readonly options: PartitionFetcherOptions,
  ) {
    if (typeof options.handler !== 'function') throw new KafkaError('INVALID_CONFIG', 'PartitionFetcher needs a handler');
    this.logger = client.logger.child({ component: 'partition-fetcher' });
    this.admin = new KafkaAdmin(client);
    this.buffer = options.buffer ?? new FetchBuffer(32 * 1024 * 1024);
    this.stopWaitingForSpace = this.buffer.onSpace(() => this.pump());
  }

  status(): PartitionFetcherStatus {
    if (this.closed) return 'closed';
    return this.partitions.size === 0 ? 'idle' : 'running';
  }

  assignment(): TopicPartition[] {
    return [...this.partitions.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  position(topic: string, partition: number): bigint | undefined {
    return this.partitions.get(keyOf(topic, partition))?.position;
  }

  /** Bytes fetched and not yet handled (for metrics and memory bounds). */
  buffered(): number {
    return this.bufferedBytes;
  }

  /**
   * Starts reading the given partitions (in addition to the current ones). Checks that each exists
   * and resolves 'earliest' and 'latest' now; the first Fetch follows at once.
   */
  async addPartitions(starts: readonly PartitionStart[]): Promise<void> {
    this.ensureOpen('add partitions');
    const fresh = newStarts(starts, (key) => this.partitions.has(key));
    if (fresh.size === 0) return;
    const positions = await resolveStartOffsets(this.admin, this.client.clusterAlias, [...fresh.values()]);
    this.ensureOpen('add partitions');
    for (const [key, s] of fresh) {
      if (this.partitions.has(key)) continue;
      const position = positions.get(key) as bigint;
      this.partitions.set(key, {
        topic: s.topic,
        partition: s.partition,
        position,
        fetchOffset: position,
        queue: [],
        queuedBytes: 0,
        handling: false,
        handlingBytes: 0,
        fetching: false,
        blockedUntil: 0,
        resetting: false,
        pendingReset: undefined,
        failures: 0,
        epoch: 0,
      });
    }
    this.refreshMetadata();
  }

  /** Stops reading the given partitions; resolves when no handler call for them runs or will start. */
  async removePartitions(partitions: readonly TopicPartition[]): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const tp of partitions) {
      const key = keyOf(tp.topic, tp.partition);
      const st = this.partitions.get(key);
      if (!st) continue;
      this.partitions.delete(key);
      this.leaders.delete(key);
      st.epoch += 1;
      this.dropQueue(st);
      if (st.handling) waits.push(this.handlerDone(st));
    }
    await Promise.all(waits);
  }

  /** Stops reading and disconnects (idempotent). Waits for running handlers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopWaitingForSpace();
    clearTimeout(this.wakeTimer);
    const waits: Promise<void>[] = [];
    for (const st of this.partitions.values()) {
      st.epoch += 1;
      this.dropQueue(st);
      if (st.handling) waits.push(this.handlerDone(st));
    }
    this.partitions.clear();
    await Promise.all(waits);
    // Disconnecting first ends a Fetch still waiting on a broker that went away, instead of
    // waiting for its request timeout.
    const cluster = this.cluster;
    this.cluster = undefined;
    if (cluster) await (await cluster.catch(() => undefined))?.disconnect().catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
    await this.admin.close();
  }

  private ensureOpen(operation: string): void {
    if (this.closed) throw new KafkaError('CLOSED', `${operation}: the partition fetcher is closed`);
  }

  private context(operation: string): KafkaErrorContext {
    return { operation, cluster: this.client.clusterAlias, principal: this.client.principal };
  }

  private connected(): Promise<InternalCluster> {
    if (this.closed) return Promise.reject(new KafkaError('CLOSED', 'the partition fetcher is closed'));
    this.cluster ??= connectCluster(this.client, 'partitions cannot be fetched').catch((err: unknown) => {
      this.cluster = undefined;
      throw err;
    });
    return this.cluster;
  }


  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  private backoffMs(failures: number): number {
    return retryDelayMs(failures, this.options.retry);
  }

  // ---- metadata: leaders of the assigned partitions ----

  /** Looks up the leaders of the topics with a partition whose leader is unknown (one request at a time), then fetches on. */
  private refreshMetadata(): void {
    if (this.closed || this.metadataRefresh) return;
    this.metadataRefresh = this.track(
      this.loadLeaders()
        .then(() => {
          this.metadataFailures = 0;
        })
        .catch((err: unknown) => {
          this.metadataFailures += 1;
          const error = toKafkaError(err, this.context('look up partition leaders'));
          this.logger.warn({ err: error, attempt: this.metadataFailures }, 'could not look up partition leaders; trying again');
          this.options.onError?.(error);
          const delay = this.backoffMs(this.metadataFailures);
          setTimeout(() => this.refreshMetadata(), delay).unref();
        })
        .finally(() => {
          this.metadataRefresh = undefined;
          this.pump();
        }),
    );
  }

  private async loadLeaders(): Promise<void> {
    // Only those: a fetcher given thousands of partitions one at a time would otherwise ask for the
    // metadata of every topic it has for each one added. A leader that moves shows as a fetch error,
    // which forgets it.
    const topics = [...new Set([...this.partitions].filter(([key]) => !this.leaders.has(key)).map(([, p]) => p.topic))];
    if (topics.length === 0) return;
    const cluster = await this.connected();
    let brokersChanged = false;
    for (const t of await lookUpLeaders(cluster, topics, this.client.clusterAlias)) {
      if (t.errorCode !== 0) {
        for (const st of this.partitions.values()) if (st.topic === t.topic) this.leaders.delete(keyOf(st.topic, st.partition));
        this.partitionsFailed(t.topic, t.errorCode === UNKNOWN_TOPIC_OR_PARTITION ? 'TOPIC_NOT_FOUND' : 'UNKNOWN', `metadata of topic '${t.topic}': error code ${t.errorCode}`);
        continue;
      }
      for (const st of this.partitions.values()) {
        if (st.topic !== t.topic) continue;
        const key = keyOf(st.topic, st.partition);
        const leader = t.leaders.get(st.partition);
        if (leader === undefined) this.leaders.delete(key);
        else {
          if (this.leaders.get(key) !== leader) brokersChanged = true;
          this.leaders.set(key, leader);
        }
      }
    }
    // A leader kafkajs's broker list does not know yet: let it learn the brokers again.
    if (brokersChanged) await cluster.refreshMetadata().catch(() => undefined);
  }

  private partitionsFailed(topic: string, code: 'TOPIC_NOT_FOUND' | 'UNKNOWN', detail: string): void {
    for (const st of this.partitions.values()) {
      if (st.topic !== topic) continue;
      st.failures += 1;
      st.blockedUntil = Date.now() + this.backoffMs(st.failures);
      this.options.onError?.(new KafkaError(code, `fetch ${topic}-${st.partition} on cluster '${this.client.clusterAlias}': ${detail}`, { retriable: true }), {
        topic,
        partition: st.partition,
      });
    }
    this.wakeAfter(this.backoffMs(1));
  }

  // ---- fetching ----

  /** Sends a Fetch to every leader that has fetchable partitions and none in flight. */
  private pump(): void {
    if (this.closed) return;
    const now = Date.now();
    const byLeader = new Map<number, PartitionState[]>();
    const heldBack = new Set<number>();
    let needMetadata = false;
    let nextWake = Infinity;
    if (!this.buffer.full) {
      for (const [key, st] of this.partitions) {
        if (st.fetching || st.resetting) continue;
        // A partition with FETCHES_AHEAD deliveries waiting is not fetched again.
        if (st.queue.length >= FETCHES_AHEAD) {
          const leader = this.leaders.get(key);
          if (leader !== undefined) heldBack.add(leader);
          continue;
        }
        if (st.blockedUntil > now) {
          nextWake = Math.min(nextWake, st.blockedUntil);
          continue;
        }
        const leader = this.leaders.get(key);
        if (leader === undefined) {
          needMetadata = true;
          continue;
        }
        const blocked = this.brokerBlockedUntil.get(leader) ?? 0;
        if (blocked > now) {
          nextWake = Math.min(nextWake, blocked);
          continue;
        }
        if (this.fetchingFrom.has(leader)) continue;
        const list = byLeader.get(leader) ?? [];
        list.push(st);
        byLeader.set(leader, list);
      }
    }
    if (needMetadata) this.refreshMetadata();
    if (nextWake < Infinity) this.wakeAfter(nextWake - now);
    const brokers = byLeader.size + this.fetchingFrom.size;
    for (const [leader, list] of byLeader) this.fetchFrom(leader, list, heldBack.has(leader), brokers);
  }

  private wakeAfter(delayMs: number): void {
    const ms = Math.min(delayMs, 60_000);
    const at = Date.now() + Math.max(0, ms);
    if (this.wakeTimer && this.wakeAt <= at) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Infinity;
      this.pump();
    }, Math.max(0, ms));
    this.wakeTimer.unref();
  }

  /** `brokers`: how many leaders this fetcher reads from now, this one included. */
  private fetchFrom(leader: number, list: PartitionState[], heldBack: boolean, brokers: number): void {
    const o = this.options;
    const perPartition = o.maxBytesPerPartition ?? 1024 * 1024;
    // The broker fills partitions in request order: start each Fetch at a different one.
    const shift = list.length > 1 ? Math.floor(Math.random() * list.length) : 0;
    const ordered = [...list.slice(shift), ...list.slice(0, shift)];
    const sent = ordered.map((st) => ({ st, epoch: st.epoch, fetchOffset: st.fetchOffset }));
    const topics: Array<{ topic: string; partitions: FetchPartitionRequest[] }> = [];
    for (const { st } of sent) {
      st.fetching = true;
      const last = topics[topics.length - 1];
      const entry = { partition: st.partition, fetchOffset: st.fetchOffset, maxBytes: perPartition };
      if (last && last.topic === st.topic) last.partitions.push(entry);
      else topics.push({ topic: st.topic, partitions: [entry] });
    }
    this.fetchingFrom.add(leader);
    // The answer's size counts against the buffer from the moment it is asked for, so the bound
    // holds (the broker exceeds a Fetch's maxBytes only to return one batch larger than it). A
    // Fetch asks for at most what is free and at most one share of the whole: one per broker read
    // from, and one more for the batches of earlier answers still being copied. Over a long round
    // trip a Fetch's size is the rate (a remote source), so the share is as large as that allows:
    // half the buffer with one broker.
    const share = Math.floor(this.buffer.limitBytes / (Math.max(1, brokers) + 1));
    const reserved = Math.max(1, Math.min(o.maxBytes ?? 52_428_800, share, this.buffer.limitBytes - this.buffer.usedBytes));
    this.buffer.take(reserved);
    const maxWaitMs = Math.min(o.maxWaitTimeMs ?? 500, heldBack ? (o.heldBackMaxWaitMs ?? 10) : Infinity);
    const body = encodeFetchRequest({
      maxWaitMs,
      minBytes: o.minBytes ?? 1,
      maxBytes: reserved,
      readCommitted: (o.isolationLevel ?? 'read_committed') === 'read_committed',
      rackId: o.rackId ?? '',
      topics,
    });
    this.track(
      (async () => {
        try {
          const cluster = await this.connected();
          const broker = await cluster.findBroker({ nodeId: String(leader) });
          const answer = await broker.connectionPool.send<Buffer>({
            request: { apiKey: FETCH_API_KEY, apiVersion: FETCH_VERSION, apiName: 'Fetch', encode: async () => encoderOver(body) },
            response: { decode: async (raw: Buffer) => raw, parse: async (raw) => raw as Buffer },
            requestTimeout: maxWaitMs + 30_000,
          });
          this.brokerFailures.delete(leader);
          this.onAnswer(leader, answer, sent);
        } catch (err) {
          const failures = (this.brokerFailures.get(leader) ?? 0) + 1;
          this.brokerFailures.set(leader, failures);
          const error = toKafkaError(err, this.context(`fetch from broker ${leader}`));
          if (!this.closed) this.logger.warn({ err: error, broker: leader, attempt: failures }, 'fetch failed; trying again');
          this.brokerBlockedUntil.set(leader, Date.now() + this.backoffMs(failures));
          for (const { st } of sent) this.leaders.delete(keyOf(st.topic, st.partition));
          if (failures > 1) this.options.onError?.(error);
        } finally {
          this.buffer.release(reserved);
          this.fetchingFrom.delete(leader);
          for (const { st } of sent) st.fetching = false;
          this.pump();
        }
      })(),
    );
  }

  private onAnswer(leader: number, raw: Buffer, sent: Array<{ st: PartitionState; epoch: number; fetchOffset: bigint }>): void {
    const answer = decodeFetchResponse(raw);
    this.options.onFetch?.({ broker: leader, partitions: answer.partitions.length, bytes: raw.length });
    if (answer.errorCode !== 0) throw new KafkaError('UNKNOWN', `fetch from broker ${leader} on cluster '${this.client.clusterAlias}': error code ${answer.errorCode}`);
    const byKey = new Map(sent.map((s) => [keyOf(s.st.topic, s.st.partition), s]));
    const use: AnswerUse = { raw, users: 1, reuse: this.options.reuseAnswers === true };
    try {
      for (const fp of answer.partitions) {
        const s = byKey.get(keyOf(fp.topic, fp.partition));
        if (!s || this.partitions.get(keyOf(fp.topic, fp.partition)) !== s.st || s.st.epoch !== s.epoch || s.st.fetchOffset !== s.fetchOffset) continue;
        this.onPartition(s.st, fp, use);
      }
    } finally {
      doneWith(use);
    }
  }

  private onPartition(st: PartitionState, fp: FetchedPartition, use: AnswerUse): void {
    if (fp.errorCode === 0) {
      st.failures = 0;
      this.accept(st, fp, use);
      return;
    }
    if (fp.errorCode === OFFSET_OUT_OF_RANGE) {
      this.resetOffset(st);
      return;
    }
    st.failures += 1;
    st.blockedUntil = Date.now() + this.backoffMs(st.failures);
    if (STALE_METADATA.has(fp.errorCode)) {
      this.leaders.delete(keyOf(st.topic, st.partition));
      if (fp.errorCode === 3 && st.failures > 2) {
        this.options.onError?.(
          new KafkaError('TOPIC_NOT_FOUND', `fetch ${st.topic}-${st.partition} on cluster '${this.client.clusterAlias}': the broker does not know the partition (deleted?)`, { retriable: true }),
          { topic: st.topic, partition: st.partition },
        );
      }
      return;
    }
    const code = fp.errorCode === TOPIC_AUTHORIZATION_FAILED ? 'AUTHORIZATION_FAILED' : 'UNKNOWN';
    const fix = code === 'AUTHORIZATION_FAILED' ? `; grant ${this.client.principal ?? 'the principal'} READ and DESCRIBE on topic '${st.topic}'` : '';
    this.options.onError?.(
      new KafkaError(code, `fetch ${st.topic}-${st.partition} on cluster '${this.client.clusterAlias}': error code ${fp.errorCode}${fix}`),
      { topic: st.topic, partition: st.partition },
    );
  }

  private accept(st: PartitionState, fp: FetchedPartition, use: AnswerUse): void {
    const all = readRecordBatches(fp.records);
    if (all.length === 0) return;
    const next = all[all.length - 1].lastOffset + 1n;
    if (next <= st.fetchOffset) return;
    const readCommitted = (this.options.isolationLevel ?? 'read_committed') === 'read_committed';
    const visible = (readCommitted ? committedBatches(all, fp.abortedTransactions) : all).filter((b) => b.lastOffset >= st.fetchOffset);
    const bytes = visible.reduce((n, b) => n + b.bytes.length, 0);
    const from = st.fetchOffset;
    st.fetchOffset = next;
    if (visible.length === 0 && !st.handling && st.queue.length === 0) {
      // Only markers or aborted records: nothing to hand over, the position moves past them.
      st.position = next;
      return;
    }
    const delivery = { fromOffset: from, nextOffset: next, highWatermark: fp.highWatermark, bytes, reset: false };
    if (visible.length === 0) return this.enqueue(st, { ...delivery, batches: [] });
    if (use.reuse) {
      const own = ownCopy(visible, bytes);
      return this.enqueue(st, { ...delivery, batches: own.batches, answer: own.use });
    }
    use.users += 1;
    this.enqueue(st, { ...delivery, batches: visible, answer: use });
  }

  private resetOffset(st: PartitionState): void {
    const epoch = st.epoch;
    const from = st.fetchOffset;
    st.resetting = true;
    this.track(
      this.admin
        .listOffsets(st.topic)
        .then((offsets) => {
          if (this.partitions.get(keyOf(st.topic, st.partition)) !== st || st.epoch !== epoch || st.fetchOffset !== from) return;
          const o = offsets.get(st.partition);
          if (!o) throw new KafkaError('PARTITION_NOT_FOUND', `no offsets for ${st.topic}-${st.partition}`);
          const to = (this.options.offsetReset ?? 'earliest') === 'earliest' ? o.earliest : o.latest;
          this.logger.warn(
            { topic: st.topic, partition: st.partition, position: from.toString(), resetTo: to.toString() },
            to < from
              ? 'partition went back to an earlier offset (offset reset after OFFSET_OUT_OF_RANGE); these records are delivered again'
              : 'partition moved past offsets it had not delivered (offset reset after OFFSET_OUT_OF_RANGE)',
          );
          st.fetchOffset = to;
          st.failures = 0;
          if (!st.handling && st.queue.length === 0) {
            st.pendingReset = { from: st.pendingReset?.from ?? st.position, to };
            st.position = to;
          } else {
            this.enqueue(st, { batches: [], fromOffset: to, nextOffset: to, highWatermark: -1n, bytes: 0, reset: true });
          }
        })
        .catch((err: unknown) => {
          st.failures += 1;
          st.blockedUntil = Date.now() + this.backoffMs(st.failures);
          this.options.onError?.(toKafkaError(err, this.context(`find where ${st.topic}-${st.partition} restarts`)), { topic: st.topic, partition: st.partition });
        })
        .finally(() => {
          st.resetting = false;
          this.pump();
        }),
    );
  }

  // ---- handing over ----

  private enqueue(st: PartitionState, d: Delivery): void {
    st.queue.push(d);
    st.queuedBytes += d.bytes;
    this.bufferedBytes += d.bytes;
    this.buffer.take(d.bytes);
    this.deliver(st);
  }

  private dropQueue(st: PartitionState): void {
    this.bufferedBytes -= st.queuedBytes;
    this.buffer.release(st.queuedBytes);
    for (const d of st.queue) doneWith(d.answer);
    st.queue = [];
    st.queuedBytes = 0;
  }

  private readonly idleWaiters = new Map<PartitionState, Array<() => void>>();

  private handlerDone(st: PartitionState): Promise<void> {
    return new Promise((resolve) => {
      const list = this.idleWaiters.get(st) ?? [];
      list.push(resolve);
      this.idleWaiters.set(st, list);
    });
  }

  private readonly waitingForSlot: PartitionState[] = [];

  private deliver(st: PartitionState): void {
    while (!st.handling && st.queue.length > 0 && st.queue[0].batches.length === 0) {
      const d = st.queue.shift() as Delivery;
      if (d.reset) {
        st.pendingReset = { from: st.pendingReset?.from ?? st.position, to: d.fromOffset };
        st.position = d.fromOffset;
      } else if (d.nextOffset > st.position) {
        st.position = d.nextOffset;
      }
    }
    if (st.handling || st.queue.length === 0) return;
    if (this.handlersRunning >= Math.max(1, this.options.concurrency ?? 4)) {
      if (!this.waitingForSlot.includes(st)) this.waitingForSlot.push(st);
      return;
    }
    const d = st.queue.shift() as Delivery;
    st.queuedBytes -= d.bytes;
    st.handlingBytes = d.bytes;
    st.handling = true;
    this.handlersRunning += 1;
    const epoch = st.epoch;
    const reset = st.pendingReset;
    void this.options
      .handler({
        topic: st.topic,
        partition: st.partition,
        batches: d.batches,
        fromOffset: d.fromOffset,
        nextOffset: d.nextOffset,
        highWatermark: d.highWatermark,
        ...(reset ? { positionReset: reset } : {}),
      })
      .then(
        () => {
          if (st.epoch === epoch) {
            st.position = d.nextOffset;
            st.pendingReset = undefined;
            st.failures = 0;
          }
        },
        (err: unknown) => {
          if (st.epoch !== epoch) return;
          const error = isKafkaError(err)
            ? err
            : new KafkaError('UNKNOWN', `handler failed for ${st.topic}-${st.partition} at offset ${st.position}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
          this.logger.warn({ err: error, topic: st.topic, partition: st.partition, position: st.position.toString() }, 'batch handler failed; retrying');
          this.options.onError?.(error, { topic: st.topic, partition: st.partition });
          // Everything after the failed delivery is fetched again, from the unchanged position.
          st.epoch += 1;
          this.dropQueue(st);
          st.fetchOffset = st.position;
          st.blockedUntil = Date.now() + (this.options.handlerRetryBackoffMs ?? 1_000);
          this.wakeAfter(this.options.handlerRetryBackoffMs ?? 1_000);
        },
      )
      .finally(() => {
        st.handling = false;
        this.handlersRunning -= 1;
        this.bufferedBytes -= st.handlingBytes;
        this.buffer.release(st.handlingBytes);
        st.handlingBytes = 0;
        doneWith(d.answer);
        const waiters = this.idleWaiters.get(st);
        if (waiters) {
          this.idleWaiters.delete(st);
          for (const w of waiters) w();
        }
        if (this.partitions.get(keyOf(st.topic, st.partition)) === st) this.deliver(st);
        while (this.waitingForSlot.length > 0 && this.handlersRunning < Math.max(1, this.options.concurrency ?? 4)) {
          const waiting = this.waitingForSlot.shift() as PartitionState;
          if (this.partitions.get(keyOf(waiting.topic, waiting.partition)) === waiting) this.deliver(waiting);
        }
        this.pump();
      });
  }
}
