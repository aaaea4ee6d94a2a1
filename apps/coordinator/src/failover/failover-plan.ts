/**
 * What a failover or failback of consumer groups does, decided without I/O: which translated
 * offsets are written (never moving a group backwards on the destination), what the group's
 * outcome is, and which source records are at risk because they had not reached the target.
 *
 *   source partition   [0 ........ replicatedEnd ........ sourceEnd)
 *                       on target ─┘└─ written on the source, not known to be on the target
 *                                      = records at risk (reconcile them after failback)
 */
import type { Checkpoint } from '@mirrormaker/mm2-formats';
import { GroupMoveOutcome, TranslationMethod, type GroupMove, type PartitionAtRisk, type PartitionMove, type UntranslatedPartition } from '@mirrormaker/proto';

/** One partition of a group, translated to the destination. */
export interface MoveCandidate {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly fromTopic: string;
  readonly fromOffset: bigint;
  readonly recordsReread: bigint;
  readonly method: TranslationMethod;
}

export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * The partition moves for the group's candidates against its offsets already on the destination:
 * an offset is written only where the destination has none or an earlier one.
 */
export function partitionMoves(candidates: readonly MoveCandidate[], onDestination: ReadonlyMap<string, bigint>): PartitionMove[] {
  return candidates
    .map((c) => {
      const previous = onDestination.get(partitionKey(c.topic, c.partition));
      return { ...c, previousOffset: previous ?? -1n, written: previous === undefined || previous < c.offset };
    })
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}

export interface GroupSituation {
  readonly group: string;
  readonly dryRun: boolean;
  /** Members of the group on the destination right now. */
  readonly membersOnDestination: number;
  readonly destination: string;
  readonly moves: readonly PartitionMove[];
  readonly untranslated: readonly UntranslatedPartition[];
}

/** The group's entry in the answer; the moves' `written` flags are cleared when nothing may be written. */
export function groupMove(s: GroupSituation): GroupMove {
  const base = { group: s.group, untranslated: [...s.untranslated] };
  if (s.membersOnDestination > 0) {
    return {
      ...base,
      outcome: GroupMoveOutcome.GROUP_MOVE_OUTCOME_NOT_IDLE,
      detail: `group ${s.group} has ${s.membersOnDestination} active member(s) on ${s.destination}: stop its consumers there, then run this again`,
      partitions: s.moves.map((m) => ({ ...m, written: false })),
    };
  }
  if (s.moves.length === 0) {
    const why = s.untranslated.length > 0 ? `none of its ${s.untranslated.length} committed partition(s) could be translated` : 'it has no committed offset on a mirrored topic';
    return { ...base, outcome: GroupMoveOutcome.GROUP_MOVE_OUTCOME_NOTHING_TO_MOVE, detail: `nothing to move for group ${s.group}: ${why}`, partitions: [] };
  }
  const writes = s.moves.filter((m) => m.written).length;
  const kept = s.moves.length - writes;
  const detail =
    `${writes} partition offset(s) ${s.dryRun ? 'would be written' : 'written'} on ${s.destination}` +
    (kept > 0 ? `, ${kept} already at or past the translation there (kept)` : '') +
    (s.untranslated.length > 0 ? `; ${s.untranslated.length} partition(s) not translated yet (see untranslated): run this again to move them` : '');
  return {
    ...base,
    outcome: s.dryRun ? GroupMoveOutcome.GROUP_MOVE_OUTCOME_WOULD_MOVE : GroupMoveOutcome.GROUP_MOVE_OUTCOME_MOVED,
    detail,
    partitions: [...s.moves],
  };
}

/** A source partition of the flow as the coordinator last heard of it from the data mirror. */
export interface ReplicatedPartition {
  readonly topic: string;
  readonly partition: number;
  /** Last source offset copied to the target (-1 when none). */
  readonly position: bigint;
  /** Source end offset minus the next offset to copy, as last reported; -1 when never reported. */
  readonly lag: bigint;
}

/**
 * Records at risk per source partition. `liveEnds` holds the source's end offsets when it answered;
 * otherwise the end is the last one the data mirror reported (position + 1 + lag). A partition
 * whose end was never reported gets -1 for its end and its records at risk (unknown).
 */
export function dataAtRisk(partitions: readonly ReplicatedPartition[], liveEnds: ReadonlyMap<string, bigint> | undefined): PartitionAtRisk[] {
  return partitions
    .map((p) => {
      const replicatedEnd = p.position + 1n;
      const live = liveEnds?.get(partitionKey(p.topic, p.partition));
      const sourceEnd = live ?? (p.lag >= 0n ? replicatedEnd + p.lag : undefined);
      const common = { topic: p.topic, partition: p.partition, replicatedEnd, sourceEndLastKnown: live === undefined };
      if (sourceEnd === undefined) return { ...common, sourceEnd: -1n, recordsAtRisk: -1n };
      const atRisk = sourceEnd - replicatedEnd;
      return { ...common, sourceEnd, recordsAtRisk: atRisk > 0n ? atRisk : 0n };
    })
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}

/** The newest checkpoint of `group` per target partition, from records in the order they were written. */
export function latestCheckpoints(checkpoints: Iterable<Checkpoint>, group: string): Checkpoint[] {
  const latest = new Map<string, Checkpoint>();
  for (const c of checkpoints) if (c.group === group) latest.set(partitionKey(c.topic, c.partition), c);
  return [...latest.values()];
}
