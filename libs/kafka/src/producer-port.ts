/**
 * Produces records to explicit partitions, keeping key, value (null too), headers (exact order,
 * duplicates, null values) and timestamp as given: what a mirror needs to copy a record.
 *
 * Duplicates: kafkajs sends the records of all partitions led by one broker in one request and,
 * when any partition of it fails with a retriable error (e.g. NOT_LEADER_OR_FOLLOWER right after a
 * topic was created or a leader moved), resends the whole request, so a plain producer writes the
 * other partitions' records twice. An idempotent producer lets the broker drop those repeats.
 *
 * Modes: plain, idempotent (no duplicates from retries), transactional (records of several sends,
 * possibly to several topics, become visible atomically; a newer producer with the same
 * transactional id fences this one, which then fails with PRODUCER_FENCED). Idempotent and
 * transactional producers send one request at a time per broker (maxInFlightRequests 1), which
 * kafkajs does not enforce on its own. kafkajs initialises the transactional id, and so fences an
 * older owner, at the first beginTransaction(), not at connect().
 */
// Before kafkajs loads: see the module.
import './aborted-transactions-patch';
import { Partitioners, type Message, type Producer, type RecordMetadata, type Transaction } from 'kafkajs';
import type { Logger } from 'pino';
import { toKafkaJsCompression, type Compression } from './compression-codecs';
import { kafkaJsOf, type KafkaClient, type RetryOptions } from './connection';
import { KafkaError, toKafkaError, type KafkaErrorContext } from './errors';
import type { OrderedHeaders } from './headers';
import type { BatchSendResult } from './pipelined-batch-producer';
import { RAW_BATCH, type RawBatchMessage } from './produce-request-encoder';
import type { RawRecordBatch } from './record-batches';
import { assertRecordCodecPatched, headersCarrier } from './record-codec-patch';

export interface ProducerOptions {
  /** No duplicates from internal retries; forces one in-flight request. @default false */
  idempotent?: boolean;
  /** Makes the producer transactional (and idempotent). */
  transactionalId?: string;
  /** Broker-side limit for an open transaction. @default 60000 */
  transactionTimeoutMs?: number;
  /** @default 'none' */
  compression?: Compression;
  /** Ignored (1) for idempotent and transactional producers. @default unlimited */
  maxInFlightRequests?: number;
  /**
   * How long topic metadata (partitions, leaders) is trusted; a partition added to a topic is
   * invisible to the producer until then. @default 30000
   */
  metadataMaxAgeMs?: number;
  retry?: RetryOptions;
}

export interface ProducerRecord {
  partition: number;
  key: Buffer | null;
  /** null writes a tombstone. */
  value: Buffer | null;
  /** @default [] */
  headers?: OrderedHeaders;
  /** CreateTime in ms since the epoch. @default now */
  timestamp?: bigint | number;
}

export type Acks = 'all' | 1 | 0;

export interface SendOptions {
  /** 'all' (every in-sync replica), 1 (leader only) or 0 (no answer). @default 'all' */
  acks?: Acks;
  /** How long the broker may wait for replication. @default 30000 */
  timeoutMs?: number;
}

const ACKS: Record<string, number> = { all: -1, '1': 1, '0': 0 };

export class KafkaProducer {
  private readonly logger: Logger;
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  private transaction: Transaction | undefined;
  private closed = false;
  private readonly transactional: boolean;
  private readonly idempotent: boolean;

  constructor(
    private readonly client: KafkaClient,
    private readonly options: ProducerOptions = {},
  ) {
    assertRecordCodecPatched();
    toKafkaJsCompression(options.compression);
    this.transactional = options.transactionalId !== undefined;
    if (this.transactional && !options.transactionalId) {
      throw new KafkaError('INVALID_CONFIG', 'transactionalId must be a non-empty string');
    }
    this.idempotent = this.transactional || options.idempotent === true;
    this.logger = client.logger.child({ component: 'kafka-producer', transactionalId: options.transactionalId });
  }

  /** Opens the connection (idempotent). send() connects on its own too. */
  async connect(): Promise<void> {
    await this.ready();
  }

  /** Closes the producer (idempotent, never throws). An open transaction is aborted by the broker after its timeout. */
  async close(): Promise<void> {
    this.closed = true;
    this.transaction = undefined;
    await this.dropConnection();
  }

  get inTransaction(): boolean {
    return this.transaction !== undefined;
  }

  /**
   * Sends records to `topic`, in order, and returns the base offset per partition: the records for
   * one partition get consecutive offsets from it, in the order given. Empty map with acks 0.
   * Inside a transaction the records become visible to read_committed consumers on commit.
   */
  async send(topic: string, records: readonly ProducerRecord[], options: SendOptions = {}): Promise<Map<number, bigint>> {
    const acks = this.acksOf(topic, options);
    if (records.length === 0) return new Map();
    const messages = records.map((r, i) => toMessage(topic, r, i));
    return this.produce(topic, messages, new Set(records.map((r) => r.partition)), acks, options, toKafkaJsCompression(this.options.compression));
  }

  /**
   * Writes one fetched record batch to `partition` of `topic` as it is (batch-passthrough.ts:
   * records, timestamps and compression byte for byte; only the writer fields change) and returns
   * the offset its first record got: the batch's record i is at that offset + i. The caller checks
   * `passthroughBlocker` first. With acks 0, -1.
   */
  async sendBatch(topic: string, partition: number, batch: RawRecordBatch, options: SendOptions = {}): Promise<bigint> {
    const acks = this.acksOf(topic, options);
    const message: RawBatchMessage = { key: null, value: null, partition, [RAW_BATCH]: batch };
    const messages = new Array<RawBatchMessage>(batch.recordCount).fill(message) as unknown as Message[];
    const result = await this.produce(topic, messages, new Set([partition]), acks, options, undefined);
    return result.get(partition) ?? -1n;
  }

  /**
   * Writes batches to `partition` one request at a time, each after the previous one's answer (a
   * retried batch must not land after a later one): the same contract as
   * PipelinedBatchProducer.sendBatches, for producers that cannot pipeline (acks 1).
   */
  async sendBatches(topic: string, partition: number, batches: readonly RawRecordBatch[], shouldStop: () => boolean = () => false, options: SendOptions = {}): Promise<BatchSendResult> {
    const bases: bigint[] = [];
    for (const batch of batches) {
      if (shouldStop()) break;
      try {
        const base = await this.sendBatch(topic, partition, batch, options);
        if (base < 0n) throw new KafkaError('UNKNOWN', `produce to ${topic}-${partition}: no offset in the answer`, { retriable: true });
        bases.push(base);
      } catch (err) {
        return { bases, error: toKafkaError(err, this.context({ operation: 'produce', topic })) };
      }
    }
    return { bases };
  }

  private acksOf(topic: string, options: SendOptions): number {
    const acks = ACKS[String(options.acks ?? 'all')];
    if (acks === undefined) throw new KafkaError('INVALID_CONFIG', `produce to '${topic}': acks must be 'all', 1 or 0, got ${String(options.acks)}`);
    if (this.idempotent && acks !== -1) {
      throw new KafkaError('INVALID_CONFIG', `produce to '${topic}': an idempotent or transactional producer needs acks 'all'`);
    }
    return acks;
  }

  private async produce(
    topic: string,
    messages: Message[],
    partitions: ReadonlySet<number>,
    acks: number,
    options: SendOptions,
    compression: ReturnType<typeof toKafkaJsCompression> | undefined,
  ): Promise<Map<number, bigint>> {
    const ctx: KafkaErrorContext = { operation: 'produce', topic, transactionalId: this.options.transactionalId };
    const request = {
      topic,
      messages,
      acks,
      timeout: options.timeoutMs ?? 30_000,
      ...(compression === undefined ? {} : { compression }),
    };

    let metadata: RecordMetadata[];
    try {
      if (this.transactional) {
        if (!this.transaction) {
          throw new KafkaError('INVALID_CONFIG', `produce to '${topic}': a transactional producer sends only between beginTransaction() and commit/abort`);
        }
        metadata = await this.transaction.send(request);
      } else {
        const producer = await this.ready();
        metadata = await producer.send(request);
      }
    } catch (err) {
      const mapped = toKafkaError(err, this.context(ctx));
      // kafkajs keeps refreshing metadata for every topic it ever produced to; after one of them
      // is deleted every send fails. A fresh client forgets them (not possible mid-transaction).
      if (mapped.code === 'TOPIC_NOT_FOUND' && !this.transactional) await this.dropConnection();
      throw mapped;
    }

    const result = new Map<number, bigint>();
    for (const m of metadata) {
      if (m.baseOffset !== undefined) result.set(m.partition, BigInt(m.baseOffset));
    }
    if (acks !== 0) {
      const missing = [...partitions].filter((p) => !result.has(p));
      if (missing.length > 0) {
        // kafkajs drops records for partitions its metadata does not list, without an error.
        throw new KafkaError(
          'PARTITION_NOT_FOUND',
          `produce to topic '${topic}' on cluster '${this.client.clusterAlias}': partition(s) ${missing.join(', ')} do not exist ` +
            `(or were added less than metadataMaxAgeMs ago); the records for them were not written. Fix: create the partitions, or retry later.`,
        );
      }
    }
    return result;
  }

  /** Starts a transaction; the first call also registers the transactional id (fencing older owners). */
  async beginTransaction(): Promise<void> {
    const ctx = { operation: 'begin transaction', transactionalId: this.options.transactionalId };
    if (!this.transactional) throw new KafkaError('INVALID_CONFIG', 'beginTransaction() needs a producer created with transactionalId');
    if (this.transaction) throw new KafkaError('INVALID_CONFIG', `transactional id '${this.options.transactionalId}': a transaction is already open`);
    const producer = await this.ready();
    try {
      this.transaction = await producer.transaction();
    } catch (err) {
      throw toKafkaError(err, this.context(ctx));
    }
  }

  /** Commits the open transaction. On failure the transaction stays open so it can be aborted. */
  async commitTransaction(): Promise<void> {
    const transaction = this.requireTransaction('commit transaction');
    try {
      await transaction.commit();
      this.transaction = undefined;
    } catch (err) {
      throw toKafkaError(err, this.context({ operation: 'commit transaction', transactionalId: this.options.transactionalId }));
    }
  }

  /** Aborts the open transaction: its records are never visible to read_committed consumers. */
  async abortTransaction(): Promise<void> {
    const transaction = this.requireTransaction('abort transaction');
    this.transaction = undefined;
    try {
      await transaction.abort();
    } catch (err) {
      throw toKafkaError(err, this.context({ operation: 'abort transaction', transactionalId: this.options.transactionalId }));
    }
  }

  private requireTransaction(operation: string): Transaction {
    if (!this.transaction) {
      throw new KafkaError('INVALID_CONFIG', `${operation}: no open transaction (call beginTransaction() first)`);
    }
    return this.transaction;
  }

  private context(ctx: KafkaErrorContext): KafkaErrorContext {
    return { ...ctx, cluster: this.client.clusterAlias, principal: this.client.principal };
  }

  private async ready(): Promise<Producer> {
    if (this.closed) throw new KafkaError('CLOSED', `producer for cluster '${this.client.clusterAlias}' is closed`);
    if (this.producer) return this.producer;
    if (!this.connecting) {
      const { retry } = this.options;
      const producer = kafkaJsOf(this.client).producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
        idempotent: this.idempotent,
        transactionalId: this.options.transactionalId,
        transactionTimeout: this.options.transactionTimeoutMs ?? 60_000,
        maxInFlightRequests: this.idempotent ? 1 : this.options.maxInFlightRequests,
        metadataMaxAge: this.options.metadataMaxAgeMs ?? 30_000,
        ...(retry
          ? {
              retry: {
                retries: retry.retries ?? (this.idempotent ? Number.MAX_SAFE_INTEGER : 5),
                initialRetryTime: retry.initialRetryTimeMs,
                maxRetryTime: retry.maxRetryTimeMs,
              },
            }
          : {}),
      });
      this.connecting = producer
        .connect()
        .then(() => {
          this.producer = producer;
          this.logger.debug({ idempotent: this.idempotent }, 'producer connected');
          return producer;
        })
        .catch(async (err: unknown) => {
          this.connecting = undefined;
          await producer.disconnect().catch(() => undefined);
          throw toKafkaError(err, this.context({ operation: 'connect producer' }));
        });
    }
    return this.connecting;
  }

  private async dropConnection(): Promise<void> {
    const pending = this.connecting;
    this.producer = undefined;
    this.connecting = undefined;
    if (!pending) return;
    try {
      await (await pending).disconnect();
    } catch {
      // already failed or disconnected
    }
  }
}

function toMessage(topic: string, r: ProducerRecord, index: number): Message {
  const invalid = (what: string) => new KafkaError('INVALID_RECORD', `produce to '${topic}', record ${index}: ${what}`);
  if (!Number.isInteger(r.partition) || r.partition < 0) throw invalid('partition must be a non-negative integer');
  if (r.key !== null && !Buffer.isBuffer(r.key)) throw invalid('key must be a Buffer or null');
  if (r.value !== null && !Buffer.isBuffer(r.value)) throw invalid('value must be a Buffer or null');
  const message: Message = {
    partition: r.partition,
    key: r.key,
    value: r.value,
    // Read by the record encoder installed by record-codec-patch.ts, which writes the list as is.
    headers: headersCarrier(r.headers ?? []) as unknown as Message['headers'],
  };
  if (r.timestamp !== undefined) {
    // ms since the epoch stay below 2^53: a number, which the request encoder takes without conversions.
    const ts = typeof r.timestamp === 'bigint' ? Number(r.timestamp) : r.timestamp;
    if (!Number.isSafeInteger(ts) || ts < 0) throw invalid(`timestamp must be a non-negative integer (ms since the epoch), got ${String(r.timestamp)}`);
    message.timestamp = ts as unknown as Message['timestamp'];
  }
  return message;
}
