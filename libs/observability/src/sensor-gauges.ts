import { Gauge, type Registry } from 'prom-client';
import { KAFKA_METRICS_WINDOW, SampledStat, type SampleWindow, type StatSnapshot } from './sampled-stat';

/**
 * A Kafka-metrics sensor exported as the Prometheus JMX exporter renders it: one gauge per
 * statistic (`record-age-ms`, `record-age-ms-max`, … become `<prefix>_record_age_ms`,
 * `<prefix>_record_age_ms_max`), each label set backed by one `SampledStat`. Values are computed
 * when Prometheus scrapes, so recording stays a few arithmetic operations on the hot path.
 *
 * This is how we serve MM2's own metric names next to ours: dashboards and alerts written for
 * MM2 behind a JMX exporter keep working (docs/metrics.md has the mapping).
 */
export type SensorStatName = keyof StatSnapshot;

export interface SensorGaugesOptions<L extends string> {
  registry: Registry;
  /** The Prometheus name of each statistic to export, e.g. `{ last: 'x_ms', max: 'x_ms_max' }`. */
  series: Partial<Record<SensorStatName, string>>;
  help: string;
  labelNames: readonly L[];
  /** @default KAFKA_METRICS_WINDOW (2 samples of 30 s) */
  window?: SampleWindow;
  /** The clock read at scrape time. @default Date.now */
  now?: () => number;
}

export interface SensorChild {
  /** Records `value` observed at `now` (ms since the epoch, the same clock as `now` of the options), `count` times. */
  record(value: number, now: number, count?: number): void;
}

const STAT_HELP: Record<SensorStatName, string> = {
  last: 'last value recorded',
  min: 'minimum over the sample window',
  max: 'maximum over the sample window',
  avg: 'average over the sample window',
  total: 'running total',
  rate: 'per second over the sample window',
};

interface Entry<L extends string> {
  readonly key: string;
  readonly labels: Partial<Record<L, string>>;
  stat: SampledStat;
  /** False once removed; a bound child that records again brings the series back, starting over. */
  exported: boolean;
}

export class SensorGauges<L extends string> {
  private readonly entries = new Map<string, Entry<L>>();
  private readonly labelNames: readonly L[];
  private readonly window: SampleWindow;

  constructor(options: SensorGaugesOptions<L>) {
    this.labelNames = options.labelNames;
    this.window = options.window ?? KAFKA_METRICS_WINDOW;
    const now = options.now ?? Date.now;
    const entries = this.entries;
    for (const [statName, name] of Object.entries(options.series) as [SensorStatName, string][]) {
      new Gauge({
        name,
        help: `${options.help} (${STAT_HELP[statName]}).`,
        labelNames: [...options.labelNames],
        registers: [options.registry],
        collect() {
          this.reset();
          const at = now();
          for (const { labels, stat } of entries.values()) this.set(labels, stat.snapshot(at)[statName]);
        },
      });
    }
  }

  /** The series of one label set, created on first use. */
  labels(labels: Partial<Record<L, string>>): SensorChild {
    const key = this.keyOf(labels);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { key, labels: { ...labels }, stat: new SampledStat(this.window), exported: true };
      this.entries.set(key, entry);
    }
    const bound = entry;
    return {
      record: (value, now, count) => {
        if (!bound.exported) this.revive(bound);
        bound.stat.record(value, now, count);
      },
    };
  }

  /** Stops exporting a label set; its statistics start over if it records again. */
  remove(labels: Partial<Record<L, string>>): void {
    const key = this.keyOf(labels);
    const entry = this.entries.get(key);
    if (!entry) return;
    entry.exported = false;
    this.entries.delete(key);
  }

  private revive(entry: Entry<L>): void {
    entry.exported = true;
    entry.stat = new SampledStat(this.window);
    this.entries.set(entry.key, entry);
  }

  private keyOf(labels: Partial<Record<L, string>>): string {
    return JSON.stringify(this.labelNames.map((n) => labels[n] ?? null));
  }
}
