import { SampleRing } from './sample-ring';

describe('SampleRing', () => {
  const ring = () => new SampleRing({ sampleMs: 10, samples: 2 }, () => ({ start: 0, n: 0 }), (s) => (s.n = 0));

  it('keeps values of one sample length together, then reuses the oldest slot, reset', () => {
    const r = ring();
    r.sampleAt(0).n += 1;
    r.sampleAt(9).n += 1;
    r.sampleAt(10).n += 5;
    expect(r.live(15).map((s) => [s.start, s.n]).sort()).toEqual([
      [0, 2],
      [10, 5],
    ]);
    r.sampleAt(25).n += 7;
    expect(r.live(25).map((s) => [s.start, s.n]).sort()).toEqual([
      [10, 5],
      [25, 7],
    ]);
  });

  it('lets samples expire samples × sampleMs after they started', () => {
    const r = ring();
    r.sampleAt(0).n += 1;
    expect(r.live(19)).toHaveLength(1);
    expect(r.live(20)).toHaveLength(0);
  });

  it('refuses a window that cannot hold a value', () => {
    expect(() => new SampleRing({ sampleMs: 0, samples: 2 }, () => ({ start: 0 }), () => undefined)).toThrow('sample window');
    expect(() => new SampleRing({ sampleMs: 10, samples: 1.5 }, () => ({ start: 0 }), () => undefined)).toThrow('sample window');
  });
});
