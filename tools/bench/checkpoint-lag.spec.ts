import { encodeCheckpoint } from '@mirrormaker/mm2-formats';
import { allAnswered, lagSamples, seenCheckpoint, summarizeLag, type GroupCommit, type SeenCheckpoint } from './checkpoint-lag';

const offsets = (...values: number[]) => new Map(values.map((v, p) => [p, BigInt(v)]));
const commit = (at: number, ...values: number[]): GroupCommit => ({ sentAt: at - 2, at, offsets: offsets(...values) });
const seen = (partition: number, upstream: number, arrivedAt: number): SeenCheckpoint => ({
  partition,
  upstreamOffset: BigInt(upstream),
  downstreamOffset: BigInt(upstream),
  arrivedAt,
});

describe('checkpoint lag', () => {
  it('times each committed position to the checkpoint with exactly its offset', () => {
    const samples = lagSamples(offsets(0, 0), [commit(1000, 50, 70), commit(3000, 90, 120)], [
      seen(0, 50, 1400),
      seen(1, 70, 1900),
      seen(0, 90, 3300),
      seen(1, 120, 3250),
    ]);
    expect(samples).toEqual([
      { commit: 0, partition: 0, offset: '50', lagMs: 400, exact: true },
      { commit: 0, partition: 1, offset: '70', lagMs: 900, exact: true },
      { commit: 1, partition: 0, offset: '90', lagMs: 300, exact: true },
      { commit: 1, partition: 1, offset: '120', lagMs: 250, exact: true },
    ]);
    expect(allAnswered(samples)).toBe(true);
  });

  it('answers a commit replaced before the mirror read it with the first later checkpoint', () => {
    // Three commits between two rounds of a slow mirror: only the last offset is checkpointed.
    const samples = lagSamples(offsets(10), [commit(1000, 20), commit(3000, 30), commit(5000, 40)], [seen(0, 10, 500), seen(0, 40, 61_000)]);
    expect(samples.map((s) => [s.lagMs, s.exact])).toEqual([
      [60_000, false],
      [58_000, false],
      [56_000, true],
    ]);
  });

  it('leaves out positions that did not move since the commit before', () => {
    const samples = lagSamples(offsets(5, 7), [commit(1000, 5, 9), commit(3000, 8, 9)], [seen(1, 9, 1100), seen(0, 8, 3100)]);
    expect(samples.map((s) => `${s.commit}/${s.partition}`)).toEqual(['0/1', '1/0']);
  });

  it('ignores checkpoints of other partitions, lower offsets and arrivals before the commit was sent', () => {
    const samples = lagSamples(offsets(0, 0), [commit(1000, 50, 60)], [seen(1, 50, 1100), seen(0, 49, 1200), seen(0, 50, 990), seen(0, 50, 1500)]);
    expect(samples[0]).toEqual({ commit: 0, partition: 0, offset: '50', lagMs: 500, exact: true });
    expect(samples[1]).toEqual({ commit: 0, partition: 1, offset: '60', exact: false });
    expect(allAnswered(samples)).toBe(false);
  });

  it('takes the earliest arrival even when checkpoints are listed out of order', () => {
    const [s] = lagSamples(offsets(0), [commit(1000, 50)], [seen(0, 55, 2000), seen(0, 50, 1200)]);
    expect(s).toMatchObject({ lagMs: 200, exact: true });
  });

  it('summarizes every answered sample and, apart, those answered with their exact offset', () => {
    const samples = [100, 200, 300, 400, 2500].map((lagMs, i) => ({ commit: i, partition: 0, offset: String(i), lagMs, exact: i !== 4 }));
    expect(summarizeLag([...samples, { commit: 5, partition: 0, offset: '5', exact: false }])).toEqual({
      samples: 6,
      checkpointed: 5,
      exact: 4,
      p50Ms: 300,
      p99Ms: 2500,
      maxMs: 2500,
      exactP50Ms: 200,
      exactP99Ms: 400,
      exactMaxMs: 400,
    });
    expect(summarizeLag([])).toEqual({ samples: 0, checkpointed: 0, exact: 0 });
  });

  it('decodes checkpoints of the bench group and remote topic only', () => {
    const { key, value } = encodeCheckpoint({ group: 'g', topic: 'A.t', partition: 3, upstreamOffset: 100n, downstreamOffset: 42n, metadata: '' });
    expect(seenCheckpoint(key, value, 7, 'g', 'A.t')).toEqual({ partition: 3, upstreamOffset: 100n, downstreamOffset: 42n, arrivedAt: 7 });
    expect(seenCheckpoint(key, value, 7, 'other', 'A.t')).toBeUndefined();
    expect(seenCheckpoint(key, value, 7, 'g', 'A.u')).toBeUndefined();
    expect(seenCheckpoint(key, null, 7, 'g', 'A.t')).toBeUndefined();
    expect(() => seenCheckpoint(key, Buffer.from('00', 'hex'), 7, 'g', 'A.t')).toThrow();
  });
});
