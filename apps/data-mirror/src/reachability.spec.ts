import { Reachability } from './reachability';

describe('Reachability', () => {
  it('turns unhealthy only after a cluster failed for longer than the limit', () => {
    const r = new Reachability(60_000);
    expect(r.report(0).healthy).toBe(true);
    r.failure('B', 'ECONNREFUSED', 1000);
    r.failure('B', 'ECONNREFUSED again', 30_000);
    expect(r.report(60_000)).toEqual({ healthy: true, unreachable: { B: { forMs: 59_000, lastError: 'ECONNREFUSED again' } } });
    expect(r.report(61_001).healthy).toBe(false);
    r.success('B');
    expect(r.report(61_001)).toEqual({ healthy: true, unreachable: {} });
  });

  it('starts counting again after a success', () => {
    const r = new Reachability(10);
    r.failure('A', 'x', 0);
    r.success('A');
    r.failure('A', 'x', 100);
    expect(r.report(105).healthy).toBe(true);
    r.forget('A');
    expect(r.report(1000).healthy).toBe(true);
  });
});
