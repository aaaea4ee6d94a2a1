import type { OffsetSync } from '@mirrormaker/mm2-formats';
import { reReadEstimate } from './re-read-estimate';
import { topicPartitionKey, type TopicPartition, type TopicPartitionKey } from './topic-partition';

/**
 * Translates a source consumer-group offset into a target offset, from the offset syncs read off
 * the offset-syncs topic. Same algorithm and results as MM2's OffsetSyncStore (3.5.2/3.6+).
 *
 * Storage: per source partition a fixed array `S[0..63]` of references to sync objects. A sync
 * may fill several neighbouring slots; slots are compared by identity (`===`), never by value,
 * so two syncs with equal offsets are still different entries.
 *
 * Invariants, for every i < j with S[i] !== S[j] (u = upstream offset):
 *   A. S[0] is the newest sync read.
 *   B. S[i].u <= S[j].u + 2^j - 2^i    (a slot is never much older than the slots before it)
 *   C. S[i].u >= S[j].u + 2^max(i-2,0) (distinct slots are spread out; equal-offset re-syncs
 *                                       after a producer restart are the one tolerated exception)
 *   D. S[63] is the oldest sync still allowed to translate (while the kept syncs span less than
 *      2^62 offsets; beyond that the 64-bit bound wraps and pushes it out, exactly as in MM2).
 * B and C are enforced between neighbours only and then hold for all pairs, so one update is a
 * single pass over the 64 slots. Together they make kept syncs thin out roughly exponentially
 * with age: dense near the live end, sparse far behind it.
 *
 * ```
 *   slot:      0      1     2     3 ...               63
 *   S:       [1000] [900] [800] [800] ... [400] ... [0]        newest ─────► oldest
 *
 *   translate(U = 555): first slot with u <= 555 is 400:405, 555 > 400 so answer 405 + 1
 *
 *   source  |─400 ? ? ? ? ? ? 555─|    ? = may or may not have been replicated
 *              │   ╲
 *   target  |─405 406 ─ ─ ─ ─ ─ ─ ─|   the group resumes at 406: records between are read again,
 *                                      none is skipped
 * ```
 * The answer is the sync's own downstream offset when U equals its upstream offset, and
 * downstream + 1 otherwise; it never passes the true position of U (at-least-once).
 *
 * Life cycle: until `completeInitialLoad` (the first read to the end of the offset-syncs topic),
 * nothing is translated. With `initializationMustReadToEnd` (the checkpoints topic could not be
 * loaded) each sync read during that first pass replaces all slots, so only the last one survives
 * and no checkpoint can go behind one an earlier generation may already have emitted.
 * An upstream offset lower than S[0] (the source was rewound or recreated) also wipes the slots.
 */
export class OffsetSyncStore {
  private readonly slots = new Map<TopicPartitionKey, readonly OffsetSync[]>();
  private readonly initializationMustReadToEnd: boolean;
  private loaded = false;

  constructor(options: { readonly initializationMustReadToEnd?: boolean } = {}) {
    this.initializationMustReadToEnd = options.initializationMustReadToEnd ?? true;
  }

  /** True once the offset-syncs topic has been read to its end once. */
  get initialLoadComplete(): boolean {
    return this.loaded;
  }

  /** Marks the end of the first read to the end of the offset-syncs topic. */
  completeInitialLoad(): void {
    this.loaded = true;
  }

  /** Applies one sync, in the order the offset-syncs topic holds them. */
  applySync(sync: OffsetSync): void {
    // A fresh object per record: identity, not value, tells slots apart.
    const entry: OffsetSync = {
      topic: sync.topic,
      partition: sync.partition,
      upstreamOffset: sync.upstreamOffset,
      downstreamOffset: sync.downstreamOffset,
    };
    const key = topicPartitionKey(sync);
    const current = this.slots.get(key);
    const wipe =
      current === undefined ||
      (!this.loaded && this.initializationMustReadToEnd) ||
      entry.upstreamOffset < current[0].upstreamOffset;
    this.slots.set(key, wipe ? filledWith(entry) : withNewSync(current, entry));
  }

  translateDownstream(tp: TopicPartition, upstreamOffset: bigint): Translation {
    if (!this.loaded) return NOT_READY;
    const slots = this.slots.get(topicPartitionKey(tp));
    if (slots === undefined) return NO_SYNCS;
    // Newest first: the first sync at or before the group's offset is the most precise one.
    let sync = slots[SYNC_SLOTS - 1];
    for (const candidate of slots) {
      if (candidate.upstreamOffset <= upstreamOffset) {
        sync = candidate;
        break;
      }
    }
    if (sync.upstreamOffset > upstreamOffset) return TOO_OLD;
    const downstream = upstreamOffset === sync.upstreamOffset ? sync.downstreamOffset : sync.downstreamOffset + 1n;
    return { kind: 'ok', downstream, method: 'offset-syncs', recordsReread: reReadEstimate(upstreamOffset, sync), sync };
  }

  /** The 64 slots of a partition, newest first (references may repeat), or undefined. */
  syncSlots(tp: TopicPartition): readonly OffsetSync[] | undefined {
    return this.slots.get(topicPartitionKey(tp));
  }

  /** The distinct syncs kept for a partition, newest first. */
  keptSyncs(tp: TopicPartition): OffsetSync[] {
    const slots = this.slots.get(topicPartitionKey(tp)) ?? [];
    return slots.filter((sync, i) => i === 0 || sync !== slots[i - 1]);
  }
}

/**
 * How an offset was translated: `exact` from the offset segments (our mapping of every copied
 * record), `offset-syncs` by MM2's rule from the nearest offset sync below it.
 */
export type TranslationMethod = 'exact' | 'offset-syncs';

/** Result of `translateDownstream`. Only `ok` may become a checkpoint. */
export type Translation =
  | { readonly kind: 'notReady' }
  | { readonly kind: 'noSyncs' }
  | { readonly kind: 'tooOld' }
  | {
      readonly kind: 'ok';
      readonly downstream: bigint;
      readonly method: 'offset-syncs';
      /** At most this many records are delivered again after resuming at `downstream`. */
      readonly recordsReread: bigint;
      /** The offset sync the answer came from. */
      readonly sync: OffsetSync;
    }
  | { readonly kind: 'ok'; readonly downstream: bigint; readonly method: 'exact'; readonly recordsReread: bigint };

/** One slot per bit of a 64-bit offset. */
export const SYNC_SLOTS = 64;

const NOT_READY: Translation = Object.freeze({ kind: 'notReady' });
const NO_SYNCS: Translation = Object.freeze({ kind: 'noSyncs' });
const TOO_OLD: Translation = Object.freeze({ kind: 'tooOld' });

const POW2: readonly bigint[] = Array.from({ length: SYNC_SLOTS }, (_, i) => 1n << BigInt(i));

const LONG_MAX = (1n << 63n) - 1n;
const LONG_MIN = -(1n << 63n);
const LONG_RANGE = 1n << 64n;

/**
 * Offsets are Java longs on the wire, and the bounds below wrap exactly as 64-bit arithmetic
 * does (`BigInt.asIntN(64, value)`, written as range checks because they are much cheaper).
 */
function asLong(value: bigint): bigint {
  if (value > LONG_MAX) return value - LONG_RANGE;
  if (value < LONG_MIN) return value + LONG_RANGE;
  return value;
}

function filledWith(sync: OffsetSync): readonly OffsetSync[] {
  return new Array<OffsetSync>(SYNC_SLOTS).fill(sync);
}

/**
 * Predicate B for slots i < j: `x` (at i) is recent enough relative to `y` (at j). A bound that
 * wraps negative means "beyond any offset", which is trivially satisfied.
 */
function recentEnough(x: OffsetSync, y: OffsetSync, i: number, j: number): boolean {
  if (x === y) return true;
  const bound = asLong(y.upstreamOffset + POW2[j] - POW2[i]);
  return bound < 0n || x.upstreamOffset <= bound;
}

/** Predicate C for slot i: `x` (at i) is far enough ahead of `y` (the next older slot). */
function spacedApart(x: OffsetSync, y: OffsetSync, i: number): boolean {
  if (x === y) return true;
  const bound = asLong(y.upstreamOffset + POW2[Math.max(i - 2, 0)]);
  return bound >= 0n && x.upstreamOffset >= bound;
}

/**
 * Inserts `sync` at slot 0 and repairs invariant B from the front, one slot at a time. Each slot
 * that has become too old is replaced by the best candidate seen so far: either the new sync
 * itself or an entry of the old array that still fits there (walking the old array forward keeps
 * as many distinct old syncs as possible). The first slot already satisfying B ends the pass;
 * everything after it is left as it was.
 */
function withNewSync(old: readonly OffsetSync[], sync: OffsetSync): readonly OffsetSync[] {
  const next = old.slice();
  next[0] = sync;
  let candidate = sync;
  let oldIndex = 0;
  for (let slot = 1; slot < SYNC_SLOTS; slot++) {
    const before = next[slot - 1];
    let skipping: boolean;
    do {
      const oldSync = old[oldIndex];
      const fitsAfterBefore = recentEnough(before, oldSync, slot - 1, slot);
      const clearOfBefore = spacedApart(before, oldSync, slot - 1);
      const clearOfAfter = slot + 1 >= SYNC_SLOTS || spacedApart(oldSync, next[slot + 1], slot);
      const repeatsNext = oldIndex + 1 < SYNC_SLOTS && old[oldIndex + 1] === oldSync;
      const usable = fitsAfterBefore && clearOfBefore && clearOfAfter;
      if (usable) candidate = oldSync;
      // An entry too close to its predecessor can never be used further down either.
      skipping = repeatsNext || !clearOfBefore;
      if (usable || skipping) oldIndex++;
    } while (oldIndex < slot && skipping);

    if (recentEnough(before, next[slot], slot - 1, slot)) break;
    next[slot] = candidate;
  }
  return next;
}
