/**
 * Checkpoint lag, the pure part: which checkpoint answers which group commit, and the summary.
 *
 * A sample is one partition of one measured commit whose offset moved since the commit before (an
 * unchanged offset is already answered by an earlier checkpoint, and MM2 emits nothing new for
 * it). Its lag runs from the commit (the broker's answer to the OffsetCommit) to the arrival of the
 * first checkpoint of that partition whose upstreamOffset is at or past the committed offset.
 * Usually that checkpoint carries exactly this offset ("exact"). It carries a later commit's offset
 * when the mirror emitted nothing for this one: with a checkpoint interval longer than the time
 * between commits (MM2's default 60 s) the next commit replaces the offset before the mirror reads
 * it; and a mirror emits a checkpoint only when the translated downstream offset moves, which it
 * does not when no offset sync lies between this commit and the one before. Either way, from that
 * arrival on a consumer moving to the target starts at or past this commit. The bench's commit
 * offsets only grow, so a checkpoint at or past the offset cannot stem from an earlier commit.
 */
import { decodeCheckpoint } from '@mirrormaker/mm2-formats';
import { percentile, type CheckpointLagSample, type CheckpointLagSummary } from './report';

/** A measured commit of the group: the offset per partition of the bench topic. */
export interface GroupCommit {
  /** Just before the OffsetCommit request was sent. */
  sentAt: number;
  /** When the broker's answer arrived: the lag counts from here. */
  at: number;
  offsets: ReadonlyMap<number, bigint>;
}

/** A checkpoint of the bench group and remote topic, as the watcher on the target saw it. */
export interface SeenCheckpoint {
  partition: number;
  upstreamOffset: bigint;
  downstreamOffset: bigint;
  arrivedAt: number;
}

/**
 * Decodes a record of the checkpoints topic; undefined when it is about another group or topic.
 * Throws Mm2FormatError when the bytes are not a checkpoint.
 */
export function seenCheckpoint(key: Buffer | null, value: Buffer | null, arrivedAt: number, group: string, remoteTopic: string): SeenCheckpoint | undefined {
  if (key === null || value === null) return undefined;
  const c = decodeCheckpoint(key, value);
  if (c.group !== group || c.topic !== remoteTopic) return undefined;
  return { partition: c.partition, upstreamOffset: c.upstreamOffset, downstreamOffset: c.downstreamOffset, arrivedAt };
}

/**
 * One sample per (commit, partition) whose offset differs from the one committed before it
 * (`baseline`: the group's offsets before the measured commits).
 */
export function lagSamples(baseline: ReadonlyMap<number, bigint>, commits: readonly GroupCommit[], seen: readonly SeenCheckpoint[]): CheckpointLagSample[] {
  const byPartition = new Map<number, SeenCheckpoint[]>();
  for (const c of [...seen].sort((a, b) => a.arrivedAt - b.arrivedAt)) {
    const list = byPartition.get(c.partition) ?? [];
    list.push(c);
    byPartition.set(c.partition, list);
  }
  const previous = new Map(baseline);
  const samples: CheckpointLagSample[] = [];
  for (const [index, commit] of commits.entries()) {
    for (const [partition, offset] of [...commit.offsets].sort(([a], [b]) => a - b)) {
      const before = previous.get(partition);
      previous.set(partition, offset);
      if (before === offset) continue;
      const answer = byPartition.get(partition)?.find((c) => c.arrivedAt >= commit.sentAt && c.upstreamOffset >= offset);
      samples.push({
        commit: index,
        partition,
        offset: offset.toString(),
        ...(answer ? { lagMs: answer.arrivedAt - commit.at } : {}),
        exact: answer?.upstreamOffset === offset,
      });
    }
  }
  return samples;
}

export function allAnswered(samples: readonly CheckpointLagSample[]): boolean {
  return samples.every((s) => s.lagMs !== undefined);
}

function spread(lags: number[], prefix: '' | 'exact'): Partial<CheckpointLagSummary> {
  if (lags.length === 0) return {};
  const sorted = Float64Array.from(lags).sort();
  const [p50, p99, max] = [percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1] as number];
  return prefix === '' ? { p50Ms: p50, p99Ms: p99, maxMs: max } : { exactP50Ms: p50, exactP99Ms: p99, exactMaxMs: max };
}

/**
 * Counts and nearest-rank percentiles: over every answered sample, and over the samples answered
 * by a checkpoint with exactly their offset.
 */
export function summarizeLag(samples: readonly CheckpointLagSample[]): CheckpointLagSummary {
  const answered = samples.flatMap((s) => (s.lagMs === undefined ? [] : [s.lagMs]));
  const exact = samples.flatMap((s) => (s.exact && s.lagMs !== undefined ? [s.lagMs] : []));
  return { samples: samples.length, checkpointed: answered.length, exact: exact.length, ...spread(answered, ''), ...spread(exact, 'exact') };
}
