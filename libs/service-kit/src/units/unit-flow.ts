import { findFlow, type FlowConfig, type MirrorConfig } from '@mirrormaker/config';
import { parseUnitId, type UnitKind } from '@mirrormaker/lease';

export type UnitFlow =
  | { readonly ok: true; readonly flow: FlowConfig }
  | { readonly ok: false; readonly cause: 'BAD_UNIT' | 'UNKNOWN_FLOW' | 'FLOW_DISABLED'; readonly message: string };

/** The flow a granted unit names, or why this instance cannot work on it. */
export function resolveUnitFlow(config: MirrorConfig, unitId: string, kind: UnitKind): UnitFlow {
  let ref;
  try {
    ref = parseUnitId(unitId);
  } catch (err) {
    return { ok: false, cause: 'BAD_UNIT', message: (err as Error).message };
  }
  if (ref.kind !== kind) {
    return { ok: false, cause: 'BAD_UNIT', message: `unit ${unitId} is ${ref.kind} work; this service does ${kind} units only` };
  }
  const flow = findFlow(config, ref.flow);
  if (flow === undefined) {
    return {
      ok: false,
      cause: 'UNKNOWN_FLOW',
      message: `flow ${ref.flow} is not in this instance's config (clusters: ${Object.keys(config.clusters).join(', ') || 'none'}); give every instance the coordinator's config`,
    };
  }
  if (!flow.enabled) {
    return { ok: false, cause: 'FLOW_DISABLED', message: `flow ${flow.name} is not enabled (${flow.name}.enabled = true turns it on)` };
  }
  return { ok: true, flow };
}
