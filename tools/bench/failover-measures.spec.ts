import { longestGap, SequenceTally } from './failover-measures';

describe('SequenceTally', () => {
  it('counts numbers never seen as lost and extra copies as duplicates', () => {
    const t = new SequenceTally(5);
    for (const v of ['0', '1', '1', '3', '4', '4', '4', 'x']) t.add(Buffer.from(v));
    t.add(null);
    expect(t.summary()).toEqual({ lost: 1, duplicates: 3, firstLost: 2 });
    expect(t.unexpected).toBe(2);
    expect(t.received).toBe(9);
  });

  it('does not count numbers past what was produced as lost', () => {
    const t = new SequenceTally(4);
    t.add(Buffer.from('0'));
    t.add(Buffer.from('1'));
    expect(t.summary(2)).toEqual({ lost: 0, duplicates: 0 });
  });
});

describe('longestGap', () => {
  it('finds the longest pause of any partition that overlaps the window', () => {
    const arrivals = [
      [0, 100, 200, 300, 400],
      [0, 150, 900, 1000],
    ];
    expect(longestGap(arrivals, 100, 500)).toEqual({ ms: 750, partition: 1, at: 150 });
    // A gap that ends before the window does not count.
    expect(longestGap(arrivals, 950, 1000)).toEqual({ ms: 600, partition: 0, at: 400 });
  });

  it('counts the silence up to the end of the window when nothing came after', () => {
    expect(longestGap([[0, 100]], 50, 2000)).toEqual({ ms: 1900, partition: 0, at: 100 });
    expect(longestGap([[]], 50, 2000)).toEqual({ ms: 1950, partition: 0, at: 50 });
  });
});
