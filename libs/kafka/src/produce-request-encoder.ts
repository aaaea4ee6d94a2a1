/**
 * Produce request v3 (the body that kafkajs 2.2.4's v4–v7 Produce requests reuse), written for
 * CPU. kafkajs's own `protocol/requests/produce/v3/request.js` spreads every message into a new
 * object, sorts all timestamps as strings, encodes each record into an Encoder of its own, copies
 * those into a growing Encoder and copies the batch again around it. For many small records that
 * was one of the largest costs of the mirror's data path.
 *
 * This version writes the whole request into one Buffer: a first pass reads each partition's
 * timestamps and computes the exact size of every record, a second pass writes the records in
 * place. With compression the records of a partition are written to a Buffer of their own, which
 * the kafkajs codec compresses. The bytes are the same as kafkajs's for everything kafkajs
 * encodes correctly; the differences are deliberate:
 * - a message whose `headers` is a carrier (see record-codec-patch.ts) is written from its ordered
 *   list, duplicates and null values included;
 * - a null header value in a kafkajs headers object is written as a null value (kafkajs crashes);
 * - the first and max timestamps of a batch include the messages without a timestamp, which get
 *   Date.now() (kafkajs leaves them out, so its max timestamp can be smaller than a record's);
 * - timestamps are compared as numbers (kafkajs sorts them as strings: '999' > '1000');
 * - a key, value, timestamp or header kafkajs cannot encode is rejected with INVALID_RECORD.
 *
 * Record batch (magic 2), as kafkajs writes it:
 *   BaseOffset int64 (0) | Length int32 | PartitionLeaderEpoch int32 (0) | Magic int8 (2) |
 *   CRC uint32 (CRC-32C of Attributes..end) | Attributes int16 | LastOffsetDelta int32 |
 *   FirstTimestamp int64 | MaxTimestamp int64 | ProducerId int64 | ProducerEpoch int16 |
 *   FirstSequence int32 | RecordCount int32 | Records (compressed as one block, if at all)
 * Record:
 *   Length varint | Attributes int8 (0) | TimestampDelta varlong | OffsetDelta varint |
 *   Key varint-bytes | Value varint-bytes | HeaderCount varint | [Key varint-string, Value varint-bytes]
 */
import Encoder from 'kafkajs/src/protocol/encoder';
import Long from 'kafkajs/src/utils/long';
import crc32C from 'kafkajs/src/protocol/recordBatch/crc32C';
import { Types as CompressionTypes, lookupCodec } from 'kafkajs/src/protocol/message/compression';
import { writeForProduce, writeHeaderForProduce, type BatchWriter } from './batch-passthrough';
import { KafkaError } from './errors';
import { encoderWithHeadroom, FRAME_HEADROOM, requestFramingInstalled } from './request-framing-patch';
import type { OrderedHeaders } from './headers';
import type { RawRecordBatch } from './record-batches';

/**
 * The key of a headers carrier: the same registered symbol as record-codec-patch.ts's
 * ORDERED_HEADERS (Symbol.for gives one symbol per process). Importing it from there would make
 * the two modules require each other, as record-codec-patch.ts installs this encoder.
 */
const ORDERED_HEADERS = Symbol.for('mirrormaker.kafka.orderedHeaders');

/**
 * A message carrying a whole fetched batch to pass through (batch-passthrough.ts). kafkajs counts a
 * partition's records by its messages (idempotent sequences advance by that count), so a raw batch
 * travels as `recordCount` references to one such message; the encoder writes the batch once.
 */
export const RAW_BATCH = Symbol.for('mirrormaker.kafka.rawBatch');

export interface RawBatchMessage {
  key: null;
  value: null;
  partition: number;
  [RAW_BATCH]: RawRecordBatch;
}

const PRODUCE_API_KEY = 0;
const MAGIC = 2;
const TRANSACTIONAL_FLAG = 0x10;
const CODEC_MASK = 0x07;

// Byte offsets inside a partition's entry of the request: partition int32, record set size int32,
// then the batch (BaseOffset int64, Length int32, PartitionLeaderEpoch int32, Magic int8, CRC...).
const BATCH_AT = 8;
const CRC_AT = BATCH_AT + 17;
/** The CRC covers the batch from its Attributes to its end. */
const ATTRIBUTES_AT = BATCH_AT + 21;
/** Partition, record set size, and the batch up to its first record. */
const ENTRY_HEADER_SIZE = BATCH_AT + 61;
/** BaseOffset and Length, which Length does not count. */
const BATCH_LENGTH_EXCLUDED = 12;

type Bytes = Buffer | string | null | undefined;
type KafkaJsHeaderValue = Buffer | string | null;

export interface ProduceMessage {
  [RAW_BATCH]?: RawRecordBatch;
  key?: Bytes;
  value?: Bytes;
  /** A headers carrier, or kafkajs's object form (values Buffer, string or arrays of them). */
  headers?: object | null;
  /** Milliseconds since the epoch; Date.now() when absent. */
  timestamp?: number | string | bigint | null;
}

export interface ProducePartitionData {
  partition: number;
  firstSequence?: number;
  messages: readonly ProduceMessage[];
}

export interface ProduceTopicData {
  topic: string;
  partitions: readonly ProducePartitionData[];
}

export interface ProduceRequestArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  /** A kafkajs Long, or anything Long.fromValue takes. */
  producerId?: unknown;
  producerEpoch?: number;
  compression?: number;
  topicData: readonly ProduceTopicData[];
}

export interface ProduceRequest {
  apiKey: number;
  apiVersion: number;
  apiName: 'Produce';
  expectResponse(): boolean;
  encode(): Promise<Encoder>;
}

interface ProducerFields {
  readonly attributes: number;
  readonly producerId: bigint;
  readonly producerEpoch: number;
}

/** What the first pass learns about one partition's batch. */
interface BatchPlan {
  readonly where: string;
  readonly partition: number;
  readonly firstSequence: number;
  readonly messages: readonly ProduceMessage[];
  readonly timestamps: Float64Array;
  /** Per record: its size without the Length varint. */
  readonly bodySizes: Int32Array;
  readonly firstTimestamp: number;
  readonly maxTimestamp: number;
  /** Uncompressed size of all records. */
  readonly recordsSize: number;
  /** The compressed records, when the request is compressed. */
  compressed: Uint8Array | null;
  /** A fetched batch written as it is instead of `messages`. */
  readonly raw?: RawRecordBatch;
}

/** Drop-in for kafkajs 2.2.4's `protocol/requests/produce/v3/request.js`. */
export function produceRequestV3({
  acks,
  timeout,
  transactionalId = null,
  producerId = -1,
  producerEpoch = 0,
  compression = CompressionTypes.None,
  topicData,
}: ProduceRequestArgs): ProduceRequest {
  return {
    apiKey: PRODUCE_API_KEY,
    apiVersion: 3,
    apiName: 'Produce',
    expectResponse: () => acks !== 0,
    encode: async () => {
      const producer: ProducerFields = {
        attributes: (compression & CODEC_MASK) | (transactionalId ? TRANSACTIONAL_FLAG : 0),
        // Once per request: kafkajs's own conversion, so every form it accepts works the same.
        producerId: BigInt.asIntN(64, BigInt(Long.fromValue(producerId).toString())),
        producerEpoch,
      };
      const plans = topicData.map(({ topic, partitions }) => partitions.map((p) => planBatch(topic, p)));
      if (compression !== CompressionTypes.None) await compressAll(plans.flat().filter((p) => !p.raw), compression);
      // Written after room for the frame header, which request-framing-patch.ts puts in front of it.
      const { buffer, tail } = writeRequest(transactionalId, acks, timeout, topicData, plans, producer);
      return encoderWithHeadroom(buffer, FRAME_HEADROOM, tail);
    },
  };
}

function planBatch(topic: string, { partition, firstSequence, messages }: ProducePartitionData): BatchPlan {
  const where = `produce to '${topic}' partition ${partition}`;
  const raw = messages[0]?.[RAW_BATCH];
  if (raw) {
    if (messages.some((m) => m !== messages[0]) || messages.length !== raw.recordCount) {
      throw new KafkaError('INVALID_RECORD', `${where}: a passed-through batch must be sent alone, as ${raw.recordCount} references to one message`);
    }
    return { where, partition, firstSequence: firstSequence ?? -1, messages, timestamps: new Float64Array(0), bodySizes: new Int32Array(0), firstTimestamp: 0, maxTimestamp: 0, recordsSize: 0, compressed: null, raw };
  }
  const count = messages.length;
  const now = Date.now();
  const timestamps = new Float64Array(count);
  let firstTimestamp = count === 0 ? now : Number.MAX_VALUE;
  let maxTimestamp = count === 0 ? now : -1;
  for (let i = 0; i < count; i++) {
    const t = timestampOf(messages[i].timestamp, now, where, i);
    timestamps[i] = t;
    if (t < firstTimestamp) firstTimestamp = t;
    if (t > maxTimestamp) maxTimestamp = t;
  }

  const bodySizes = new Int32Array(count);
  let recordsSize = 0;
  for (let i = 0; i < count; i++) {
    const message = messages[i];
    const body =
      1 + // attributes
      uvarintSize(2 * (timestamps[i] - firstTimestamp)) +
      uvarintSize(2 * i) +
      bytesSize(message.key, where, i, 'key') +
      bytesSize(message.value, where, i, 'value') +
      headersSize(message.headers, where, i);
    bodySizes[i] = body;
    recordsSize += uvarintSize(2 * body) + body;
  }
  return {
    where,
    partition,
    firstSequence: firstSequence ?? 0,
    messages,
    timestamps,
    bodySizes,
    firstTimestamp,
    maxTimestamp,
    recordsSize,
    compressed: null,
  };
}

async function compressAll(plans: BatchPlan[], compression: number): Promise<void> {
  const codec = lookupCodec(compression);
  if (!codec) throw new KafkaError('INVALID_CONFIG', `no codec is registered for compression type ${compression}`);
  // The records are written now, before any await, so the plans still match the messages.
  const pending = plans.map((plan) => {
    const records = Buffer.allocUnsafe(plan.recordsSize);
    writeRecords(records, 0, plan);
    return codec.compress({ buffer: records });
  });
  const compressed = await Promise.all(pending);
  plans.forEach((plan, i) => {
    plan.compressed = compressed[i];
  });
}

function writeRequest(
  transactionalId: string | null,
  acks: number,
  timeout: number,
  topicData: readonly ProduceTopicData[],
  plans: BatchPlan[][],
  producer: ProducerFields,
): { buffer: Buffer; tail?: Buffer } {
  let size = stringSize(transactionalId) + 2 + 4 + 4;
  for (let t = 0; t < topicData.length; t++) {
    size += stringSize(topicData[t].topic) + 4;
    for (const plan of plans[t]) size += ENTRY_HEADER_SIZE + recordsSectionSize(plan);
  }

  // A request of one passed-through batch (what a mirror sends) ends with that batch's records as
  // fetched: they are sent from where they are (the tail), not copied into the request.
  const single = plans.length === 1 && plans[0].length === 1 ? plans[0][0] : undefined;
  const tail = requestFramingInstalled ? single?.raw?.bytes.subarray(ENTRY_HEADER_SIZE - BATCH_AT) : undefined;
  const bodySize = size - (tail?.length ?? 0);
  const buf = Buffer.allocUnsafe(FRAME_HEADROOM + bodySize);
  let off = writeString(buf, FRAME_HEADROOM, transactionalId);
  off = buf.writeInt16BE(acks, off);
  off = buf.writeInt32BE(timeout, off);
  off = buf.writeInt32BE(topicData.length, off);
  for (let t = 0; t < topicData.length; t++) {
    off = writeString(buf, off, topicData[t].topic);
    off = buf.writeInt32BE(plans[t].length, off);
    for (const plan of plans[t]) off = writeBatch(buf, off, plan, producer, tail !== undefined);
  }
  if (off !== FRAME_HEADROOM + bodySize) throw new KafkaError('UNKNOWN', `the produce request encoder wrote ${off - FRAME_HEADROOM} bytes instead of the ${bodySize} it planned`);
  return tail ? { buffer: buf, tail } : { buffer: buf };
}

function recordsSectionSize(plan: BatchPlan): number {
  if (plan.raw) return plan.raw.bytes.length - (ENTRY_HEADER_SIZE - BATCH_AT);
  return plan.compressed ? plan.compressed.length : plan.recordsSize;
}

/**
 * Writes one partition's entry (partition, record set size, batch) at `start`; returns its end. With
 * `headerOnly`, a passed-through batch is written up to its first record; the caller sends the rest.
 */
function writeBatch(buf: Buffer, start: number, plan: BatchPlan, producer: ProducerFields, headerOnly: boolean): number {
  if (plan.raw) {
    // A plain producer (no producer id) writes no sequence either, as Java's does.
    const idempotent = producer.producerId >= 0n;
    const writer: BatchWriter = {
      producerId: producer.producerId,
      producerEpoch: idempotent ? producer.producerEpoch : -1,
      baseSequence: idempotent ? plan.firstSequence : -1,
      transactional: (producer.attributes & TRANSACTIONAL_FLAG) !== 0,
    };
    let off = buf.writeInt32BE(plan.partition, start);
    off = buf.writeInt32BE(plan.raw.bytes.length, off);
    return headerOnly ? writeHeaderForProduce(plan.raw, writer, buf, off) : writeForProduce(plan.raw, writer, buf, off);
  }
  const count = plan.messages.length;
  const batchSize = ENTRY_HEADER_SIZE - BATCH_AT + recordsSectionSize(plan);
  let off = buf.writeInt32BE(plan.partition, start);
  off = buf.writeInt32BE(batchSize, off);
  off = buf.writeInt32BE(0, off); // base offset (high and low halves)
  off = buf.writeInt32BE(0, off);
  off = buf.writeInt32BE(batchSize - BATCH_LENGTH_EXCLUDED, off);
  off = buf.writeInt32BE(0, off); // partition leader epoch
  off = buf.writeInt8(MAGIC, off);
  off = buf.writeUInt32BE(0, off); // CRC, written last
  off = buf.writeInt16BE(producer.attributes, off);
  off = buf.writeInt32BE(count - 1, off);
  off = writeTimestamp(buf, off, plan.firstTimestamp);
  off = writeTimestamp(buf, off, plan.maxTimestamp);
  off = buf.writeBigInt64BE(producer.producerId, off);
  off = buf.writeInt16BE(producer.producerEpoch, off);
  off = buf.writeInt32BE(plan.firstSequence, off);
  off = buf.writeInt32BE(count, off);
  if (plan.compressed) {
    buf.set(plan.compressed, off);
    off += plan.compressed.length;
  } else {
    off = writeRecords(buf, off, plan);
  }
  buf.writeUInt32BE(crc32C(buf.subarray(start + ATTRIBUTES_AT, off)), start + CRC_AT);
  return off;
}

function writeRecords(buf: Buffer, start: number, plan: BatchPlan): number {
  const { messages, timestamps, bodySizes, firstTimestamp } = plan;
  let off = start;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    off = writeUVarint(buf, off, 2 * bodySizes[i]);
    buf[off++] = 0; // attributes
    off = writeUVarint(buf, off, 2 * (timestamps[i] - firstTimestamp));
    off = writeUVarint(buf, off, 2 * i);
    off = writeBytes(buf, off, message.key);
    off = writeBytes(buf, off, message.value);
    off = writeHeaders(buf, off, message.headers);
  }
  if (off !== start + plan.recordsSize) {
    throw new KafkaError('UNKNOWN', `${plan.where}: the records took ${off - start} bytes instead of the ${plan.recordsSize} planned`);
  }
  return off;
}

function timestampOf(raw: ProduceMessage['timestamp'], now: number, where: string, index: number): number {
  if (raw === undefined || raw === null) return now;
  const ms = typeof raw === 'number' ? raw : typeof raw === 'bigint' || (typeof raw === 'string' && raw.length > 0) ? Number(raw) : NaN;
  // Non-negative safe integers keep every delta and its zigzag form exact in a double.
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw invalid(where, index, `timestamp must be a non-negative integer (ms since the epoch), got ${String(raw)}`);
  }
  return ms;
}

// Every varint written here encodes either a non-negative value v (zigzag form 2v) or -1 for null
// (zigzag form 1), so the sizes and writers below take the zigzag form as an unsigned number.

function uvarintSize(u: number): number {
  if (u < 0x80) return 1;
  if (u < 0x4000) return 2;
  if (u < 0x200000) return 3;
  if (u < 0x10000000) return 4;
  let size = 5;
  for (let rest = Math.floor(u / 0x800000000); rest > 0; rest = Math.floor(rest / 0x80)) size++;
  return size;
}

function writeUVarint(buf: Buffer, start: number, u: number): number {
  let off = start;
  while (u >= 0x80) {
    buf[off++] = (u & 0x7f) | 0x80; // `&` takes the value modulo 2^32: the low 7 bits stay exact
    u = u < 0x100000000 ? u >>> 7 : Math.floor(u / 0x80);
  }
  buf[off++] = u;
  return off;
}

function bytesSize(value: unknown, where: string, index: number, what: string): number {
  if (value === null || value === undefined) return 1;
  if (Buffer.isBuffer(value)) return uvarintSize(2 * value.length) + value.length;
  if (typeof value === 'string') {
    const length = Buffer.byteLength(value, 'utf8');
    return uvarintSize(2 * length) + length;
  }
  throw invalid(where, index, `${what} must be a Buffer, a string or null, got ${typeof value}`);
}

function writeBytes(buf: Buffer, start: number, value: Bytes): number {
  if (value === null || value === undefined) {
    buf[start] = 1;
    return start + 1;
  }
  if (Buffer.isBuffer(value)) {
    const off = writeUVarint(buf, start, 2 * value.length);
    buf.set(value, off);
    return off + value.length;
  }
  const length = Buffer.byteLength(value, 'utf8');
  const off = writeUVarint(buf, start, 2 * length);
  return off + buf.write(value, off, length, 'utf8');
}

function orderedHeadersOf(headers: object): OrderedHeaders | undefined {
  return (headers as { [ORDERED_HEADERS]?: OrderedHeaders })[ORDERED_HEADERS];
}

function headersSize(headers: ProduceMessage['headers'], where: string, index: number): number {
  if (headers === undefined || headers === null) return 1;
  const ordered = orderedHeadersOf(headers);
  if (!ordered) return objectHeadersSize(headers as Record<string, unknown>, where, index);
  let size = uvarintSize(2 * ordered.length);
  for (let h = 0; h < ordered.length; h++) {
    const { key, value } = ordered[h];
    if (typeof key !== 'string') throw invalid(where, index, `a header key must be a string, got ${typeof key}`);
    const keyLength = utf8Length(key);
    size += uvarintSize(2 * keyLength) + keyLength;
    if (value === null) size += 1;
    else if (Buffer.isBuffer(value)) size += uvarintSize(2 * value.length) + value.length;
    else throw invalid(where, index, `the value of header '${key}' must be a Buffer or null`);
  }
  return size;
}

function writeHeaders(buf: Buffer, start: number, headers: ProduceMessage['headers']): number {
  if (headers === undefined || headers === null) {
    buf[start] = 0;
    return start + 1;
  }
  const ordered = orderedHeadersOf(headers);
  if (!ordered) return writeObjectHeaders(buf, start, headers as Record<string, unknown>);
  let off = writeUVarint(buf, start, 2 * ordered.length);
  for (let h = 0; h < ordered.length; h++) {
    const { key, value } = ordered[h];
    off = writeKey(buf, off, key);
    if (value === null) {
      buf[off++] = 1;
    } else {
      off = writeUVarint(buf, off, 2 * value.length);
      buf.set(value, off);
      off += value.length;
    }
  }
  return off;
}

/** kafkajs's object form: `Object.keys` order, an array value stands for one header per element. */
function objectHeadersSize(headers: Record<string, unknown>, where: string, index: number): number {
  let count = 0;
  let size = 0;
  for (const key of Object.keys(headers)) {
    const raw = headers[key];
    const keyLength = utf8Length(key);
    const keySize = uvarintSize(2 * keyLength) + keyLength;
    if (Array.isArray(raw)) {
      for (const value of raw) size += keySize + headerValueSize(value, key, where, index);
      count += raw.length;
    } else {
      size += keySize + headerValueSize(raw, key, where, index);
      count++;
    }
  }
  return uvarintSize(2 * count) + size;
}

function headerValueSize(value: unknown, key: string, where: string, index: number): number {
  if (value === null) return 1;
  if (Buffer.isBuffer(value) || typeof value === 'string') return bytesSize(value, where, index, `the value of header '${key}'`);
  throw invalid(where, index, `the value of header '${key}' must be a Buffer, a string or null, got ${typeof value}`);
}

function writeObjectHeaders(buf: Buffer, start: number, headers: Record<string, unknown>): number {
  const keys = Object.keys(headers);
  let count = 0;
  for (const key of keys) {
    const raw = headers[key];
    count += Array.isArray(raw) ? raw.length : 1;
  }
  let off = writeUVarint(buf, start, 2 * count);
  for (const key of keys) {
    const raw = headers[key];
    const values = (Array.isArray(raw) ? raw : [raw]) as KafkaJsHeaderValue[];
    for (const value of values) {
      off = writeKey(buf, off, key);
      off = writeBytes(buf, off, value);
    }
  }
  return off;
}

/**
 * UTF-8 length of a header key. Keys are short and nearly always ASCII, which a loop counts
 * faster than a call into Buffer.byteLength.
 */
function utf8Length(s: string): number {
  const n = s.length;
  if (n > 32) return Buffer.byteLength(s, 'utf8');
  for (let i = 0; i < n; i++) {
    if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s, 'utf8');
  }
  return n;
}

function writeKey(buf: Buffer, start: number, key: string): number {
  const length = utf8Length(key);
  const off = writeUVarint(buf, start, 2 * length);
  // Only ASCII has as many UTF-8 bytes as UTF-16 code units.
  if (length === key.length && length <= 32) {
    for (let i = 0; i < length; i++) buf[off + i] = key.charCodeAt(i);
    return off + length;
  }
  return off + buf.write(key, off, length, 'utf8');
}

function stringSize(value: string | null | undefined): number {
  return 2 + (value === null || value === undefined ? 0 : Buffer.byteLength(value, 'utf8'));
}

export function writeString(buf: Buffer, start: number, value: string | null | undefined): number {
  if (value === null || value === undefined) return buf.writeInt16BE(-1, start);
  const off = buf.writeInt16BE(Buffer.byteLength(value, 'utf8'), start);
  return off + buf.write(value, off, 'utf8');
}

/** A timestamp is a non-negative safe integer: written as two unsigned 32-bit halves. */
function writeTimestamp(buf: Buffer, start: number, ms: number): number {
  const off = buf.writeUInt32BE(Math.floor(ms / 0x100000000), start);
  return buf.writeUInt32BE(ms >>> 0, off);
}

/** A kafkajs Encoder whose content is `buffer`, without copying it (2.2.4 keeps it in buf/offset). */
export function encoderOver(buffer: Buffer): Encoder {
  const encoder = new Encoder(0) as Encoder & { buf: Buffer; offset: number };
  encoder.buf = buffer;
  encoder.offset = buffer.length;
  return encoder;
}

function invalid(where: string, index: number, what: string): KafkaError {
  return new KafkaError('INVALID_RECORD', `${where}, record ${index}: ${what}`);
}
