import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { findFlow, type MirrorConfig } from '@mirrormaker/config';
import { parseUnitId } from '@mirrormaker/lease';
import type { Logger } from '@mirrormaker/observability';
import { OffsetSyncServiceService, ServiceKind, type WorkUnit } from '@mirrormaker/proto';
import { ADVERTISED_HOST_ENV, advertisedAddress, heldUnitsReport, idleUnit, LeaseClient, MIRRORMAKER_VERSION, RunningConfig, type HeldUnit, type ServiceSpec, type UnitWorker } from '@mirrormaker/service-kit';
import { GroupsUnit } from './groups-unit';
import { resolveGroupsUnit } from './groups-unit-plan';
import { offsetSyncHandlers, type TranslationSource } from './offset-sync-handlers';
import { createOffsetSyncMetrics, type OffsetSyncMetrics } from './offset-sync-metrics';

const SERVICE_NAME = 'mirrormaker.v1.OffsetSyncService';

function grantUnit(unit: WorkUnit, config: MirrorConfig | undefined, metrics: OffsetSyncMetrics, logger: Logger): HeldUnit {
  if (config === undefined) {
    return idleUnit(unit.id, logger, { note: 'no config yet: waiting for the coordinator to send a revision', metrics: metrics.units });
  }
  const resolved = resolveGroupsUnit(config, unit.id);
  if (!resolved.ok) {
    const intended = resolved.cause === 'FLOW_DISABLED' || resolved.cause === 'CHECKPOINTS_DISABLED';
    logger[intended ? 'info' : 'warn']({ unit: unit.id, cause: resolved.cause }, `not working on the unit: ${resolved.message}`);
    return idleUnit(unit.id, logger, { note: resolved.message, metrics: metrics.units, ...(intended ? {} : { problem: resolved }) });
  }
  const running = new GroupsUnit({ plan: resolved.plan, config, metrics, logger });
  running.start();
  return running;
}

/** The flow a unit id names, if it parses. */
function flowOf(unitId: string): string | undefined {
  try {
    return parseUnitId(unitId).flow;
  } catch {
    return undefined;
  }
}

function translationSource(configOf: () => MirrorConfig | undefined, held: ReadonlyMap<string, HeldUnit>): TranslationSource {
  return {
    unitFor(flow) {
      for (const h of held.values()) if (h instanceof GroupsUnit && h.flowName === flow) return h;
      return undefined;
    },
    whyNoUnit(flow) {
      const config = configOf();
      if (config === undefined) {
        return { code: grpc.status.FAILED_PRECONDITION, message: 'this offset-sync instance has no config yet (none given, none received from the coordinator) and holds no flows' };
      }
      if (findFlow(config, flow) === undefined) return { code: grpc.status.NOT_FOUND, message: `flow ${flow} is not in this instance's config` };
      for (const [id, h] of held) {
        if (h.status.phase === 'idle' && flowOf(id) === flow) return { code: grpc.status.FAILED_PRECONDITION, message: h.status.detail ?? `flow ${flow} is idle here` };
      }
      return {
        code: grpc.status.FAILED_PRECONDITION,
        message: `this instance does not hold the groups of flow ${flow}; ask the coordinator (ControlService.TranslateGroupOffsets), which knows who does`,
      };
    },
  };
}

/** Translates consumer group offsets: MM2 checkpoints, group offset sync and TranslateOffsets. */
export const offsetSyncService: ServiceSpec = {
  name: 'offset-sync',
  version: MIRRORMAKER_VERSION,
  grpcPort: 7002,
  metricsPort: 9402,
  requiresCoordinator: true,
  async start({ flags, configText, logger, metrics, grpcClient }) {
    const held = new Map<string, HeldUnit>();
    const running = new RunningConfig({ flags, ...(configText === undefined ? {} : { initialText: configText }), env: process.env, logger });
    const unitMetrics = createOffsetSyncMetrics(metrics);
    const advertised = advertisedAddress({
      host: flags.host,
      grpcPort: flags.grpcPort,
      advertisedHost: process.env[ADVERTISED_HOST_ENV],
      hostname: hostname(),
    });
    if (advertised.address === undefined) logger.warn(advertised.reason);
    const leases = new LeaseClient({
      coordinator: flags.coordinator!,
      security: grpcClient,
      instanceId: flags.instanceId,
      whenCoordinatorsUnreachable: flags.whenCoordinatorsUnreachable,
      kind: ServiceKind.SERVICE_KIND_OFFSET_SYNC,
      version: MIRRORMAKER_VERSION,
      ...(advertised.address === undefined ? {} : { advertisedAddress: advertised.address }),
      logger,
      metrics,
      applyConfig: (revision, text) => running.apply(revision, text),
      async startUnit(unit): Promise<UnitWorker> {
        const granted = grantUnit(unit, running.config, unitMetrics, logger);
        held.set(unit.id, granted);
        return {
          async stop(reason) {
            await granted.stop(reason);
            if (held.get(unit.id) === granted) held.delete(unit.id);
          },
        };
      },
      report: () => heldUnitsReport(held.values()),
    });
    leases.start();
    return {
      grpcServices: [{ name: SERVICE_NAME, definition: OffsetSyncServiceService, implementation: offsetSyncHandlers(translationSource(() => running.config, held), logger) }],
      health: () => ({
        healthy: leases.hasWorkingSession,
        details: {
          coordinatorSession: leases.sessionState(),
          ...(advertised.address === undefined ? {} : { advertisedAddress: advertised.address }),
          units: Object.fromEntries([...held].map(([id, h]) => [id, h.status.view()])),
        },
      }),
      stop: () => leases.stop(),
    };
  },
};
