import { SeededRandom } from '@mirrormaker/lease/testing';
import type { OffsetSync } from '@mirrormaker/mm2-formats';
import { isOffsetTranslationError } from './errors';
import { OffsetSyncWriterState } from './offset-sync-writer-state';

const tp = { topic: 't', partition: 0 };
const other = { topic: 't', partition: 1 };

/** Feeds (u, d) pairs and returns the ones queued for an immediate send. */
function immediateSyncs(writer: OffsetSyncWriterState, pairs: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  const sent: Array<[number, number]> = [];
  for (const [u, d] of pairs) {
    if (writer.maybeQueueOffsetSync(tp, BigInt(u), BigInt(d)) === 'pending') sent.push([u, d]);
  }
  return sent;
}

describe('OffsetSyncWriterState', () => {
  it('follows the offset.lag.max=50 example of the reference', () => {
    const writer = new OffsetSyncWriterState({ maxOffsetLag: 50n });
    const steps: Array<[number, number, boolean]> = [
      [0, 100, true], // first record
      [2, 102, true], // upstream gap
      [3, 152, false], // 152 - 103 = 49 < 50
      [4, 153, true], // 153 - 103 = 50
      [5, 154, false],
      [6, 203, false], // 203 - 154 = 49
      [7, 204, true], // 50
      [2, 206, true], // upstream went back
      [4, 3, true], // downstream went back
    ];
    for (const [u, d, immediate] of steps) {
      expect([u, d, writer.maybeQueueOffsetSync(tp, BigInt(u), BigInt(d))]).toEqual([u, d, immediate ? 'pending' : 'delayed']);
    }
  });

  it('syncs at 0, 101, 202, ... with lag 100 and contiguous offsets', () => {
    const writer = new OffsetSyncWriterState();
    const pairs = Array.from({ length: 500 }, (_, i) => [i, i] as const);
    expect(immediateSyncs(writer, pairs).map(([u]) => u)).toEqual([0, 101, 202, 303, 404]);
  });

  it('syncs every record with offset.lag.max=0', () => {
    const writer = new OffsetSyncWriterState({ maxOffsetLag: 0n });
    const pairs = Array.from({ length: 20 }, (_, i) => [i, i + 7] as const);
    expect(immediateSyncs(writer, pairs)).toEqual(pairs.map(([u, d]) => [u, d]));
  });

  it('does not treat a forward downstream gap alone as a trigger', () => {
    const writer = new OffsetSyncWriterState({ maxOffsetLag: 100n });
    expect(immediateSyncs(writer, [[0, 0], [1, 2], [2, 4], [3, 100], [4, 101]])).toEqual([[0, 0], [4, 101]]);
  });

  it('keeps only the latest delayed sync per partition and drops it when a sync becomes due', () => {
    const writer = new OffsetSyncWriterState();
    writer.maybeQueueOffsetSync(tp, 0n, 0n);
    expect(writer.takePendingSyncs()).toHaveLength(1);
    writer.maybeQueueOffsetSync(tp, 1n, 1n);
    writer.maybeQueueOffsetSync(tp, 2n, 2n);
    expect([...writer.delayedSyncs().values()]).toEqual([{ topic: 't', partition: 0, upstreamOffset: 2n, downstreamOffset: 2n }]);
    writer.maybeQueueOffsetSync(tp, 10n, 10n); // upstream gap
    expect(writer.delayedSyncs().size).toBe(0);
    expect([...writer.pendingSyncs().values()]).toEqual([{ topic: 't', partition: 0, upstreamOffset: 10n, downstreamOffset: 10n }]);
  });

  it('promotes delayed syncs on flush so a quiet partition is synced once per flush', () => {
    const writer = new OffsetSyncWriterState();
    writer.maybeQueueOffsetSync(tp, 0n, 0n);
    writer.takePendingSyncs();
    writer.sendCompleted();
    for (let u = 1n; u <= 50n; u++) writer.maybeQueueOffsetSync(tp, u, u);
    expect(writer.takePendingSyncs()).toEqual([]);
    writer.promoteDelayedSyncs();
    expect(writer.takePendingSyncs()).toEqual([{ topic: 't', partition: 0, upstreamOffset: 50n, downstreamOffset: 50n }]);
    writer.promoteDelayedSyncs();
    expect(writer.pendingSyncs().size).toBe(0);
  });

  it('a newer delayed sync replaces a pending one that could not be sent yet', () => {
    const writer = new OffsetSyncWriterState({ maxInFlight: 1 });
    writer.maybeQueueOffsetSync(other, 0n, 0n);
    writer.takePendingSyncs(); // uses the only permit
    writer.maybeQueueOffsetSync(tp, 0n, 0n); // pending, no permit
    writer.maybeQueueOffsetSync(tp, 1n, 1n); // delayed
    writer.promoteDelayedSyncs();
    expect([...writer.pendingSyncs().values()].map((s) => s.upstreamOffset)).toEqual([1n]);
  });

  it('never has more than 10 sends in flight and resumes as permits come back', () => {
    const writer = new OffsetSyncWriterState();
    for (let p = 0; p < 25; p++) writer.maybeQueueOffsetSync({ topic: 't', partition: p }, 0n, 0n);
    const first = writer.takePendingSyncs();
    expect(first.map((s) => s.partition)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(writer.inFlight).toBe(10);
    expect(writer.takePendingSyncs()).toEqual([]);
    writer.sendCompleted();
    writer.sendCompleted();
    expect(writer.takePendingSyncs().map((s) => s.partition)).toEqual([10, 11]);
    for (let i = 0; i < 10; i++) writer.sendCompleted();
    expect(writer.takePendingSyncs().map((s) => s.partition)).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    expect(writer.pendingSyncs().size).toBe(3);
  });

  it('keeps per-partition state independent', () => {
    const writer = new OffsetSyncWriterState();
    writer.maybeQueueOffsetSync(tp, 0n, 0n);
    expect(writer.maybeQueueOffsetSync(other, 5n, 5n)).toBe('pending');
    expect(writer.maybeQueueOffsetSync(tp, 1n, 1n)).toBe('delayed');
    expect(writer.partitionState(tp)).toMatchObject({ prevUpstream: 1n, prevDownstream: 1n, lastSyncDownstream: 0n, syncDue: false });
  });

  it('rejects invalid options and unmatched completions with coded errors', () => {
    const codeOf = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (err) {
        return isOffsetTranslationError(err) ? err.code : 'other';
      }
      return undefined;
    };
    expect(codeOf(() => new OffsetSyncWriterState({ maxOffsetLag: -1n }))).toBe('INVALID_MAX_OFFSET_LAG');
    expect(codeOf(() => new OffsetSyncWriterState({ maxInFlight: 0 }))).toBe('INVALID_MAX_IN_FLIGHT');
    expect(codeOf(() => new OffsetSyncWriterState().sendCompleted())).toBe('NO_SEND_IN_FLIGHT');
  });
});

describe('OffsetSyncWriterState.maybeQueueOffsetSyncs (a run of records at once)', () => {
  it('leaves the same pending and delayed syncs, in the same order, as one call per record with a send after each', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = new SeededRandom(seed);
      const options = { maxOffsetLag: BigInt(random.int(0, 20)), maxInFlight: random.int(1, 3) };
      const one = new OffsetSyncWriterState(options);
      const batched = new OffsetSyncWriterState(options);
      const sentOne: OffsetSync[] = [];
      const sentBatched: OffsetSync[] = [];
      const partitions = [tp, other, { topic: 'u', partition: 0 }];
      const next = new Map(partitions.map((p) => [p, { u: 0n, d: 0n }]));
      for (let step = 0; step < 40; step++) {
        const p = partitions[random.int(0, partitions.length - 1)]!;
        const at = next.get(p)!;
        const run: Array<[bigint, bigint]> = [];
        for (let i = random.int(0, 30); i > 0; i--) {
          at.u += random.int(0, 9) === 0 ? BigInt(random.int(2, 5)) : 1n; // sometimes a gap
          at.d = random.int(0, 30) === 0 ? at.d - BigInt(random.int(1, 3)) : at.d + 1n; // rarely back
          run.push([at.u, at.d]);
        }
        for (const [u, d] of run) {
          one.maybeQueueOffsetSync(p, u, d);
          sentOne.push(...one.takePendingSyncs());
        }
        batched.maybeQueueOffsetSyncs(p, run.length, (i) => run[i]![0], (i) => run[i]![1], () => sentBatched.push(...batched.takePendingSyncs()));
        expect(sentBatched).toEqual(sentOne);
        expect([...batched.pendingSyncs()]).toEqual([...one.pendingSyncs()]);
        if (random.int(0, 3) === 0) {
          // a send completes, or the delayed ones are flushed, on both
          for (const w of [one, batched]) if (w.inFlight > 0) w.sendCompleted();
        }
        if (random.int(0, 7) === 0) {
          one.promoteDelayedSyncs();
          batched.promoteDelayedSyncs();
          expect([...batched.pendingSyncs()]).toEqual([...one.pendingSyncs()]);
        }
      }
    }
  });
});

describe('OffsetSyncWriterState.maybeQueueContiguousOffsetSyncs (a batch copied as it is)', () => {
  it('leaves the same syncs, sends and partition state as one call per record', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = new SeededRandom(seed);
      const options = { maxOffsetLag: BigInt(random.int(0, 1) === 0 ? random.int(0, 5) : random.int(50, 300)), maxInFlight: random.int(1, 3) };
      const one = new OffsetSyncWriterState(options);
      const contiguous = new OffsetSyncWriterState(options);
      const sentOne: OffsetSync[] = [];
      const sentContiguous: OffsetSync[] = [];
      const partitions = [tp, other];
      const next = new Map(partitions.map((p) => [p, { u: BigInt(random.int(0, 1000)), d: BigInt(random.int(0, 1000)) }]));
      for (let step = 0; step < 30; step++) {
        const p = partitions[random.int(0, partitions.length - 1)]!;
        const at = next.get(p)!;
        // Between batches: a gap upstream (markers, compaction), a step back downstream (a
        // recreated target), or nothing.
        if (random.int(0, 4) === 0) at.u += BigInt(random.int(1, 5));
        if (random.int(0, 9) === 0) at.d -= BigInt(random.int(1, at.d > 5n ? 5 : 1));
        const count = random.int(0, 2) === 0 ? random.int(0, 3) : random.int(1, 700);
        const u0 = at.u;
        const d0 = at.d;
        for (let i = 0; i < count; i++) {
          one.maybeQueueOffsetSync(p, u0 + BigInt(i), d0 + BigInt(i));
          sentOne.push(...one.takePendingSyncs());
        }
        contiguous.maybeQueueContiguousOffsetSyncs(p, count, u0, d0, () => sentContiguous.push(...contiguous.takePendingSyncs()));
        at.u += BigInt(count);
        at.d += BigInt(count);
        expect(sentContiguous).toEqual(sentOne);
        expect([...contiguous.pendingSyncs()]).toEqual([...one.pendingSyncs()]);
        expect([...contiguous.delayedSyncs()]).toEqual([...one.delayedSyncs()]);
        expect(contiguous.partitionState(p)).toEqual(one.partitionState(p));
        if (random.int(0, 3) === 0) for (const w of [one, contiguous]) if (w.inFlight > 0) w.sendCompleted();
        if (random.int(0, 7) === 0) {
          one.promoteDelayedSyncs();
          contiguous.promoteDelayedSyncs();
        }
      }
    }
  });

  it('syncs at 0, 101, 202, ... of a long batch with lag 100 and delays its last record', () => {
    const writer = new OffsetSyncWriterState();
    const due: OffsetSync[] = [];
    writer.maybeQueueContiguousOffsetSyncs(tp, 1_000_000, 0n, 5n, () => due.push(...writer.pendingSyncs().values()));
    expect(due.slice(0, 3).map((s) => [s.upstreamOffset, s.downstreamOffset])).toEqual([
      [0n, 5n],
      [101n, 106n],
      [202n, 207n],
    ]);
    expect(due).toHaveLength(Math.ceil(1_000_000 / 101));
    expect(due.at(-1)?.upstreamOffset).toBe(999_900n);
    expect([...writer.delayedSyncs().values()].map((s) => s.upstreamOffset)).toEqual([999_999n]);
  });
});
