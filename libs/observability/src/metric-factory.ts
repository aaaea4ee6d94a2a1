import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export type { Counter, Gauge, Histogram } from 'prom-client';

/**
 * Declares metrics on one registry, so that modules defining their series need neither
 * prom-client nor the `registers` boilerplate. Each call registers a new series: declare a set
 * once per registry (prom-client refuses a name registered twice).
 */
export interface MetricFactory {
  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L>;
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L>;
  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]): Histogram<L>;
}

export function metricFactory(registry: Registry): MetricFactory {
  const registers = [registry];
  return {
    counter: (name, help, labelNames) => new Counter({ name, help, labelNames: [...labelNames], registers }),
    gauge: (name, help, labelNames) => new Gauge({ name, help, labelNames: [...labelNames], registers }),
    histogram: (name, help, labelNames, buckets) => new Histogram({ name, help, labelNames: [...labelNames], buckets: [...buckets], registers }),
  };
}
