import { assign } from './assign';
import { createLeaseTable, registerInstance, setUnits } from './lease-table';
import { release } from './release';
import { renew } from './renew';
import { restoreLease, restoreLeases } from './restore-lease';
import { AFTER_QUIET, partitionUnits, TIMINGS } from './testing/fixtures';

describe('restoreLease (coordinator restart)', () => {
  const units = partitionUnits(3);
  const restartedAt = 500_000;
  const fresh = (): ReturnType<typeof createLeaseTable> => {
    let table = setUnits(createLeaseTable({ startedAt: restartedAt, highestEpochs: new Map([[units[0], 7]]) }), units);
    table = registerInstance(table, { id: 'a', serviceKind: 'data-mirror' }, restartedAt);
    return registerInstance(table, { id: 'b', serviceKind: 'data-mirror' }, restartedAt);
  };

  it('keeps a re-presented lease under its epoch and raises the highest epoch', () => {
    const result = restoreLease(fresh(), units[1], 'a', 12, restartedAt + 100, TIMINGS.ttlMs);
    expect(result.accepted).toBe(true);
    if (!result.accepted) return;
    expect(result.lease).toEqual({ unitId: units[1], holder: 'a', epoch: 12, expiresAt: restartedAt + 100 + TIMINGS.ttlMs, state: 'active' });
    expect(result.nextState.highestEpochs.get(units[1])).toBe(12);
  });

  it('accepts the persisted highest epoch itself but nothing older', () => {
    expect(restoreLease(fresh(), units[0], 'a', 7, restartedAt, TIMINGS.ttlMs).accepted).toBe(true);
    expect(restoreLease(fresh(), units[0], 'a', 6, restartedAt, TIMINGS.ttlMs)).toMatchObject({ accepted: false, reason: 'stale-epoch' });
  });

  it('keeps the first claimant against a second one with the same or a lower epoch', () => {
    const first = restoreLease(fresh(), units[1], 'a', 3, restartedAt, TIMINGS.ttlMs).nextState;
    expect(restoreLease(first, units[1], 'b', 3, restartedAt, TIMINGS.ttlMs)).toMatchObject({ accepted: false, reason: 'held-by-other' });
    expect(restoreLease(first, units[1], 'b', 2, restartedAt, TIMINGS.ttlMs)).toMatchObject({ accepted: false, reason: 'held-by-other' });
    expect(restoreLease(first, units[1], 'a', 3, restartedAt + 50, TIMINGS.ttlMs).accepted).toBe(true); // reconnect
    expect(restoreLease(first, units[1], 'a', 2, restartedAt + 50, TIMINGS.ttlMs)).toMatchObject({ accepted: false, reason: 'stale-epoch' });
  });

  it('gives a unit re-presented twice to the higher epoch while it only adopts, then to nobody but its holder', () => {
    // The previous leader granted epoch 4 to b after a's epoch 3 ran out and died before
    // persisting it; a kept working and re-presented first.
    const first = restoreLease(fresh(), units[1], 'a', 3, restartedAt, TIMINGS.ttlMs).nextState;
    const second = restoreLease(first, units[1], 'b', 4, restartedAt + 100, TIMINGS.ttlMs);
    expect(second).toMatchObject({ accepted: true, lease: { holder: 'b', epoch: 4 } });
    expect(renew(second.nextState, 'a', restartedAt + 200, TIMINGS.ttlMs, [{ unitId: units[1], epoch: 3 }]).lost).toEqual([{ unitId: units[1], epoch: 3, reason: 'not-held' }]);
    // After one TTL the table may have granted leases itself: a higher epoch no longer takes over.
    const late = restoreLease(first, units[1], 'b', 4, restartedAt + TIMINGS.ttlMs, TIMINGS.ttlMs);
    expect(late).toMatchObject({ accepted: false, reason: 'held-by-other' });
  });

  it('refuses unknown instances, bad ids and the wrong service kind', () => {
    expect(restoreLease(fresh(), units[1], 'nobody', 1, restartedAt, 1)).toMatchObject({ reason: 'unknown-instance' });
    expect(restoreLease(fresh(), 'bogus', 'a', 1, restartedAt, 1)).toMatchObject({ reason: 'invalid-unit' });
    expect(restoreLease(fresh(), 'groups/A->B/0', 'a', 1, restartedAt, 1)).toMatchObject({ reason: 'wrong-kind' });
  });

  it('refuses an epoch no grant could have had (zero, negative, past 2^53) and leaves the table as it was', () => {
    for (const epoch of [0, -3, 2 ** 63, Number.NaN, 1.5]) {
      const table = fresh();
      expect(restoreLease(table, units[1], 'a', epoch, restartedAt, TIMINGS.ttlMs)).toEqual({ accepted: false, reason: 'invalid-epoch', nextState: table });
    }
  });

  it('refuses an epoch that already ended in this coordinator', () => {
    let table = setUnits(createLeaseTable({ startedAt: 0 }), [units[0]]);
    table = registerInstance(table, { id: 'a', serviceKind: 'data-mirror' }, AFTER_QUIET);
    table = assign(table, AFTER_QUIET, TIMINGS).nextState;
    table = release(table, units[0], 'a', 1).nextState;
    expect(restoreLease(table, units[0], 'a', 1, AFTER_QUIET, TIMINGS.ttlMs)).toMatchObject({ accepted: false, reason: 'stale-epoch' });
  });

  it('lets restored leases survive the quiet period while unclaimed units wait for it', () => {
    let table = restoreLease(fresh(), units[1], 'a', 3, restartedAt + 10, TIMINGS.ttlMs).nextState;
    const during = assign(table, restartedAt + 3000, TIMINGS);
    expect(during.grants).toEqual([]);
    expect(during.revocations).toEqual([]);
    table = during.nextState;
    const end = restartedAt + TIMINGS.ttlMs + TIMINGS.graceMs;
    table = renew(table, 'a', restartedAt + 6000, TIMINGS.ttlMs).nextState;
    table = renew(table, 'b', restartedAt + 6000, TIMINGS.ttlMs).nextState;
    const after = assign(table, end, TIMINGS);
    expect(after.grants.map((g) => [g.unitId, g.epoch])).toEqual([
      [units[0], 8],
      [units[2], 1],
    ]);
    expect(after.nextState.leases.get(units[1])!.holder).toBe('a');
  });

  it('does not regrant a unit nobody re-presented before the last possible old lease ran out, grace included', () => {
    // The previous coordinator renewed a lease just before it stopped; its holder is cut off and
    // may run behind by up to the grace period.
    let table = fresh();
    table = renew(table, 'b', restartedAt, TIMINGS.ttlMs).nextState;
    const holderMayStillWorkUntil = restartedAt + TIMINGS.ttlMs + TIMINGS.graceMs;
    for (let t = restartedAt; t < holderMayStillWorkUntil; t += 1000) {
      table = renew(table, 'b', t, TIMINGS.ttlMs).nextState;
      expect(assign(table, t, TIMINGS).grants).toEqual([]);
    }
    table = renew(table, 'b', holderMayStillWorkUntil, TIMINGS.ttlMs).nextState;
    expect(assign(table, holderMayStillWorkUntil, TIMINGS).grants).toHaveLength(3);
  });
});

describe('restoreLeases (every lease of a new session at once)', () => {
  const units = partitionUnits(4);
  const at = 500_000;
  const table = () => {
    let t = setUnits(createLeaseTable({ startedAt: at, highestEpochs: new Map([[units[0], 7]]) }), units);
    t = registerInstance(t, { id: 'a', serviceKind: 'data-mirror' }, at);
    return registerInstance(t, { id: 'b', serviceKind: 'data-mirror' }, at);
  };

  it('decides each lease as restoreLease would, one after another, in one new table', () => {
    const presented = [
      { unitId: units[0], epoch: 6 }, // older than the persisted highest epoch
      { unitId: units[1], epoch: 3 },
      { unitId: units[1], epoch: 2 }, // the same unit again, under an older epoch
      { unitId: units[2], epoch: 5 },
      { unitId: 'not-a-unit', epoch: 1 },
    ];
    const { nextState, results } = restoreLeases(table(), 'a', presented, at + 10, TIMINGS.ttlMs);

    let oneByOne = table();
    const expected = presented.map(({ unitId, epoch }) => {
      const r = restoreLease(oneByOne, unitId, 'a', epoch, at + 10, TIMINGS.ttlMs);
      oneByOne = r.nextState;
      return r.accepted ? { unitId, accepted: true, lease: r.lease } : { unitId, accepted: false, reason: r.reason };
    });
    expect(results).toEqual(expected);
    expect(results.map((r) => r.accepted)).toEqual([false, true, false, true, false]);
    expect(nextState.leases).toEqual(oneByOne.leases);
    expect(nextState.highestEpochs).toEqual(oneByOne.highestEpochs);
  });

  it('leaves the table as it was when it accepts nothing', () => {
    const before = table();
    expect(restoreLeases(before, 'nobody', [{ unitId: units[1], epoch: 1 }], at, TIMINGS.ttlMs)).toEqual({
      nextState: before,
      results: [{ unitId: units[1], accepted: false, reason: 'unknown-instance' }],
    });
  });
});
