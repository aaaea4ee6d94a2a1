export { createLogger, REDACTED_PATHS, type Logger, type LoggerFactoryOptions } from './logger';
export { createMetricsRegistry, type MetricsOptions, type Registry } from './metrics';
export {
  startObservabilityServer,
  type HealthReport,
  type ObservabilityServer,
  type ObservabilityServerOptions,
} from './http-server';
export { HotPathHistogram, type HistogramChild, type HotPathHistogramOptions } from './hot-path-histogram';
export { metricFactory, type Counter, type Gauge, type Histogram, type MetricFactory } from './metric-factory';
export { SlidingQuantiles, QUANTILE_WINDOW, type QuantileSnapshot } from './sliding-quantiles';
export { RepeatThrottle, type RepeatLine } from './repeat-throttle';
export { SampledStat, KAFKA_METRICS_WINDOW, type SampleWindow, type StatSnapshot } from './sampled-stat';
export { SensorGauges, type SensorChild, type SensorGaugesOptions, type SensorStatName } from './sensor-gauges';
export {
  INTERNAL_RECORDS_SKIPPED_METRIC,
  internalRecordsSkippedCounter,
  skippedRecordReporter,
  type InternalRecordsSkipped,
  type SkipReason,
  type SkippedRecordReporter,
} from './skipped-records';
