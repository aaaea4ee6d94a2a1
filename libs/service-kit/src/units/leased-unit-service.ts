import type { FlowConfig, MirrorConfig } from '@mirrormaker/config';
import type { UnitKind } from '@mirrormaker/lease';
import type { Logger, Registry } from '@mirrormaker/observability';
import type { ServiceKind } from '@mirrormaker/proto';
import type { FlowAdmin } from '../flow-admin';
import { LeaseClient, type UnitWorker } from '../leases/lease-client';
import type { ServiceSpec } from '../run-service';
import { MIRRORMAKER_VERSION } from '../version';
import { flowUnitAdmins } from './flow-unit-admins';
import { heldUnitsReport, idleUnit, type HeldUnit } from './held-unit';
import { RunningConfig } from './running-config';
import type { UnitMetrics } from './unit-metrics';

/** What a reconciling unit is built from: its resolved flow, an admin client on each cluster, the metrics. */
export interface ReconcilerSetup<M> {
  readonly unitId: string;
  readonly config: MirrorConfig;
  readonly flow: FlowConfig;
  readonly source: FlowAdmin;
  readonly target: FlowAdmin;
  readonly metrics: M;
  readonly logger: Logger;
}

export interface LeasedUnitServiceOptions<M extends { readonly units: UnitMetrics }> {
  name: string;
  grpcPort: number;
  metricsPort: number;
  kind: ServiceKind;
  /** The units it holds, e.g. `acls`. */
  unitKind: UnitKind;
  /** What a unit does, for log lines, e.g. `syncing ACLs`. */
  work: string;
  /** Why a flow needs no unit of this kind (its feature is off); the unit then stays idle saying so. */
  turnedOff?(flow: FlowConfig): string | undefined;
  /** The app's own series plus the unit series (`unitMetrics(registry)`); called once per process. */
  createMetrics(registry: Registry): M;
  /** Builds the unit for a resolved flow; the service starts it. */
  createUnit(setup: ReconcilerSetup<M>): HeldUnit & { start(): void };
}

/**
 * The shape of a reconciling service (topic-config-sync, acl-sync): hold leases of one kind, run
 * one unit per lease on the config in force (`--config`, then each revision the coordinator
 * pushes, restarting the units of flows a revision changes), report unit errors with every renewal
 * and unit states in /healthz. `--config` is optional: the coordinator sends the config.
 */
export function leasedUnitService<M extends { readonly units: UnitMetrics }>(options: LeasedUnitServiceOptions<M>): ServiceSpec {
  return {
    name: options.name,
    version: MIRRORMAKER_VERSION,
    grpcPort: options.grpcPort,
    metricsPort: options.metricsPort,
    requiresCoordinator: true,
    async start({ flags, configText, logger, metrics, grpcClient }) {
      const running = new RunningConfig({ flags, ...(configText === undefined ? {} : { initialText: configText }), env: process.env, logger });
      const appMetrics = options.createMetrics(metrics);
      /** Never throws: a unit that cannot run is held idle. */
      const startUnit = (unitId: string, config: MirrorConfig): HeldUnit => {
        const setup = flowUnitAdmins({
          unitId,
          kind: options.unitKind,
          config,
          role: options.name,
          work: options.work,
          logger,
          metrics: appMetrics.units,
          ...(options.turnedOff ? { turnedOff: options.turnedOff } : {}),
        });
        if (!setup.ok) return setup.idle;
        const { flow, source, target } = setup;
        const unit = options.createUnit({ unitId, config, flow, source, target, metrics: appMetrics, logger });
        unit.start();
        return unit;
      };
      const held = new Map<string, HeldUnit>();
      const leases = new LeaseClient({
        coordinator: flags.coordinator!,
        security: grpcClient,
        instanceId: flags.instanceId,
        whenCoordinatorsUnreachable: flags.whenCoordinatorsUnreachable,
        kind: options.kind,
        version: MIRRORMAKER_VERSION,
        logger,
        metrics,
        applyConfig: (revision, text) => running.apply(revision, text),
        async startUnit(unit): Promise<UnitWorker> {
          const config = running.config;
          const work = config
            ? startUnit(unit.id, config)
            : idleUnit(unit.id, logger, { note: 'no config yet: waiting for the coordinator to send a revision', metrics: appMetrics.units });
          held.set(unit.id, work);
          return {
            async stop(reason) {
              await work.stop(reason);
              if (held.get(unit.id) === work) held.delete(unit.id);
            },
          };
        },
        report: () => heldUnitsReport(held.values()),
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
