import type { ConsumedBatch } from '@mirrormaker/kafka';
import { copyRounds } from './flow-consumer';

const batch = (count: number): ConsumedBatch => ({
  topic: 't',
  partition: 0,
  highWatermark: BigInt(count),
  records: Array.from({ length: count }, (_, i) => ({ offset: BigInt(i), key: null, value: null, headers: [], timestamp: 0n, sizeBytes: 10 })),
});

describe('copyRounds (max.poll.records)', () => {
  it('splits a fetched batch into rounds of at most max records, in offset order', () => {
    const rounds = copyRounds(batch(5), 2);
    expect(rounds.map((r) => r.records.map((record) => record.offset))).toEqual([[0n, 1n], [2n, 3n], [4n]]);
    expect(rounds.every((r) => r.topic === 't' && r.highWatermark === 5n)).toBe(true);
  });

  it('tells of a position reset with the first round only', () => {
    const rounds = copyRounds({ ...batch(5), positionReset: { from: 0n, to: 7n } }, 2);
    expect(rounds.map((r) => r.positionReset)).toEqual([{ from: 0n, to: 7n }, undefined, undefined]);
  });

  it('keeps the batch whole when max is 0 (unset) or not exceeded', () => {
    expect(copyRounds(batch(5), 0)).toHaveLength(1);
    expect(copyRounds(batch(5), 5)).toHaveLength(1);
  });
});
