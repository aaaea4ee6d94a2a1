import { electionTimings, mayAct, shouldTakeOver } from './election-rules';

const t = electionTimings(1000);

describe('election rules', () => {
  it('keeps a leader acting only while its last confirmation is fresh', () => {
    const view = { role: 'leader' as const, confirmedAt: 10_000, followingSince: 0 };
    expect(mayAct(view, 10_000 + t.leaderLeaseMs - 1, t)).toBe(true);
    expect(mayAct(view, 10_000 + t.leaderLeaseMs, t)).toBe(false);
    expect(mayAct({ ...view, role: 'follower' }, 10_001, t)).toBe(false);
  });

  it('lets a follower take over only after a silence longer than the leader acts on its last confirmation', () => {
    expect(t.leaderLeaseMs).toBeLessThan(t.takeoverAfterMs);
    const view = { role: 'follower' as const, lastLeaderSeenAt: 20_000, followingSince: 0 };
    expect(shouldTakeOver(view, 20_000 + t.takeoverAfterMs - 1, t)).toBe(false);
    expect(shouldTakeOver(view, 20_000 + t.takeoverAfterMs, t)).toBe(true);
  });

  it('gives a replica that just started or stepped down a full silence before it tries', () => {
    expect(shouldTakeOver({ role: 'follower', followingSince: 50_000 }, 50_000 + t.takeoverAfterMs - 1, t)).toBe(false);
    expect(shouldTakeOver({ role: 'follower', followingSince: 50_000 }, 50_000 + t.takeoverAfterMs, t)).toBe(true);
    expect(shouldTakeOver({ role: 'leader', confirmedAt: 0, followingSince: 0 }, 1e9, t)).toBe(false);
  });
});
