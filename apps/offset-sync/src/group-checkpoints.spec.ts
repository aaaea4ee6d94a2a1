import { CheckpointStore, OffsetSyncStore } from '@mirrormaker/offset-translation';
import { groupCheckpoints } from './group-checkpoints';

function store(syncs: Array<[string, number, bigint, bigint]>): OffsetSyncStore {
  const s = new OffsetSyncStore({ initializationMustReadToEnd: false });
  for (const [topic, partition, upstreamOffset, downstreamOffset] of syncs) s.applySync({ topic, partition, upstreamOffset, downstreamOffset });
  s.completeInitialLoad();
  return s;
}

function loadedCheckpoints(): CheckpointStore {
  const c = new CheckpointStore();
  c.finishLoad({ succeeded: true });
  return c;
}

const base = {
  group: 'g',
  shouldCheckpointTopic: (topic: string) => topic !== 'skipped',
  renameTopic: (topic: string) => `A.${topic}`,
};

describe('groupCheckpoints', () => {
  it('emits translatable partitions and reports the ones older than every sync', () => {
    const result = groupCheckpoints({
      ...base,
      committed: new Map([
        ['t-0', { offset: 150n, metadata: 'm' }],
        ['t-1', { offset: 50n, metadata: '' }],
        ['u-0', { offset: 10n, metadata: '' }],
        ['skipped-0', { offset: 10n, metadata: '' }],
      ]),
      translator: store([
        ['t', 0, 100n, 200n],
        ['t', 1, 100n, 100n],
        ['skipped', 0, 0n, 0n],
      ]),
      checkpointStore: loadedCheckpoints(),
    });
    expect(result.checkpoints).toEqual([{ group: 'g', topic: 'A.t', partition: 0, upstreamOffset: 150n, downstreamOffset: 201n, metadata: 'm' }]);
    // u-0 has no syncs at all: not a miss, just nothing replicated for it.
    expect(result.misses).toEqual([{ topic: 't', partition: 1 }]);
    expect(result.methods).toEqual(new Map([['offset-syncs', 1]]));
  });

  it('emits nothing while the checkpoint store is still loading', () => {
    const result = groupCheckpoints({
      ...base,
      committed: new Map([['t-0', { offset: 150n, metadata: '' }]]),
      translator: store([['t', 0, 100n, 200n]]),
      checkpointStore: new CheckpointStore(),
    });
    expect(result).toEqual({ checkpoints: [], misses: [], methods: new Map() });
  });
});
