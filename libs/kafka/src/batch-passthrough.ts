/**
 * A fetched record batch made ready to be produced to another cluster as it is: keys, values,
 * headers, timestamps and compression stay byte for byte. Only what belongs to the writer changes:
 *
 * - BaseOffset 0 and PartitionLeaderEpoch -1 (the target assigns both; neither is under the CRC);
 * - ProducerId, ProducerEpoch and BaseSequence: the target's producer's (-1, -1, -1 for a plain
 *   producer), never the source producer's, which means nothing on the target;
 * - the transactional bit: set only when the target producer writes in a transaction;
 * - the CRC, updated for those bytes alone (crc32c.ts), so the batch is not read again.
 *
 * Which batches can go this way is `passthroughBlocker`: a batch the target would refuse or that
 * must change inside is re-encoded from its records instead (the record path).
 */
import { crc32cAfterChange } from './crc32c';
import { ATTRIBUTES_AT, BATCH_HEADER_SIZE, codecOf, CRC_AT, hasLogAppendTime, isContiguous, isControlBatch, PRODUCER_ID_AT, type BatchCodec, type RawRecordBatch } from './record-batches';

const TRANSACTIONAL_FLAG = 0x10;
/** Producer id (8), epoch (2), base sequence (4), from PRODUCER_ID_AT. */
const PRODUCER_FIELDS_SIZE = 14;

export interface BatchWriter {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
}

export const PLAIN_WRITER: BatchWriter = { producerId: -1n, producerEpoch: -1, baseSequence: -1, transactional: false };

/** Why a batch cannot be passed through, named for the metric; undefined when it can. */
export type PassthroughBlocker = 'old-format' | 'control' | 'compaction-gaps' | 'log-append-time' | 'codec-override' | 'too-large' | 'partial';

export interface PassthroughLimits {
  /** The largest batch the target topic takes (its max.message.bytes). */
  maxBatchBytes: number;
  /** The codec the target producer is told to use, when it is told one; batches in another codec are re-encoded. */
  codec?: BatchCodec;
  /** The first offset still to copy: a batch starting before it holds records copied already. */
  fromOffset: bigint;
}

export function passthroughBlocker(batch: RawRecordBatch, limits: PassthroughLimits): PassthroughBlocker | undefined {
  if (batch.magic < 2) return 'old-format';
  if (isControlBatch(batch)) return 'control';
  if (batch.baseOffset < limits.fromOffset) return 'partial';
  // The broker takes a producer's batch only when its offsets are contiguous.
  if (!isContiguous(batch)) return 'compaction-gaps';
  // Records of a LogAppendTime batch carry their create times; a copy shows the source's append time.
  if (hasLogAppendTime(batch)) return 'log-append-time';
  if (limits.codec !== undefined && limits.codec !== codecOf(batch)) return 'codec-override';
  if (batch.bytes.length > limits.maxBatchBytes) return 'too-large';
  return undefined;
}

/**
 * Writes the batch into `out` at `at`, with the writer's fields, and returns where it ends. The
 * fetched bytes stay as they are (a batch the target refuses is decoded from them afterwards).
 */
export function writeForProduce(batch: RawRecordBatch, writer: BatchWriter, out: Buffer, at: number): number {
  const headerEnd = writeHeaderForProduce(batch, writer, out, at);
  return headerEnd + batch.bytes.copy(out, headerEnd, BATCH_HEADER_SIZE);
}

/**
 * Writes only the batch's header (its first BATCH_HEADER_SIZE bytes) into `out` at `at`, with the
 * writer's fields and the CRC of the whole batch; returns where it ends. Everything the writer
 * changes is in the header: the rest may be sent straight from the fetched bytes.
 */
export function writeHeaderForProduce(batch: RawRecordBatch, writer: BatchWriter, out: Buffer, at: number): number {
  const end = at + batch.bytes.copy(out, at, 0, BATCH_HEADER_SIZE);
  const b = out.subarray(at, end);
  b.writeBigInt64BE(0n, 0);
  b.writeInt32BE(-1, 12);
  const crcLength = batch.bytes.length - ATTRIBUTES_AT;
  let crc = b.readUInt32BE(CRC_AT);

  const attributes = b.readInt16BE(ATTRIBUTES_AT);
  const wanted = writer.transactional ? attributes | TRANSACTIONAL_FLAG : attributes & ~TRANSACTIONAL_FLAG;
  if (wanted !== attributes) {
    const before = Buffer.from(b.subarray(ATTRIBUTES_AT, ATTRIBUTES_AT + 2));
    b.writeInt16BE(wanted, ATTRIBUTES_AT);
    crc = crc32cAfterChange(crc, crcLength, 0, before, b.subarray(ATTRIBUTES_AT, ATTRIBUTES_AT + 2));
  }

  const fields = Buffer.allocUnsafe(PRODUCER_FIELDS_SIZE);
  fields.writeBigInt64BE(writer.producerId, 0);
  fields.writeInt16BE(writer.producerEpoch, 8);
  fields.writeInt32BE(writer.baseSequence, 10);
  const current = b.subarray(PRODUCER_ID_AT, PRODUCER_ID_AT + PRODUCER_FIELDS_SIZE);
  if (!current.equals(fields)) {
    crc = crc32cAfterChange(crc, crcLength, PRODUCER_ID_AT - ATTRIBUTES_AT, current, fields);
    fields.copy(b, PRODUCER_ID_AT);
  }
  b.writeUInt32BE(crc, CRC_AT);
  return end;
}
