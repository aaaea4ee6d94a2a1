import { electionTimings, mayAct, shouldTakeOver } from './election-rules';

const t = electionTimings({ ttlMs: 10_000, renewIntervalMs: 3000 });

describe('election rules', () => {
  it('keeps a leader acting only while its last confirmation is fresh', () => {
    const view = { role: 'leader' as const, confirmedAt: 10_000, followingSince: 0 };
    expect(mayAct(view, 10_000 + t.leaderLeaseMs - 1, t)).toBe(true);
    expect(mayAct(view, 10_000 + t.leaderLeaseMs, t)).toBe(false);
    expect(mayAct({ ...view, role: 'follower' }, 10_001, t)).toBe(false);
  });

  it('lets a follower take over only after a silence longer than the leader acts on its last confirmation', () => {
    expect(t.takeoverAfterMs).toBeGreaterThan(t.leaderLeaseMs);
    const view = { role: 'follower' as const, lastLeaderSeenAt: 20_000, followingSince: 0 };
    expect(shouldTakeOver(view, 20_000 + t.takeoverAfterMs - 1, t)).toBe(false);
    expect(shouldTakeOver(view, 20_000 + t.takeoverAfterMs, t)).toBe(true);
  });

  it('derives its timings from the lease settings, replacing a dead leader before held leases run out', () => {
    expect(t).toEqual({ heartbeatMs: 500, leaderLeaseMs: 2000, takeoverAfterMs: 3000 });
    // A lease answered one renew interval before the leader died still has time left after the takeover.
    expect(10_000 - 1000 - 3000 - t.takeoverAfterMs).toBeGreaterThanOrEqual(3000);
    const fast = electionTimings({ ttlMs: 4000, renewIntervalMs: 500 });
    expect(fast.heartbeatMs).toBe(250);
    expect(fast.takeoverAfterMs).toBeGreaterThan(fast.leaderLeaseMs);
    expect(fast).toEqual({ heartbeatMs: 250, leaderLeaseMs: 1000, takeoverAfterMs: 1500 });
  });

  it('gives a replica that just started or stepped down a full silence before it tries', () => {
    expect(shouldTakeOver({ role: 'follower', followingSince: 50_000 }, 50_000 + t.takeoverAfterMs - 1, t)).toBe(false);
    expect(shouldTakeOver({ role: 'follower', followingSince: 50_000 }, 50_000 + t.takeoverAfterMs, t)).toBe(true);
    expect(shouldTakeOver({ role: 'leader', confirmedAt: 0, followingSince: 0 }, 1e9, t)).toBe(false);
  });
});
