import { electionTimings, isOwnTakeoverRecord, mayAct, mayStartActing, rivalConfirmationSeenAt, shouldTakeOver } from './election-rules';

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

  it('lets a caught-up replica that never saw a leader take over at once, even right after its process started', () => {
    // performance.now() counts from the process start: 400 ms in, no leader record was ever read.
    expect(shouldTakeOver({ role: 'follower', followingSince: -Infinity }, 400, t)).toBe(true);
    // Still reading the topic (followingSince not set yet): it waits.
    expect(shouldTakeOver({ role: 'follower', followingSince: Infinity }, 400, t)).toBe(false);
  });

  it('leaves room for clock drift: a takeover silence outlasts a leader lease by half at least', () => {
    for (const lease of [
      { ttlMs: 10_000, renewIntervalMs: 3000 },
      { ttlMs: 2000, renewIntervalMs: 300 },
      { ttlMs: 60_000, renewIntervalMs: 1000 },
      { ttlMs: 3000, renewIntervalMs: 2900 },
    ]) {
      const timings = electionTimings(lease);
      expect(timings.takeoverAfterMs).toBeGreaterThanOrEqual(1.5 * timings.leaderLeaseMs);
    }
  });

  // Found by election.property.spec.ts: a follower whose consumer lagged took over from a live
  // leader and acted a heartbeat later, while that leader had not yet learnt it was fenced.
  it('makes a replica that took over from a leader it read lately wait until that leader cannot act any more', () => {
    // b read a's heartbeat at 10 000, then its consumer stalled; it took over at 10 050.
    const rival = rivalConfirmationSeenAt(-Infinity, { leaderId: 'a' }, 'b', 10_000);
    const progress = { tookOverAt: 10_050, ownRecordSeen: true, rivalConfirmationSeenAt: rival };
    // a sent that heartbeat no later than b read it, so a may still act at 11 000...
    expect(mayAct({ role: 'leader', confirmedAt: 10_000, followingSince: 0 }, 11_000, t)).toBe(true);
    // ...and b must not start with the heartbeat it committed then, only a takeover silence later.
    expect(mayStartActing(progress, 10_600, 11_000, t)).toBe(false);
    expect(mayStartActing(progress, 12_990, 10_000 + t.takeoverAfterMs - 1, t)).toBe(false);
    expect(mayStartActing(progress, 12_990, 10_000 + t.takeoverAfterMs, t)).toBe(true);
  });

  it('waits for no takeover record and for no leader that resigned, so an ordinary failover is not slower', () => {
    expect(rivalConfirmationSeenAt(5000, { leaderId: 'c', takeover: true }, 'b', 9000)).toBe(5000);
    expect(rivalConfirmationSeenAt(5000, { leaderId: 'a', resigned: true }, 'b', 9000)).toBe(-Infinity);
    expect(rivalConfirmationSeenAt(5000, { leaderId: 'b' }, 'b', 9000)).toBe(5000);
    // A dead leader's last record was read a takeover silence before the takeover.
    const afterDeadLeader = { tookOverAt: 20_000, ownRecordSeen: true, rivalConfirmationSeenAt: 20_000 - t.takeoverAfterMs };
    expect(mayStartActing(afterDeadLeader, 20_000 + t.heartbeatMs, 20_000 + t.heartbeatMs + 10, t)).toBe(true);
  });

  it('takes only its own record of the term it claimed for its takeover read back, not an older one still on its way', () => {
    // b led with term 3, stepped down, and now claims term 5; its term-3 record arrives late.
    expect(isOwnTakeoverRecord({ leaderId: 'b', term: 3 }, 'b', 5)).toBe(false);
    expect(isOwnTakeoverRecord({ leaderId: 'b', term: 5 }, 'b', 5)).toBe(true);
    expect(isOwnTakeoverRecord({ leaderId: 'a', term: 5 }, 'b', 5)).toBe(false);
  });

  it('starts acting only after reading its own takeover record back and one heartbeat after the takeover', () => {
    const progress = { tookOverAt: 30_000, ownRecordSeen: false, rivalConfirmationSeenAt: -Infinity };
    expect(mayStartActing(progress, 31_000, 31_010, t)).toBe(false);
    expect(mayStartActing({ ...progress, ownRecordSeen: true }, 30_000 + t.heartbeatMs - 1, 31_010, t)).toBe(false);
    expect(mayStartActing({ ...progress, ownRecordSeen: true }, 30_000 + t.heartbeatMs, 31_010, t)).toBe(true);
  });
});
