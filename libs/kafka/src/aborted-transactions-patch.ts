/**
 * read_committed through kafkajs 2.2.4 without records of aborted transactions.
 *
 * A fetch answer lists the aborted transactions that overlap the fetched range (producer id and
 * first offset); a consumer hides a transactional record when its producer has an aborted
 * transaction that began at or before it and whose abort marker has not been passed yet. kafkajs's
 * `consumer/filterAbortedMessages.js` starts at most one listed transaction per record, and in the
 * order of the list (the order of the abort markers), not of the first offsets. A fetch that begins
 * inside several aborted transactions therefore hides the records of the first one only, and hands
 * the others' records out as if they had been committed:
 *
 *   offset  0: record of producer A (transaction later aborted)
 *   offset  1: record of producer B (transaction later aborted)
 *   offset  2: abort marker of A
 *   offset  3: abort marker of B
 *
 *   a fetch from offset 1 lists A (from 0) and B (from 1); kafkajs starts A at offset 1 and B only
 *   at offset 2, so B's aborted record at 1 is delivered.
 *
 * This is what a reader sees when it follows a partition while the transactions left open by a
 * killed holder are aborted one after the other (each by the fence of its successor), and its
 * position waits at the start of the one still open: the next fetch starts inside both. The data
 * mirror's positions reader was hit this way: it took an aborted position record as stored, and the
 * partition resumed after records that were never committed.
 *
 * The replacement below does what Java's consumer does: it starts every listed transaction whose
 * first offset is at or before the record (sorted by first offset), and ends a producer's aborted
 * transaction at its abort marker (a control record, not any record whose key happens to look
 * like one). Same input and output shape as kafkajs's (control records are kept; Batch drops them).
 *
 * kafkajs captures the function when `consumer/batch.js` loads, which happens as soon as anything
 * requires 'kafkajs' itself, so this module must run first: index.ts and every module of this lib
 * that loads kafkajs import it before kafkajs. `assertAbortedTransactionFilter` (called by every PartitionConsumer)
 * checks the Batch kafkajs uses and refuses (INCOMPATIBLE_CLIENT) when the replacement is not in
 * effect, rather than letting aborted records through.
 */
// The other replacement that must precede kafkajs's first load; every entry point imports this module first.
import './request-framing-patch';
import { KafkaError } from './errors';
import { replaceModuleExports } from './module-replacement';

const FILTER_MODULE = 'kafkajs/src/consumer/filterAbortedMessages';
const BATCH_MODULE = 'kafkajs/src/consumer/batch';

export interface AbortedTransaction {
  producerId: string;
  firstOffset: string;
}

/** The parts of a record kafkajs decoded that the filter reads. */
export interface FetchedRecord {
  offset: string;
  key: Buffer | null;
  isControlRecord?: boolean;
  batchContext: { producerId: string; inTransaction: boolean };
}

/** Control record key: version (int16), type (int16); type 0 is ABORT, 1 is COMMIT. */
function isAbortMarker(record: FetchedRecord): boolean {
  return record.isControlRecord === true && record.key !== null && record.key.length >= 4 && record.key.readInt16BE(2) === 0;
}

/** The records of `messages` (one fetched partition, in offset order) that are not part of an aborted transaction. */
export function withoutAbortedRecords<R extends FetchedRecord>({ messages, abortedTransactions }: { messages: R[]; abortedTransactions?: readonly AbortedTransaction[] }): R[] {
  if (!abortedTransactions || abortedTransactions.length === 0) return messages;
  const pending = abortedTransactions
    .map((t) => ({ producerId: String(t.producerId), firstOffset: BigInt(t.firstOffset) }))
    .sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  const aborting = new Set<string>();
  let next = 0;
  return messages.filter((record) => {
    const offset = BigInt(record.offset);
    while (next < pending.length && pending[next].firstOffset <= offset) aborting.add(pending[next++].producerId);
    const producerId = String(record.batchContext.producerId);
    if (record.isControlRecord) {
      if (isAbortMarker(record)) aborting.delete(producerId);
      return true;
    }
    return !(record.batchContext.inTransaction && aborting.has(producerId));
  });
}

/** True when kafkajs's Batch will use the replacement. */
export function installAbortedTransactionFilter(): boolean {
  return replaceModuleExports(FILTER_MODULE, withoutAbortedRecords, BATCH_MODULE);
}

let verified = false;

/**
 * Throws INCOMPATIBLE_CLIENT unless the Batch kafkajs builds from fetch answers hides the records of
 * every aborted transaction (the case kafkajs's own filter gets wrong, checked on the class in use).
 */
export function assertAbortedTransactionFilter(): void {
  if (verified) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the class kafkajs's consumer uses
  const Batch = require(BATCH_MODULE) as new (topic: string, fetchedOffset: string, partitionData: unknown) => { messages: unknown[] };
  const insideTwoAborted = new Batch('probe', '1', {
    partition: 0,
    highWatermark: '4',
    abortedTransactions: [
      { producerId: '1', firstOffset: '0' },
      { producerId: '2', firstOffset: '1' },
    ],
    messages: [{ offset: '1', key: null, value: null, isControlRecord: false, batchContext: { producerId: '2', inTransaction: true } }],
  });
  if (insideTwoAborted.messages.length !== 0) {
    throw new KafkaError(
      'INCOMPATIBLE_CLIENT',
      "kafkajs's read_committed filter is in use, which lets records of aborted transactions through: kafkajs was loaded before @mirrormaker/kafka. Import @mirrormaker/kafka (or its aborted-transactions-patch module) before anything that loads kafkajs.",
    );
  }
  verified = true;
}

installAbortedTransactionFilter();
