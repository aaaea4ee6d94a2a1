/**
 * Record batches as the broker sent them: views over the bytes of a fetch response, read without
 * decompressing or decoding a record, so a batch can be written to another cluster as it is
 * (batch-passthrough.ts) or decoded into records only when that is needed.
 *
 * Record batch (magic 2), byte offsets from the start of the batch:
 *   0 BaseOffset int64 | 8 Length int32 (bytes after this field) | 12 PartitionLeaderEpoch int32 |
 *   16 Magic int8 | 17 CRC uint32 (CRC-32C of bytes 21..end) | 21 Attributes int16 |
 *   23 LastOffsetDelta int32 | 27 FirstTimestamp int64 | 35 MaxTimestamp int64 |
 *   43 ProducerId int64 | 51 ProducerEpoch int16 | 53 BaseSequence int32 | 57 RecordCount int32 |
 *   61 Records
 * Attributes: bits 0-2 codec, bit 3 LogAppendTime, bit 4 transactional, bit 5 control.
 * Older message sets (magic 0 and 1) share the offset, size and magic positions.
 */
import Decoder from 'kafkajs/src/protocol/decoder';
import type RecordBatchDecoderFn from 'kafkajs/src/protocol/recordBatch/v0/decoder';
import type MessageSetDecoderFn from 'kafkajs/src/protocol/messageSet/decoder';
import { KafkaError } from './errors';
import type { ConsumedBatch, ConsumedRecord } from './partition-consumer';
import type { FetchedBatches } from './partition-fetcher';
import { consumedRecordOf, type DecodedKafkaJsRecord } from './record-codec-patch';

export const BATCH_HEADER_SIZE = 61;
/** BaseOffset and Length, which Length does not count. */
export const LOG_OVERHEAD = 12;
export const CRC_AT = 17;
export const ATTRIBUTES_AT = 21;
export const PRODUCER_ID_AT = 43;

const CODEC_MASK = 0x07;
const LOG_APPEND_TIME_FLAG = 0x08;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;

export type BatchCodec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';
const CODECS: readonly BatchCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** One batch of a fetched partition; `bytes` is the whole batch, BaseOffset included. */
export interface RawRecordBatch {
  readonly bytes: Buffer;
  readonly magic: number;
  readonly baseOffset: bigint;
  readonly lastOffset: bigint;
  /** Records in the batch (for magic 2; compaction may leave fewer than the offsets it spans). */
  readonly recordCount: number;
  readonly attributes: number;
  readonly firstTimestamp: bigint;
  readonly maxTimestamp: bigint;
  readonly producerId: bigint;
}

export function codecOf(batch: RawRecordBatch): BatchCodec {
  return CODECS[batch.attributes & CODEC_MASK] ?? 'none';
}
export const isControlBatch = (b: RawRecordBatch): boolean => b.magic >= 2 && (b.attributes & CONTROL_FLAG) !== 0;
export const isTransactionalBatch = (b: RawRecordBatch): boolean => b.magic >= 2 && (b.attributes & TRANSACTIONAL_FLAG) !== 0;
export const hasLogAppendTime = (b: RawRecordBatch): boolean => (b.attributes & LOG_APPEND_TIME_FLAG) !== 0;
/** Every offset the batch spans holds a record (no compaction holes): the broker takes it as a producer's batch. */
export const isContiguous = (b: RawRecordBatch): boolean => b.magic >= 2 && BigInt(b.recordCount) === b.lastOffset - b.baseOffset + 1n;

/**
 * The complete batches of a fetched record set, in order. A fetch may end in a partial batch (the
 * broker cuts at the byte limit); it is left out and fetched again from its offset.
 */
export function readRecordBatches(recordSet: Buffer): RawRecordBatch[] {
  const batches: RawRecordBatch[] = [];
  let at = 0;
  while (at + LOG_OVERHEAD <= recordSet.length) {
    const length = recordSet.readInt32BE(at + 8);
    const end = at + LOG_OVERHEAD + length;
    if (length < 0) throw new KafkaError('INVALID_RECORD', `record set: negative batch length ${length} at byte ${at}`);
    if (end > recordSet.length) break;
    const bytes = recordSet.subarray(at, end);
    const magic = length >= 5 ? bytes.readInt8(16) : -1;
    const baseOffset = bytes.readBigInt64BE(0);
    if (magic === 2) {
      if (length + LOG_OVERHEAD < BATCH_HEADER_SIZE) throw new KafkaError('INVALID_RECORD', `record batch at offset ${baseOffset}: ${length} bytes is shorter than a batch header`);
      batches.push({
        bytes,
        magic,
        baseOffset,
        lastOffset: baseOffset + BigInt(bytes.readInt32BE(23)),
        recordCount: bytes.readInt32BE(57),
        attributes: bytes.readInt16BE(ATTRIBUTES_AT),
        firstTimestamp: bytes.readBigInt64BE(27),
        maxTimestamp: bytes.readBigInt64BE(35),
        producerId: bytes.readBigInt64BE(PRODUCER_ID_AT),
      });
    } else if (magic === 0 || magic === 1) {
      // A legacy message set entry: one message, or a compressed wrapper whose offset is the last inner one.
      const attributes = length >= 6 ? bytes.readInt8(17) : 0;
      const timestamp = magic === 1 && length >= 14 ? bytes.readBigInt64BE(18) : -1n;
      batches.push({ bytes, magic, baseOffset, lastOffset: baseOffset, recordCount: 1, attributes: attributes & CODEC_MASK, firstTimestamp: timestamp, maxTimestamp: timestamp, producerId: -1n });
    } else {
      throw new KafkaError('INVALID_RECORD', `record set: unknown magic ${magic} at offset ${baseOffset}`);
    }
    at = end;
  }
  return batches;
}

export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

/**
 * What a read_committed consumer may see of the batches: control batches (transaction markers)
 * and the batches of aborted transactions are dropped. A transactional batch belongs to one
 * transaction of one producer, so this needs no record decoding. The broker lists each aborted
 * transaction with its first offset; from there the producer's transactional batches are aborted
 * until its ABORT marker.
 */
export function committedBatches(batches: readonly RawRecordBatch[], aborted: readonly AbortedTransaction[]): RawRecordBatch[] {
  const pending = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const aborting = new Set<bigint>();
  let next = 0;
  const kept: RawRecordBatch[] = [];
  for (const batch of batches) {
    while (next < pending.length && pending[next].firstOffset <= batch.lastOffset) aborting.add(pending[next++].producerId);
    if (isControlBatch(batch)) {
      if (isAbortMarker(batch)) aborting.delete(batch.producerId);
      continue;
    }
    if (isTransactionalBatch(batch) && aborting.has(batch.producerId)) continue;
    kept.push(batch);
  }
  return kept;
}

/**
 * Value bytes of the batch's records (what MM2's byte-count counts), read from the record headers
 * without copying anything. A compressed batch is not decompressed for this: it counts its
 * compressed records' size instead.
 */
export function valueBytesOf(batch: RawRecordBatch): number {
  if (batch.magic < 2 || codecOf(batch) !== 'none') return Math.max(0, batch.bytes.length - BATCH_HEADER_SIZE);
  const b = batch.bytes;
  let at = BATCH_HEADER_SIZE;
  let total = 0;
  for (let i = 0; i < batch.recordCount && at < b.length; i++) {
    const [length, bodyAt] = readVarint(b, at);
    const end = bodyAt + length;
    let p = bodyAt + 1; // attributes
    p = readVarint(b, p)[1]; // timestamp delta
    p = readVarint(b, p)[1]; // offset delta
    const [keyLength, afterKeyLength] = readVarint(b, p);
    p = afterKeyLength + Math.max(0, keyLength);
    const [valueLength] = readVarint(b, p);
    if (valueLength > 0) total += valueLength;
    at = end;
  }
  return total;
}

/** A zigzag varint at `at`: its value and where the next field starts. */
function readVarint(b: Buffer, at: number): [number, number] {
  let raw = 0;
  let shift = 0;
  let p = at;
  while (p < b.length && shift <= 28) {
    const byte = b[p++];
    raw |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  return [(raw >>> 1) ^ -(raw & 1), p];
}

/** The control record's key is version int16, type int16 (0 ABORT, 1 COMMIT); control batches are never compressed. */
function isAbortMarker(batch: RawRecordBatch): boolean {
  const d = new Decoder(batch.bytes.subarray(BATCH_HEADER_SIZE));
  try {
    d.readVarInt(); // record length
    d.readInt8(); // attributes
    d.readVarLong(); // timestamp delta
    d.readVarInt(); // offset delta
    const key = d.readVarIntBytes();
    return key !== null && key.length >= 4 && key.readInt16BE(2) === 0;
  } catch {
    return false;
  }
}

let decoders: { RecordBatchDecoder: typeof RecordBatchDecoderFn; MessageSetDecoder: typeof MessageSetDecoderFn } | undefined;

/**
 * Loaded on first use: kafkajs's batch decoder must load after record-codec-patch.ts replaced the
 * record decoder it requires (createKafkaClient installs that). Kept: resolving the paths again for
 * every batch would cost more than decoding small ones.
 */
function kafkajsDecoders(): NonNullable<typeof decoders> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  decoders ??= {
    RecordBatchDecoder: require('kafkajs/src/protocol/recordBatch/v0/decoder') as typeof RecordBatchDecoderFn,
    MessageSetDecoder: require('kafkajs/src/protocol/messageSet/decoder') as typeof MessageSetDecoderFn,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return decoders;
}

/** Records of one batch, decompressed and decoded (the record path). */
export async function decodeBatchRecords(batch: RawRecordBatch): Promise<ConsumedRecord[]> {
  const { RecordBatchDecoder, MessageSetDecoder } = kafkajsDecoders();
  let decoded: DecodedKafkaJsRecord[];
  try {
    if (batch.magic >= 2) {
      decoded = (await RecordBatchDecoder(new Decoder(batch.bytes))).records as DecodedKafkaJsRecord[];
    } else {
      decoded = (await MessageSetDecoder(new Decoder(batch.bytes), batch.bytes.length)) as DecodedKafkaJsRecord[];
    }
  } catch (err) {
    throw new KafkaError('INVALID_RECORD', `record batch at offset ${batch.baseOffset}: cannot decode its records (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  return decoded.map(consumedRecordOf);
}

/**
 * The records of a fetched delivery from `fromOffset` on, decoded (the record path), or undefined
 * when it holds none (all of them were delivered before).
 */
export async function decodeFetchedBatches(fetched: FetchedBatches): Promise<ConsumedBatch | undefined> {
  const records: ConsumedRecord[] = [];
  for (const batch of fetched.batches) {
    for (const r of await decodeBatchRecords(batch)) if (r.offset >= fetched.fromOffset) records.push(r);
  }
  if (records.length === 0) return undefined;
  return {
    topic: fetched.topic,
    partition: fetched.partition,
    records,
    highWatermark: fetched.highWatermark,
    ...(fetched.positionReset ? { positionReset: fetched.positionReset } : {}),
  };
}

/** A PartitionFetcher handler for readers that want records: decodes each delivery for `handler`. */
export function withDecodedRecords(handler: (batch: ConsumedBatch) => Promise<void>): (fetched: FetchedBatches) => Promise<void> {
  return async (fetched) => {
    const batch = await decodeFetchedBatches(fetched);
    if (batch) await handler(batch);
  };
}
