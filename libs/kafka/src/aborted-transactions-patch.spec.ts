import { assertAbortedTransactionFilter, withoutAbortedRecords, type FetchedRecord } from './aborted-transactions-patch';

const ABORT = Buffer.from([0, 0, 0, 0]);
const COMMIT = Buffer.from([0, 0, 0, 1]);

const record = (offset: number, producerId: string, inTransaction = true, key: Buffer | null = null): FetchedRecord => ({
  offset: String(offset),
  key,
  isControlRecord: false,
  batchContext: { producerId, inTransaction },
});
const marker = (offset: number, producerId: string, key: Buffer): FetchedRecord => ({
  offset: String(offset),
  key,
  isControlRecord: true,
  batchContext: { producerId, inTransaction: true },
});
const offsetsOf = (records: FetchedRecord[]) => records.filter((r) => !r.isControlRecord).map((r) => Number(r.offset));

describe('withoutAbortedRecords', () => {
  it('hides the records of every aborted transaction a fetch starts inside, whatever the order of the list', () => {
    // A: 0 and 2 aborted (marker 4); B: 1 and 3 aborted (marker 5); C: 6 committed (marker 7).
    const messages = [record(1, 'B'), record(2, 'A'), record(3, 'B'), marker(4, 'A', ABORT), marker(5, 'B', ABORT), record(6, 'C'), marker(7, 'C', COMMIT)];
    for (const abortedTransactions of [
      [{ producerId: 'A', firstOffset: '0' }, { producerId: 'B', firstOffset: '1' }],
      [{ producerId: 'B', firstOffset: '1' }, { producerId: 'A', firstOffset: '0' }],
    ]) {
      expect(offsetsOf(withoutAbortedRecords({ messages, abortedTransactions }))).toEqual([6]);
    }
  });

  it('keeps the records a producer commits after its abort marker, and records outside transactions', () => {
    const messages = [record(0, 'A'), marker(1, 'A', ABORT), record(2, 'A'), marker(3, 'A', COMMIT), record(4, 'P', false)];
    expect(offsetsOf(withoutAbortedRecords({ messages, abortedTransactions: [{ producerId: 'A', firstOffset: '0' }] }))).toEqual([2, 4]);
  });

  it('ends an aborted transaction only at a control record, not at a record whose key looks like an abort marker', () => {
    const messages = [record(0, 'A', true, ABORT), record(1, 'A'), marker(2, 'A', ABORT)];
    expect(offsetsOf(withoutAbortedRecords({ messages, abortedTransactions: [{ producerId: 'A', firstOffset: '0' }] }))).toEqual([]);
  });

  it('returns the records as they are when nothing was aborted', () => {
    const messages = [record(0, 'A'), marker(1, 'A', COMMIT)];
    expect(withoutAbortedRecords({ messages, abortedTransactions: [] })).toBe(messages);
  });

  it('is the filter kafkajs uses once this lib is loaded', () => {
    expect(() => assertAbortedTransactionFilter()).not.toThrow();
  });
});
