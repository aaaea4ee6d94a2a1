import { unitId } from '@mirrormaker/lease';
import { createLogger, createMetricsRegistry } from '@mirrormaker/observability';
import { ServiceKind, UnitProgress, type SessionResponse } from '@mirrormaker/proto';
import { LeaseManager, UnknownSessionError, type SessionSink } from './lease-manager';

const settings = { ttlMs: 10_000, renewIntervalMs: 3_000, graceMs: 2_000 };
const logger = createLogger({ service: 'test', level: 'silent' });
const units = Array.from({ length: 4 }, (_, p) => unitId({ kind: 'partition', flow: 'A->B', topic: 'orders', partition: p }));

/** A session stream that keeps what the coordinator sent. */
class RecordingSink implements SessionSink {
  readonly sent: SessionResponse[] = [];
  send(response: SessionResponse): void {
    this.sent.push(response);
  }
  get last(): SessionResponse {
    return this.sent[this.sent.length - 1]!;
  }
  grantedUnits(): string[] {
    return this.last.grants.map((g) => g.unit!.id).sort();
  }
}

function setup() {
  let now = 1_000_000;
  const registry = createMetricsRegistry({ service: 'coordinator', version: 't' });
  const manager = new LeaseManager(settings, logger, registry, () => now);
  manager.setUnits(units);
  return {
    manager,
    registry,
    advance(ms: number) {
      now += ms;
    },
    register,
    renew,
    /** An instance that takes "grants unchanged", holding every unit after the quiet period: its stream and leases. */
    holdingAll(instanceId: string) {
      const sink = new RecordingSink();
      register(instanceId, sink, [], 1n, true);
      now += settings.ttlMs + settings.graceMs + 1;
      renew(instanceId, sink, [], 2n);
      return { sink, held: sink.last.grants.map((g) => ({ unitId: g.unit!.id, epoch: g.epoch })) };
    },
  };
  function register(instanceId: string, sink: SessionSink, held: { unitId: string; epoch: bigint }[] = [], seq = 1n, acceptsGrantsUnchanged = false) {
    manager.register({ instanceId, kind: ServiceKind.SERVICE_KIND_DATA_MIRROR, capacity: 0, version: 't', held, seq, advertisedAddress: '', acceptsGrantsUnchanged }, sink);
  }
  function renew(instanceId: string, sink: SessionSink, held: { unitId: string; epoch: bigint }[] | 'unchanged', seq: bigint, progress: UnitProgress[] = []) {
    const heldUnchanged = held === 'unchanged';
    manager.renew({ instanceId, held: heldUnchanged ? [] : held, heldUnchanged, progress, errors: [], seq }, sink);
  }
}

describe('LeaseManager', () => {
  it('registers again an instance it dropped while its session stayed open, as soon as it renews', async () => {
    const t = setup();
    const sink = new RecordingSink();
    t.register('dm-1', sink);
    t.advance(settings.ttlMs + settings.graceMs + 1); // past the quiet period of a fresh coordinator
    t.renew('dm-1', sink, [], 2n);
    expect(sink.grantedUnits()).toEqual([...units].sort());
    const epochs = new Map(sink.last.grants.map((g) => [g.unit!.id, g.epoch]));

    // The coordinator (or the instance) stalls for longer than a TTL plus grace: the instance is
    // dropped and its leases expire, though the stream between them never closed.
    t.advance(settings.ttlMs + settings.graceMs + 1);
    t.manager.setUnits(units);
    expect(t.manager.state.instances.has('dm-1')).toBe(false);
    expect(t.manager.state.leases.size).toBe(0);

    // Its next renewal on the same stream brings it back, with new epochs.
    t.renew('dm-1', sink, [], 3n);
    expect(t.manager.state.instances.has('dm-1')).toBe(true);
    expect(sink.grantedUnits()).toEqual([...units].sort());
    for (const g of sink.last.grants) expect(g.epoch).toBe(epochs.get(g.unit!.id)! + 1n);
    expect(sink.last.ackedSeq).toBe(3n);
    expect(await t.registry.getSingleMetricAsString('mirrormaker_coordinator_instances_rejoined_total')).toMatch(/ 1$/m);
  });

  it('keeps the progress an instance reports only for the units it still holds', () => {
    const t = setup();
    const sink = new RecordingSink();
    t.register('dm-1', sink);
    t.renew('dm-1', sink, [], 2n);
    const held = sink.last.grants.map((g) => ({ unitId: g.unit!.id, epoch: g.epoch }));
    const progressOf = (ids: string[]) => ids.map((unitId) => UnitProgress.fromPartial({ unitId, position: 5n }));
    t.renew('dm-1', sink, held, 3n, progressOf(held.map((h) => h.unitId)));
    expect([...t.manager.reportOf('dm-1')!.progress.keys()].sort()).toEqual(held.map((h) => h.unitId).sort());
    // It gives two units up (a drain, a rebalance): their last progress goes with them.
    const kept = held.slice(2);
    t.renew('dm-1', sink, kept, 4n, progressOf(kept.map((h) => h.unitId)));
    expect([...t.manager.reportOf('dm-1')!.progress.keys()].sort()).toEqual(kept.map((h) => h.unitId).sort());
  });

  it('as the first leader ever grants at once; a later leader first waits a quiet period for re-presented leases', () => {
    const first = setup();
    first.manager.beginLeadership(new Map(), true);
    const sink = new RecordingSink();
    first.register('dm-1', sink);
    first.renew('dm-1', sink, [], 2n);
    expect(sink.grantedUnits()).toEqual([...units].sort());

    const later = setup();
    later.manager.beginLeadership(new Map([[units[0]!, 3]]), true); // epochs were persisted: a leader came before
    const other = new RecordingSink();
    later.register('dm-1', other);
    later.renew('dm-1', other, [], 2n);
    expect(other.last.grants).toEqual([]);
    later.advance(settings.ttlMs + settings.graceMs + 1);
    later.renew('dm-1', other, [], 3n);
    expect(other.grantedUnits()).toEqual([...units].sort());
  });

  it('tells a dropped instance that returns within the grace period to stop its expired leases', () => {
    const t = setup();
    const sink = new RecordingSink();
    t.register('dm-1', sink);
    t.advance(settings.ttlMs + settings.graceMs + 1);
    t.renew('dm-1', sink, [], 2n);
    const held = sink.last.grants.map((g) => ({ unitId: g.unit!.id, epoch: g.epoch }));

    // Missed renewals for just over a TTL: dropped, its leases expired but still within their grace period.
    t.advance(settings.ttlMs + 1);
    t.manager.setUnits(units);
    expect(t.manager.state.instances.has('dm-1')).toBe(false);
    t.renew('dm-1', sink, held, 3n);
    // Expired leases are not handed back as grants: the holder must stop them (revoked as expired).
    expect(sink.last.grants).toEqual([]);
    expect(sink.last.revocations.map((r) => [r.unitId, r.reason]).sort()).toEqual([...units].sort().map((u) => [u, 'expired']));
  });

  it('never presents an expired lease as a grant, even before the grace period has passed', () => {
    const t = setup();
    const sink = new RecordingSink();
    t.register('dm-1', sink);
    t.advance(settings.ttlMs + settings.graceMs + 1);
    t.renew('dm-1', sink, [], 2n);
    expect(sink.last.grants).toHaveLength(4);

    t.advance(settings.ttlMs + 1);
    // A late renewal presents the leases after they expired at the coordinator.
    t.renew('dm-1', sink, sink.last.grants.map((g) => ({ unitId: g.unit!.id, epoch: g.epoch })), 3n);
    expect(sink.last.grants).toEqual([]);
    expect(sink.last.revocations).toHaveLength(4);
  });

  it('refuses a renewal on a stream that is not the instance\'s current session', () => {
    const t = setup();
    const old = new RecordingSink();
    const current = new RecordingSink();
    t.register('dm-1', old);
    t.register('dm-1', current);
    expect(() => t.renew('dm-1', old, [], 2n)).toThrow(UnknownSessionError);
    expect(() => t.renew('dm-2', new RecordingSink(), [], 1n)).toThrow(/register again/);
  });

  it('tells an instance that takes it "grants unchanged" instead of listing the same grants again', () => {
    const t = setup();
    const sink = new RecordingSink();
    const old = new RecordingSink(); // an instance of a version that needs every grant listed
    t.register('dm-1', sink, [], 1n, true);
    t.register('dm-old', old);
    // Both renew through the quiet period of a fresh coordinator, then share the units.
    t.advance(settings.ttlMs - 1);
    t.renew('dm-1', sink, [], 2n);
    t.renew('dm-old', old, [], 2n);
    t.advance(settings.ttlMs - 1);
    t.renew('dm-1', sink, [], 2n);
    t.renew('dm-old', old, [], 2n);
    const listed = sink.last.grants.map((g) => ({ unitId: g.unit!.id, epoch: g.epoch }));
    expect(listed).toHaveLength(2);
    expect(sink.last.grantsUnchanged).toBe(false);
    expect(sink.last.acceptsHeldUnchanged).toBe(true);

    t.renew('dm-1', sink, listed, 3n);
    t.renew('dm-old', old, old.last.grants.map((g) => ({ unitId: g.unit!.id, epoch: g.epoch })), 3n);
    expect(sink.last).toMatchObject({ grants: [], grantsUnchanged: true, ackedSeq: 3n });
    expect(old.last.grants).toHaveLength(2);
    expect(old.last.grantsUnchanged).toBe(false);

    // A change (dm-old leaves: its units come to dm-1) lists the whole assignment again.
    t.manager.goodbye('dm-old', old);
    t.advance(settings.ttlMs + settings.graceMs + 1);
    t.renew('dm-1', sink, 'unchanged', 4n);
    expect(sink.last.grantsUnchanged).toBe(false);
    expect(sink.grantedUnits()).toEqual([...units].sort());
  });

  it('renews the leases an instance listed last when it says its holdings are unchanged', () => {
    const t = setup();
    const { sink, held } = t.holdingAll('dm-1');
    t.renew('dm-1', sink, held, 3n);
    // Renewal after renewal without a list, each within a TTL of the one before, and well past
    // the first lease's expiry: every lease is still the instance's, none was revoked.
    for (let seq = 4n; seq < 10n; seq++) {
      t.advance(settings.ttlMs - 1000);
      t.renew('dm-1', sink, 'unchanged', seq);
      expect(sink.last.revocations).toEqual([]);
    }
    expect([...t.manager.state.leases.values()].map((l) => [l.unitId, l.holder])).toEqual(held.map((h) => [h.unitId, 'dm-1']));
    for (const lease of t.manager.state.leases.values()) expect(lease.expiresAt).toBeGreaterThan(1_000_000 + 6 * (settings.ttlMs - 1000));
  });

  it('keeps the last progress of a unit until the instance reports it again, and while a dropped instance\'s session stays open', () => {
    const t = setup();
    const { sink, held } = t.holdingAll('dm-1');
    t.renew('dm-1', sink, held, 3n, held.map((h) => UnitProgress.fromPartial({ unitId: h.unitId, position: 5n })));
    t.renew('dm-1', sink, 'unchanged', 4n, [UnitProgress.fromPartial({ unitId: held[0]!.unitId, position: 9n })]);
    const positions = () => [...t.manager.reportOf('dm-1')!.progress.values()].map((p) => p.position);
    expect(positions()).toEqual([9n, 5n, 5n, 5n]);

    // Dropped for missing renewals with its stream open: the report waits for its return.
    t.advance(settings.ttlMs + settings.graceMs + 1);
    t.manager.setUnits(units);
    expect(t.manager.state.instances.has('dm-1')).toBe(false);
    expect(positions()).toEqual([9n, 5n, 5n, 5n]);
    // Once its session is closed too, nothing is kept.
    t.manager.disconnect('dm-1', sink);
    expect(t.manager.reportOf('dm-1')).toBeUndefined();
  });
});
