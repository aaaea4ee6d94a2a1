import type { FlowConfig, MirrorConfig } from '@mirrormaker/config';
import type { UnitKind } from '@mirrormaker/lease';
import type { Logger } from '@mirrormaker/observability';
import { flowAdmin, type FlowAdmin } from '../flow-admin';
import { idleUnit, type HeldUnit } from './held-unit';
import type { UnitMetrics } from './unit-metrics';
import { resolveUnitFlow } from './unit-flow';

export interface FlowUnitAdminsOptions {
  readonly unitId: string;
  readonly kind: UnitKind;
  readonly config: MirrorConfig;
  /** The service, for client ids, e.g. `acl-sync`. */
  readonly role: string;
  /** What the unit would do, for log lines, e.g. `syncing ACLs`. */
  readonly work: string;
  readonly logger: Logger;
  readonly metrics: UnitMetrics;
  /** Why the flow needs no work from this unit (a feature turned off), checked before any client is made. */
  readonly turnedOff?: (flow: FlowConfig) => string | undefined;
}

export type FlowUnitAdmins = { readonly ok: true; readonly flow: FlowConfig; readonly source: FlowAdmin; readonly target: FlowAdmin } | { readonly ok: false; readonly idle: HeldUnit };

/**
 * The flow of a granted reconciling unit with an admin client on each of its clusters, or an idle
 * unit that says why there is none: a problem reported to the coordinator when the operator has
 * something to fix (unknown flow, bad connection settings), only a note when the flow or the
 * feature is turned off on purpose.
 */
export function flowUnitAdmins(options: FlowUnitAdminsOptions): FlowUnitAdmins {
  const { unitId, config, logger, metrics } = options;
  const resolved = resolveUnitFlow(config, unitId, options.kind);
  if (!resolved.ok) {
    logger.warn({ unit: unitId, cause: resolved.cause }, `not ${options.work}: ${resolved.message}`);
    return { ok: false, idle: idleUnit(unitId, logger, { note: resolved.message, metrics, ...(resolved.cause === 'FLOW_DISABLED' ? {} : { problem: resolved }) }) };
  }
  const { flow } = resolved;
  const off = options.turnedOff?.(flow);
  if (off !== undefined) {
    logger.info({ unit: unitId }, off);
    return { ok: false, idle: idleUnit(unitId, logger, { note: off, metrics }) };
  }
  try {
    const source = flowAdmin(config, flow, 'source', options.role, logger);
    const target = flowAdmin(config, flow, 'target', options.role, logger);
    return { ok: true, flow, source, target };
  } catch (err) {
    const message = `cannot connect to the clusters of flow ${flow.name}: ${(err as Error).message}`;
    logger.error({ unit: unitId }, message);
    return { ok: false, idle: idleUnit(unitId, logger, { note: message, metrics, problem: { cause: 'BAD_CONNECTION', message } }) };
  }
}
