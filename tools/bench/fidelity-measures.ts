/**
 * What a failover-fidelity run measures, the pure part: the identity every bench record carries
 * (its source partition and offset, in its value), what the mirror copied where on the target,
 * and how the records a failed-over group gets on the target divide into re-reads and misses.
 * Unit tested in fidelity-measures.spec.ts.
 *
 * A failover: the group stops on the source with committed offset C on a partition (it processed
 * every record below C, none from C on). A consumer of the group on the target starts at the
 * group's committed offset there and reads to the end of what was copied. Of the records it gets,
 * those with a source offset below C are re-reads (processed twice). A record at or past C that
 * the mirror copied but the consumer never gets is a miss (never processed at all). Exact
 * translation gives 0 / 0; MM2's rule gives re-reads and never misses.
 */
import { percentile } from './report';

/** Where a record was written on the source. */
export interface SourceIdentity {
  partition: number;
  offset: number;
}

/** The value of a bench record: `<partition>:<offset>` padded with dots to `bytes`. */
export function identityValue(partition: number, offset: number, bytes: number): Buffer {
  return Buffer.from(`${partition}:${offset}`.padEnd(bytes, '.'), 'latin1');
}

const IDENTITY = /^(\d+):(\d+)(?:\.|$)/;

/** The identity in a bench record's value; undefined for any other value. */
export function parseIdentity(value: Buffer | null): SourceIdentity | undefined {
  if (value === null) return undefined;
  const m = IDENTITY.exec(value.toString('latin1', 0, Math.min(value.length, 40)));
  return m ? { partition: Number(m[1]), offset: Number(m[2]) } : undefined;
}

/**
 * Every record on the remote topic, in target order: per partition the target offsets read and
 * the source offset each record carries. Mirrors keep the partition, so a record naming another
 * partition (or no identity) is counted as foreign and left out.
 */
export class CopiedRecords {
  private readonly targetOffsets: number[][];
  private readonly sourceOffsets: number[][];
  private readonly highestSource: number[];
  /** Records without a bench identity of their own partition. */
  foreign = 0;

  constructor(readonly partitions: number) {
    this.targetOffsets = Array.from({ length: partitions }, () => []);
    this.sourceOffsets = Array.from({ length: partitions }, () => []);
    this.highestSource = new Array<number>(partitions).fill(-1);
  }

  /** A record read at `targetOffset` of `partition` (in offset order per partition). */
  add(partition: number, targetOffset: number, value: Buffer | null): void {
    if (partition < 0 || partition >= this.partitions) {
      this.foreign++;
      return;
    }
    const id = parseIdentity(value);
    if (!id || id.partition !== partition) {
      this.foreign++;
      return;
    }
    (this.targetOffsets[partition] as number[]).push(targetOffset);
    (this.sourceOffsets[partition] as number[]).push(id.offset);
    if (id.offset > (this.highestSource[partition] as number)) this.highestSource[partition] = id.offset;
  }

  /** The highest source offset copied to the partition so far (-1: none). */
  highest(partition: number): number {
    return this.highestSource[partition] ?? -1;
  }

  /** Source offsets of the records at target offsets below `end`, in target order. */
  sourceOffsetsBelow(partition: number, end: number): number[] {
    const targets = this.targetOffsets[partition] ?? [];
    const sources = this.sourceOffsets[partition] ?? [];
    let lo = 0;
    let hi = targets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((targets[mid] as number) < end) lo = mid + 1;
      else hi = mid;
    }
    return sources.slice(0, lo);
  }
}

/** One partition of one failover. */
export interface PartitionOutcome {
  partition: number;
  /** The group's committed offset on the source when it stopped. */
  committed: number;
  /** Records the consumer on the target got. */
  delivered: number;
  /** Of those, records with a source offset below `committed`. */
  rereads: number;
  /** Source offsets at or past `committed`, copied to the target, that the consumer never got. */
  missed: number;
  /** The lowest of them. */
  firstMissed?: number;
}

/**
 * Divides one partition: `delivered` are the source offsets of the records the consumer on the
 * target got, `copied` those of every record copied up to where the consumer stopped reading.
 * Re-reads count every delivery below `committed` (a record delivered twice is processed twice).
 */
export function classifyPartition(partition: number, committed: number, delivered: readonly number[], copied: readonly number[]): PartitionOutcome {
  let rereads = 0;
  const got = new Set<number>();
  for (const offset of delivered) {
    if (offset < committed) rereads++;
    else got.add(offset);
  }
  const missed = new Set<number>();
  let firstMissed: number | undefined;
  for (const offset of copied) {
    if (offset < committed || got.has(offset)) continue;
    missed.add(offset);
    if (firstMissed === undefined || offset < firstMissed) firstMissed = offset;
  }
  const outcome: PartitionOutcome = { partition, committed, delivered: delivered.length, rereads, missed: missed.size };
  return firstMissed === undefined ? outcome : { ...outcome, firstMissed };
}

/** One failover's outcome over its partitions. */
export function sumOutcomes(outcomes: readonly PartitionOutcome[]): { delivered: number; rereads: number; missed: number } {
  return outcomes.reduce((sum, o) => ({ delivered: sum.delivered + o.delivered, rereads: sum.rereads + o.rereads, missed: sum.missed + o.missed }), { delivered: 0, rereads: 0, missed: 0 });
}

/** Re-reads and misses over the measured failovers of one contender. */
export interface FidelitySummary {
  /** Failovers measured (each has re-reads and misses). */
  measured: number;
  rereadsP50?: number;
  rereadsMax?: number;
  rereadsTotal: number;
  missedTotal: number;
  missedMax?: number;
  /** Failovers with no re-read and no miss. */
  exact: number;
  /** From the group's stop to the last change of its offsets on the target. */
  settledP50Ms?: number;
  settledMaxMs?: number;
}

export function summarizeFidelity(failovers: readonly { rereads?: number; missed?: number; settledAfterMs?: number }[]): FidelitySummary {
  const measured = failovers.filter((f): f is { rereads: number; missed: number; settledAfterMs?: number } => f.rereads !== undefined && f.missed !== undefined);
  const sorted = (values: number[]) => Float64Array.from(values).sort();
  const rereads = sorted(measured.map((f) => f.rereads));
  const settled = sorted(measured.flatMap((f) => (f.settledAfterMs === undefined ? [] : [f.settledAfterMs])));
  const last = (a: Float64Array) => (a.length ? (a[a.length - 1] as number) : undefined);
  return {
    measured: measured.length,
    rereadsP50: rereads.length ? percentile(rereads, 50) : undefined,
    rereadsMax: last(rereads),
    rereadsTotal: measured.reduce((s, f) => s + f.rereads, 0),
    missedTotal: measured.reduce((s, f) => s + f.missed, 0),
    missedMax: measured.length ? Math.max(...measured.map((f) => f.missed)) : undefined,
    exact: measured.filter((f) => f.rereads === 0 && f.missed === 0).length,
    settledP50Ms: settled.length ? percentile(settled, 50) : undefined,
    settledMaxMs: last(settled),
  };
}

/**
 * Paces a reader to `ratePerSec`: each take(n, now) books the time n records need and says how
 * long to wait until it has passed. Time not used (the reader idle) is not saved up for a burst.
 */
export class RatePacer {
  private next: number;

  constructor(
    private readonly ratePerSec: number,
    now: number,
  ) {
    this.next = now;
  }

  take(n: number, now: number): number {
    this.next = Math.max(this.next, now) + (n * 1000) / this.ratePerSec;
    return this.next - now;
  }
}

/**
 * Offsets of a group on the target, polled until they stop changing: settled once every partition
 * has an offset and none changed for `settleMs`.
 */
export class SettleWatch {
  private last: string | undefined;
  private complete = false;
  /** When the offsets last changed (or were first seen). */
  changedAt: number | undefined;

  constructor(
    private readonly partitions: number,
    private readonly settleMs: number,
  ) {}

  /** A poll's answer: partition -> offset (partitions without one left out). */
  see(offsets: ReadonlyMap<number, bigint>, now: number): void {
    const text = [...offsets].sort(([a], [b]) => a - b).map(([p, o]) => `${p}:${o}`).join(',');
    this.complete = offsets.size >= this.partitions;
    if (text !== this.last) {
      this.last = text;
      this.changedAt = now;
    }
  }

  settled(now: number): boolean {
    return this.complete && this.changedAt !== undefined && now - this.changedAt >= this.settleMs;
  }
}

/** When to stop the group in each failover: ms after it starts, uniform in [minSeconds, maxSeconds]. */
export function stopMoments(count: number, minSeconds: number, maxSeconds: number, random: () => number = Math.random): number[] {
  return Array.from({ length: count }, () => Math.round((minSeconds + random() * (maxSeconds - minSeconds)) * 1000));
}
