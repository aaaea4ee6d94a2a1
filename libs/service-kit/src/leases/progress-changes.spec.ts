import { UnitProgress } from '@mirrormaker/proto';
import { ProgressChanges } from './progress-changes';

const progress = (unitId: string, position: bigint, checkpoints: { group: string; ageMs: bigint }[] = []) =>
  UnitProgress.fromPartial({ unitId, position, checkpoints });
const ids = (list: UnitProgress[]) => list.map((p) => p.unitId);

describe('ProgressChanges', () => {
  it('sends a held unit\'s progress when it changed, and an unchanged one not again', () => {
    const changes = new ProgressChanges();
    const held = new Set(['a', 'b']);
    expect(ids(changes.take([progress('a', 1n), progress('b', 1n)], held))).toEqual(['a', 'b']);
    expect(ids(changes.take([progress('a', 2n), progress('b', 1n)], held))).toEqual(['a']);
    expect(ids(changes.take([progress('a', 2n), progress('b', 1n, [{ group: 'g', ageMs: 5n }])], held))).toEqual(['b']);
    expect(ids(changes.take([progress('a', 2n), progress('b', 1n, [{ group: 'g', ageMs: 5n }])], held))).toEqual([]);
  });

  it('sends again what the coordinator cannot have kept: units not held, units held again, a new session', () => {
    const changes = new ProgressChanges();
    // Reported before its grant was listed as held: the coordinator dropped it.
    expect(ids(changes.take([progress('a', 1n)], new Set()))).toEqual(['a']);
    expect(ids(changes.take([progress('a', 1n)], new Set(['a'])))).toEqual(['a']);
    expect(ids(changes.take([progress('a', 1n)], new Set(['a'])))).toEqual([]);
    // Given up, then held again.
    changes.take([], new Set());
    expect(ids(changes.take([progress('a', 1n)], new Set(['a'])))).toEqual(['a']);
    changes.reset();
    expect(ids(changes.take([progress('a', 1n)], new Set(['a'])))).toEqual(['a']);
  });
});
