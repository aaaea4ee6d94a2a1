import { SeededRandom } from '@mirrormaker/lease/testing';
import type { OffsetSync } from '@mirrormaker/mm2-formats';
import { OffsetSyncStore, SYNC_SLOTS } from './offset-sync-store';
import { OffsetSyncWriterState } from './offset-sync-writer-state';

const tp = { topic: 'p', partition: 0 };
const TWO_62 = 1n << 62n;
const POW2 = Array.from({ length: SYNC_SLOTS }, (_, i) => 1n << BigInt(i));
const asLong = (value: bigint): bigint => BigInt.asIntN(64, value);

/**
 * Checks invariants A–D on the slots. B and C are stated for distinct entries; like MM2 we only
 * compare entries whose upstream offsets differ (an identical offset re-synced after a producer
 * restart may sit next to its twin), and a bound that overflows 64 bits holds trivially.
 * Comparing each run of identical slots with later runs at the tightest positions (last index of
 * the earlier run, first index of the later run) covers all pairs; `allPairs=false` compares
 * neighbouring runs only, which is cheaper and is what the update itself maintains.
 */
function invariantViolation(
  slots: readonly OffsetSync[],
  latest: OffsetSync,
  anchor: OffsetSync,
  allPairs: boolean,
): string | undefined {
  if (slots.length !== SYNC_SLOTS) return `expected ${SYNC_SLOTS} slots, got ${slots.length}`;
  const [first] = slots;
  if (first.upstreamOffset !== latest.upstreamOffset || first.downstreamOffset !== latest.downstreamOffset) {
    return 'A: slot 0 is not the latest sync';
  }
  const last = slots[SYNC_SLOTS - 1];
  if (latest.upstreamOffset - anchor.upstreamOffset <= TWO_62 && last.upstreamOffset !== anchor.upstreamOffset) {
    return `D: slot 63 holds ${last.upstreamOffset}, expected the oldest usable ${anchor.upstreamOffset}`;
  }
  const runs: Array<{ sync: OffsetSync; start: number; end: number }> = [];
  slots.forEach((sync, index) => {
    const run = runs[runs.length - 1];
    if (run !== undefined && run.sync === sync) run.end = index;
    else runs.push({ sync, start: index, end: index });
  });
  for (let a = 0; a < runs.length; a++) {
    const lastB = allPairs ? runs.length - 1 : Math.min(a + 1, runs.length - 1);
    for (let b = a + 1; b <= lastB; b++) {
      const x = runs[a].sync.upstreamOffset;
      const y = runs[b].sync.upstreamOffset;
      if (x === y) continue;
      const i = runs[a].end;
      const j = runs[b].start;
      const lower = asLong(y + POW2[Math.max(i - 2, 0)]);
      if (lower >= 0n && x < lower) return `C(${i},${j}): ${x} < ${y} + 2^${Math.max(i - 2, 0)}`;
      const upper = asLong(y + POW2[j] - POW2[i]);
      if (upper >= 0n && x > upper) return `B(${i},${j}): ${x} > ${y} + 2^${j} - 2^${i}`;
    }
  }
  return undefined;
}

/** Step generators with very different spacing, including steps near 2^40 and 2^60. */
const STEP_SHAPES: ReadonlyArray<(rnd: SeededRandom) => bigint> = [
  () => 1n,
  (rnd) => BigInt(rnd.int(1, 3)),
  (rnd) => BigInt(rnd.int(1, 200)),
  (rnd) => (rnd.chance(0.5) ? 100n : 200n),
  (rnd) => 1n << BigInt(rnd.int(0, 20)),
  (rnd) => rnd.bigint(1n, 1n << 40n),
  (rnd) => (rnd.chance(0.01) ? rnd.bigint(1n, 1n << 60n) : BigInt(rnd.int(1, 1000))),
];

describe('OffsetSyncStore properties', () => {
  it('keeps invariants A-D after every update of increasing syncs', () => {
    // Many short sequences plus a few long ones that reach the sparse end of the array.
    for (let seed = 1; seed <= 800; seed++) {
      const rnd = new SeededRandom(seed);
      const step = rnd.pick(STEP_SHAPES);
      const mustReadToEnd = rnd.chance(0.5);
      const store = new OffsetSyncStore({ initializationMustReadToEnd: mustReadToEnd });
      const loadedAfter = rnd.int(0, 20);
      let u = rnd.bigint(0n, 1000n);
      let d = rnd.bigint(0n, 1000n);
      let anchor: OffsetSync | undefined;
      const length = seed % 100 === 0 ? 400 : rnd.int(2, 24);
      for (let n = 0; n < length; n++) {
        if (n === loadedAfter) store.completeInitialLoad();
        const sync = { ...tp, upstreamOffset: u, downstreamOffset: d };
        store.applySync(sync);
        // The oldest usable sync is the first one, or the last one read before the load ended
        // when the store must read to the end.
        if (anchor === undefined || (mustReadToEnd && !store.initialLoadComplete)) anchor = sync;
        const problem = invariantViolation(store.syncSlots(tp)!, sync, anchor, n % 8 === 0 || n === length - 1);
        if (problem !== undefined) throw new Error(`seed ${seed}, sync #${n} (${u}): ${problem}`);
        u += step(rnd);
        d += BigInt(rnd.int(1, 300));
      }
    }
  });

  it('keeps invariants across upstream rewinds and repeated offsets, and forgets everything before a rewind', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = new SeededRandom(10_000 + seed);
      const store = new OffsetSyncStore();
      store.completeInitialLoad();
      let u = rnd.bigint(0n, 5000n);
      let anchor: OffsetSync | undefined;
      for (let n = 0; n < 30; n++) {
        const sync = { ...tp, upstreamOffset: u, downstreamOffset: rnd.bigint(0n, 100_000n) };
        const rewind = anchor !== undefined && u < store.syncSlots(tp)![0].upstreamOffset;
        store.applySync(sync);
        if (anchor === undefined || rewind) anchor = sync;
        const problem = invariantViolation(store.syncSlots(tp)!, sync, anchor, n % 8 === 0 || n === 29);
        if (problem !== undefined) throw new Error(`seed ${seed}, sync #${n} (${u}): ${problem}`);
        if (rewind && (store.keptSyncs(tp).length !== 1 || store.translateDownstream(tp, u - 1n).kind !== 'tooOld')) {
          throw new Error(`seed ${seed}, sync #${n} (${u}): syncs before the rewind are still used`);
        }
        const roll = rnd.next();
        if (roll < 0.1) u = rnd.bigint(0n, u); // rewind (or stay)
        else if (roll < 0.15) u += 0n; // the same offset again
        else u += BigInt(rnd.int(1, 500));
      }
    }
  });

  it('never translates past the true position, is exact at syncs, and is monotone in U (writer + store)', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const rnd = new SeededRandom(50_000 + seed);
      const writer = new OffsetSyncWriterState({ maxOffsetLag: BigInt(rnd.pick([0, 1, 10, 50, 100, 250])) });
      const store = new OffsetSyncStore({ initializationMustReadToEnd: rnd.chance(0.5) });
      const loadAt = rnd.int(0, 100);
      // Replicated records: upstream offset -> downstream offset, both increasing.
      const replicated: Array<[bigint, bigint]> = [];
      let u = rnd.bigint(0n, 50n);
      let d = rnd.bigint(0n, 50n);
      const records = rnd.int(20, 400);
      const sendSyncs = (): void => {
        for (const sync of writer.takePendingSyncs()) {
          // A failed send loses the sync but still returns its permit.
          if (!rnd.chance(0.05)) store.applySync(sync);
          writer.sendCompleted();
        }
      };

      /** Where a consumer committed at `target` must resume on the target to miss nothing. */
      const truePosition = (target: bigint): bigint => {
        let lo = 0;
        let hi = replicated.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (replicated[mid][0] < target) lo = mid + 1;
          else hi = mid;
        }
        return lo < replicated.length ? replicated[lo][1] : d; // not replicated yet: lands at the end
      };

      /** Checks the store as it is now against what has been replicated so far. */
      const checkTranslations = (): void => {
        if (!store.initialLoadComplete) return;
        // Every kept sync and its neighbours, plus random offsets, in increasing order.
        const targets = new Set<bigint>();
        for (const kept of store.keptSyncs(tp)) for (const delta of [-1n, 0n, 1n, 2n]) targets.add(kept.upstreamOffset + delta);
        for (let k = 0; k < 60; k++) targets.add(rnd.bigint(replicated[0][0], u + 5n));
        let previous = -1n;
        for (const target of [...targets].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
          const result = store.translateDownstream(tp, target);
          if (result.kind !== 'ok') {
            // Only offsets before the oldest usable sync are refused.
            if (previous !== -1n) throw new Error(`seed ${seed}: T(${target}) refused after a translatable offset`);
            continue;
          }
          const truth = truePosition(target);
          if (result.downstream > truth) {
            throw new Error(`seed ${seed}: T(${target}) = ${result.downstream} overshoots true position ${truth}`);
          }
          if (result.method !== 'offset-syncs') throw new Error(`seed ${seed}: T(${target}) did not come from a sync`);
          if (target === result.sync.upstreamOffset && result.downstream !== result.sync.downstreamOffset) {
            throw new Error(`seed ${seed}: T(${target}) is not exact at its sync`);
          }
          if (result.downstream < previous) throw new Error(`seed ${seed}: T(${target}) went back to ${result.downstream}`);
          previous = result.downstream;
        }
      };

      for (let n = 0; n < records; n++) {
        if (n === loadAt) store.completeInitialLoad();
        replicated.push([u, d]);
        writer.maybeQueueOffsetSync(tp, u, d);
        u += rnd.chance(0.2) ? BigInt(rnd.int(2, 20)) : 1n; // compaction holes, markers
        d += rnd.chance(0.1) ? BigInt(rnd.int(2, 5)) : 1n; // markers on the target
        if (rnd.chance(0.7)) sendSyncs();
        if (rnd.chance(0.05)) {
          writer.promoteDelayedSyncs();
          sendSyncs();
        }
        if (rnd.chance(0.02)) checkTranslations();
      }
      store.completeInitialLoad();
      checkTranslations();
    }
  });
});
