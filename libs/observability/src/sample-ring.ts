import type { SampleWindow } from './sampled-stat';

/** What every sample of a ring has: when it started (ms). */
export interface TimedSample {
  start: number;
}

/**
 * The window of a windowed statistic, the way Kafka's client metrics keep a sensor: a few
 * consecutive samples of fixed length in a ring. A value lands in the newest sample, which is
 * replaced (reusing the oldest slot, reset) once `now` is past its end; a sample has expired when
 * it started `samples × sampleMs` or more before `now`. SampledStat and SlidingQuantiles keep
 * different things per sample and share this.
 */
export class SampleRing<S extends TimedSample> {
  private readonly ring: S[];
  private current = 0;

  constructor(
    private readonly window: SampleWindow,
    make: () => S,
    private readonly reset: (sample: S) => void,
  ) {
    if (!(window.sampleMs > 0) || !(window.samples >= 1) || !Number.isInteger(window.samples)) {
      throw new Error(`sample window needs sampleMs > 0 and a whole number of samples ≥ 1, got ${JSON.stringify(window)}`);
    }
    this.ring = Array.from({ length: window.samples }, () => {
      const sample = make();
      sample.start = Number.NEGATIVE_INFINITY;
      return sample;
    });
  }

  /** The sample a value recorded at `now` belongs in, starting a fresh one when the newest has ended. */
  sampleAt(now: number): S {
    let sample = this.ring[this.current]!;
    if (now >= sample.start + this.window.sampleMs) {
      this.current = (this.current + 1) % this.ring.length;
      sample = this.ring[this.current]!;
      this.reset(sample);
      sample.start = now;
    }
    return sample;
  }

  /** The samples that have not expired at `now`. */
  live(now: number): S[] {
    const horizon = now - this.window.samples * this.window.sampleMs;
    return this.ring.filter((s) => s.start > horizon);
  }
}
