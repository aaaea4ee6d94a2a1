import type { Checkpoint } from '@mirrormaker/mm2-formats';
import { planGroupOffsetSync, type TargetGroup } from './group-offset-sync';

const cp = (group: string, topic: string, partition: number, downstreamOffset: bigint): Checkpoint => ({
  group,
  topic,
  partition,
  upstreamOffset: downstreamOffset * 2n,
  downstreamOffset,
  metadata: `m${partition}`,
});

const checkpointsByGroup = new Map([
  [
    'g',
    new Map([
      ['A.t-0', cp('g', 'A.t', 0, 100n)],
      ['A.t-1', cp('g', 'A.t', 1, 50n)],
      ['A.t-2', cp('g', 'A.t', 2, 70n)],
      ['A.t-3', cp('g', 'A.t', 3, 10n)],
    ]),
  ],
]);

function plan(target?: TargetGroup) {
  return planGroupOffsetSync({ checkpointsByGroup, targetGroups: new Map(target === undefined ? [] : [['g', target]]) });
}

describe('planGroupOffsetSync', () => {
  it('writes every translated offset of a group missing on the target', () => {
    expect(plan().writes.get('g')).toEqual(
      new Map([
        ['A.t-0', { offset: 100n, metadata: 'm0' }],
        ['A.t-1', { offset: 50n, metadata: 'm1' }],
        ['A.t-2', { offset: 70n, metadata: 'm2' }],
        ['A.t-3', { offset: 10n, metadata: 'm3' }],
      ]),
    );
  });

  it('moves an empty group forward only: missing, null or lower offsets', () => {
    const offsets = new Map<string, bigint | null>([
      ['A.t-0', 99n], // behind: written
      ['A.t-1', 50n], // equal: left alone
      ['A.t-2', null], // reset by some client: written
      // A.t-3 missing: written
    ]);
    const result = plan({ state: 'EMPTY', offsets });
    expect([...result.writes.get('g')!.keys()]).toEqual(['A.t-0', 'A.t-2', 'A.t-3']);
    const ahead = plan({ state: 'EMPTY', offsets: new Map([['A.t-0', 500n], ['A.t-1', 500n], ['A.t-2', 500n], ['A.t-3', 500n]]) });
    expect(ahead.writes.has('g')).toBe(false);
  });

  it.each(['STABLE', 'PREPARING_REBALANCE', 'COMPLETING_REBALANCE', 'ASSIGNING', 'RECONCILING', 'UNKNOWN'] as const)(
    'never touches a group in state %s',
    (state) => {
      const result = plan({ state, offsets: new Map() });
      expect(result.writes.size).toBe(0);
      expect(result.skippedActive).toEqual(['g']);
    },
  );

  it('treats a DEAD group like a missing one, still without rewinding known offsets', () => {
    const result = plan({ state: 'DEAD', offsets: new Map([['A.t-0', 500n]]) });
    expect([...result.writes.get('g')!.keys()]).toEqual(['A.t-1', 'A.t-2', 'A.t-3']);
  });
});
