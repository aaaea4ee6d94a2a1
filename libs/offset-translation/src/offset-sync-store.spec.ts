import { OffsetSyncStore, SYNC_SLOTS, type Translation } from './offset-sync-store';

const tp = { topic: 'topic1', partition: 2 };

function started(options?: { initializationMustReadToEnd?: boolean }): OffsetSyncStore {
  const store = new OffsetSyncStore(options);
  store.completeInitialLoad();
  return store;
}

function sync(store: OffsetSyncStore, upstream: number | bigint, downstream: number | bigint): void {
  store.applySync({ ...tp, upstreamOffset: BigInt(upstream), downstreamOffset: BigInt(downstream) });
}

/** The translated offset, or the kind of failure. */
function t(store: OffsetSyncStore, upstream: number | bigint): bigint | Translation['kind'] {
  const result = store.translateDownstream(tp, BigInt(upstream));
  return result.kind === 'ok' ? result.downstream : result.kind;
}

function kept(store: OffsetSyncStore): string[] {
  return store.keptSyncs(tp).map((s) => `${s.upstreamOffset}:${s.downstreamOffset}`);
}

describe('OffsetSyncStore', () => {
  it('translates the reference sequence, including downstream and upstream resets', () => {
    const store = started();
    sync(store, 100, 200);
    expect(t(store, 150)).toBe(201n); // one past the sync: never guesses how many records follow
    sync(store, 150, 251);
    expect(t(store, 150)).toBe(251n); // exactly at a sync
    expect(t(store, 5)).toBe('tooOld'); // before any sync
    sync(store, 200, 10); // the remote topic was recreated
    expect(t(store, 200)).toBe(10n);
    sync(store, 20, 20); // the source was rewound: older syncs are gone
    expect(t(store, 20)).toBe(20n);
    expect(t(store, 19)).toBe('tooOld');
    expect(kept(store)).toEqual(['20:20']);
  });

  it('keeps exponentially spaced syncs for u = 0..1000 step 100, d = u + 5', () => {
    const store = started();
    for (let u = 0; u <= 1000; u += 100) sync(store, u, u + 5);
    expect(kept(store)).toEqual(['1000:1005', '900:905', '800:805', '400:405', '0:5']);
    const cases: Array<[number, bigint]> = [
      [0, 5n],
      [1, 6n],
      [150, 6n],
      [555, 406n],
      [999, 906n],
      [1000, 1005n],
      [5000, 1006n],
    ];
    for (const [u, expected] of cases) expect([u, t(store, u)]).toEqual([u, expected]);
  });

  it('stores 64 slots, all filled by the first sync', () => {
    const store = started();
    sync(store, 7, 9);
    const slots = store.syncSlots(tp)!;
    expect(slots).toHaveLength(SYNC_SLOTS);
    expect(new Set(slots).size).toBe(1);
  });

  it('tells slots apart by identity, not by value', () => {
    const store = started();
    sync(store, 0, 0);
    sync(store, 8, 8);
    sync(store, 8, 8); // the same sync re-sent, e.g. after the producer restarted
    const slots = store.syncSlots(tp)!;
    expect(slots[0]).not.toBe(slots[1]);
    expect(slots[0]).toEqual(slots[1]);
    expect(t(store, 8)).toBe(8n);
  });

  it('translates nothing before the initial read ends, and nothing for unknown partitions', () => {
    const store = new OffsetSyncStore();
    sync(store, 100, 200);
    expect(t(store, 0)).toBe('notReady');
    expect(t(store, 100)).toBe('notReady');
    store.completeInitialLoad();
    expect(store.initialLoadComplete).toBe(true);
    expect(t(store, 0)).toBe('tooOld');
    expect(t(store, 100)).toBe(200n);
    expect(t(store, 200)).toBe(201n);
    expect(store.translateDownstream({ topic: 'other', partition: 2 }, 5n)).toEqual({ kind: 'noSyncs' });
    expect(store.translateDownstream({ topic: 'topic1', partition: 3 }, 5n)).toEqual({ kind: 'noSyncs' });
  });

  it('returns the sync it used', () => {
    const store = started();
    sync(store, 100, 200);
    expect(store.translateDownstream(tp, 150n)).toEqual({
      kind: 'ok',
      downstream: 201n,
      method: 'offset-syncs',
      // Offsets 101..149 lie between the sync and the group's position.
      recordsReread: 49n,
      sync: { ...tp, upstreamOffset: 100n, downstreamOffset: 200n },
    });
  });

  describe('initial load', () => {
    function loadThenRun(mustReadToEnd: boolean, resumeAt: number): OffsetSyncStore {
      const store = new OffsetSyncStore({ initializationMustReadToEnd: mustReadToEnd });
      for (let u = 0; u <= 1000; u += 10) sync(store, u, u);
      store.completeInitialLoad();
      for (let u = resumeAt; u <= 10000; u += 10) sync(store, u, u);
      return store;
    }

    it('keeps only the last sync of the initial read when it must read to the end', () => {
      const store = new OffsetSyncStore({ initializationMustReadToEnd: true });
      for (let u = 0; u <= 1000; u += 10) sync(store, u, u);
      store.completeInitialLoad();
      expect(kept(store)).toEqual(['1000:1000']);
      expect(t(store, 999)).toBe('tooOld');
    });

    it('never translates before the last start-up sync, however many syncs follow', () => {
      const store = loadThenRun(true, 1010);
      const upstreams = store.keptSyncs(tp).map((s) => Number(s.upstreamOffset));
      expect(upstreams).toEqual([10000, 9990, 9970, 9940, 9880, 9640, 9160, 8680, 6760, 4840, 1000]);
      expect(t(store, 999)).toBe('tooOld');
      expect(t(store, 4839)).toBe(1001n);
      expect(t(store, 4840)).toBe(4840n);
    });

    it('keeps the spread of the initial read when the checkpoints were loaded', () => {
      const store = new OffsetSyncStore({ initializationMustReadToEnd: false });
      for (let u = 0; u <= 1000; u += 10) sync(store, u, u);
      store.completeInitialLoad();
      expect(store.keptSyncs(tp).map((s) => Number(s.upstreamOffset))).toEqual([1000, 990, 960, 900, 840, 720, 480, 0]);
      const after = loadThenRun(false, 1000);
      expect(after.keptSyncs(tp).map((s) => Number(s.upstreamOffset))).toEqual([
        10000, 9990, 9960, 9900, 9840, 9600, 9120, 8640, 7680, 3840, 0,
      ]);
      expect(t(after, 3839)).toBe(1n);
    });

    it('clears everything on an upstream rewind after a long run', () => {
      const store = loadThenRun(true, 1010);
      sync(store, 1500, 11000);
      expect(t(store, 1499)).toBe('tooOld');
      expect(t(store, 1500)).toBe(11000n);
      expect(t(store, 2000)).toBe(11001n);
    });
  });

  describe('64-bit edges', () => {
    const MAX = (1n << 63n) - 1n;

    it('accepts offsets near Long.MAX_VALUE without wrapping into nonsense', () => {
      const store = started();
      const base = MAX - 1000n;
      for (let i = 0n; i <= 1000n; i += 50n) sync(store, base + i, i);
      expect(t(store, MAX)).toBe(1000n);
      expect(t(store, base)).toBe(0n);
      expect(t(store, base - 1n)).toBe('tooOld');
      const ups = store.keptSyncs(tp).map((s) => s.upstreamOffset);
      expect([...ups].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0))).toEqual(ups);
    });

    it('handles huge jumps between syncs', () => {
      const store = started();
      sync(store, 0, 0);
      sync(store, 1n << 62n, 1);
      expect(t(store, 5)).toBe(1n);
      // A span wider than 2^62 pushes even the oldest slot out (64-bit bound arithmetic, as in MM2).
      sync(store, MAX, 2);
      expect(t(store, 5)).toBe('tooOld');
      expect(t(store, (1n << 62n) + 1n)).toBe(2n);
      expect(t(store, MAX)).toBe(2n);
    });
  });
});
