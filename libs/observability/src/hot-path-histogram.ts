import type { Registry } from 'prom-client';

/**
 * A Prometheus histogram for values observed on a hot path, e.g. once per mirrored record.
 *
 * prom-client's Histogram validates and hashes the label set and looks the bucket up through an
 * object keyed by the bound on every observation; at a hundred thousand records a second that was
 * a visible share of the data path's CPU. Here a label set is bound once (`labels()`), and an
 * observation is a scan of a small array of bounds and an increment in a Float64Array.
 *
 * The exposition is what prom-client's own Histogram prints for the same observations (cumulative
 * `_bucket` series with `le`, then `+Inf`, `_sum` and `_count` per label set), so scrapers and
 * dashboards cannot tell the two apart.
 */
export interface HistogramChild {
  /** Observes `value` `count` times (e.g. once per record of a batch whose records share it). */
  observe(value: number, count?: number): void;
}

interface Series extends HistogramChild {
  readonly labels: Record<string, string>;
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

interface ExportedValue {
  labels: Record<string, string | number>;
  sharedLabels?: Record<string, string>;
  value: number;
  metricName: string;
}

export interface HotPathHistogramOptions<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  /** Upper bounds, ascending; +Inf is implicit. */
  buckets: readonly number[];
  registers: Registry[];
}

export class HotPathHistogram<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly labelNames: readonly L[];
  private readonly bounds: Float64Array;
  private readonly series = new Map<string, Series>();

  constructor(options: HotPathHistogramOptions<L>) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
    for (let i = 1; i < options.buckets.length; i++) {
      if (!(options.buckets[i]! > options.buckets[i - 1]!)) throw new Error(`${options.name}: buckets must be ascending, got ${options.buckets.join(', ')}`);
    }
    this.bounds = Float64Array.from(options.buckets);
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  /** The series of one label set, created on first use. A label left out is not printed (as prom-client). */
  labels(labels: Partial<Record<L, string>>): HistogramChild {
    const key = this.keyOf(labels);
    let series = this.series.get(key);
    if (!series) {
      const own: Record<string, string> = {};
      for (const n of this.labelNames) if (labels[n] !== undefined) own[n] = labels[n];
      series = this.newSeries(own);
      this.series.set(key, series);
    }
    return series;
  }

  remove(labels: Partial<Record<L, string>>): void {
    this.series.delete(this.keyOf(labels));
  }

  reset(): void {
    this.series.clear();
  }

  /** What the registry prints (prom-client's own shape: label set as shared labels, `le` per bucket). */
  async getForPromString(): Promise<{ name: string; help: string; type: string; aggregator: string; values: ExportedValue[] }> {
    const values: ExportedValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += s.counts[i]!;
        values.push({ labels: { le: this.bounds[i]! }, sharedLabels: s.labels, value: cumulative, metricName: bucketName });
      }
      values.push({ labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucketName });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** The JSON form (registry.getMetricsAsJSON): label set and `le` in one object, as prom-client does. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: ExportedValue[] }> {
    const data = await this.getForPromString();
    return { ...data, values: data.values.map(({ labels, sharedLabels, value, metricName }) => ({ labels: { ...sharedLabels, ...labels }, value, metricName })) };
  }

  private keyOf(labels: Partial<Record<L, string>>): string {
    for (const n of Object.keys(labels)) {
      if (!this.labelNames.includes(n as L)) throw new Error(`${this.name}: unknown label '${n}' (labels: ${this.labelNames.join(', ')})`);
    }
    return JSON.stringify(this.labelNames.map((n) => labels[n] ?? null));
  }

  private newSeries(labels: Record<string, string>): Series {
    const bounds = this.bounds;
    const counts = new Float64Array(bounds.length);
    const series: Series = {
      labels,
      counts,
      sum: 0,
      count: 0,
      observe(value: number, count = 1) {
        if (!Number.isFinite(value)) throw new TypeError(`histogram value must be a finite number, got ${value}`);
        series.sum += value * count;
        series.count += count;
        for (let i = 0; i < bounds.length; i++) {
          if (value <= bounds[i]!) {
            counts[i] = counts[i]! + count;
            return;
          }
        }
      },
    };
    return series;
  }
}
