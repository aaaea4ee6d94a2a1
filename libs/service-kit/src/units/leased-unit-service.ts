import type { MirrorConfig } from '@mirrormaker/config';
import type { Logger, Registry } from '@mirrormaker/observability';
import type { ErrorReport, ServiceKind, WorkUnit } from '@mirrormaker/proto';
import { loadServiceConfig } from '../load-service-config';
import { LeaseClient, type UnitWorker } from '../leases/lease-client';
import type { ServiceSpec } from '../run-service';
import { MIRRORMAKER_VERSION } from '../version';
import { SyncStatus } from './sync-status';

/** What a service keeps per granted unit: a running reconciler, or an idle placeholder saying why not. */
export interface HeldUnit {
  readonly status: SyncStatus;
  errorReports(): ErrorReport[];
  stop(reason: string): Promise<void>;
}

export interface LeasedUnitServiceOptions<M> {
  name: string;
  grpcPort: number;
  metricsPort: number;
  kind: ServiceKind;
  createMetrics(registry: Registry): M;
  /** Starts work on a granted unit; never throws (a unit that cannot run is returned idle). */
  startUnit(unit: WorkUnit, config: MirrorConfig, metrics: M, logger: Logger): HeldUnit;
}

/** A unit that cannot run, with the reason shown in health and reported to the coordinator. */
export function idleUnit(unitId: string, logger: Logger, note: string, problem?: { cause: string; message: string }): HeldUnit {
  const status = new SyncStatus(logger.child({ unit: unitId }));
  status.setIdle(note, problem ? { ...problem, retriable: false, clusterWide: true, action: 'setup' } : undefined);
  return { status, errorReports: () => status.errorReports(unitId), stop: async () => status.setStopped() };
}

/**
 * The shape of a reconciling service (topic-config-sync, acl-sync): load `--config`, hold leases of
 * one kind, run one unit per lease, report unit errors with every renewal and unit states in
 * /healthz. Without `--config` the service starts idle and asks for no work.
 */
export function leasedUnitService<M>(options: LeasedUnitServiceOptions<M>): ServiceSpec {
  return {
    name: options.name,
    version: MIRRORMAKER_VERSION,
    grpcPort: options.grpcPort,
    metricsPort: options.metricsPort,
    requiresCoordinator: true,
    async start({ flags, configText, logger, metrics }) {
      if (configText === undefined) {
        logger.warn('no --config (MM_CONFIG) given: not asking the coordinator for work');
        return { grpcServices: [], health: () => ({ healthy: true, details: { idle: 'no config' } }), stop: async () => undefined };
      }
      const config = loadServiceConfig(configText, flags, process.env, logger);
      const unitMetrics = options.createMetrics(metrics);
      const held = new Map<string, HeldUnit>();
      const leases = new LeaseClient({
        coordinator: flags.coordinator!,
        instanceId: flags.instanceId,
        kind: options.kind,
        version: MIRRORMAKER_VERSION,
        logger,
        metrics,
        async startUnit(unit): Promise<UnitWorker> {
          const running = options.startUnit(unit, config, unitMetrics, logger);
          held.set(unit.id, running);
          return {
            async stop(reason) {
              await running.stop(reason);
              if (held.get(unit.id) === running) held.delete(unit.id);
            },
          };
        },
        report: () => ({ errors: [...held.values()].flatMap((u) => u.errorReports()) }),
      });
      leases.start();
      return {
        grpcServices: [],
        health: () => ({
          healthy: leases.hasWorkingSession,
          details: { coordinatorSession: leases.sessionState(), units: Object.fromEntries([...held].map(([id, u]) => [id, u.status.view()])) },
        }),
        stop: () => leases.stop(),
      };
    },
  };
}
