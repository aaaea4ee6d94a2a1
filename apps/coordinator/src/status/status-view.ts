import type { MirrorConfig, Problem } from '@mirrormaker/config';
import { parseUnitId, unitId, type LeaseTable } from '@mirrormaker/lease';
import type { ConfigProblem, ErrorReport, FlowStatus, InstanceStatus, PartitionStatus, UnitProgress } from '@mirrormaker/proto';
import { protoKindOf } from '@mirrormaker/service-kit';
import type { FlowDiscovery } from '../discovery/flow-discovery-result';

export interface StatusInputs {
  config: MirrorConfig;
  paused: ReadonlySet<string>;
  discoveries: ReadonlyMap<string, FlowDiscovery>;
  leases: LeaseTable;
  progress: ReadonlyMap<string, UnitProgress>;
  errors: readonly ErrorReport[];
  versionOf(instance: string): string | undefined;
  /** The config revision an instance runs, and why it could not apply a newer one. */
  configStateOf(instance: string): { appliedRevision: bigint; error: string } | undefined;
}

function partitionStatus(inputs: StatusInputs, id: string, partition: number): PartitionStatus {
  const lease = inputs.leases.leases.get(id);
  const p = inputs.progress.get(id);
  const position = p?.position ?? -1n;
  const end = p?.sourceEndOffset ?? -1n;
  const lag = end < 0n ? -1n : end - (position + 1n) < 0n ? 0n : end - (position + 1n);
  return {
    partition,
    holder: lease?.state === 'active' ? lease.holder : '',
    epoch: BigInt(lease?.epoch ?? 0),
    position,
    lag,
    recordsPerSecond: p?.recordsPerSecond ?? 0,
    stalledReason: p?.stalledReason ?? '',
    bytesPerSecond: p?.bytesPerSecond ?? 0,
  };
}

/** Per enabled flow: discovered topics, each partition's holder, progress and lag, and errors. */
export function flowStatuses(inputs: StatusInputs, only: ReadonlySet<string> = new Set()): FlowStatus[] {
  const result: FlowStatus[] = [];
  for (const flow of inputs.config.flows) {
    if (!flow.enabled || (only.size > 0 && !only.has(flow.name))) continue;
    const found = inputs.discoveries.get(flow.name);
    const errors: ErrorReport[] = inputs.errors.filter((e) => {
      try {
        return parseUnitId(e.unitId).flow === flow.name;
      } catch {
        return false;
      }
    });
    if (found?.error) errors.unshift({ unitId: '', cause: 'DISCOVERY_FAILED', message: found.error.message, at: new Date(found.error.at) });
    result.push({
      flow: { source: flow.source, target: flow.target },
      enabled: flow.enabled,
      paused: inputs.paused.has(flow.name),
      topics: (found?.topics ?? []).map((t) => ({
        sourceTopic: t.sourceTopic,
        remoteTopic: t.remoteTopic,
        partitions: Array.from({ length: t.partitions }, (_, partition) =>
          partitionStatus(inputs, unitId({ kind: 'partition', flow: flow.name, topic: t.sourceTopic, partition }), partition),
        ),
      })),
      errors,
      lastDiscovery: found?.lastSuccessAt ? new Date(found.lastSuccessAt) : undefined,
      groups: found?.groups ?? [],
    });
  }
  return result;
}

export function instanceStatuses(inputs: Pick<StatusInputs, 'leases' | 'versionOf' | 'configStateOf'>): InstanceStatus[] {
  return [...inputs.leases.instances.values()].map((i) => ({
    instanceId: i.id,
    kind: protoKindOf(i.serviceKind),
    unitIds: [...inputs.leases.leases.values()].filter((l) => l.holder === i.id).map((l) => l.unitId).sort(),
    lastRenewal: new Date(i.lastRenewalAt),
    draining: i.draining,
    version: inputs.versionOf(i.id) ?? '',
    appliedConfigRevision: inputs.configStateOf(i.id)?.appliedRevision ?? 0n,
    configError: inputs.configStateOf(i.id)?.error ?? '',
  }));
}

/** A config problem as the control API shows it (0 and '' where the problem has no line or key). */
export function toConfigProblem(problem: Problem): ConfigProblem {
  return { severity: problem.severity, line: problem.line ?? 0, key: problem.key ?? '', message: problem.message, hint: problem.hint };
}
