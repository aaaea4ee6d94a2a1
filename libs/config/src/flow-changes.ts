import type { FlowConfig, MirrorConfig } from './model';

/**
 * Everything a unit of one flow runs on: the flow's settings and both of its clusters (connection,
 * security, client overrides). Two configs with the same fingerprint for a flow run its units the
 * same way, so a new revision restarts only the units of flows whose fingerprint changed.
 */
export function flowFingerprint(config: MirrorConfig, flowName: string): string | undefined {
  const flow: FlowConfig | undefined = config.flows.find((f) => f.name === flowName);
  if (!flow) return undefined;
  return JSON.stringify({ flow, source: config.clusters[flow.source], target: config.clusters[flow.target] }, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
}

/** What a service's units of one flow run on, as a string; undefined when the config has no such flow. */
export type FlowFingerprint = (config: MirrorConfig, flowName: string) => string | undefined;

/**
 * Names of the flows whose units run differently under `next` than under `previous` (added and
 * removed ones too). A service whose units use only part of a flow's settings passes a fingerprint
 * of that part, so changes to the rest do not restart them.
 */
export function changedFlows(previous: MirrorConfig | undefined, next: MirrorConfig, fingerprint: FlowFingerprint = flowFingerprint): Set<string> {
  const names = new Set([...(previous?.flows ?? []), ...next.flows].map((f) => f.name));
  const changed = new Set<string>();
  for (const name of names) {
    if (previous === undefined || fingerprint(previous, name) !== fingerprint(next, name)) changed.add(name);
  }
  return changed;
}
