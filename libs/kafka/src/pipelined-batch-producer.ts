/**
 * Writes fetched record batches to one partition of the target as they are (batch-passthrough.ts),
 * with several Produce requests of that partition in flight at once, as Java's idempotent producer
 * does. A plain producer has to wait for each batch's answer before sending the next, or a retried
 * batch could land after a later one; here the broker keeps the order: every batch carries this
 * producer's id and the sequence number of its first record, and the partition's leader appends a
 * batch only right after the one before it (OUT_OF_ORDER_SEQUENCE_NUMBER otherwise) and answers a
 * batch it already has, among the last 5 of the producer, with the offset it got then.
 *
 * One call, one partition (a partition's calls come one after the other):
 *
 *   batches:   b0     b1     b2     b3     b4     b5
 *   sequence:  s      s+n0   ...                          (n = records of the batch)
 *   in flight: [b0 b1 b2 b3 b4] → b0 answered → b5 sent ...
 *
 * - Answers give a prefix: the offsets of b0..bk-1 and why bk failed. Batches after bk may have
 *   been written too; the next call starts a new producer id for the partition (its sequences start
 *   again at 0), so the records from bk on are written again: at least once, never out of order.
 * - A retriable failure (leader moved, timeout, connection lost) is retried inside the call from bk
 *   with the same sequences: the broker drops what it already has, so nothing is written twice. A
 *   lost producer state (UNKNOWN_PRODUCER_ID, OUT_OF_ORDER_SEQUENCE_NUMBER as the first failure)
 *   is retried under a new producer id.
 * - At most 5 in flight: the broker recognises a resent batch only among a producer's last 5.
 *
 * ACLs on the target: WRITE on the topics (which also allows the producer id; Kafka 3.0 and later),
 * or IDEMPOTENT_WRITE on the cluster for older brokers.
 */
import type { Logger } from 'pino';
import type { KafkaClient, RetryOptions } from './connection';
import { KafkaError, STALE_LEADER_ERRORS, toKafkaError, type KafkaErrorContext } from './errors';
import { connectCluster, type InternalBroker, type InternalCluster } from './kafkajs-cluster';
import { lookUpLeaders, UNKNOWN_TOPIC_OR_PARTITION } from './partition-leaders';
import { RAW_BATCH, type RawBatchMessage } from './produce-request-encoder';
import type { RawRecordBatch } from './record-batches';
import { retryDelayMs } from './retry-delay';

/** The broker remembers this many batches per producer and partition to recognise resends. */
export const MAX_IN_FLIGHT_PER_PARTITION = 5;

export interface PipelinedBatchProducerOptions {
  /** Produce requests in flight per partition, 1 to 5. @default 5 */
  maxInFlight?: number;
  /** How long the broker may wait for replication (acks all). @default 30000 */
  timeoutMs?: number;
  /** Retries of retriable failures inside one call. @default retries 5, from 100 ms doubling to 5 s */
  retry?: RetryOptions;
  /** Told of every failure retried inside a call (for a metric). */
  onRetry?: (error: KafkaError) => void;
}

export interface BatchSendResult {
  /** Offset on the target of the first record of each written batch: a prefix of the batches. */
  readonly bases: bigint[];
  /** Why the batch after the written ones was not written; absent when all were, or the call was stopped. */
  readonly error?: KafkaError;
}

interface ProducerId {
  readonly id: string;
  readonly epoch: number;
  /** Partitions that had a session under this id. */
  readonly usedOn: Set<string>;
}

interface PartitionSession {
  readonly producer: ProducerId;
  nextSequence: number;
}

/** Protocol errors after which the partition's producer state on the broker is gone or out of step. */
const SESSION_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH', 'DUPLICATE_SEQUENCE_NUMBER', 'INVALID_PRODUCER_ID_MAPPING']);
const SEQUENCE_LIMIT = 2 ** 31;

const noop = (): void => undefined;

export class PipelinedBatchProducer {
  private readonly logger: Logger;
  private readonly maxInFlight: number;
  private cluster: Promise<InternalCluster> | undefined;
  private producerId: Promise<ProducerId> | undefined;
  private readonly sessions = new Map<string, PartitionSession>();
  private readonly leaders = new Map<string, number>();
  private closed = false;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: PipelinedBatchProducerOptions = {},
    /** How the brokers are reached; tests give a simulated cluster. */
    private readonly connect: (client: KafkaClient, purpose: string) => Promise<InternalCluster> = connectCluster,
  ) {
    const maxInFlight = options.maxInFlight ?? MAX_IN_FLIGHT_PER_PARTITION;
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT_PER_PARTITION) {
      throw new KafkaError('INVALID_CONFIG', `requests in flight per partition must be 1 to ${MAX_IN_FLIGHT_PER_PARTITION}, got ${String(options.maxInFlight)}`);
    }
    this.maxInFlight = maxInFlight;
    this.logger = client.logger.child({ component: 'pipelined-batch-producer' });
  }

  /**
   * Writes `batches` (in offset order) to `partition` of `topic`; record i of batch k lands at
   * bases[k] + i. `shouldStop` is asked before every request: once true, nothing more is sent and
   * the answers of what was sent are awaited.
   */
  async sendBatches(topic: string, partition: number, batches: readonly RawRecordBatch[], shouldStop: () => boolean = () => false): Promise<BatchSendResult> {
    const bases: bigint[] = [];
    let failures = 0;
    while (bases.length < batches.length) {
      if (this.closed) return { bases, error: new KafkaError('CLOSED', `producer for cluster '${this.client.clusterAlias}' is closed`) };
      if (shouldStop()) return { bases };
      const key = keyOf(topic, partition);
      const round = await this.sendRound(topic, partition, batches.slice(bases.length), shouldStop);
      bases.push(...round.bases);
      if (round.error === undefined) {
        if (round.bases.length === 0) return { bases };
        continue;
      }
      const { error, sessionLost } = round;
      const retriable = error.retriable && error.code !== 'TOPIC_NOT_FOUND' && error.code !== 'PARTITION_NOT_FOUND';
      failures += 1;
      if (!retriable || failures > (this.options.retry?.retries ?? 5)) {
        // The caller may send other batches next (the record path): they need sequences of their own.
        this.sessions.delete(key);
        return { bases, error };
      }
      if (sessionLost) this.sessions.delete(key);
      this.options.onRetry?.(error);
      this.logger.debug({ err: error, topic, partition, attempt: failures }, 'produce failed; sending again');
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(failures, this.options.retry)).unref());
    }
    return { bases };
  }

  /** Closes the connections (idempotent, never throws). */
  async close(): Promise<void> {
    this.closed = true;
    const cluster = this.cluster;
    this.cluster = undefined;
    this.producerId = undefined;
    this.sessions.clear();
    if (cluster) await (await cluster.catch(() => undefined))?.disconnect().catch(() => undefined);
  }

  /**
   * Sends the batches with up to maxInFlight requests at once. On a failure nothing more is sent;
   * the partition's next sequence goes back to the failed batch's, so a retry of the same batches
   * reuses their sequences.
   */
  private async sendRound(
    topic: string,
    partition: number,
    batches: readonly RawRecordBatch[],
    shouldStop: () => boolean,
  ): Promise<{ bases: bigint[]; error?: KafkaError; sessionLost?: boolean }> {
    const ctx: KafkaErrorContext = { operation: `produce to partition ${partition}`, topic, cluster: this.client.clusterAlias, principal: this.client.principal };
    let broker: InternalBroker;
    let session: PartitionSession;
    try {
      broker = await this.leaderOf(topic, partition);
      session = await this.sessionOf(keyOf(topic, partition), broker);
    } catch (err) {
      return { bases: [], error: toKafkaError(err, ctx) };
    }
    const sent: Array<{ sequence: number; answer: Promise<bigint> }> = [];
    let failed = false;
    for (let i = 0; i < batches.length && !failed && !shouldStop(); i++) {
      if (i >= this.maxInFlight) await sent[i - this.maxInFlight].answer.then(noop, noop);
      if (failed || shouldStop()) break;
      const batch = batches[i];
      const sequence = session.nextSequence;
      session.nextSequence = (sequence + batch.recordCount) % SEQUENCE_LIMIT;
      const answer = this.produce(broker, topic, partition, batch, session.producer, sequence);
      answer.catch(() => {
        failed = true;
      });
      sent.push({ sequence, answer });
    }
    const settled = await Promise.allSettled(sent.map((s) => s.answer));
    const bases: bigint[] = [];
    for (let i = 0; i < settled.length; i++) {
      const s = settled[i];
      if (s.status === 'fulfilled') {
        bases.push(s.value);
        continue;
      }
      session.nextSequence = sent[i].sequence;
      const error = toKafkaError(s.reason, ctx);
      const protocolError = error.protocolError ?? '';
      if (STALE_LEADER_ERRORS.has(protocolError) || error.code === 'UNREACHABLE' || error.code === 'TIMEOUT' || error.code === 'TOPIC_NOT_FOUND') {
        this.leaders.delete(keyOf(topic, partition));
      }
      if (SESSION_ERRORS.has(protocolError)) {
        return {
          bases,
          sessionLost: true,
          error: new KafkaError('UNKNOWN', `${ctx.operation}, topic '${topic}' on cluster '${this.client.clusterAlias}': the broker lost this producer's place in the partition (${protocolError}); the batches are sent again under a new producer id, which may write some of them twice.`, { cause: error, protocolError, retriable: true }),
        };
      }
      return { bases, error };
    }
    return { bases };
  }

  private async produce(broker: InternalBroker, topic: string, partition: number, batch: RawRecordBatch, producer: ProducerId, firstSequence: number): Promise<bigint> {
    const message: RawBatchMessage = { key: null, value: null, partition, [RAW_BATCH]: batch };
    const answer = await broker.produce({
      topicData: [{ topic, partitions: [{ partition, firstSequence, messages: new Array<RawBatchMessage>(batch.recordCount).fill(message) }] }],
      producerId: producer.id,
      producerEpoch: producer.epoch,
      acks: -1,
      timeout: this.options.timeoutMs ?? 30_000,
    });
    const base = answer.topics[0]?.partitions[0]?.baseOffset;
    if (base === undefined || BigInt(base) < 0n) {
      throw new KafkaError('UNKNOWN', `produce to ${topic}-${partition} on cluster '${this.client.clusterAlias}': no offset in the answer`, { retriable: true });
    }
    return BigInt(base);
  }

  private async sessionOf(key: string, broker: InternalBroker): Promise<PartitionSession> {
    const existing = this.sessions.get(key);
    if (existing) return existing;
    // A partition that lost its place needs an id it has never used, so its sequences start at 0.
    let producer: ProducerId;
    for (;;) {
      const pending = this.currentProducerId(broker);
      producer = await pending;
      if (!producer.usedOn.has(key)) break;
      if (this.producerId === pending) this.producerId = undefined;
    }
    producer.usedOn.add(key);
    const session = { producer, nextSequence: 0 };
    this.sessions.set(key, session);
    return session;
  }

  /** Any broker hands out ids for idempotent producers; `broker` is the one at hand. */
  private currentProducerId(broker: InternalBroker): Promise<ProducerId> {
    this.producerId ??= broker
      .initProducerId({ transactionTimeout: 60_000 })
      .then((answer) => ({ id: answer.producerId, epoch: answer.producerEpoch, usedOn: new Set<string>() }))
      .catch((err: unknown) => {
        this.producerId = undefined;
        throw toKafkaError(err, { operation: 'get a producer id', cluster: this.client.clusterAlias, principal: this.client.principal });
      });
    return this.producerId;
  }

  private async leaderOf(topic: string, partition: number): Promise<InternalBroker> {
    const cluster = await this.connected();
    const key = keyOf(topic, partition);
    let leader = this.leaders.get(key);
    if (leader === undefined) {
      const [answer] = await lookUpLeaders(cluster, [topic], this.client.clusterAlias);
      if (answer === undefined || answer.errorCode === UNKNOWN_TOPIC_OR_PARTITION) {
        throw new KafkaError('TOPIC_NOT_FOUND', `produce to topic '${topic}' on cluster '${this.client.clusterAlias}': the topic does not exist. Fix: create it first (topic-config-sync creates remote topics).`, { retriable: true });
      }
      if (answer.errorCode !== 0) throw new KafkaError('UNKNOWN', `produce to topic '${topic}' on cluster '${this.client.clusterAlias}': metadata error code ${answer.errorCode}`, { retriable: true });
      for (const [p, l] of answer.leaders) this.leaders.set(keyOf(topic, p), l);
      leader = answer.leaders.get(partition);
      if (leader === undefined) {
        throw new KafkaError('PARTITION_NOT_FOUND', `produce to topic '${topic}' on cluster '${this.client.clusterAlias}': partition ${partition} does not exist or has no leader now. Fix: create the partitions, or wait for a leader.`);
      }
    }
    try {
      return await cluster.findBroker({ nodeId: String(leader) });
    } catch {
      // A broker kafkajs does not know yet: let it learn the brokers again.
      await cluster.refreshMetadata();
      return cluster.findBroker({ nodeId: String(leader) });
    }
  }

  private connected(): Promise<InternalCluster> {
    if (this.closed) return Promise.reject(new KafkaError('CLOSED', `producer for cluster '${this.client.clusterAlias}' is closed`));
    this.cluster ??= this.connect(this.client, 'batches cannot be produced').catch((err: unknown) => {
      this.cluster = undefined;
      throw err;
    });
    return this.cluster;
  }
}

function keyOf(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
