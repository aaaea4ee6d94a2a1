/**
 * The Fetch request (version 11, the newest without topic ids and tagged fields, served by every
 * Kafka from 2.3 to 4.x) written and read here, because kafkajs's own Fetch decodes every record
 * of the answer into objects. This answer keeps each partition's record set as the bytes the
 * broker sent (a view into the response buffer), so batches can be copied without decoding.
 *
 * Request: replica_id int32 (-1) | max_wait_ms int32 | min_bytes int32 | max_bytes int32 |
 *   isolation_level int8 | session_id int32 (0) | session_epoch int32 (-1: no fetch session) |
 *   [topic string, [partition int32, current_leader_epoch int32, fetch_offset int64,
 *   log_start_offset int64 (-1), partition_max_bytes int32]] | [forgotten topics] (empty) | rack_id string
 * Response: throttle_time_ms int32 | error_code int16 | session_id int32 |
 *   [topic string, [partition int32, error_code int16, high_watermark int64,
 *   last_stable_offset int64, log_start_offset int64, [aborted: producer_id int64, first_offset int64]
 *   (null array when none), preferred_read_replica int32, records bytes (nullable)]]
 */
import { KafkaError } from './errors';
import type { AbortedTransaction } from './record-batches';

export const FETCH_API_KEY = 1;
export const FETCH_VERSION = 11;

export interface FetchPartitionRequest {
  partition: number;
  fetchOffset: bigint;
  maxBytes: number;
}

export interface FetchRequestArgs {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  readCommitted: boolean;
  rackId: string;
  topics: ReadonlyArray<{ topic: string; partitions: readonly FetchPartitionRequest[] }>;
}

export interface FetchedPartition {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  abortedTransactions: AbortedTransaction[];
  preferredReadReplica: number;
  /** The record set as sent; empty when there was nothing. */
  records: Buffer;
}

export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  partitions: FetchedPartition[];
}

export function encodeFetchRequest(args: FetchRequestArgs): Buffer {
  const names = args.topics.map((t) => Buffer.from(t.topic, 'utf8'));
  const rack = Buffer.from(args.rackId, 'utf8');
  let size = 4 * 4 + 1 + 4 + 4 + 4 + 4 + 2 + rack.length;
  args.topics.forEach((t, i) => (size += 2 + names[i].length + 4 + t.partitions.length * 28));
  const b = Buffer.allocUnsafe(size);
  let at = 0;
  at = b.writeInt32BE(-1, at);
  at = b.writeInt32BE(args.maxWaitMs, at);
  at = b.writeInt32BE(args.minBytes, at);
  at = b.writeInt32BE(args.maxBytes, at);
  at = b.writeInt8(args.readCommitted ? 1 : 0, at);
  at = b.writeInt32BE(0, at);
  at = b.writeInt32BE(-1, at);
  at = b.writeInt32BE(args.topics.length, at);
  args.topics.forEach((t, i) => {
    at = b.writeInt16BE(names[i].length, at);
    at += names[i].copy(b, at);
    at = b.writeInt32BE(t.partitions.length, at);
    for (const p of t.partitions) {
      at = b.writeInt32BE(p.partition, at);
      at = b.writeInt32BE(-1, at);
      at = b.writeBigInt64BE(p.fetchOffset, at);
      at = b.writeBigInt64BE(-1n, at);
      at = b.writeInt32BE(p.maxBytes, at);
    }
  });
  at = b.writeInt32BE(0, at);
  at = b.writeInt16BE(rack.length, at);
  rack.copy(b, at);
  return b;
}

/** A bounds-checked reader over a response: a short or inconsistent answer is an error, never a crash. */
class Cursor {
  at = 0;
  constructor(private readonly b: Buffer) {}
  private need(n: number): void {
    if (n < 0 || this.at + n > this.b.length) throw new KafkaError('INVALID_RECORD', `fetch response: truncated at byte ${this.at} (needs ${n} more of ${this.b.length})`);
  }
  int8(): number {
    this.need(1);
    return this.b.readInt8(this.at++);
  }
  int16(): number {
    this.need(2);
    const v = this.b.readInt16BE(this.at);
    this.at += 2;
    return v;
  }
  int32(): number {
    this.need(4);
    const v = this.b.readInt32BE(this.at);
    this.at += 4;
    return v;
  }
  int64(): bigint {
    this.need(8);
    const v = this.b.readBigInt64BE(this.at);
    this.at += 8;
    return v;
  }
  string(): string {
    const n = this.int16();
    if (n < 0) return '';
    this.need(n);
    const v = this.b.toString('utf8', this.at, this.at + n);
    this.at += n;
    return v;
  }
  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) return EMPTY;
    this.need(n);
    const v = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  count(minEntryBytes: number): number {
    const n = this.int32();
    if (n > 0) this.need(n * minEntryBytes);
    return Math.max(0, n);
  }
}

const EMPTY = Buffer.alloc(0);

export function decodeFetchResponse(body: Buffer): FetchResponse {
  const c = new Cursor(body);
  const throttleTimeMs = c.int32();
  const errorCode = c.int16();
  c.int32(); // session id
  const partitions: FetchedPartition[] = [];
  const topics = c.count(6);
  for (let t = 0; t < topics; t++) {
    const topic = c.string();
    const count = c.count(42);
    for (let p = 0; p < count; p++) {
      const partition = c.int32();
      const partitionError = c.int16();
      const highWatermark = c.int64();
      const lastStableOffset = c.int64();
      const logStartOffset = c.int64();
      const abortedCount = c.count(16);
      const abortedTransactions: AbortedTransaction[] = [];
      for (let a = 0; a < abortedCount; a++) abortedTransactions.push({ producerId: c.int64(), firstOffset: c.int64() });
      const preferredReadReplica = c.int32();
      const records = c.bytes();
      partitions.push({ topic, partition, errorCode: partitionError, highWatermark, lastStableOffset, logStartOffset, abortedTransactions, preferredReadReplica, records });
    }
  }
  return { throttleTimeMs, errorCode, partitions };
}
