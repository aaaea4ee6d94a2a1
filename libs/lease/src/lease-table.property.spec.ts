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
  draining: boolean;
  nextRenewAt: number;
  readonly view: Map<UnitId, HeldView>;
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

/**
 * A coordinator and its workers under random joins, crashes, network partitions, drains, slow or
 * missing releases, renewals that come late, clock jumps, clock skew within the grace period,
 * unit changes and coordinator restarts. Messages to a worker that is cut off are lost; it learns
 * the truth on its next renewal.
 */
class Simulation {
  now = 1_000_000;
  table: LeaseTable;
  readonly holders = new Map<string, Holder>();
  readonly maxEpoch = new Map<UnitId, number>();
  units: UnitId[];
  private nextHolder = 0;

  constructor(
    private readonly rnd: SeededRandom,
    readonly timings: LeaseTimings,
    private readonly weighted: boolean,
  ) {
    this.units = unitsFor(rnd, rnd.int(3, 40));
    this.table = setUnits(createLeaseTable({ startedAt: this.now }), this.units);
    for (let i = rnd.int(1, 5); i > 0; i--) this.join();
  }

  join(): void {
    const rnd = this.rnd;
    const id = `i${this.nextHolder++}`;
    const kind = rnd.pick(KINDS);
    const weight = this.weighted && rnd.chance(0.3) ? rnd.int(2, 3) : undefined;
    const holder: Holder = {
      id,
      kind,
      ...(weight === undefined ? {} : { weight }),
      status: 'running',
      partitionedUntil: 0,
      stubborn: rnd.chance(0.15),
      skew: rnd.int(0, this.timings.graceMs),
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
    // Re-present what is still live; whatever is refused is stopped at once.
    for (const [unit, view] of holder.view) {
      if (view.expiresAt <= this.now) continue;
      const result = restoreLease(this.table, unit, holder.id, view.epoch, this.now, this.timings.ttlMs);
      this.table = result.nextState;
      if (result.accepted) {
        holder.view.set(unit, { epoch: view.epoch, expiresAt: result.lease.expiresAt + holder.skew, revoked: result.lease.state === 'revoking' });
      }
      else holder.view.delete(unit);
    }
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
      for (const [unit, view] of h.view) if (view.expiresAt <= this.now) h.view.delete(unit);
      if (h.status === 'partitioned' && (calm || this.now >= h.partitionedUntil)) h.status = 'running';
      if (h.status !== 'running') continue;
      if (calm || this.now >= h.nextRenewAt) {
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
        h.view.delete(unit);
      }
    }
  }

  coordinate(): ReturnType<typeof assign> {
    const result = assign(this.table, this.now, this.timings);
    this.table = result.nextState;
    for (const grant of result.grants) {
      const previous = this.maxEpoch.get(grant.unitId) ?? 0;
      if (grant.epoch <= previous) throw new Error(`epoch of ${grant.unitId} went from ${previous} to ${grant.epoch}`);
      this.maxEpoch.set(grant.unitId, grant.epoch);
      const h = this.holders.get(grant.holder)!;
      if (h.status === 'running') h.view.set(grant.unitId, { epoch: grant.epoch, expiresAt: grant.expiresAt + h.skew, revoked: false });
    }
    for (const revocation of result.revocations) {
      const h = this.holders.get(revocation.holder)!;
      const view = h.view.get(revocation.unitId);
      if (h.status === 'running' && view !== undefined && view.epoch === revocation.epoch) view.revoked = true;
    }
    return result;
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

describe('lease table properties', () => {
  it('never lets two holders believe they own a unit, keeps epochs increasing, and serves every unit once calm', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const rnd = new SeededRandom(seed);
      const timings = { ttlMs: 10_000, graceMs: rnd.pick([0, 500, 2000]) };
      const sim = new Simulation(rnd, timings, seed % 2 === 0);
      const label = `seed ${seed}`;
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
