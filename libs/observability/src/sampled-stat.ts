/**
 * Windowed statistics the way Kafka's client metrics keep a sensor: values fall into a few
 * consecutive samples of fixed length, and min, max, average and rate are taken over the samples
 * that have not expired. MM2's `record-age-ms-max`, `replication-latency-ms-avg`, `record-rate`
 * and friends are such statistics, so dashboards built on them read ours the same way.
 *
 * Invariants:
 * - A sample covers [start, start + sampleMs); a value lands in the newest sample, which is
 *   replaced by a fresh one (reusing the oldest slot) once `now` is past its end.
 * - A sample has expired when its start is `samples × sampleMs` or more before `now`: an idle
 *   series therefore reports min/max/avg as NaN (as Kafka does) and a rate of 0 after that time.
 * - `last` and `total` are not windowed: the last value recorded, and the sum of every value.
 * - Rate divides the sum of the live samples by the time they span, but by no less than
 *   `(samples − 1) × sampleMs`, so a burst right after start is not reported as a huge rate.
 */
import { SampleRing } from './sample-ring';

export interface SampleWindow {
  readonly sampleMs: number;
  readonly samples: number;
}

/** Kafka's defaults: `metrics.sample.window.ms` 30000 and `metrics.num.samples` 2. */
export const KAFKA_METRICS_WINDOW: SampleWindow = { sampleMs: 30_000, samples: 2 };

export interface StatSnapshot {
  readonly last: number;
  readonly min: number;
  readonly max: number;
  readonly avg: number;
  readonly total: number;
  /** Sum of the values recorded per second. */
  readonly rate: number;
}

interface Sample {
  start: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export class SampledStat {
  private readonly ring: SampleRing<Sample>;
  private lastValue = Number.NaN;
  private sumOfAll = 0;

  constructor(private readonly window: SampleWindow = KAFKA_METRICS_WINDOW) {
    this.ring = new SampleRing<Sample>(
      window,
      () => ({ start: 0, count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY }),
      (sample) => {
        sample.count = 0;
        sample.sum = 0;
        sample.min = Number.POSITIVE_INFINITY;
        sample.max = Number.NEGATIVE_INFINITY;
      },
    );
  }

  /** Records `value` at `now` (ms). */
  /** Records `value` at `now`, `count` times (records of a batch that share it). */
  record(value: number, now: number, count = 1): void {
    const sample = this.ring.sampleAt(now);
    sample.count += count;
    sample.sum += value * count;
    if (value < sample.min) sample.min = value;
    if (value > sample.max) sample.max = value;
    this.lastValue = value;
    this.sumOfAll += value * count;
  }

  snapshot(now: number): StatSnapshot {
    let count = 0;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let oldest = Number.POSITIVE_INFINITY;
    for (const s of this.ring.live(now)) {
      count += s.count;
      sum += s.sum;
      if (s.min < min) min = s.min;
      if (s.max > max) max = s.max;
      if (s.start < oldest) oldest = s.start;
    }
    const spanMs = count === 0 ? 0 : Math.max(now - oldest, (this.window.samples - 1) * this.window.sampleMs, 1);
    return {
      last: this.lastValue,
      min: count === 0 ? Number.NaN : min,
      max: count === 0 ? Number.NaN : max,
      avg: count === 0 ? Number.NaN : sum / count,
      total: this.sumOfAll,
      rate: count === 0 ? 0 : sum / (spanMs / 1000),
    };
  }
}
