import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { unitId } from '@mirrormaker/lease';
import { createLogger, createMetricsRegistry, type Registry } from '@mirrormaker/observability';
import { LeaseServiceService, ServiceKind, UnitProgress } from '@mirrormaker/proto';
import { eventually } from '@mirrormaker/testing';
import { startGrpcServer, type GrpcServerHandle } from '../grpc-server';
import { LeaseClient, type LeaseClientOptions } from './lease-client';
import { plaintextClient, plaintextServer } from '../security/grpc-security';
import { leaseServiceHandlers, type LeaseServingGate } from './lease-service-handlers';
import { LeaseManager, type LeaseSettings, type SessionSink } from './lease-manager';

// Short timings so expiry paths run in about a second; the rules do not depend on the scale.
const settings = { ttlMs: 1500, renewIntervalMs: 250, graceMs: 300 };
const logger = createLogger({ service: 'test', level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Records who works on which unit, and fails if two instances ever work on one unit at once. */
class WorkLedger {
  readonly active = new Map<string, string>();
  readonly violations: string[] = [];
  /** Why each unit was stopped, in order. */
  readonly stops: { unit: string; instance: string; reason: string }[] = [];
  starts = 0;

  startFor(instance: string) {
    return async (unit: { id: string }) => {
      const other = this.active.get(unit.id);
      if (other !== undefined && other !== instance) this.violations.push(`${unit.id}: ${instance} started while ${other} works on it`);
      this.active.set(unit.id, instance);
      this.starts++;
      return {
        stop: async (reason: string) => {
          this.stops.push({ unit: unit.id, instance, reason });
          if (this.active.get(unit.id) === instance) this.active.delete(unit.id);
        },
      };
    };
  }

  countBy(instance: string): number {
    return [...this.active.values()].filter((i) => i === instance).length;
  }
}

/**
 * A TCP relay between an instance and the coordinator that can cut the link, or stall it: while
 * stalled, bytes are held in both directions and new connections wait, as when either side is
 * paused (SIGSTOP) with its sockets open. `resume` delivers what was held, in order.
 */
type Relay = { port: number; cut(): void; stall(): void; resume(): void; close(): Promise<void> };

/** Relays still open; closed after each test, so a failed test leaves no stalled connection behind. */
const openRelays = new Set<Relay>();

async function relay(targetPort: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  let open = true;
  let stalled = false;
  let held: (() => void)[] = [];
  const whenFlowing = (action: () => void) => (stalled ? held.push(action) : action());
  const server: Server = createServer((inbound) => {
    if (!open) return inbound.destroy();
    whenFlowing(() => {
      const outbound = connect(targetPort, '127.0.0.1');
      for (const [from, to] of [
        [inbound, outbound],
        [outbound, inbound],
      ] as const) {
        sockets.add(from);
        from.on('error', () => undefined);
        from.on('close', () => {
          sockets.delete(from);
          whenFlowing(() => to.destroy());
        });
        from.on('data', (chunk: Buffer) => whenFlowing(() => to.write(chunk)));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const handle: Relay = {
    port: (server.address() as AddressInfo).port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    stall() {
      stalled = true;
    },
    resume() {
      stalled = false;
      const actions = held;
      held = [];
      for (const action of actions) action();
    },
    close() {
      openRelays.delete(handle);
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
  openRelays.add(handle);
  return handle;
}

const waitFor = (what: string, predicate: () => boolean | Promise<boolean>) => eventually(what, predicate, { timeoutMs: 15_000, intervalMs: 25 });

/**
 * A monotonic clock that runs with real time and can be moved forward, as if that much time had
 * passed at once: the tests reach lease deadlines and quiet periods without waiting for them.
 */
class SteppedClock {
  private offset = 0;
  readonly now = () => performance.now() + this.offset;

  advance(ms: number): void {
    this.offset += ms;
  }
}

async function metricValue(registry: Registry, name: string): Promise<number> {
  return (await registry.getSingleMetric(name)!.get()).values[0]?.value ?? 0;
}

/** A logger that keeps the message of every warning, to count how often a state change is logged. */
function warningsLogger(): { logger: ReturnType<typeof createLogger>; warnings: string[] } {
  const warnings: string[] = [];
  const destination = {
    write(line: string) {
      const entry = JSON.parse(line) as { level: string; msg: string };
      if (entry.level === 'warn') warnings.push(entry.msg);
    },
  };
  return { logger: createLogger({ service: 'test', level: 'warn', destination }), warnings };
}

describe('lease protocol over gRPC', () => {
  let manager: LeaseManager;
  let server: GrpcServerHandle;
  let clients: LeaseClient[] = [];
  const units = Array.from({ length: 12 }, (_, p) => unitId({ kind: 'partition', flow: 'A->B', topic: 'orders', partition: p }));

  async function startCoordinator(port = 0, options: { settings?: LeaseSettings; now?: () => number; gate?: LeaseServingGate } = {}): Promise<void> {
    manager = new LeaseManager(options.settings ?? settings, logger, createMetricsRegistry({ service: 'coordinator', version: 't' }), options.now);
    server = await startGrpcServer({
      host: '127.0.0.1',
      port,
      services: [{ name: 'mirrormaker.v1.LeaseService', definition: LeaseServiceService, implementation: leaseServiceHandlers(manager, logger, options.gate) }],
      security: plaintextServer(),
      logger,
    });
    server.setServing(true);
    manager.start();
    manager.setUnits(units);
  }

  async function stopCoordinator(): Promise<void> {
    manager.stop();
    await server.shutdown(200);
  }

  function instance(id: string, ledger: WorkLedger, port = server.port, extra: Partial<LeaseClientOptions> = {}): LeaseClient {
    const client = new LeaseClient({
      coordinator: `127.0.0.1:${port}`,
      instanceId: id,
      security: plaintextClient(),
      kind: ServiceKind.SERVICE_KIND_DATA_MIRROR,
      version: 't',
      logger,
      metrics: createMetricsRegistry({ service: 'data-mirror', version: 't' }),
      startUnit: ledger.startFor(id),
      fenceMarginMs: 300,
      renewIntervalMs: settings.renewIntervalMs,
      backoff: { initialMs: 50, maxMs: 300 },
      ...extra,
    });
    clients.push(client);
    client.start();
    return client;
  }

  afterEach(async () => {
    await Promise.all([...openRelays].map((link) => link.close()));
    await Promise.all(clients.map((c) => c.stop()));
    clients = [];
    await stopCoordinator();
  });

  it('spreads units evenly over joining instances and moves them when one leaves, never with two holders', async () => {
    await startCoordinator();
    // A fresh coordinator grants nothing unclaimed during its quiet period (TTL + grace).
    const ledger = new WorkLedger();
    instance('dm-1', ledger);
    instance('dm-2', ledger);
    await waitFor('all units granted', () => ledger.active.size === 12);
    expect([ledger.countBy('dm-1'), ledger.countBy('dm-2')]).toEqual([6, 6]);

    instance('dm-3', ledger);
    await waitFor('rebalance to three', () => ['dm-1', 'dm-2', 'dm-3'].every((i) => ledger.countBy(i) === 4) && ledger.active.size === 12);

    // A graceful leave releases its units, so they move without waiting for expiry.
    const leaving = clients[0]!;
    const held = leaving.heldUnits().map((h) => h.unitId).sort();
    const releases = jest.spyOn(manager, 'release');
    await leaving.stop();
    await waitFor('units of dm-1 moved', () => ledger.active.size === 12 && ledger.countBy('dm-1') === 0);
    expect(ledger.countBy('dm-2') + ledger.countBy('dm-3')).toBe(12);
    // Moved because dm-1 released every one of them, not because its leases ran out.
    const released = releases.mock.calls.filter(([instance], i) => instance === 'dm-1' && releases.mock.results[i]?.value === true).map(([, unit]) => unit);
    expect(released.sort()).toEqual(held);
    expect(ledger.violations).toEqual([]);
  });

  it('handles a Register that arrived while the leader was confirming itself once it may act, on the same session', async () => {
    let confirming = true;
    const registers = jest.fn();
    await startCoordinator(0, { gate: () => (confirming ? { serving: false, pausing: true } : { serving: true }) });
    const register = manager.register.bind(manager);
    jest.spyOn(manager, 'register').mockImplementation((...args) => {
      registers();
      register(...args);
    });
    const ledger = new WorkLedger();
    const metrics = createMetricsRegistry({ service: 'data-mirror', version: 't' });
    instance('dm-1', ledger, server.port, { metrics });
    // Renewals come on the session's timer while the Register waits: several renew intervals.
    await new Promise((resolve) => setTimeout(resolve, settings.renewIntervalMs * 3));
    expect(registers).not.toHaveBeenCalled();
    confirming = false;
    await waitFor('units granted after the confirmation', () => ledger.countBy('dm-1') === 12);
    expect(registers).toHaveBeenCalledTimes(1);
    // Nothing was refused: the session that sent the Register is the one that got the units.
    expect(await metricValue(metrics, 'mirrormaker_lease_session_reconnects_total')).toBe(0);
    expect(ledger.violations).toEqual([]);
  });

  it('moves the units of an unreachable instance only after it has stopped working on them', async () => {
    await startCoordinator();
    const ledger = new WorkLedger();
    const link = await relay(server.port);
    instance('dm-cut', ledger, link.port);
    instance('dm-ok', ledger);
    await waitFor('both hold units', () => ledger.countBy('dm-cut') === 6 && ledger.countBy('dm-ok') === 6);

    link.cut();
    await waitFor('the cut-off instance fences itself', () => ledger.countBy('dm-cut') === 0);
    await waitFor('its units reach the other instance', () => ledger.countBy('dm-ok') === 12);
    expect(ledger.violations).toEqual([]);
    await link.close();
  });

  it('drains an instance at once, without waiting out the TTL', async () => {
    await startCoordinator();
    const ledger = new WorkLedger();
    instance('dm-a', ledger);
    instance('dm-b', ledger);
    await waitFor('all units granted', () => ledger.active.size === 12 && ledger.countBy('dm-a') === 6);
    const held = clients[0]!.heldUnits().map((h) => h.unitId).sort();
    const releases = jest.spyOn(manager, 'release');
    const moved = manager.drain('dm-a');
    expect(moved).toBe(6);
    await waitFor('drained', () => ledger.countBy('dm-a') === 0 && ledger.countBy('dm-b') === 12);
    // Handed over by release, not by waiting out the TTL.
    const released = releases.mock.calls.filter(([instance], i) => instance === 'dm-a' && releases.mock.results[i]?.value === true).map(([, unit]) => unit);
    expect(released.sort()).toEqual(held);
    expect(ledger.violations).toEqual([]);
  });

  it('keeps assignments stable across a coordinator restart', async () => {
    await startCoordinator();
    const ledger = new WorkLedger();
    instance('dm-x', ledger);
    instance('dm-y', ledger);
    await waitFor('all units granted', () => ledger.active.size === 12 && ledger.countBy('dm-x') === 6);
    const before = new Map(ledger.active);
    const epochsBefore = new Map(clients.flatMap((c) => c.heldUnits()).map((h) => [h.unitId, h.epoch]));
    const startsBefore = ledger.starts;

    const port = server.port;
    await stopCoordinator();
    await startCoordinator(port);
    await waitFor('instances re-registered', () => manager.state.instances.size === 2 && manager.state.leases.size === 12);
    await sleep(settings.ttlMs + settings.graceMs + 300);

    expect(new Map(ledger.active)).toEqual(before);
    expect(ledger.starts).toBe(startsBefore);
    expect(new Map(clients.flatMap((c) => c.heldUnits()).map((h) => [h.unitId, h.epoch]))).toEqual(epochsBefore);
    expect(ledger.violations).toEqual([]);
  });

  it('heals by itself after the coordinator hangs for longer than a TTL, and reports unhealthy meanwhile', async () => {
    await startCoordinator();
    const ledger = new WorkLedger();
    const link = await relay(server.port);
    const a = instance('dm-a', ledger, link.port);
    const b = instance('dm-b', ledger, link.port);
    await waitFor('all units granted', () => ledger.countBy('dm-a') === 6 && ledger.countBy('dm-b') === 6);
    expect(a.hasWorkingSession && b.hasWorkingSession).toBe(true);

    // Nothing reaches the coordinator and nothing comes back, with every socket left open.
    link.stall();
    await waitFor('both instances fence themselves', () => ledger.active.size === 0);
    await waitFor('both report no working session', () => !a.hasWorkingSession && !b.hasWorkingSession);
    expect(a.sessionState()).toMatch(/^none: coordinator .* has not answered/);
    await waitFor('the coordinator drops both', () => manager.state.instances.size === 0 && manager.state.leases.size === 0);

    link.resume();
    await waitFor('both rejoin and every unit runs again', () => ledger.countBy('dm-a') === 6 && ledger.countBy('dm-b') === 6);
    await waitFor('both report a working session', () => a.hasWorkingSession && b.hasWorkingSession);
    expect(ledger.violations).toEqual([]);
    await link.close();
  });

  it('takes back an instance that stalled past its TTL, whose units moved to the other one meanwhile', async () => {
    await startCoordinator();
    const ledger = new WorkLedger();
    const link = await relay(server.port);
    const paused = instance('dm-paused', ledger, link.port);
    instance('dm-other', ledger);
    await waitFor('both hold units', () => ledger.countBy('dm-paused') === 6 && ledger.countBy('dm-other') === 6);

    link.stall();
    await waitFor('its units move to the other instance', () => ledger.countBy('dm-other') === 12);
    await waitFor('the coordinator drops it', () => !manager.state.instances.has('dm-paused'));
    link.resume();
    await waitFor('it is registered again', () => manager.state.instances.has('dm-paused') && paused.hasWorkingSession);

    // The other instance goes away for good: every unit must reach the one that stalled.
    await clients[1]!.stop();
    await waitFor('every unit runs on the instance that stalled', () => ledger.countBy('dm-paused') === 12);
    expect(ledger.violations).toEqual([]);
    await link.close();
  });

  it('once the assignment settles, renews without listing it and keeps every unit running', async () => {
    await startCoordinator();
    const ledger = new WorkLedger();
    const renewals = jest.spyOn(manager, 'register');
    const renews = jest.spyOn(manager, 'renew');
    let idleReports = 0;
    instance('dm-a', ledger, server.port, {
      // Two units copy, the others are idle: only the two have progress to send twice.
      report: () => ({
        progress: units.map((unitId, i) => UnitProgress.fromPartial({ unitId, position: BigInt(i < 2 ? ++idleReports : 7) })),
      }),
    });
    await waitFor('all units granted', () => ledger.countBy('dm-a') === 12);
    expect(renewals.mock.calls[0]![0].acceptsGrantsUnchanged).toBe(true);
    const settledAt = renews.mock.calls.length;
    // Longer than two TTLs of renewals.
    await waitFor('twelve more renewals', () => renews.mock.calls.length >= settledAt + 14);
    const later = renews.mock.calls.slice(settledAt + 2).map(([request]) => request);
    for (const request of later) {
      expect(request).toMatchObject({ held: [], heldUnchanged: true });
      expect(request.progress.map((p) => p.unitId)).toEqual(units.slice(0, 2));
    }
    expect(ledger.countBy('dm-a')).toBe(12);
    expect(ledger.starts).toBe(12);
    expect(manager.reportOf('dm-a')!.progress.size).toBe(12);
    expect(ledger.violations).toEqual([]);
  });

  it('lists its leases and all progress in every renewal to a coordinator that does not take "held unchanged" (an older version)', async () => {
    await startCoordinator();
    // The coordinator of an older version never sets accepts_held_unchanged in its answers.
    const older = new WeakMap<SessionSink, SessionSink>();
    const asOlder = (sink: SessionSink): SessionSink => {
      let wrapped = older.get(sink);
      if (!wrapped) {
        wrapped = { send: (response) => sink.send({ ...response, acceptsHeldUnchanged: false }), ...(sink.fail ? { fail: sink.fail } : {}) };
        older.set(sink, wrapped);
      }
      return wrapped;
    };
    for (const method of ['register', 'renew', 'disconnect', 'goodbye'] as const) {
      const original = manager[method].bind(manager) as (request: never, sink: SessionSink) => void;
      jest.spyOn(manager, method).mockImplementation(((request: never, sink: SessionSink) => original(request, asOlder(sink))) as never);
    }
    const renews = jest.spyOn(manager, 'renew');
    const ledger = new WorkLedger();
    instance('dm-a', ledger, server.port, { report: () => ({ progress: units.map((unitId) => UnitProgress.fromPartial({ unitId, position: 7n })) }) });
    await waitFor('all units granted', () => ledger.countBy('dm-a') === 12);
    const settledAt = renews.mock.calls.length;
    await waitFor('eight more renewals', () => renews.mock.calls.length >= settledAt + 8);
    // Every lease and every unit's progress, unchanged or not, as that coordinator expects.
    for (const [request] of renews.mock.calls.slice(settledAt)) expect([request.heldUnchanged, request.held.length, request.progress.length]).toEqual([false, 12, 12]);
    expect(ledger.starts).toBe(12);
    expect(ledger.violations).toEqual([]);
  });

  it('does not take a stall of its own for the silence of the coordinator', async () => {
    await startCoordinator();
    const ledger = new WorkLedger();
    const metrics = createMetricsRegistry({ service: 'data-mirror', version: 't' });
    const { logger: log, warnings } = warningsLogger();
    const a = instance('dm-a', ledger, server.port, { metrics, logger: log });
    await waitFor('all units granted', () => ledger.countBy('dm-a') === 12);

    // Longer than the silence limit (750 ms here), shorter than a TTL: the whole process, coordinator
    // included, runs nothing meanwhile; afterwards timers run before any answer is read.
    const until = performance.now() + 1000;
    while (performance.now() < until);
    await waitFor('answers read again', () => a.hasWorkingSession && ledger.countBy('dm-a') === 12);
    expect(warnings.filter((w) => /answered nothing/.test(w))).toEqual([]);
    expect(await metricValue(metrics, 'mirrormaker_lease_session_silent_total')).toBe(0);
  });

  describe('when no coordinator answers for longer than a lease lasts', () => {
    const ttl = settings.ttlMs;
    const KEPT = 'mirrormaker_leases_held_without_coordinator';
    const FENCED = 'mirrormaker_leases_fenced_total';

    /** A coordinator whose quiet period is already over, so the first worker gets every unit at once. */
    async function coordinatorPastQuietPeriod(leaseSettings: LeaseSettings = settings): Promise<SteppedClock> {
      const clock = new SteppedClock();
      await startCoordinator(0, { settings: leaseSettings, now: clock.now });
      clock.advance(leaseSettings.ttlMs + leaseSettings.graceMs);
      return clock;
    }

    function worker(id: string, ledger: WorkLedger, port: number, mode: 'stop' | 'keep-working' | undefined) {
      const clock = new SteppedClock();
      const metrics = createMetricsRegistry({ service: 'data-mirror', version: 't' });
      const { logger: log, warnings } = warningsLogger();
      const client = instance(id, ledger, port, { now: clock.now, metrics, logger: log, ...(mode ? { whenCoordinatorsUnreachable: mode } : {}) });
      return { client, clock, metrics, warnings };
    }

    it('stops held units at their lease deadline by default', async () => {
      await coordinatorPastQuietPeriod();
      const ledger = new WorkLedger();
      const link = await relay(server.port);
      const a = worker('dm-a', ledger, link.port, undefined);
      await waitFor('all units granted', () => ledger.countBy('dm-a') === 12);

      link.stall();
      await waitFor('every unit stopped', () => ledger.countBy('dm-a') === 0);
      expect(await metricValue(a.metrics, FENCED)).toBe(12);
      expect(ledger.stops.map((s) => s.reason)).toEqual(Array(12).fill('lease expiring'));
      expect(await metricValue(a.metrics, KEPT)).toBe(0);
      await link.close();
    });

    it('keeps the units running with keep-working, then obeys the revocation the reachable leader sends', async () => {
      const leaseSettings = { ...settings, graceMs: 60_000 };
      const coordinatorClock = await coordinatorPastQuietPeriod(leaseSettings);
      const ledger = new WorkLedger();
      const link = await relay(server.port);
      const a = worker('dm-a', ledger, link.port, 'keep-working');
      await waitFor('all units granted', () => ledger.countBy('dm-a') === 12);
      const epochs = a.client.heldUnits().map((h) => h.epoch);

      // The worker keeps asking and nobody answers until the leases would have run out.
      link.stall();
      await waitFor('units kept past their leases', async () => (await metricValue(a.metrics, KEPT)) === 12);
      expect(ledger.countBy('dm-a')).toBe(12);
      expect(a.client.hasWorkingSession).toBe(false);
      expect(a.client.sessionState()).toMatch(/12 units keep running past their leases/);

      // Still nobody answers, much later: the units keep running.
      a.clock.advance(10 * ttl);
      await sleep(600);
      expect(ledger.countBy('dm-a')).toBe(12);
      expect(await metricValue(a.metrics, FENCED)).toBe(0);

      // Meanwhile the leases expired at the coordinator (still within its grace period): once the
      // worker reaches it again, it answers with revocations, and the worker stops every unit.
      // (Whether the coordinator's own round dropped them first, so that the answer no longer lists
      // them, depends on which comes first on a busy machine: either is the leader's decision.)
      coordinatorClock.advance(ttl + 1000);
      link.resume();
      const byTheLeader = (reason: string) => reason === 'revoked: expired' || reason === 'not in assignment';
      await waitFor('every unit stopped as the leader decided', () => ledger.stops.filter((s) => byTheLeader(s.reason)).length === 12);
      expect(ledger.stops.filter((s) => !byTheLeader(s.reason))).toEqual([]);
      await waitFor('units granted again under new epochs', () => ledger.countBy('dm-a') === 12 && a.client.heldUnits().every((h) => h.epoch > epochs[0]!));
      await waitFor('no unit kept without a coordinator', async () => (await metricValue(a.metrics, KEPT)) === 0 && a.warnings.some((w) => /no longer run past their leases/.test(w)));
      expect(await metricValue(a.metrics, FENCED)).toBe(0);
      expect(a.warnings.filter((w) => /keeping the units running/.test(w))).toHaveLength(1);
      expect(a.warnings.filter((w) => /no longer run past their leases/.test(w))).toHaveLength(1);
      expect(ledger.violations).toEqual([]);
      await link.close();
    });

    it('with keep-working, re-presents the units to a new leader, which adopts them without a stop', async () => {
      await coordinatorPastQuietPeriod();
      const ledger = new WorkLedger();
      const link = await relay(server.port);
      const a = worker('dm-a', ledger, link.port, 'keep-working');
      await waitFor('all units granted', () => ledger.countBy('dm-a') === 12);
      const before = a.client.heldUnits();

      link.stall();
      await waitFor('units kept past their leases', async () => (await metricValue(a.metrics, KEPT)) === 12);
      // Another coordinator takes over at the same address: a fresh table in its quiet period.
      const port = server.port;
      await stopCoordinator();
      await startCoordinator(port);
      link.resume();

      await waitFor('leases adopted and renewed', async () => a.client.hasWorkingSession && (await metricValue(a.metrics, KEPT)) === 0);
      expect(manager.state.leases.size).toBe(12);
      expect(a.client.heldUnits()).toEqual(before);
      expect(ledger.starts).toBe(12);
      expect(ledger.stops).toEqual([]);
      expect(await metricValue(a.metrics, FENCED)).toBe(0);
      await link.close();
    });

    it('with keep-working, still stops units at once on a revocation while the coordinator answers', async () => {
      await coordinatorPastQuietPeriod();
      const ledger = new WorkLedger();
      const a = worker('dm-a', ledger, server.port, 'keep-working');
      await waitFor('all units granted', () => ledger.countBy('dm-a') === 12);
      instance('dm-b', ledger);

      manager.drain('dm-a');
      await waitFor('units moved to the other instance', () => ledger.countBy('dm-a') === 0 && ledger.countBy('dm-b') === 12);
      expect(ledger.stops.filter((s) => s.instance === 'dm-a').map((s) => s.reason)).toEqual(Array(12).fill('revoked: revoked'));
      expect(await metricValue(a.metrics, KEPT)).toBe(0);
      expect(ledger.violations).toEqual([]);
    });

    it('with keep-working, stops units whose leases ran out while this process itself was stalled', async () => {
      await coordinatorPastQuietPeriod();
      const ledger = new WorkLedger();
      const a = worker('dm-a', ledger, server.port, 'keep-working');
      await waitFor('all units granted', () => ledger.countBy('dm-a') === 12);

      // As after a pause of this process: its clock jumped, but the coordinator answers as soon as asked.
      a.clock.advance(3 * ttl);
      await waitFor('every unit stopped at its deadline', async () => (await metricValue(a.metrics, FENCED)) === 12);
      expect(a.warnings.filter((w) => /keeping the units running/.test(w))).toEqual([]);
      await waitFor('units granted again', () => ledger.countBy('dm-a') === 12);
    });
  });
});
