import { assign } from './assign';
import { release } from './release';
import { AFTER_QUIET, partitionUnits, tableWith, TIMINGS } from './testing/fixtures';

describe('release', () => {
  const [unit] = partitionUnits(1);
  const granted = assign(tableWith([unit], ['a']), AFTER_QUIET, TIMINGS).nextState;

  it('ends the lease of the matching holder and epoch', () => {
    const result = release(granted, unit, 'a', 1);
    expect(result.released).toBe(true);
    expect(result.nextState.leases.has(unit)).toBe(false);
    expect(result.nextState.endedEpochs.get(unit)).toBe(1);
  });

  it('ignores a stale or foreign release', () => {
    expect(release(granted, unit, 'a', 2)).toEqual({ released: false, nextState: granted });
    expect(release(granted, unit, 'b', 1)).toEqual({ released: false, nextState: granted });
    expect(release(granted, 'acls/A->B', 'a', 1).released).toBe(false);
  });
});
