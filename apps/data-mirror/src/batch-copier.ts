import { isKafkaError, KafkaError, type Acks, type BatchSendResult, type SendOptions, type ConsumedRecord, type KafkaProducer, type ProducerRecord, type RawRecordBatch } from '@mirrormaker/kafka';
import { classifyProduceFailure, type ProduceFailureKind } from './produce-failure';
import { chunkBySize } from './record-chunks';

/**
 * Writes one consumed batch of a source partition to the same partition of the remote topic.
 *
 * Downstream offsets: the target answers each produce request with the base offset of the records
 * it appended for the partition. Every request here carries records of this one partition only,
 * one record batch per request, so record i of a request landed at base + i. This holds for plain
 * and for transactional produce (transaction markers come after a commit, never inside a request).
 *
 *   source p:  u0  u1  u2 | u3  u4        (one consumed batch, split into requests by size)
 *   request 1: ─────────► base b1:  d = b1, b1+1, b1+2
 *   request 2: ─────────► base b2:  d = b2, b2+1
 *
 * On a rejection (too large, invalid timestamp, policy, ACL) the records are retried one by one to
 * find the first refused one; those before it are written, and the outcome names the refused one.
 */
export interface CopyTarget {
  readonly remoteTopic: string;
  readonly partition: number;
  readonly maxChunkBytes: number;
  /** Acknowledgement of the copied records (the producer's acks); transactions always use all. */
  readonly acks: Acks;
  /** Checked before every request: once true, nothing more is sent. */
  shouldStop(): boolean;
}

/** The part of KafkaProducer the copier uses. */
export type CopyProducer = Pick<KafkaProducer, 'send' | 'beginTransaction' | 'commitTransaction' | 'abortTransaction' | 'inTransaction'>;

/** What copies batches as they are: PipelinedBatchProducer, or KafkaProducer for acks 1. */
export interface BatchCopyProducer {
  sendBatches(topic: string, partition: number, batches: readonly RawRecordBatch[], shouldStop: () => boolean, options: SendOptions): Promise<BatchSendResult>;
}

/** The same, in transactions. */
export type TransactionalBatchCopyProducer = Pick<KafkaProducer, 'sendBatch' | 'send' | 'beginTransaction' | 'commitTransaction' | 'abortTransaction' | 'inTransaction'>;

export interface CopyFailure {
  readonly kind: ProduceFailureKind;
  readonly error: KafkaError;
  /** The first record that was not written. */
  readonly record: ConsumedRecord;
}

export interface CopyOutcome {
  /** A prefix of the batch, written and acknowledged, with the downstream offset of each. */
  readonly written: ConsumedRecord[];
  readonly downstream: bigint[];
  readonly failure?: CopyFailure;
}

/** Encoded size of a record plus the per-record overhead of a batch, for chunking. */
const sizeOf = (r: ConsumedRecord) => r.sizeBytes + 16;

export function toProducerRecord(r: ConsumedRecord, partition: number): ProducerRecord {
  return {
    partition,
    key: r.key,
    value: r.value,
    headers: r.headers,
    // Records from very old message formats carry no timestamp (-1): the target stamps them.
    ...(r.timestamp >= 0n ? { timestamp: r.timestamp } : {}),
  };
}

function asKafkaError(err: unknown): KafkaError {
  return isKafkaError(err) ? err : new KafkaError('UNKNOWN', err instanceof Error ? err.message : String(err), { cause: err, retriable: true });
}

async function sendChunk(producer: CopyProducer, target: CopyTarget, chunk: readonly ConsumedRecord[]): Promise<bigint[]> {
  const result = await producer.send(
    target.remoteTopic,
    chunk.map((r) => toProducerRecord(r, target.partition)),
    { acks: target.acks },
  );
  const base = result.get(target.partition);
  if (base === undefined) throw new KafkaError('UNKNOWN', `produce to ${target.remoteTopic}-${target.partition}: no offset in the answer`, { retriable: true });
  return chunk.map((_, i) => base + BigInt(i));
}

const STOPPED = new KafkaError('CLOSED', 'the unit is stopping');

/** At-least-once: each request is awaited; whatever was acknowledged counts, even if a later one fails. */
export async function copyAtLeastOnce(producer: CopyProducer, target: CopyTarget, records: readonly ConsumedRecord[]): Promise<CopyOutcome> {
  const written: ConsumedRecord[] = [];
  const downstream: bigint[] = [];
  for (const chunk of chunkBySize(records, sizeOf, target.maxChunkBytes)) {
    if (target.shouldStop()) return { written, downstream };
    try {
      downstream.push(...(await sendChunk(producer, target, chunk)));
      written.push(...chunk);
    } catch (err) {
      const error = asKafkaError(err);
      const kind = classifyProduceFailure(error);
      if (kind !== 'rejected' || chunk.length === 1) return { written, downstream, failure: { kind, error, record: chunk[0] } };
      for (const record of chunk) {
        if (target.shouldStop()) return { written, downstream };
        try {
          downstream.push(...(await sendChunk(producer, target, [record])));
          written.push(record);
        } catch (single) {
          const e = asKafkaError(single);
          return { written, downstream, failure: { kind: classifyProduceFailure(e), error: e, record } };
        }
      }
      // Every record went through alone: the chunk as a whole was the problem (e.g. request size).
    }
  }
  return { written, downstream };
}

/**
 * Exactly-once: the records and the position record (built by `positionRecord` for the last
 * written upstream offset) are committed in one transaction, or none of it is visible.
 */
export async function copyExactlyOnce(
  producer: CopyProducer,
  target: CopyTarget,
  records: readonly ConsumedRecord[],
  positionRecord: (lastCopied: bigint) => { topic: string; record: ProducerRecord },
): Promise<CopyOutcome> {
  const commit = async (batch: readonly ConsumedRecord[]): Promise<bigint[]> => {
    await producer.beginTransaction();
    try {
      const downstream: bigint[] = [];
      for (const chunk of chunkBySize(batch, sizeOf, target.maxChunkBytes)) {
        if (target.shouldStop()) throw STOPPED;
        downstream.push(...(await sendChunk(producer, target, chunk)));
      }
      const position = positionRecord(batch[batch.length - 1].offset);
      await producer.send(position.topic, [position.record], { acks: 'all' });
      if (target.shouldStop()) throw STOPPED;
      await producer.commitTransaction();
      return downstream;
    } catch (err) {
      if (producer.inTransaction) await producer.abortTransaction().catch(() => undefined);
      throw err;
    }
  };

  try {
    return { written: [...records], downstream: await commit(records) };
  } catch (err) {
    if (err === STOPPED) return { written: [], downstream: [] };
    const error = asKafkaError(err);
    const kind = classifyProduceFailure(error);
    if (kind !== 'rejected' || records.length === 1) return { written: [], downstream: [], failure: { kind, error, record: records[0] } };
    // Find the first refused record in a throw-away transaction, then commit the records before it.
    let refused = records.length;
    let refusal: KafkaError = error;
    await producer.beginTransaction();
    for (let i = 0; i < records.length; i++) {
      try {
        await sendChunk(producer, target, [records[i]]);
      } catch (single) {
        refused = i;
        refusal = asKafkaError(single);
        break;
      }
    }
    if (producer.inTransaction) await producer.abortTransaction().catch(() => undefined);
    const failure = { kind: classifyProduceFailure(refusal), error: refusal, record: records[refused < records.length ? refused : 0] };
    if (refused === 0 || refused === records.length) return { written: [], downstream: [], failure };
    const prefix = records.slice(0, refused);
    try {
      return { written: prefix, downstream: await commit(prefix), failure };
    } catch (again) {
      const e = asKafkaError(again);
      return { written: [], downstream: [], failure: { kind: classifyProduceFailure(e), error: e, record: records[0] } };
    }
  }
}

export interface BatchCopyOutcome {
  /** Base offset on the target of each batch written, in order: a prefix of the batches. */
  readonly bases: bigint[];
  /** The batch after the written ones was refused as a whole (size, policy): copy its records instead. */
  readonly refused?: KafkaError;
  /** The batch after the written ones failed otherwise (transient, fenced, topic missing). */
  readonly failure?: CopyFailure;
}

/**
 * At-least-once, batches as they are: the producer sends them in order (pipelined and idempotent
 * with acks all, one after another otherwise), so a failure leaves a prefix written and the failed
 * batch's records not acknowledged. A refusal is not a failure here: the caller re-encodes.
 */
export async function copyBatchesAtLeastOnce(producer: BatchCopyProducer, target: CopyTarget, batches: readonly RawRecordBatch[]): Promise<BatchCopyOutcome> {
  const { bases, error } = await producer.sendBatches(target.remoteTopic, target.partition, batches, () => target.shouldStop(), { acks: target.acks });
  if (error === undefined) return { bases };
  const kind = classifyProduceFailure(error);
  if (kind === 'rejected') return { bases, refused: error };
  return { bases, failure: { kind, error, record: firstRecordOf(batches[bases.length]) } };
}

/** A stand-in for the batch's first record in failure reports, which name its offset. */
function firstRecordOf(batch: RawRecordBatch): ConsumedRecord {
  return { offset: batch.baseOffset, key: null, value: null, headers: [], timestamp: batch.firstTimestamp, sizeBytes: batch.bytes.length };
}

/**
 * Exactly-once, batches as they are: every batch and the position record after the last one in
 * one transaction, or none of it visible. A refusal aborts and is returned for the caller to copy
 * the records instead (finding the refused one there).
 */
export async function copyBatchesExactlyOnce(
  producer: TransactionalBatchCopyProducer,
  target: CopyTarget,
  batches: readonly RawRecordBatch[],
  positionRecord: (lastCopied: bigint) => { topic: string; record: ProducerRecord },
): Promise<BatchCopyOutcome> {
  const bases: bigint[] = [];
  try {
    await producer.beginTransaction();
    for (const batch of batches) {
      if (target.shouldStop()) throw STOPPED;
      bases.push(await producer.sendBatch(target.remoteTopic, target.partition, batch, { acks: 'all' }));
    }
    const position = positionRecord(batches[batches.length - 1].lastOffset);
    await producer.send(position.topic, [position.record], { acks: 'all' });
    if (target.shouldStop()) throw STOPPED;
    await producer.commitTransaction();
    return { bases };
  } catch (err) {
    if (producer.inTransaction) await producer.abortTransaction().catch(() => undefined);
    if (err === STOPPED) return { bases: [] };
    const error = asKafkaError(err);
    const kind = classifyProduceFailure(error);
    if (kind === 'rejected') return { bases: [], refused: error };
    return { bases: [], failure: { kind, error, record: firstRecordOf(batches[0]) } };
  }
}
