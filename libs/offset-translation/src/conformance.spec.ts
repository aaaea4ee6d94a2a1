import type { Checkpoint } from '@mirrormaker/mm2-formats';
import type { OffsetAndMetadata } from './offset-and-metadata';
import { checkpointsForGroup } from './checkpoint-emission';
import { CheckpointStore } from './checkpoint-store';
import { planGroupOffsetSync } from './group-offset-sync';
import { OffsetSyncStore } from './offset-sync-store';
import { OffsetSyncWriterState } from './offset-sync-writer-state';

// Conformance statements of the MM2 reference (§13) that this library decides on its own.

const tp = { topic: 't', partition: 0 };

function readyStore(): OffsetSyncStore {
  const store = new OffsetSyncStore();
  store.completeInitialLoad();
  return store;
}

function loadedCheckpoints(): CheckpointStore {
  const store = new CheckpointStore();
  store.finishLoad({ succeeded: true });
  return store;
}

function roundFor(syncs: OffsetSyncStore, checkpoints: CheckpointStore, offset: bigint): Checkpoint[] {
  const emitted = checkpointsForGroup({
    group: 'g',
    committed: new Map<string, OffsetAndMetadata>([['t-0', { offset, metadata: '' }]]),
    shouldCheckpointTopic: () => true,
    translator: syncs,
    checkpointStore: checkpoints,
    renameTopic: (topic) => `A.${topic}`,
  });
  checkpoints.update(emitted);
  return emitted;
}

describe('MM2 conformance (reference §13)', () => {
  it('13: the first replicated record of each source partition in a task lifetime produces an offset sync right away', () => {
    const writer = new OffsetSyncWriterState();
    expect(writer.maybeQueueOffsetSync(tp, 5000n, 42n)).toBe('pending');
    expect(writer.maybeQueueOffsetSync({ topic: 't', partition: 1 }, 7n, 7n)).toBe('pending');
    expect(writer.maybeQueueOffsetSync(tp, 5001n, 43n)).toBe('delayed');
    // A new task lifetime starts from fresh state.
    expect(new OffsetSyncWriterState().maybeQueueOffsetSync(tp, 5002n, 44n)).toBe('pending');
  });

  it('14: with offset.lag.max=100 and d=u, immediate syncs happen at u=0, 101, 202, and the latest in-between position is synced at the next flush', () => {
    const writer = new OffsetSyncWriterState({ maxOffsetLag: 100n });
    const immediate: bigint[] = [];
    for (let u = 0n; u <= 250n; u++) {
      if (writer.maybeQueueOffsetSync(tp, u, u) === 'pending') immediate.push(u);
    }
    expect(immediate).toEqual([0n, 101n, 202n]);
    writer.takePendingSyncs().forEach(() => writer.sendCompleted());
    writer.promoteDelayedSyncs();
    expect(writer.takePendingSyncs()).toEqual([{ ...tp, upstreamOffset: 250n, downstreamOffset: 250n }]);
  });

  it('15: an upstream jump or a downstream drop produces an immediate sync', () => {
    const writer = new OffsetSyncWriterState();
    writer.maybeQueueOffsetSync(tp, 0n, 0n);
    writer.maybeQueueOffsetSync(tp, 1n, 1n);
    expect(writer.maybeQueueOffsetSync(tp, 5n, 2n)).toBe('pending'); // upstream jump
    expect(writer.maybeQueueOffsetSync(tp, 6n, 3n)).toBe('delayed');
    expect(writer.maybeQueueOffsetSync(tp, 7n, 0n)).toBe('pending'); // downstream drop
    expect(writer.maybeQueueOffsetSync(tp, 8n, 1n)).toBe('delayed');
    expect(writer.maybeQueueOffsetSync(tp, 3n, 2n)).toBe('pending'); // upstream went back
  });

  it('16: given only sync (100->200), 150 translates to 201, 100 to 200, and 99 cannot be translated', () => {
    const syncs = readyStore();
    syncs.applySync({ ...tp, upstreamOffset: 100n, downstreamOffset: 200n });
    expect(syncs.translateDownstream(tp, 150n)).toMatchObject({ kind: 'ok', downstream: 201n });
    expect(syncs.translateDownstream(tp, 100n)).toMatchObject({ kind: 'ok', downstream: 200n });
    expect(syncs.translateDownstream(tp, 99n)).toEqual({ kind: 'tooOld' });
    expect(roundFor(syncs, loadedCheckpoints(), 99n)).toEqual([]);
  });

  it('17: an upstream sync lower than the newest one discards all earlier syncs of the partition', () => {
    const syncs = readyStore();
    for (let u = 0n; u <= 1000n; u += 100n) syncs.applySync({ ...tp, upstreamOffset: u, downstreamOffset: u });
    syncs.applySync({ ...tp, upstreamOffset: 500n, downstreamOffset: 2000n });
    expect(syncs.keptSyncs(tp)).toEqual([{ ...tp, upstreamOffset: 500n, downstreamOffset: 2000n }]);
    expect(syncs.translateDownstream(tp, 400n)).toEqual({ kind: 'tooOld' });
    expect(syncs.translateDownstream({ topic: 't', partition: 9 }, 400n)).toEqual({ kind: 'noSyncs' });
  });

  it('18: translation never passes the true position; a consumer exactly at a sync gets its downstream offset', () => {
    // Source offsets 0..99 with a compaction hole at 40..59 land on target offsets 0..79.
    const syncs = readyStore();
    const writer = new OffsetSyncWriterState({ maxOffsetLag: 10n });
    const positions: Array<[bigint, bigint]> = [];
    let d = 0n;
    for (let u = 0n; u < 100n; u++) {
      if (u >= 40n && u < 60n) continue;
      positions.push([u, d]);
      writer.maybeQueueOffsetSync(tp, u, d++);
      for (const sync of writer.takePendingSyncs()) {
        syncs.applySync(sync);
        writer.sendCompleted();
      }
    }
    for (let u = 0n; u <= 100n; u++) {
      const result = syncs.translateDownstream(tp, u);
      if (result.kind !== 'ok' || result.method !== 'offset-syncs') throw new Error(`offset ${u} should translate`);
      const truth = positions.find(([up]) => up >= u)?.[1] ?? d;
      expect(result.downstream <= truth).toBe(true);
      if (result.sync.upstreamOffset === u) expect(result.downstream).toBe(result.sync.downstreamOffset);
    }
  });

  it('19: no checkpoints before the offset-syncs topic was read to the end once and the checkpoints topic load finished', () => {
    const syncs = new OffsetSyncStore();
    syncs.applySync({ ...tp, upstreamOffset: 100n, downstreamOffset: 200n });
    const checkpoints = new CheckpointStore();
    expect(roundFor(syncs, checkpoints, 150n)).toEqual([]);
    syncs.completeInitialLoad();
    expect(roundFor(syncs, checkpoints, 150n)).toEqual([]); // checkpoints topic still loading
    checkpoints.finishLoad({ succeeded: true });
    expect(roundFor(syncs, checkpoints, 150n)).toHaveLength(1);
  });

  it('20: a checkpoint is re-emitted only when downstream increases or upstream decreases, never for identical offsets', () => {
    const syncs = readyStore();
    syncs.applySync({ ...tp, upstreamOffset: 100n, downstreamOffset: 200n });
    const checkpoints = loadedCheckpoints();
    expect(roundFor(syncs, checkpoints, 150n).map((c) => c.downstreamOffset)).toEqual([201n]);
    expect(roundFor(syncs, checkpoints, 150n)).toEqual([]); // identical
    expect(roundFor(syncs, checkpoints, 160n)).toEqual([]); // upstream moved, downstream did not
    syncs.applySync({ ...tp, upstreamOffset: 160n, downstreamOffset: 260n });
    expect(roundFor(syncs, checkpoints, 170n).map((c) => c.downstreamOffset)).toEqual([261n]); // downstream increased
    expect(roundFor(syncs, checkpoints, 100n).map((c) => c.downstreamOffset)).toEqual([200n]); // consumer rewound
  });

  it('24: with group offset sync on, a group missing on B gets all its translated offsets', () => {
    const checkpoints = loadedCheckpoints();
    checkpoints.update([
      { group: 'g', topic: 'A.t', partition: 0, upstreamOffset: 150n, downstreamOffset: 201n, metadata: 'x' },
      { group: 'g', topic: 'A.t', partition: 1, upstreamOffset: 10n, downstreamOffset: 11n, metadata: '' },
    ]);
    const plan = planGroupOffsetSync({ checkpointsByGroup: checkpoints.snapshot(), targetGroups: new Map() });
    expect(plan.writes).toEqual(
      new Map([
        [
          'g',
          new Map([
            ['A.t-0', { offset: 201n, metadata: 'x' }],
            ['A.t-1', { offset: 11n, metadata: '' }],
          ]),
        ],
      ]),
    );
  });

  it('25: for an EMPTY target group, a partition whose target offset >= the translated one is left unchanged', () => {
    const checkpoints = loadedCheckpoints();
    checkpoints.update([
      { group: 'g', topic: 'A.t', partition: 0, upstreamOffset: 150n, downstreamOffset: 201n, metadata: '' },
      { group: 'g', topic: 'A.t', partition: 1, upstreamOffset: 150n, downstreamOffset: 201n, metadata: '' },
      { group: 'g', topic: 'A.t', partition: 2, upstreamOffset: 150n, downstreamOffset: 201n, metadata: '' },
    ]);
    const offsets = new Map<string, bigint | null>([
      ['A.t-0', 201n],
      ['A.t-1', 900n],
      ['A.t-2', 200n],
    ]);
    const plan = planGroupOffsetSync({
      checkpointsByGroup: checkpoints.snapshot(),
      targetGroups: new Map([['g', { state: 'EMPTY', offsets }]]),
    });
    expect([...plan.writes.get('g')!.keys()]).toEqual(['A.t-2']);
  });

  it('26: a target group with active members is never modified', () => {
    const checkpoints = loadedCheckpoints();
    checkpoints.update([{ group: 'g', topic: 'A.t', partition: 0, upstreamOffset: 150n, downstreamOffset: 201n, metadata: '' }]);
    for (const state of ['STABLE', 'PREPARING_REBALANCE', 'COMPLETING_REBALANCE'] as const) {
      const plan = planGroupOffsetSync({
        checkpointsByGroup: checkpoints.snapshot(),
        targetGroups: new Map([['g', { state, offsets: new Map([['A.t-0', 5n]]) }]]),
      });
      expect(plan.writes.size).toBe(0);
      expect(plan.skippedActive).toEqual(['g']);
    }
  });
});
