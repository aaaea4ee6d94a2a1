import type { Checkpoint } from '@mirrormaker/mm2-formats';
import type { OffsetAndMetadata } from './offset-and-metadata';
import { checkpointsForGroup, shouldEmitCheckpoint, type CheckpointsForGroupInput } from './checkpoint-emission';
import { CheckpointStore } from './checkpoint-store';
import { OffsetSyncStore } from './offset-sync-store';

function cp(upstreamOffset: bigint, downstreamOffset: bigint): Checkpoint {
  return { group: 'g', topic: 'A.t', partition: 0, upstreamOffset, downstreamOffset, metadata: '' };
}

function readySyncStore(): OffsetSyncStore {
  const store = new OffsetSyncStore();
  store.completeInitialLoad();
  store.applySync({ topic: 't', partition: 0, upstreamOffset: 100n, downstreamOffset: 200n });
  store.applySync({ topic: 't', partition: 1, upstreamOffset: 10n, downstreamOffset: 10n });
  store.applySync({ topic: 'skip', partition: 0, upstreamOffset: 0n, downstreamOffset: 0n });
  return store;
}

function loadedCheckpointStore(...checkpoints: Checkpoint[]): CheckpointStore {
  const store = new CheckpointStore();
  checkpoints.forEach((c) => store.loadRecord(c));
  store.finishLoad({ succeeded: true });
  return store;
}

function input(overrides: Partial<CheckpointsForGroupInput> = {}): CheckpointsForGroupInput {
  const committed = new Map<string, OffsetAndMetadata | null>([
    ['t-0', { offset: 150n, metadata: 'm0' }],
    ['t-1', { offset: 5n, metadata: '' }], // before the only sync: too old
    ['t-2', { offset: 5n, metadata: '' }], // no syncs
    ['t-3', null], // no committed offset
    ['skip-0', { offset: 5n, metadata: '' }], // rejected by the topic filter
  ]);
  return {
    group: 'g',
    committed,
    shouldCheckpointTopic: (topic) => topic !== 'skip',
    translator: readySyncStore(),
    checkpointStore: loadedCheckpointStore(),
    renameTopic: (topic) => `A.${topic}`,
    ...overrides,
  };
}

describe('shouldEmitCheckpoint', () => {
  it('emits the first checkpoint of a group and partition', () => {
    expect(shouldEmitCheckpoint(undefined, cp(10n, 20n))).toBe(true);
  });

  it('emits when the downstream offset advanced', () => {
    expect(shouldEmitCheckpoint(cp(10n, 20n), cp(11n, 21n))).toBe(true);
  });

  it('emits when the group rewound upstream, even if the downstream offset goes back', () => {
    expect(shouldEmitCheckpoint(cp(10n, 20n), cp(5n, 3n))).toBe(true);
  });

  it('skips repeats and downstream regressions without an upstream rewind', () => {
    expect(shouldEmitCheckpoint(cp(10n, 20n), cp(10n, 20n))).toBe(false);
    expect(shouldEmitCheckpoint(cp(10n, 20n), cp(12n, 20n))).toBe(false);
    expect(shouldEmitCheckpoint(cp(10n, 20n), cp(12n, 19n))).toBe(false);
  });
});

describe('checkpointsForGroup', () => {
  it('translates, renames and keeps only what can be emitted', () => {
    expect(checkpointsForGroup(input())).toEqual([
      { group: 'g', topic: 'A.t', partition: 0, upstreamOffset: 150n, downstreamOffset: 201n, metadata: 'm0' },
    ]);
  });

  it('compares with the previous checkpoint of the renamed partition', () => {
    const previous = { group: 'g', topic: 'A.t', partition: 0, upstreamOffset: 150n, downstreamOffset: 201n, metadata: '' };
    expect(checkpointsForGroup(input({ checkpointStore: loadedCheckpointStore(previous) }))).toEqual([]);
    const otherGroup = { ...previous, group: 'h' };
    expect(checkpointsForGroup(input({ checkpointStore: loadedCheckpointStore(otherGroup) }))).toHaveLength(1);
  });

  it('emits nothing before the checkpoint store has loaded', () => {
    expect(checkpointsForGroup(input({ checkpointStore: new CheckpointStore() }))).toEqual([]);
  });

  it('emits nothing before the offset syncs were read to the end', () => {
    const notLoaded = new OffsetSyncStore();
    notLoaded.applySync({ topic: 't', partition: 0, upstreamOffset: 100n, downstreamOffset: 200n });
    expect(checkpointsForGroup(input({ translator: notLoaded }))).toEqual([]);
  });

  it('drops negative translations', () => {
    const store = new OffsetSyncStore();
    store.completeInitialLoad();
    store.applySync({ topic: 't', partition: 0, upstreamOffset: 0n, downstreamOffset: -1n });
    expect(checkpointsForGroup(input({ translator: store, committed: new Map([['t-0', { offset: 0n, metadata: '' }]]) }))).toEqual([]);
  });
});
