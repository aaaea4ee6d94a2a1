import type { Checkpoint } from '@mirrormaker/mm2-formats';
import { guardedGroupWrite } from './group-offset-guard';

const checkpoint = (partition: number, downstreamOffset: bigint): Checkpoint => ({
  group: 'g',
  topic: 'A.t',
  partition,
  upstreamOffset: downstreamOffset + 10n,
  downstreamOffset,
  metadata: 'm',
});

const checkpoints = new Map([
  ['A.t-0', checkpoint(0, 100n)],
  ['A.t-1', checkpoint(1, 50n)],
  ['A.t-2', checkpoint(2, 70n)],
]);

describe('guardedGroupWrite', () => {
  it('writes every translated offset to a group the target does not know (DEAD, no offsets)', () => {
    const result = guardedGroupWrite('g', checkpoints, { state: 'DEAD', members: 0, offsets: new Map() });
    expect(result).toEqual({
      kind: 'write',
      offsets: new Map([
        ['A.t-0', { offset: 100n, metadata: 'm' }],
        ['A.t-1', { offset: 50n, metadata: 'm' }],
        ['A.t-2', { offset: 70n, metadata: 'm' }],
      ]),
    });
  });

  it('only moves an EMPTY group forward', () => {
    const result = guardedGroupWrite('g', checkpoints, {
      state: 'EMPTY',
      members: 0,
      offsets: new Map<string, bigint | null>([
        ['A.t-0', 100n],
        ['A.t-1', 80n],
        ['A.t-2', null],
      ]),
    });
    expect(result).toEqual({ kind: 'write', offsets: new Map([['A.t-2', { offset: 70n, metadata: 'm' }]]) });
  });

  it('skips a group already at or ahead of every translated offset', () => {
    const offsets = new Map([
      ['A.t-0', 900n],
      ['A.t-1', 50n],
      ['A.t-2', 70n],
    ]);
    expect(guardedGroupWrite('g', checkpoints, { state: 'EMPTY', members: 0, offsets })).toEqual({ kind: 'skip', reason: 'up-to-date' });
  });

  it.each([
    ['STABLE', 1],
    ['PREPARING_REBALANCE', 1],
    ['COMPLETING_REBALANCE', 2],
    ['UNKNOWN', 0],
    [undefined, 0],
    ['EMPTY', 1],
  ] as const)('never touches a group in state %s with %d member(s)', (state, members) => {
    expect(guardedGroupWrite('g', checkpoints, { state, members, offsets: new Map() })).toEqual({ kind: 'skip', reason: 'active' });
  });
});
