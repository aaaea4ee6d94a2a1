import { CopiedRecords, RatePacer, SettleWatch, classifyPartition, identityValue, parseIdentity, stopMoments, sumOutcomes, summarizeFidelity } from './fidelity-measures';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('record identity', () => {
  it('writes partition and offset into a value of the given size and reads them back', () => {
    const value = identityValue(3, 12345, 100);
    expect(value.length).toBe(100);
    expect(value.toString('latin1')).toMatch(/^3:12345\.+$/);
    expect(parseIdentity(value)).toEqual({ partition: 3, offset: 12345 });
    expect(parseIdentity(identityValue(0, 7, 3))).toEqual({ partition: 0, offset: 7 });
  });

  it('knows no identity in other values', () => {
    for (const v of [null, Buffer.from('12'), Buffer.from('x:1'), Buffer.from('1:2x'), Buffer.alloc(0)]) expect(parseIdentity(v)).toBeUndefined();
  });
});

describe('CopiedRecords', () => {
  it('keeps the source offset found at each target offset, and the highest copied', () => {
    const c = new CopiedRecords(2);
    c.add(0, 0, identityValue(0, 0, 10));
    c.add(0, 1, identityValue(0, 1, 10));
    c.add(0, 2, identityValue(0, 1, 10)); // the mirror wrote record 1 twice
    c.add(0, 3, identityValue(0, 2, 10));
    expect(c.highest(0)).toBe(2);
    expect(c.highest(1)).toBe(-1);
    expect(c.sourceOffsetsBelow(0, 3)).toEqual([0, 1, 1]);
    expect(c.sourceOffsetsBelow(0, 100)).toEqual([0, 1, 1, 2]);
    expect(c.sourceOffsetsBelow(0, 0)).toEqual([]);
  });

  it('counts records of another partition, without an identity or of an unknown partition as foreign', () => {
    const c = new CopiedRecords(2);
    c.add(1, 0, identityValue(0, 0, 10));
    c.add(1, 1, Buffer.from('hello'));
    c.add(5, 0, identityValue(5, 0, 10));
    expect(c.foreign).toBe(3);
    expect(c.sourceOffsetsBelow(1, 10)).toEqual([]);
  });

  it('finds the records below a target offset when offsets have gaps', () => {
    const c = new CopiedRecords(1);
    for (const [target, source] of [
      [0, 0],
      [1, 1],
      [5, 2],
      [6, 3],
    ]) {
      c.add(0, target as number, identityValue(0, source as number, 10));
    }
    expect(c.sourceOffsetsBelow(0, 5)).toEqual([0, 1]);
    expect(c.sourceOffsetsBelow(0, 6)).toEqual([0, 1, 2]);
  });
});

describe('classifyPartition', () => {
  it('counts nothing when the consumer on the target starts exactly at the committed position', () => {
    expect(classifyPartition(0, 100, range(100, 150), range(0, 150))).toEqual({ partition: 0, committed: 100, delivered: 50, rereads: 0, missed: 0 });
  });

  it('counts records below the committed offset as re-reads (MM2 translating to an earlier offset sync)', () => {
    expect(classifyPartition(2, 100, range(40, 150), range(0, 150))).toEqual({ partition: 2, committed: 100, delivered: 110, rereads: 60, missed: 0 });
  });

  it('counts copied records at or past the committed offset that never came as misses', () => {
    expect(classifyPartition(1, 100, range(104, 150), range(0, 150))).toEqual({ partition: 1, committed: 100, delivered: 46, rereads: 0, missed: 4, firstMissed: 100 });
  });

  it('counts a record the mirror wrote twice once as a miss and each delivery below the position as a re-read', () => {
    // Target order: 0..99, then 98, 99 again (a retried write), then 100..109; the consumer starts at the second copy of 99.
    const copied = [...range(0, 100), 98, 99, ...range(100, 110)];
    expect(classifyPartition(0, 100, [99, ...range(100, 110)], copied)).toMatchObject({ rereads: 1, missed: 0 });
    expect(classifyPartition(0, 100, range(102, 110), [...copied, 100])).toMatchObject({ rereads: 0, missed: 2, firstMissed: 100 });
  });

  it('counts every copied record at or past the position as missed when the consumer got nothing', () => {
    expect(classifyPartition(0, 10, [], range(0, 20))).toMatchObject({ delivered: 0, rereads: 0, missed: 10, firstMissed: 10 });
  });

  it('adds up a failover', () => {
    expect(sumOutcomes([classifyPartition(0, 10, range(5, 20), range(0, 20)), classifyPartition(1, 10, range(12, 20), range(0, 20))])).toEqual({ delivered: 23, rereads: 5, missed: 2 });
  });
});

describe('summarizeFidelity', () => {
  it('gives p50, max and total of the re-reads, the misses, and the failovers with neither', () => {
    const s = summarizeFidelity([
      { rereads: 0, missed: 0, settledAfterMs: 1000 },
      { rereads: 300, missed: 0, settledAfterMs: 3000 },
      { rereads: 120, missed: 2, settledAfterMs: 2000 },
      { note: 'not measured' } as { rereads?: number; missed?: number },
    ]);
    expect(s).toEqual({ measured: 3, rereadsP50: 120, rereadsMax: 300, rereadsTotal: 420, missedTotal: 2, missedMax: 2, exact: 1, settledP50Ms: 2000, settledMaxMs: 3000 });
  });

  it('says nothing measured when no failover was', () => {
    expect(summarizeFidelity([])).toEqual({ measured: 0, rereadsTotal: 0, missedTotal: 0, exact: 0 });
  });
});

describe('RatePacer', () => {
  it('spaces records at the rate and does not save up idle time', () => {
    const p = new RatePacer(1000, 0);
    expect(p.take(10, 0)).toBe(10);
    expect(p.take(10, 0)).toBe(20);
    expect(p.take(10, 15)).toBe(15);
    // Idle for a while: the next records wait their own time only.
    expect(p.take(5, 1000)).toBe(5);
  });
});

describe('SettleWatch', () => {
  const offsets = (...o: number[]) => new Map(o.map((v, p) => [p, BigInt(v)]));

  it('settles once every partition has an offset and none changed for the settle time', () => {
    const w = new SettleWatch(2, 3000);
    w.see(offsets(5), 0);
    expect(w.settled(5000)).toBe(false); // one partition without an offset
    w.see(offsets(5, 7), 1000);
    expect(w.settled(3999)).toBe(false);
    w.see(offsets(5, 7), 3000);
    expect(w.settled(4000)).toBe(true);
    w.see(offsets(6, 7), 4500);
    expect(w.settled(5000)).toBe(false);
    expect(w.changedAt).toBe(4500);
  });
});

describe('stopMoments', () => {
  it('draws each stop uniformly between the bounds', () => {
    const values = [0, 0.5, 0.9999];
    expect(stopMoments(3, 4, 10, () => values.shift() ?? 0)).toEqual([4000, 7000, 9999]);
    for (const m of stopMoments(50, 2, 4)) {
      expect(m).toBeGreaterThanOrEqual(2000);
      expect(m).toBeLessThanOrEqual(4000);
    }
  });
});
