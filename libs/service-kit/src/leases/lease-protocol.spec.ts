import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { unitId } from '@mirrormaker/lease';
import { createLogger, createMetricsRegistry } from '@mirrormaker/observability';
import { LeaseServiceService, ServiceKind } from '@mirrormaker/proto';
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

/** A TCP relay that can cut the network between an instance and the coordinator. */
async function relay(targetPort: number): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let open = true;
  const server: Server = createServer((inbound) => {
    if (!open) return inbound.destroy();
    const outbound = connect(targetPort, '127.0.0.1');
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 8000): Promise<number> {
  const began = Date.now();
  while (!predicate()) {
    if (Date.now() - began > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
  return Date.now() - began;
}

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
    const leaving = clients[0];
    await leaving.stop();
    const moveMs = await waitFor('units of dm-1 moved', () => ledger.active.size === 12 && ledger.countBy('dm-1') === 0);
    expect(moveMs).toBeLessThan(settings.ttlMs);
    expect(ledger.countBy('dm-2') + ledger.countBy('dm-3')).toBe(12);
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
    const moved = manager.drain('dm-a');
    expect(moved).toBe(6);
    const ms = await waitFor('drained', () => ledger.countBy('dm-a') === 0 && ledger.countBy('dm-b') === 12);
    expect(ms).toBeLessThan(settings.ttlMs);
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
});
