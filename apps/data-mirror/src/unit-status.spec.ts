import { UnitStatus } from './unit-status';

describe('UnitStatus', () => {
  it('reports a problem until it is cleared, keeping the first time of a cause', () => {
    const status = new UnitStatus();
    expect(status.stalledReason()).toBe('');
    expect(status.problem('REMOTE_TOPIC_MISSING', 'waiting for remote topic A.t', 1000)).toBe(true);
    expect(status.problem('REMOTE_TOPIC_MISSING', 'waiting for remote topic A.t (still)', 2000)).toBe(false);
    expect(status.problemNow).toEqual({ cause: 'REMOTE_TOPIC_MISSING', message: 'waiting for remote topic A.t (still)', since: 1000 });
    expect(status.stalledReason()).toBe('REMOTE_TOPIC_MISSING: waiting for remote topic A.t (still)');
    expect(status.problem('RECORD_REJECTED', 'too large', 3000)).toBe(true);
    expect(status.problemNow?.since).toBe(3000);
    expect(status.clear()?.cause).toBe('RECORD_REJECTED');
    expect(status.problemNow).toBeUndefined();
  });

  it('clears only the named cause', () => {
    const status = new UnitStatus();
    status.problem('FENCED', 'x', 1);
    status.clearCause('PRODUCE_FAILED');
    expect(status.problemNow?.cause).toBe('FENCED');
    status.clearCause('FENCED');
    expect(status.problemNow).toBeUndefined();
  });
});
