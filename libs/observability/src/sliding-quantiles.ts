import type { SampleWindow } from './sampled-stat';
import { SampleRing } from './sample-ring';

/**
 * Percentiles of the values recorded over a sliding window, in constant memory per series: what
 * the status screen shows as replication latency p50/p99 per partition.
 *
 * Values fall into log-spaced buckets: bucket 0 holds 0..1, bucket i ≥ 1 holds (G^(i-1), G^i]
 * with G = 1.1, up to about 10^10 (larger values count in the last bucket). A percentile is the
 * geometric middle of the bucket holding its rank, kept inside the window's smallest and largest
 * value, so it is within 5 % of a value recorded in the window (1 for values below 1), and exact
 * when every value in the window is the same.
 *
 * The window is a SampleRing, as SampledStat's: with the default of 3 samples of 10 s the
 * percentiles cover the last 20 to 30 seconds.
 */
const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 243; // GROWTH^242 ≈ 1.0e10

/** Three samples of 10 s: percentiles over the last 20–30 s. */
export const QUANTILE_WINDOW: SampleWindow = { sampleMs: 10_000, samples: 3 };

export interface QuantileSnapshot {
  /** Values recorded in the window; 0 when none (every percentile is then NaN). */
  readonly count: number;
  /** The q-quantile (0 < q ≤ 1) of the window's values, NaN without any. */
  quantile(q: number): number;
}

interface Sample {
  start: number;
  count: number;
  min: number;
  max: number;
  /** Made at the sample's first value: a worker holds thousands of units that may copy nothing. */
  buckets: Float64Array | undefined;
}

/** UPPER[i] = GROWTH^i, the upper bound of bucket i. */
const UPPER = Float64Array.from({ length: BUCKETS + 1 }, (_, i) => GROWTH ** i);

function bucketOf(value: number): number {
  if (value <= 1) return 0;
  if (value > UPPER[BUCKETS - 2]!) return BUCKETS - 1;
  const i = Math.ceil(Math.log(value) / LOG_GROWTH);
  // Rounding of the logarithm may land a value exactly on a bound one bucket too high or low.
  return UPPER[i - 1]! >= value ? i - 1 : UPPER[i]! < value ? i + 1 : i;
}

function middleOf(bucket: number): number {
  return bucket === 0 ? 0.5 : GROWTH ** (bucket - 0.5);
}

export class SlidingQuantiles {
  private readonly ring: SampleRing<Sample>;

  constructor(window: SampleWindow = QUANTILE_WINDOW) {
    this.ring = new SampleRing<Sample>(
      window,
      () => ({ start: 0, count: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY, buckets: undefined }),
      (sample) => {
        sample.count = 0;
        sample.min = Number.POSITIVE_INFINITY;
        sample.max = Number.NEGATIVE_INFINITY;
        sample.buckets?.fill(0);
      },
    );
  }

  /** Records `value` (≥ 0, finite) `times` times at `now` (ms). */
  record(value: number, now: number, times = 1): void {
    if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`a recorded value must be finite and ≥ 0, got ${value}`);
    if (times <= 0) return;
    const sample = this.ring.sampleAt(now);
    const bucket = bucketOf(value);
    const buckets = (sample.buckets ??= new Float64Array(BUCKETS));
    buckets[bucket] = buckets[bucket]! + times;
    sample.count += times;
    if (value < sample.min) sample.min = value;
    if (value > sample.max) sample.max = value;
  }

  snapshot(now: number): QuantileSnapshot {
    const live = this.ring.live(now).filter((s) => s.count > 0);
    let count = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const s of live) {
      count += s.count;
      if (s.min < min) min = s.min;
      if (s.max > max) max = s.max;
    }
    return {
      count,
      quantile(q: number): number {
        if (!(q > 0 && q <= 1)) throw new RangeError(`a quantile must be in (0, 1], got ${q}`);
        if (count === 0) return Number.NaN;
        const rank = Math.ceil(q * count);
        let seen = 0;
        for (let b = 0; b < BUCKETS; b++) {
          for (const s of live) seen += s.buckets![b]!;
          // The last bucket has no upper bound: its values are only known to reach the maximum.
          if (seen >= rank) return b === BUCKETS - 1 ? max : Math.min(max, Math.max(min, middleOf(b)));
        }
        return max;
      },
    };
  }
}
