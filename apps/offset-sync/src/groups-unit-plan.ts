import { findFlow, flowReplication, type FlowConfig, type FlowReplication, type MirrorConfig } from '@mirrormaker/config';
import { parseUnitId } from '@mirrormaker/lease';
import { checkpointTopicRenamer } from '@mirrormaker/offset-translation';
import { offsetSegmentsTopicPlacement, offsetSyncsTopicPlacement, type OffsetSyncsTopicPlacement } from '@mirrormaker/replication-policy';
import type { GroupsUnitCause } from './groups-unit-causes';

/** Shortest pause between two rounds of a loop: an interval of 0 must not spin. */
export const MIN_INTERVAL_MS = 100;

/** Everything a `groups/<flow>/<shard>` unit needs to know, derived once from the config. */
export interface GroupsUnitPlan {
  readonly unitId: string;
  readonly flow: FlowConfig;
  readonly shard: number;
  readonly rules: FlowReplication;
  /** Where the flow's offset syncs are read from (`offset-syncs.topic.location`). */
  readonly offsetSyncs: OffsetSyncsTopicPlacement;
  /** Our exact offset mapping, beside the offset syncs. */
  readonly offsetSegments: OffsetSyncsTopicPlacement;
  /** `<source>.checkpoints.internal` on the target (separator per the replication policy). */
  readonly checkpointsTopic: string;
  readonly checkpointsTopicReplicationFactor: number;
  /** `emit.checkpoints.interval.seconds`. */
  readonly checkpointIntervalMs: number;
  /** `sync.group.offsets.interval.seconds` when `sync.group.offsets.enabled`, else null. */
  readonly groupSyncIntervalMs: number | null;
  /**
   * How often target groups are looked at: for the group offset sync when it is on, otherwise
   * only to measure their lag, at the checkpoint interval.
   */
  readonly targetIntervalMs: number;
  /** Source topic name to the name a checkpoint uses (`t` → `A.t`, `B.t` → `t` on flow A->B). */
  readonly renameTopic: (sourceTopic: string) => string;
}

/** Why a granted groups unit cannot run here. */
export type GroupsUnitProblem = Extract<GroupsUnitCause, 'NOT_A_GROUPS_UNIT' | 'UNKNOWN_FLOW' | 'FLOW_DISABLED' | 'CHECKPOINTS_DISABLED' | 'OFFSET_SYNCS_DISABLED' | 'UNSUPPORTED_SHARD'>;

export type GroupsUnitResolution =
  | { readonly ok: true; readonly plan: GroupsUnitPlan }
  | { readonly ok: false; readonly cause: GroupsUnitProblem; readonly message: string };

const millis = (seconds: number): number => Math.max(MIN_INTERVAL_MS, seconds * 1000);

/**
 * Resolves a leased unit id against the config. Only shard 0 exists: it holds every group of the
 * flow (the coordinator leases no other shard today).
 */
export function resolveGroupsUnit(config: MirrorConfig, unitId: string): GroupsUnitResolution {
  let ref: ReturnType<typeof parseUnitId>;
  try {
    ref = parseUnitId(unitId);
  } catch (err) {
    return { ok: false, cause: 'NOT_A_GROUPS_UNIT', message: (err as Error).message };
  }
  if (ref.kind !== 'groups') return { ok: false, cause: 'NOT_A_GROUPS_UNIT', message: `unit ${unitId} is not a groups unit` };
  const flow = findFlow(config, ref.flow);
  if (flow === undefined) {
    return { ok: false, cause: 'UNKNOWN_FLOW', message: `flow ${ref.flow} is not in this instance's config (clusters ${Object.keys(config.clusters).join(', ')})` };
  }
  if (!flow.enabled) return { ok: false, cause: 'FLOW_DISABLED', message: `flow ${flow.name} is not enabled (${flow.name}.enabled=true)` };
  if (!flow.emitCheckpointsEnabled) {
    return { ok: false, cause: 'CHECKPOINTS_DISABLED', message: `flow ${flow.name} has emit.checkpoints.enabled=false` };
  }
  if (!flow.emitOffsetSyncsEnabled) {
    return {
      ok: false,
      cause: 'OFFSET_SYNCS_DISABLED',
      message: `flow ${flow.name} has emit.offset-syncs.enabled=false, so there is nothing to translate offsets with`,
    };
  }
  if (ref.shard !== 0) {
    return { ok: false, cause: 'UNSUPPORTED_SHARD', message: `unit ${unitId}: only shard 0 (all groups of the flow) is supported` };
  }
  const rules = flowReplication(flow);
  const checkpointIntervalMs = millis(flow.emitCheckpointsIntervalSeconds);
  const groupSyncIntervalMs = flow.syncGroupOffsetsEnabled ? millis(flow.syncGroupOffsetsIntervalSeconds) : null;
  return {
    ok: true,
    plan: {
      unitId,
      flow,
      shard: ref.shard,
      rules,
      offsetSyncs: offsetSyncsTopicPlacement(
        rules.policy,
        { sourceClusterAlias: flow.source, targetClusterAlias: flow.target },
        flow.offsetSyncsTopicLocation,
      ),
      offsetSegments: offsetSegmentsTopicPlacement({ sourceClusterAlias: flow.source, targetClusterAlias: flow.target }, flow.offsetSyncsTopicLocation),
      checkpointsTopic: rules.policy.checkpointsTopic(flow.source),
      checkpointsTopicReplicationFactor: flow.checkpointsTopicReplicationFactor,
      checkpointIntervalMs,
      groupSyncIntervalMs,
      targetIntervalMs: groupSyncIntervalMs ?? checkpointIntervalMs,
      renameTopic: checkpointTopicRenamer(rules.policy, flow.source, flow.target),
    },
  };
}
