import type { MirrorConfig, Problem } from '@mirrormaker/config';
import { parseUnitId, unitId, type LeaseTable } from '@mirrormaker/lease';
import type { ConfigProblem, ErrorReport, FlowStatus, GroupCheckpointStatus, InstanceStatus, PartitionStatus, TopicStatus, UnitProgress } from '@mirrormaker/proto';
import { protoKindOf } from '@mirrormaker/service-kit';
import type { FlowDiscovery } from '../discovery/flow-discovery-result';

export interface StatusInputs {
  config: MirrorConfig;
  paused: ReadonlySet<string>;
  discoveries: ReadonlyMap<string, FlowDiscovery>;
  leases: LeaseTable;
  progress: ReadonlyMap<string, UnitProgress>;
  /** When the coordinator received each unit's progress (ms, its own clock), to age what was reported. */
  reportedAt: ReadonlyMap<string, number>;
  /** The coordinator's clock (ms) when answering. */
  now: number;
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
    latencyP50Ms: p?.latencyP50Ms ?? 0,
    latencyP99Ms: p?.latencyP99Ms ?? 0,
    latencySamples: p?.latencySamples ?? 0n,
  };
}

/**
 * A topic's latency from its partitions': percentiles of different partitions cannot be merged
 * into the topic's exact percentile, so the topic shows the largest p50 and the largest p99 among
 * the partitions that copied something lately (a topic is as late as its slowest partition).
 */
function topicStatus(sourceTopic: string, remoteTopic: string, partitions: PartitionStatus[]): TopicStatus {
  let p50 = 0;
  let p99 = 0;
  let samples = 0n;
  for (const p of partitions) {
    if (p.latencySamples <= 0n) continue;
    samples += p.latencySamples;
    if (p.latencyP50Ms > p50) p50 = p.latencyP50Ms;
    if (p.latencyP99Ms > p99) p99 = p.latencyP99Ms;
  }
  return { sourceTopic, remoteTopic, partitions, latencyP50Ms: p50, latencyP99Ms: p99, latencySamples: samples };
}

/**
 * Checkpoint ages of a flow from its groups unit's report, each aged by the time since the report
 * arrived: per group of `groups` (-1 without a checkpoint) and any other group reported, and the
 * flow's newest (-1 when no group has one).
 */
function checkpointAges(inputs: StatusInputs, flow: string, groups: readonly string[]): { flowAgeMs: bigint; perGroup: GroupCheckpointStatus[] } {
  const id = unitId({ kind: 'groups', flow, shard: 0 });
  const reported = inputs.progress.get(id)?.checkpoints ?? [];
  const since = BigInt(Math.max(0, Math.round(inputs.now - (inputs.reportedAt.get(id) ?? inputs.now))));
  const ages = new Map<string, bigint>(groups.map((g) => [g, -1n]));
  for (const c of reported) ages.set(c.group, c.ageMs + since);
  let newest = -1n;
  for (const age of ages.values()) if (age >= 0n && (newest < 0n || age < newest)) newest = age;
  const perGroup = [...ages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([group, checkpointAgeMs]) => ({ group, checkpointAgeMs }));
  return { flowAgeMs: newest, perGroup };
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
    const checkpoints = checkpointAges(inputs, flow.name, found?.groups ?? []);
    if (found?.error) errors.unshift({ unitId: '', cause: 'DISCOVERY_FAILED', message: found.error.message, at: new Date(found.error.at) });
    result.push({
      flow: { source: flow.source, target: flow.target },
      enabled: flow.enabled,
      paused: inputs.paused.has(flow.name),
      topics: (found?.topics ?? []).map((t) =>
        topicStatus(
          t.sourceTopic,
          t.remoteTopic,
          Array.from({ length: t.partitions }, (_, partition) => partitionStatus(inputs, unitId({ kind: 'partition', flow: flow.name, topic: t.sourceTopic, partition }), partition)),
        ),
      ),
      errors,
      lastDiscovery: found?.lastSuccessAt ? new Date(found.lastSuccessAt) : undefined,
      groups: found?.groups ?? [],
      checkpointAgeMs: checkpoints.flowAgeMs,
      groupCheckpoints: checkpoints.perGroup,
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
