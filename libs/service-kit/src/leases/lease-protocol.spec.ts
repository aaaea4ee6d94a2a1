import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { unitId } from '@mirrormaker/lease';
import { createLogger, createMetricsRegistry } from '@mirrormaker/observability';
import { LeaseServiceService, ServiceKind } from '@mirrormaker/proto';
import { eventually } from '@mirrormaker/testing';
import { startGrpcServer, type GrpcServerHandle } from '../grpc-server';
import { LeaseClient } from './lease-client';
import { leaseServiceHandlers } from './lease-service-handlers';
import { LeaseManager } from './lease-manager';

// Short timings so expiry paths run in about a second; the rules do not depend on the scale.
const settings = { ttlMs: 1500, renewIntervalMs: 250, graceMs: 300 };
const logger = createLogger({ service: 'test', level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Records who works on which unit, and fails if two instances ever work on one unit at once. */
class WorkLedger {
  readonly active = new Map<string, string>();
  readonly violations: string[] = [];
  starts = 0;

  startFor(instance: string) {
    return async (unit: { id: string }) => {
      const other = this.active.get(unit.id);
      if (other !== undefined && other !== instance) this.violations.push(`${unit.id}: ${instance} started while ${other} works on it`);
      this.active.set(unit.id, instance);
      this.starts++;
      return {
        stop: async () => {
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
async function relay(targetPort: number): Promise<{ port: number; cut(): void; stall(): void; resume(): void; close(): Promise<void> }> {
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
  return {
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
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

const waitFor = (what: string, predicate: () => boolean) => eventually(what, predicate, { timeoutMs: 15_000, intervalMs: 25 });

describe('lease protocol over gRPC', () => {
  let manager: LeaseManager;
  let server: GrpcServerHandle;
  let clients: LeaseClient[] = [];
  const units = Array.from({ length: 12 }, (_, p) => unitId({ kind: 'partition', flow: 'A->B', topic: 'orders', partition: p }));

  async function startCoordinator(port = 0): Promise<void> {
    manager = new LeaseManager(settings, logger, createMetricsRegistry({ service: 'coordinator', version: 't' }));
    server = await startGrpcServer({
      host: '127.0.0.1',
      port,
      services: [{ name: 'mirrormaker.v1.LeaseService', definition: LeaseServiceService, implementation: leaseServiceHandlers(manager, logger) }],
    });
    server.setServing(true);
    manager.start();
    manager.setUnits(units);
  }

  async function stopCoordinator(): Promise<void> {
    manager.stop();
    await server.shutdown(200);
  }

  function instance(id: string, ledger: WorkLedger, port = server.port): LeaseClient {
    const client = new LeaseClient({
      coordinator: `127.0.0.1:${port}`,
      instanceId: id,
      kind: ServiceKind.SERVICE_KIND_DATA_MIRROR,
      version: 't',
      logger,
      metrics: createMetricsRegistry({ service: 'data-mirror', version: 't' }),
      startUnit: ledger.startFor(id),
      fenceMarginMs: 300,
      renewIntervalMs: settings.renewIntervalMs,
      backoff: { initialMs: 50, maxMs: 300 },
    });
    clients.push(client);
    client.start();
    return client;
  }

  afterEach(async () => {
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
});
