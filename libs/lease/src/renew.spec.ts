import { assign } from './assign';
import { renew } from './renew';
import { AFTER_QUIET, partitionUnits, tableWith, TIMINGS } from './testing/fixtures';

describe('renew', () => {
  const units = partitionUnits(2);
  const granted = assign(tableWith(units, ['a', 'b']), AFTER_QUIET, TIMINGS).nextState;
  const [ua, ub] = units; // a holds ua, b holds ub (round-robin)

  it('extends every active lease of the instance, presented or not, and marks it alive', () => {
    const now = AFTER_QUIET + 3000;
    const result = renew(granted, 'a', now, TIMINGS.ttlMs);
    expect(result.known).toBe(true);
    expect(result.renewed).toEqual([{ unitId: ua, holder: 'a', epoch: 1, expiresAt: now + TIMINGS.ttlMs, state: 'active' }]);
    expect(result.nextState.leases.get(ub)!.expiresAt).toBe(AFTER_QUIET + TIMINGS.ttlMs);
    expect(result.nextState.instances.get('a')!.lastRenewalAt).toBe(now);
  });

  it('never shortens a lease', () => {
    const result = renew(granted, 'a', AFTER_QUIET + 1, 10);
    expect(result.renewed[0].expiresAt).toBe(AFTER_QUIET + TIMINGS.ttlMs);
  });

  it('reports presented leases the instance does not hold under that epoch', () => {
    const result = renew(granted, 'a', AFTER_QUIET + 1, TIMINGS.ttlMs, [
      { unitId: ua, epoch: 1 },
      { unitId: ua, epoch: 0 },
      { unitId: ub, epoch: 1 },
      { unitId: 'acls/A->B', epoch: 3 },
    ]);
    expect(result.lost).toEqual([
      { unitId: ua, epoch: 0, reason: 'epoch-mismatch' },
      { unitId: ub, epoch: 1, reason: 'not-held' },
      { unitId: 'acls/A->B', epoch: 3, reason: 'not-held' },
    ]);
  });

  it('does not revive an expired lease', () => {
    const late = AFTER_QUIET + TIMINGS.ttlMs;
    const result = renew(granted, 'a', late, TIMINGS.ttlMs, [{ unitId: ua, epoch: 1 }]);
    expect(result.renewed).toEqual([]);
    expect(result.lost).toEqual([{ unitId: ua, epoch: 1, reason: 'expired' }]);
  });

  it('repeats revocations and does not extend revoking leases', () => {
    const revoked = { ...granted, leases: new Map(granted.leases).set(ua, { ...granted.leases.get(ua)!, state: 'revoking' as const }) };
    const result = renew(revoked, 'a', AFTER_QUIET + 1, TIMINGS.ttlMs);
    expect(result.renewed).toEqual([]);
    expect(result.revoking.map((l) => [l.unitId, l.expiresAt])).toEqual([[ua, AFTER_QUIET + TIMINGS.ttlMs]]);
  });

  it('tells an unknown instance to start over', () => {
    const result = renew(granted, 'zombie', AFTER_QUIET, TIMINGS.ttlMs, [{ unitId: ua, epoch: 1 }]);
    expect(result.known).toBe(false);
    expect(result.lost).toEqual([{ unitId: ua, epoch: 1, reason: 'not-held' }]);
    expect(result.nextState).toBe(granted);
  });
});
