import { CheckpointAges } from './checkpoint-ages';

describe('CheckpointAges', () => {
  it('reports no group before any checkpoint, so none is mistaken for a fresh one', () => {
    expect(new CheckpointAges().ages(1_000)).toEqual([]);
  });

  it('ages each group from its newest checkpoint, whatever order they arrive in', () => {
    const ages = new CheckpointAges();
    ages.written('orders', 5_000);
    ages.written('billing', 9_000);
    ages.written('orders', 8_000);
    ages.written('orders', 6_000); // an older one read later (the loaded topic) does not rewind it
    expect(ages.ages(10_000)).toEqual([
      { group: 'billing', ageMs: 1_000n },
      { group: 'orders', ageMs: 2_000n },
    ]);
  });

  it('reports a checkpoint written this very moment as age 0, and never a negative age', () => {
    const ages = new CheckpointAges();
    ages.written('g', 10_000);
    expect(ages.ages(10_000)).toEqual([{ group: 'g', ageMs: 0n }]);
    ages.written('h', 12_000); // stamped by a clock ahead of ours
    expect(ages.ages(10_000)).toContainEqual({ group: 'h', ageMs: 0n });
  });

  it('ignores a record without a timestamp', () => {
    const ages = new CheckpointAges();
    ages.written('g', -1);
    expect(ages.ages(10_000)).toEqual([]);
  });
});
