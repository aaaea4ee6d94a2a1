import { assign, quietPeriodEnd } from './assign';
import { drain } from './drain';
import { isLeaseError } from './errors';
import { createLeaseTable, registerInstance, removeUnits, setUnits, type LeaseTable } from './lease-table';
import { release } from './release';
import { renew } from './renew';
import { activeCounts, AFTER_QUIET, partitionUnits, tableWith, TIMINGS } from './testing/fixtures';
import { unitId } from './unit-id';

/** Releases every revoking lease, as cooperative holders do. */
function releaseAllRevoking(table: LeaseTable): LeaseTable {
  let next = table;
  for (const lease of table.leases.values()) {
    if (lease.state === 'revoking') next = release(next, lease.unitId, lease.holder, lease.epoch).nextState;
  }
  return next;
}

describe('assign', () => {
  it('grants nothing during the quiet period after start, then balances', () => {
    const table = tableWith(partitionUnits(10), ['a', 'b', 'c'], 0);
    expect(quietPeriodEnd(table, TIMINGS)).toBe(AFTER_QUIET);
    expect(assign(table, AFTER_QUIET - 1, TIMINGS).grants).toEqual([]);
    const renewed = ['a', 'b', 'c'].reduce((t, id) => renew(t, id, AFTER_QUIET - 1, TIMINGS.ttlMs).nextState, table);
    const result = assign(renewed, AFTER_QUIET, TIMINGS);
    expect(result.grants).toHaveLength(10);
    expect([...activeCounts(result.nextState).values()].sort()).toEqual([3, 3, 4]);
    expect(result.grants.every((g) => g.epoch === 1 && g.expiresAt === AFTER_QUIET + TIMINGS.ttlMs)).toBe(true);
  });

  it('spreads the partitions of a topic round-robin', () => {
    const result = assign(tableWith(partitionUnits(6), ['a', 'b', 'c']), AFTER_QUIET, TIMINGS);
    expect(result.grants.map((g) => g.holder)).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('balances each service kind separately', () => {
    let table = tableWith([...partitionUnits(4), 'heartbeat/A->B', 'groups/A->B/0', 'groups/A->B/1', 'topics/A->B', 'acls/A->B'], ['m1', 'm2']);
    table = registerInstance(table, { id: 'o1', serviceKind: 'offset-sync' }, AFTER_QUIET);
    table = registerInstance(table, { id: 't1', serviceKind: 'topic-config-sync' }, AFTER_QUIET);
    const { grants } = assign(table, AFTER_QUIET, TIMINGS);
    const byHolder = (holder: string): string[] => grants.filter((g) => g.holder === holder).map((g) => g.unitId);
    expect(byHolder('m1')).toHaveLength(3);
    expect(byHolder('m2')).toHaveLength(2);
    expect(byHolder('o1')).toEqual(['groups/A->B/0', 'groups/A->B/1']);
    expect(byHolder('t1')).toEqual(['topics/A->B']);
    expect(grants.some((g) => g.unitId === 'acls/A->B')).toBe(false); // no acl-sync instance
  });

  it('on a join, revokes only the surplus and hands it over after release', () => {
    let table = assign(tableWith(partitionUnits(12), ['a', 'b', 'c']), AFTER_QUIET, TIMINGS).nextState;
    const before = new Map([...table.leases].map(([id, lease]) => [id, lease.holder]));
    table = registerInstance(table, { id: 'd', serviceKind: 'data-mirror' }, AFTER_QUIET + 1);
    const join = assign(table, AFTER_QUIET + 1, TIMINGS);
    expect(join.revocations).toHaveLength(3);
    expect(join.revocations.every((r) => r.reason === 'rebalance')).toBe(true);
    expect(join.grants).toEqual([]); // nothing moves before the old holders let go
    const handover = assign(releaseAllRevoking(join.nextState), AFTER_QUIET + 2, TIMINGS);
    expect(handover.grants.map((g) => g.holder)).toEqual(['d', 'd', 'd']);
    expect(handover.grants.every((g) => g.epoch === 2)).toBe(true);
    const moved = [...handover.nextState.leases].filter(([id, lease]) => before.get(id) !== lease.holder);
    expect(moved).toHaveLength(3);
  });

  it('regrants a revoked unit that is not released only after expiry plus grace', () => {
    let table = assign(tableWith(partitionUnits(2), ['a']), AFTER_QUIET, TIMINGS).nextState;
    table = registerInstance(table, { id: 'b', serviceKind: 'data-mirror' }, AFTER_QUIET);
    const join = assign(table, AFTER_QUIET, TIMINGS);
    const [revoked] = join.revocations;
    const expiresAt = table.leases.get(revoked.unitId)!.expiresAt;
    // The holder keeps renewing but does not release: the revoking lease is not extended.
    let state = renew(join.nextState, 'a', expiresAt - 1, TIMINGS.ttlMs).nextState;
    state = renew(state, 'b', expiresAt - 1, TIMINGS.ttlMs).nextState;
    expect(state.leases.get(revoked.unitId)!.expiresAt).toBe(expiresAt);
    expect(assign(state, expiresAt + TIMINGS.graceMs - 1, TIMINGS).grants).toEqual([]);
    const late = assign(state, expiresAt + TIMINGS.graceMs, TIMINGS);
    expect(late.expirations.map((l) => l.unitId)).toEqual([revoked.unitId]);
    expect(late.grants).toEqual([{ unitId: revoked.unitId, holder: 'b', epoch: 2, expiresAt: expiresAt + TIMINGS.graceMs + TIMINGS.ttlMs }]);
  });

  it('drains an instance at once and hands over without waiting for the TTL', () => {
    let table = assign(tableWith(partitionUnits(4), ['a', 'b']), AFTER_QUIET, TIMINGS).nextState;
    table = drain(table, 'a');
    const drained = assign(table, AFTER_QUIET + 1, TIMINGS);
    expect(drained.revocations.map((r) => [r.holder, r.reason])).toEqual([
      ['a', 'draining'],
      ['a', 'draining'],
    ]);
    expect(drained.grants).toEqual([]);
    const handover = assign(releaseAllRevoking(drained.nextState), AFTER_QUIET + 2, TIMINGS);
    expect(handover.grants.map((g) => g.holder)).toEqual(['b', 'b']);
    expect(activeCounts(handover.nextState)).toEqual(new Map([['b', 4]]));
    expect(() => drain(table, 'nobody')).toThrow();
  });

  it('after a crash, removes the silent instance and regrants its units after expiry plus grace, moving nothing else', () => {
    const start = assign(tableWith(partitionUnits(9), ['a', 'b', 'c']), AFTER_QUIET, TIMINGS);
    let table = start.nextState;
    const expiry = AFTER_QUIET + TIMINGS.ttlMs;
    // a and b keep renewing, c is gone.
    for (let t = AFTER_QUIET + 3000; t < expiry + TIMINGS.graceMs + 3000; t += 3000) {
      table = renew(table, 'a', t, TIMINGS.ttlMs).nextState;
      table = renew(table, 'b', t, TIMINGS.ttlMs).nextState;
      const round = assign(table, t, TIMINGS);
      expect(round.revocations).toEqual([]);
      if (t < expiry + TIMINGS.graceMs) expect(round.grants).toEqual([]);
      table = round.nextState;
      if (round.grants.length > 0) expect(round.grants.map((g) => [g.holder === 'c', g.epoch])).toEqual(Array(3).fill([false, 2]));
    }
    expect(table.instances.has('c')).toBe(false);
    expect([...activeCounts(table).values()].sort()).toEqual([4, 5]);
  });

  it('revokes leases of units that disappeared, and keeps epochs increasing when they come back', () => {
    const units = partitionUnits(2);
    let table = assign(tableWith(units, ['a']), AFTER_QUIET, TIMINGS).nextState;
    table = removeUnits(table, [units[1]]);
    const removed = assign(table, AFTER_QUIET + 1, TIMINGS);
    expect(removed.revocations).toEqual([{ unitId: units[1], holder: 'a', epoch: 1, reason: 'unit-removed' }]);
    table = releaseAllRevoking(removed.nextState);
    table = setUnits(table, units);
    expect(assign(table, AFTER_QUIET + 2, TIMINGS).grants).toEqual([
      { unitId: units[1], holder: 'a', epoch: 2, expiresAt: AFTER_QUIET + 2 + TIMINGS.ttlMs },
    ]);
  });

  it('respects capacity, counting leases still being revoked', () => {
    let table = setUnits(createLeaseTable({ startedAt: 0 }), partitionUnits(10));
    table = registerInstance(table, { id: 'a', serviceKind: 'data-mirror', capacity: 3 }, AFTER_QUIET);
    table = registerInstance(table, { id: 'b', serviceKind: 'data-mirror', capacity: 2 }, AFTER_QUIET);
    const result = assign(table, AFTER_QUIET, TIMINGS);
    expect(activeCounts(result.nextState)).toEqual(new Map([['a', 3], ['b', 2]]));
    // Lowering a's capacity revokes one; nothing is granted to it meanwhile.
    const lowered = registerInstance(result.nextState, { id: 'a', serviceKind: 'data-mirror', capacity: 2 }, AFTER_QUIET + 1);
    const round = assign(lowered, AFTER_QUIET + 1, TIMINGS);
    expect(round.revocations.map((r) => r.holder)).toEqual(['a']);
    expect(round.grants).toEqual([]);
  });

  it('follows weights', () => {
    let table = setUnits(createLeaseTable({ startedAt: 0 }), partitionUnits(40));
    table = registerInstance(table, { id: 'big', serviceKind: 'data-mirror', weight: 3 }, AFTER_QUIET);
    table = registerInstance(table, { id: 'small', serviceKind: 'data-mirror' }, AFTER_QUIET);
    expect(activeCounts(assign(table, AFTER_QUIET, TIMINGS).nextState)).toEqual(new Map([['big', 30], ['small', 10]]));
  });

  it('drops instances that did not renew within a TTL', () => {
    const table = tableWith([], ['a'], 1000);
    expect(assign(table, 1000 + TIMINGS.ttlMs, TIMINGS).removedInstances).toEqual([]);
    const result = assign(table, 1001 + TIMINGS.ttlMs, TIMINGS);
    expect(result.removedInstances).toEqual(['a']);
    expect(result.nextState.instances.size).toBe(0);
  });

  it('does not mutate its input', () => {
    const table = tableWith(partitionUnits(3), ['a']);
    const leasesBefore = table.leases;
    assign(table, AFTER_QUIET, TIMINGS);
    expect(table.leases).toBe(leasesBefore);
    expect(table.leases.size).toBe(0);
  });

  it('rejects invalid timings', () => {
    const table = tableWith([], []);
    for (const timings of [{ ttlMs: 0, graceMs: 0 }, { ttlMs: 10, graceMs: -1 }]) {
      try {
        assign(table, 0, timings);
        throw new Error('expected an error');
      } catch (err) {
        expect(isLeaseError(err) && err.code).toBe('INVALID_OPTIONS');
      }
    }
  });

  it('uses epochs persisted by a previous coordinator', () => {
    const id = unitId({ kind: 'topics', flow: 'A->B' });
    let table = setUnits(createLeaseTable({ startedAt: 0, highestEpochs: new Map([[id, 41]]) }), [id]);
    table = registerInstance(table, { id: 't', serviceKind: 'topic-config-sync' }, AFTER_QUIET);
    expect(assign(table, AFTER_QUIET, TIMINGS).grants[0].epoch).toBe(42);
  });
});
