import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export type { Registry } from 'prom-client';

export interface MetricsOptions {
  service: string;
  version: string;
  /** Extra constant labels on the build-info gauge, e.g. instance id. */
  labels?: Record<string, string>;
}

/**
 * A registry per service with Node's process metrics and a `mirrormaker_build_info` gauge.
 * Each service creates its own registry (no global), so tests can run several in one process.
 */
export function createMetricsRegistry(options: MetricsOptions): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'mirrormaker_' });
  const labels = { service: options.service, version: options.version, node_version: process.version, ...options.labels };
  const buildInfo = new Gauge({
    name: 'mirrormaker_build_info',
    help: 'Always 1; labels say which service and version runs.',
    labelNames: Object.keys(labels),
    registers: [registry],
  });
  buildInfo.set(labels, 1);
  return registry;
}
