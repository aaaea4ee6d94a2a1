import type { MirrorConfig } from '@mirrormaker/config';
import type { Logger, Registry } from '@mirrormaker/observability';
import type { ServiceKind, WorkUnit } from '@mirrormaker/proto';
import { LeaseClient, type UnitWorker } from '../leases/lease-client';
import type { ServiceSpec } from '../run-service';
import { MIRRORMAKER_VERSION } from '../version';
import { idleUnit, type HeldUnit } from './held-unit';
import { RunningConfig } from './running-config';
import { unitMetrics } from './unit-metrics';

export interface LeasedUnitServiceOptions<M> {
  name: string;
  grpcPort: number;
  metricsPort: number;
  kind: ServiceKind;
  /** The app's own series (the unit series come with `unitMetrics`); declared once per process. */
  createMetrics(registry: Registry): M;
  /** Starts work on a granted unit; never throws (a unit that cannot run is returned idle). */
  startUnit(unit: WorkUnit, config: MirrorConfig, metrics: M, logger: Logger): HeldUnit;
}

/**
 * The shape of a reconciling service (topic-config-sync, acl-sync): hold leases of one kind, run
 * one unit per lease on the config in force (`--config`, then each revision the coordinator
 * pushes, restarting the units of flows a revision changes), report unit errors with every renewal
 * and unit states in /healthz. `--config` is optional: the coordinator sends the config.
 */
export function leasedUnitService<M>(options: LeasedUnitServiceOptions<M>): ServiceSpec {
  return {
    name: options.name,
    version: MIRRORMAKER_VERSION,
    grpcPort: options.grpcPort,
    metricsPort: options.metricsPort,
    requiresCoordinator: true,
    async start({ flags, configText, logger, metrics }) {
      const running = new RunningConfig({ flags, ...(configText === undefined ? {} : { initialText: configText }), env: process.env, logger });
      const appMetrics = options.createMetrics(metrics);
      const held = new Map<string, HeldUnit>();
      const leases = new LeaseClient({
        coordinator: flags.coordinator!,
        instanceId: flags.instanceId,
        kind: options.kind,
        version: MIRRORMAKER_VERSION,
        logger,
        metrics,
        applyConfig: (revision, text) => running.apply(revision, text),
        async startUnit(unit): Promise<UnitWorker> {
          const config = running.config;
          const work = config
            ? options.startUnit(unit, config, appMetrics, logger)
            : idleUnit(unit.id, logger, { note: 'no config yet: waiting for the coordinator to send a revision', metrics: unitMetrics(metrics) });
          held.set(unit.id, work);
          return {
            async stop(reason) {
              await work.stop(reason);
              if (held.get(unit.id) === work) held.delete(unit.id);
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
