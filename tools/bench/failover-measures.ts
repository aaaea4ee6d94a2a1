/**
 * What a coordinator failover run measures on the data: every record's sequence number seen on
 * the target (lost, duplicated), and the gaps in arrivals around each leader change. Pure; unit
 * tested.
 */

/**
 * How often each sequence number 0..size-1 arrived (ProducerPerformance's `--payload-monotonic`
 * writes the record number as the value).
 */
export class SequenceTally {
  private readonly counts: Uint8Array;
  /** Values that are not a number in 0..size-1. */
  unexpected = 0;
  received = 0;

  constructor(readonly size: number) {
    this.counts = new Uint8Array(size);
  }

  add(value: Buffer | null | undefined): void {
    this.received++;
    const n = value ? Number(value.toString('latin1')) : NaN;
    if (!Number.isInteger(n) || n < 0 || n >= this.size) {
      this.unexpected++;
      return;
    }
    if ((this.counts[n] as number) < 255) this.counts[n] = (this.counts[n] as number) + 1;
  }

  /** Numbers below `produced` never seen; extra copies of any number. */
  summary(produced: number = this.size): { lost: number; duplicates: number; firstLost?: number } {
    let lost = 0;
    let duplicates = 0;
    let firstLost: number | undefined;
    for (let i = 0; i < this.size; i++) {
      const c = this.counts[i] as number;
      if (c === 0 && i < produced) {
        lost++;
        firstLost ??= i;
      }
      if (c > 1) duplicates += c - 1;
    }
    return firstLost === undefined ? { lost, duplicates } : { lost, duplicates, firstLost };
  }
}

/**
 * The longest time without an arrival inside [from, to], over every partition: `arrivals` holds
 * each partition's arrival times (epoch ms, ascending). A gap counts when it overlaps the window;
 * a partition with nothing after its last arrival up to `to` has a gap up to `to`.
 */
export function longestGap(arrivals: ReadonlyArray<readonly number[]>, from: number, to: number): { ms: number; partition?: number; at?: number } {
  let best: { ms: number; partition?: number; at?: number } = { ms: 0 };
  arrivals.forEach((times, partition) => {
    // The last arrival at or before `from` (or the window's start when none).
    let i = upperBound(times, from) - 1;
    let prev = i >= 0 ? (times[i] as number) : from;
    for (i = i + 1; i < times.length; i++) {
      const t = times[i] as number;
      if (t - prev > best.ms) best = { ms: t - prev, partition, at: prev };
      prev = t;
      if (t >= to) return;
    }
    if (to - prev > best.ms) best = { ms: to - prev, partition, at: prev };
  });
  return best;
}

/** Index of the first element greater than `x` in an ascending array. */
function upperBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((a[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
