import { createLogger, createMetricsRegistry } from '@mirrormaker/observability';
import { LeaseServiceService } from '@mirrormaker/proto';
import { startGrpcServer } from '../grpc-server';
import { plaintextServer, type ServerSecurity } from '../security/grpc-security';
import { LeaseManager, type LeaseSettings } from '../leases/lease-manager';
import { leaseServiceHandlers } from '../leases/lease-service-handlers';

export interface TestCoordinator {
  /** host:port to pass as a service's `--coordinator`. */
  address: string;
  manager: LeaseManager;
  /** Which instance holds each unit right now (active leases only). */
  holders(): Map<string, string>;
  stop(): Promise<void>;
}

/**
 * A real lease server (the coordinator's LeaseManager over gRPC on 127.0.0.1) serving a fixed set
 * of units, for testing services without discovery. Short timings by default so tests run fast.
 */
export async function startTestCoordinator(
  units: readonly string[],
  settings: Partial<LeaseSettings> = {},
  /** TLS and the callers accepted; plaintext and open by default. */
  security: ServerSecurity = plaintextServer(),
): Promise<TestCoordinator> {
  const logger = createLogger({ service: 'test-coordinator', level: 'silent' });
  const manager = new LeaseManager(
    { ttlMs: 3000, renewIntervalMs: 500, graceMs: 500, ...settings },
    logger,
    createMetricsRegistry({ service: 'test-coordinator', version: 'test' }),
  );
  const server = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    services: [{ name: 'mirrormaker.v1.LeaseService', definition: LeaseServiceService, implementation: leaseServiceHandlers(manager, logger) }],
    security,
    logger,
  });
  server.setServing(true);
  manager.start();
  manager.setUnits(units);
  return {
    address: `127.0.0.1:${server.port}`,
    manager,
    holders() {
      const result = new Map<string, string>();
      for (const lease of manager.state.leases.values()) if (lease.state === 'active') result.set(lease.unitId, lease.holder);
      return result;
    },
    async stop() {
      manager.stop();
      await server.shutdown(500);
    },
  };
}
