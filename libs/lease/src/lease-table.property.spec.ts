import { assign, type LeaseTimings } from './assign';
import { drain } from './drain';
import { createLeaseTable, registerInstance, removeInstance, setUnits, type LeaseTable } from './lease-table';
import { release } from './release';
import { renew } from './renew';
import { restoreLease } from './restore-lease';
import type { ServiceKind } from './service-kind';
import { activeCounts, partitionUnits } from './testing/fixtures';
import { SeededRandom } from './testing/seeded-random';
import { serviceKindOf, unitId, type UnitId } from './unit-id';

/** What a worker process believes it holds. It works on a unit until expiresAt or until it releases it. */
interface HeldView {
  epoch: number;
  expiresAt: number;
  revoked: boolean;
}

interface Holder {
  readonly id: string;
  readonly kind: ServiceKind;
  readonly weight?: number;
  /** running: talks to the coordinator; partitioned: cut off but still working; crashed: cut off for good (a zombie). */
  status: 'running' | 'partitioned' | 'crashed' | 'gone';
  partitionedUntil: number;
  /** Never releases revoked units: they can only move by expiry. */
  readonly stubborn: boolean;
  /** Its clock runs behind the coordinator's by up to the grace period: leases seem to last longer. */
  readonly skew: number;
  /**
   * --when-coordinators-unreachable keep-working: while no coordinator answers it, it keeps units
   * past their leases (no longer live: nobody vouches for them) and re-presents them on its return.
   */
  readonly keepWorking: boolean;
  /** No leader has answered it since it was last cut off (what keep-working waits for). */
  cutOff: boolean;
  draining: boolean;
  nextRenewAt: number;
  readonly view: Map<UnitId, HeldView>;
}

function shuffled<T>(rnd: SeededRandom, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

const KINDS: readonly ServiceKind[] = ['data-mirror', 'data-mirror', 'data-mirror', 'offset-sync', 'topic-config-sync', 'acl-sync'];

function unitsFor(rnd: SeededRandom, partitions: number): UnitId[] {
  const flow = 'A->B';
  return [
    ...partitionUnits(partitions, flow, 'orders'),
    unitId({ kind: 'heartbeat', flow }),
    ...Array.from({ length: rnd.int(1, 4) }, (_, shard) => unitId({ kind: 'groups', flow, shard })),
    unitId({ kind: 'topics', flow }),
    unitId({ kind: 'acls', flow }),
  ];
}

interface SimulationMode {
  /** Some instances have a weight above 1. */
  weighted: boolean;
  /**
   * Leader changes instead of in-place restarts: the leader dies, nobody answers for a while, and
   * a new leader starts a table from the epochs the old one persisted; workers find it on their
   * own schedule (random order, some only after its quiet period), some keeping units meanwhile.
   * `a-round-late`: what the old leader persisted lacks its last round's grants (its heartbeat
   * writes the epochs after it granted); `exact`: it lacks nothing.
   */
  leaderChanges?: { persisted: 'exact' | 'a-round-late' };
}

/**
 * A coordinator and its workers under random joins, crashes, network partitions, drains, slow or
 * missing releases, renewals that come late, clock jumps, clock skew within the grace period,
 * unit changes and coordinator restarts or leader changes. Messages to a worker that is cut off
 * are lost; it learns the truth on its next renewal.
 */
class Simulation {
  now = 1_000_000;
  table: LeaseTable;
  readonly holders = new Map<string, Holder>();
  readonly maxEpoch = new Map<UnitId, number>();
  units: UnitId[];
  /** The highest epochs as the leader last persisted them. */
  persisted: ReadonlyMap<UnitId, number> = new Map();
  /** No leader answers before this time (one died; the next has not taken over yet). */
  leaderlessUntil = -Infinity;
  private newLeaderPending = false;
  /** Every lease any leader granted or adopted, per unit: until when it may be worked on (expiry + grace), or released. */
  private readonly leasesSeen = new Map<UnitId, Map<string, { until: number; released: boolean }>>();
  private nextHolder = 0;

  constructor(
    private readonly rnd: SeededRandom,
    readonly timings: LeaseTimings,
    private readonly mode: SimulationMode,
  ) {
    this.units = unitsFor(rnd, rnd.int(3, 40));
    this.table = setUnits(createLeaseTable({ startedAt: this.now }), this.units);
    for (let i = rnd.int(1, 5); i > 0; i--) this.join();
  }

  join(): void {
    const rnd = this.rnd;
    const id = `i${this.nextHolder++}`;
    const kind = rnd.pick(KINDS);
    const weight = this.mode.weighted && rnd.chance(0.3) ? rnd.int(2, 3) : undefined;
    const holder: Holder = {
      id,
      kind,
      ...(weight === undefined ? {} : { weight }),
      status: 'running',
      partitionedUntil: 0,
      stubborn: rnd.chance(0.15),
      skew: rnd.int(0, this.timings.graceMs),
      keepWorking: this.mode.leaderChanges !== undefined && rnd.chance(0.3),
      cutOff: false,
      draining: false,
      nextRenewAt: this.now,
      view: new Map(),
    };
    this.holders.set(id, holder);
    this.register(holder);
  }

  register(holder: Holder): void {
    this.table = registerInstance(this.table, { id: holder.id, serviceKind: holder.kind, ...(holder.weight ? { weight: holder.weight } : {}) }, this.now);
    if (holder.draining) this.table = drain(this.table, holder.id);
    // Re-present what it still works on (past its lease too, when it kept working); whatever is
    // refused is stopped at once.
    const presented: [UnitId, HeldView][] = [...holder.view].filter(([, view]) => view.expiresAt > this.now || holder.keepWorking);
    if (this.mode.leaderChanges && this.rnd.chance(0.2)) {
      // A confused worker also presents an epoch older than one that was in use: always refused.
      const stale = [...this.maxEpoch].filter(([unit, epoch]) => epoch > 1 && !holder.view.has(unit));
      if (stale.length > 0) {
        const [unit, max] = this.rnd.pick(stale);
        presented.push([unit, { epoch: this.rnd.int(1, max - 1), expiresAt: this.now, revoked: false }]);
      }
    }
    for (const [unit, view] of this.mode.leaderChanges ? shuffled(this.rnd, presented) : presented) {
      const result = restoreLease(this.table, unit, holder.id, view.epoch, this.now, this.timings.ttlMs);
      this.table = result.nextState;
      if (result.accepted) {
        const previous = this.maxEpoch.get(unit) ?? 0;
        if (view.epoch < previous) throw new Error(`${unit} adopted at epoch ${view.epoch} from ${holder.id} after epoch ${previous} was in use`);
        this.maxEpoch.set(unit, view.epoch);
        holder.view.set(unit, { epoch: view.epoch, expiresAt: result.lease.expiresAt + holder.skew, revoked: result.lease.state === 'revoking' });
      }
      else holder.view.delete(unit);
    }
  }

  /** Whether a leader answers this holder now. */
  reachable(holder: Holder): boolean {
    return holder.status === 'running' && this.now >= this.leaderlessUntil;
  }

  running(): Holder[] {
    return [...this.holders.values()].filter((h) => h.status === 'running');
  }

  /** One random disturbance. */
  chaos(): void {
    const rnd = this.rnd;
    const roll = rnd.next();
    const running = this.running();
    if (roll < 0.06) this.join();
    else if (roll < 0.09 && running.length > 0) rnd.pick(running).status = 'crashed';
    else if (roll < 0.13 && running.length > 0) {
      const h = rnd.pick(running);
      h.status = 'partitioned';
      h.partitionedUntil = this.now + rnd.int(1000, 30_000);
    } else if (roll < 0.16 && running.some((h) => this.table.instances.has(h.id))) {
      const h = rnd.pick(running.filter((r) => this.table.instances.has(r.id)));
      h.draining = true;
      this.table = drain(this.table, h.id);
    } else if (roll < 0.18) {
      // A drained instance that handed everything over says goodbye.
      const done = running.filter((h) => h.draining && h.view.size === 0);
      if (done.length > 0) {
        const h = rnd.pick(done);
        h.status = 'gone';
        this.table = removeInstance(this.table, h.id);
      }
    } else if (roll < 0.21) {
      this.units = rnd.chance(0.5) ? unitsFor(rnd, rnd.int(0, 40)) : this.units.filter(() => rnd.chance(0.8));
      this.table = setUnits(this.table, this.units);
    } else if (roll < 0.23 && this.mode.leaderChanges !== undefined) {
      // The leader dies; another takes over a while later (see coordinate()).
      if (this.now >= this.leaderlessUntil) this.leaderlessUntil = this.now + rnd.int(1000, 6000);
      this.newLeaderPending = true;
    } else if (roll < 0.23) {
      // Coordinator restart: only the highest epochs were persisted.
      this.table = setUnits(createLeaseTable({ startedAt: this.now, highestEpochs: this.table.highestEpochs }), this.units);
      for (const h of running) this.register(h);
    }
  }

  /** Workers: heal, renew, release, stop expired work. `calm` makes everyone prompt. */
  workers(calm: boolean): void {
    const rnd = this.rnd;
    for (const h of this.holders.values()) {
      if (h.status === 'partitioned' && (calm || this.now >= h.partitionedUntil)) h.status = 'running';
      if (!this.reachable(h)) h.cutOff = true;
      // A unit stops at its lease's end, unless its holder keeps working until a leader answers it again.
      if (!(h.keepWorking && h.cutOff)) for (const [unit, view] of h.view) if (view.expiresAt <= this.now) h.view.delete(unit);
      if (!this.reachable(h)) continue;
      if (calm || this.now >= h.nextRenewAt) {
        h.cutOff = false;
        const presented = [...h.view].map(([unit, view]) => ({ unitId: unit, epoch: view.epoch }));
        const result = renew(this.table, h.id, this.now, this.timings.ttlMs, presented);
        this.table = result.nextState;
        if (!result.known) this.register(h);
        else {
          for (const lost of result.lost) h.view.delete(lost.unitId);
          for (const lease of result.renewed) h.view.set(lease.unitId, { epoch: lease.epoch, expiresAt: lease.expiresAt + h.skew, revoked: false });
          for (const lease of result.revoking) h.view.set(lease.unitId, { epoch: lease.epoch, expiresAt: lease.expiresAt + h.skew, revoked: true });
        }
        h.nextRenewAt = this.now + (calm ? 1000 : rnd.chance(0.05) ? rnd.int(8000, 16_000) : rnd.int(1000, 4000));
      }
      if (h.stubborn && !calm) continue;
      for (const [unit, view] of h.view) {
        if (!view.revoked || !(calm || h.draining || rnd.chance(0.5))) continue;
        this.table = release(this.table, unit, h.id, view.epoch).nextState;
        const seen = this.leasesSeen.get(unit)?.get(`${h.id}#${view.epoch}`);
        if (seen) seen.released = true;
        h.view.delete(unit);
      }
    }
    this.noteLeases();
  }

  coordinate(): ReturnType<typeof assign> | undefined {
    if (this.now < this.leaderlessUntil) return undefined;
    if (this.newLeaderPending) {
      // The new leader starts from what the old one persisted; workers find it by themselves.
      this.newLeaderPending = false;
      this.table = setUnits(createLeaseTable({ startedAt: this.now, highestEpochs: this.persisted }), this.units);
    }
    // The leader's heartbeat writes the epochs as they were before this round (`a-round-late`) or after it.
    if (this.mode.leaderChanges?.persisted === 'a-round-late') this.persisted = this.table.highestEpochs;
    const result = assign(this.table, this.now, this.timings);
    this.table = result.nextState;
    if (this.mode.leaderChanges?.persisted !== 'a-round-late') this.persisted = this.table.highestEpochs;
    for (const grant of result.grants) {
      const previous = this.maxEpoch.get(grant.unitId) ?? 0;
      if (grant.epoch <= previous) throw new Error(`epoch of ${grant.unitId} went from ${previous} to ${grant.epoch}`);
      this.maxEpoch.set(grant.unitId, grant.epoch);
      for (const [lease, seen] of this.leasesSeen.get(grant.unitId) ?? []) {
        if (!seen.released && this.now < seen.until) throw new Error(`${grant.unitId} granted to ${grant.holder} at t=${this.now} while lease ${lease} may be worked on until ${seen.until}`);
      }
      const h = this.holders.get(grant.holder)!;
      if (h.status === 'running') h.view.set(grant.unitId, { epoch: grant.epoch, expiresAt: grant.expiresAt + h.skew, revoked: false });
    }
    for (const revocation of result.revocations) {
      const h = this.holders.get(revocation.holder)!;
      const view = h.view.get(revocation.unitId);
      if (h.status === 'running' && view !== undefined && view.epoch === revocation.epoch) view.revoked = true;
    }
    this.noteLeases();
    return result;
  }

  /** Records how long each lease in the table may be worked on (its expiry plus grace). */
  private noteLeases(): void {
    for (const lease of this.table.leases.values()) {
      let seen = this.leasesSeen.get(lease.unitId);
      if (seen === undefined) this.leasesSeen.set(lease.unitId, (seen = new Map()));
      const key = `${lease.holder}#${lease.epoch}`;
      const until = lease.expiresAt + this.timings.graceMs;
      const entry = seen.get(key);
      if (entry === undefined) seen.set(key, { until, released: false });
      else entry.until = Math.max(entry.until, until);
    }
    for (const seen of this.leasesSeen.values()) for (const [key, entry] of seen) if (entry.released || entry.until <= this.now) seen.delete(key);
  }

  /** No unit may be worked on by two processes that each believe their lease is live. */
  assertSingleOwner(label: string): void {
    const owners = new Map<UnitId, string>();
    for (const h of this.holders.values()) {
      for (const [unit, view] of h.view) {
        if (view.expiresAt <= this.now) continue;
        const other = owners.get(unit);
        if (other !== undefined) throw new Error(`${label}: ${unit} is live at ${other} and ${h.id} at t=${this.now}`);
        owners.set(unit, h.id);
      }
    }
  }
}

/** Chaos then calm; after calm every unit has a live holder that knows it, balanced where weights allow. */
function runAndSettle(rnd: SeededRandom, timings: LeaseTimings, sim: Simulation, label: string): void {
  try {
    settle(rnd, timings, sim, label);
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(message.startsWith(label) ? message : `${label}: ${message}`);
  }
}

function settle(rnd: SeededRandom, timings: LeaseTimings, sim: Simulation, label: string): void {
  for (let step = 0; step < 150; step++) {
    sim.now += rnd.chance(0.05) ? rnd.int(5000, 25_000) : rnd.int(100, 3000);
    sim.chaos();
    sim.workers(false);
    sim.coordinate();
    sim.assertSingleOwner(label);
  }

  // Calm: everyone reachable renews and releases promptly; wait out TTL, grace and quiet period.
  for (let step = 0; step < 2 + Math.ceil((2 * timings.ttlMs + timings.graceMs) / 1000); step++) {
    sim.now += 1000;
    sim.workers(true);
    sim.coordinate();
    sim.assertSingleOwner(`${label} (calm)`);
  }
  const counts = activeCounts(sim.table);
  for (const kind of new Set(KINDS)) {
    const eligible = [...sim.table.instances.values()].filter((i) => i.serviceKind === kind && !i.draining);
    if (eligible.length === 0) continue;
    const eligibleIds = new Set(eligible.map((i) => i.id));
    for (const unit of sim.units.filter((u) => serviceKindOf(u) === kind)) {
      const lease = sim.table.leases.get(unit);
      if (lease === undefined || lease.state !== 'active' || !eligibleIds.has(lease.holder)) {
        throw new Error(`${label}: ${unit} has no live holder of kind ${kind} after calm (lease ${JSON.stringify(lease)})`);
      }
      // The holder knows it holds it.
      expect(sim.holders.get(lease.holder)!.view.get(unit)?.epoch).toBe(lease.epoch);
    }
    if (eligible.every((i) => i.weight === undefined)) {
      const perInstance = eligible.map((i) => counts.get(i.id) ?? 0);
      if (Math.max(...perInstance) - Math.min(...perInstance) > 1) throw new Error(`${label}: ${kind} unbalanced ${perInstance}`);
    }
  }
}

describe('lease table properties', () => {
  it('never lets two holders believe they own a unit, keeps epochs increasing, and serves every unit once calm', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rnd = new SeededRandom(seed);
      const timings = { ttlMs: 10_000, graceMs: rnd.pick([0, 500, 2000]) };
      runAndSettle(rnd, timings, new Simulation(rnd, timings, { weighted: seed % 2 === 0 }), `seed ${seed}`);
    }
  });

  const leaderChangeRun = (seed: number, persisted: 'exact' | 'a-round-late') => {
    const rnd = new SeededRandom(seed);
    const timings = { ttlMs: 10_000, graceMs: rnd.pick([0, 500, 2000]) };
    runAndSettle(rnd, timings, new Simulation(rnd, timings, { weighted: seed % 2 === 0, leaderChanges: { persisted } }), `seed ${seed}`);
  };

  it('keeps one live holder per unit and epochs rising across leader changes, with workers re-presenting in any order, stale epochs and units kept while no leader answers', () => {
    for (let seed = 5001; seed <= 5060; seed++) leaderChangeRun(seed, 'exact');
  });

  // Known gap, not fixed yet (docs/architecture.md, "Coordinator replicas"): the leader persists
  // the highest epochs with its next heartbeat, after it granted them. If it dies in between, the
  // next leader starts below its last grants: it may grant an epoch again, and it may adopt a lease
  // those grants superseded when a keep-working worker re-presents it, while the newer holder still
  // works (two live holders until that one re-presents and is refused). Fixing it means sending a
  // grant only once a heartbeat has persisted its epoch; then this test fails and becomes the check.
  it('(known gap) lets a new leader adopt a superseded lease when the epochs it started from lag the old leader\'s last grants', () => {
    expect(() => leaderChangeRun(5002, 'a-round-late')).toThrow('seed 5002: partition/A->B/orders/1 adopted at epoch 1 from i4 after epoch 2 was in use');
  });

  it('moves only what balance needs when an instance joins or leaves', () => {
    const timings = { ttlMs: 10_000, graceMs: 1000 };
    const fail = (seed: number, message: string): never => {
      throw new Error(`seed ${seed}: ${message}`);
    };
    for (let seed = 1; seed <= 100; seed++) {
      const rnd = new SeededRandom(1000 + seed);
      const unitCount = rnd.int(1, 150);
      const instanceCount = rnd.int(1, 8);
      let now = 100_000;
      let table = setUnits(createLeaseTable({ startedAt: 0 }), partitionUnits(unitCount));
      const ids = Array.from({ length: instanceCount }, (_, i) => `m${i}`);
      for (const id of ids) table = registerInstance(table, { id, serviceKind: 'data-mirror' }, now);
      table = assign(table, now, timings).nextState;
      const settledOwners = new Map([...table.leases].map(([unit, lease]) => [unit, lease.holder]));

      // Join: revocations stay within the newcomer's fair share, and only they move.
      now += 1000;
      for (const id of ids) table = renew(table, id, now, timings.ttlMs).nextState;
      table = registerInstance(table, { id: 'new', serviceKind: 'data-mirror' }, now);
      const joined = assign(table, now, timings);
      const bound = Math.ceil(unitCount / (instanceCount + 1));
      if (joined.revocations.length > bound) throw new Error(`seed ${seed}: ${joined.revocations.length} revocations > ${bound}`);
      table = joined.nextState;
      for (const r of joined.revocations) table = release(table, r.unitId, r.holder, r.epoch).nextState;
      const handover = assign(table, now, timings);
      if (handover.grants.length !== joined.revocations.length || handover.grants.some((g) => g.holder !== 'new')) {
        fail(seed, `hand-over granted ${handover.grants.map((g) => g.holder)} for ${joined.revocations.length} revocations`);
      }
      if (handover.revocations.length > 0) fail(seed, 'hand-over revoked more');
      table = handover.nextState;
      const moved = [...table.leases].filter(([unit, lease]) => settledOwners.get(unit) !== lease.holder).length;
      if (moved !== joined.revocations.length) fail(seed, `${moved} units moved for ${joined.revocations.length} revocations`);
      const afterJoin = activeCounts(table);
      const counts = [...ids, 'new'].map((id) => afterJoin.get(id) ?? 0);
      if (Math.max(...counts) - Math.min(...counts) > 1) fail(seed, `unbalanced after join: ${counts}`);

      // Leave: one instance goes silent; nothing else moves and its units are spread on expiry.
      const leaver = rnd.pick(ids);
      const before = new Map([...table.leases].map(([unit, lease]) => [unit, lease.holder]));
      for (let t = 0; t < 8; t++) {
        now += 2000;
        for (const id of [...ids, 'new']) if (id !== leaver) table = renew(table, id, now, timings.ttlMs).nextState;
        const round = assign(table, now, timings);
        if (round.revocations.length > 0) fail(seed, 'a leave caused revocations');
        table = round.nextState;
      }
      for (const [unit, lease] of table.leases) {
        if (before.get(unit) !== leaver && lease.holder !== before.get(unit)) fail(seed, `${unit} moved on a leave`);
      }
      const afterLeave = activeCounts(table);
      const remaining = [...ids, 'new'].filter((id) => id !== leaver).map((id) => afterLeave.get(id) ?? 0);
      if (remaining.reduce((a, b) => a + b, 0) !== unitCount) fail(seed, 'units left unserved after a leave');
      if (Math.max(...remaining) - Math.min(...remaining) > 1) fail(seed, `unbalanced after leave: ${remaining}`);
    }
  });
});
