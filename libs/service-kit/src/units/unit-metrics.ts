import { metricFactory, type Counter, type Gauge, type Histogram, type Registry } from '@mirrormaker/observability';

/**
 * The series every leased unit shares, whatever its service, labelled by unit id. `UnitStatus`
 * keeps them up to date; apps declare only their domain series (records copied, checkpoints...).
 *
 * | series | labels | meaning |
 * |---|---|---|
 * | `mirrormaker_unit_state` | `unit`, `state` | 1 for the unit's current state (one series per held unit) |
 * | `mirrormaker_unit_failures_total` | `unit`, `cause` | problems reported, each failed run or attempt once |
 * | `mirrormaker_unit_run_duration_seconds` | `unit`, `task` | histogram of a periodic task's runs |
 * | `mirrormaker_unit_last_run_timestamp_seconds` | `unit`, `task` | end of the task's last run |
 * | `mirrormaker_unit_last_success_timestamp_seconds` | `unit`, `task` | end of its last run without failures |
 */
export interface UnitMetrics {
  readonly state: Gauge<'unit' | 'state'>;
  readonly failures: Counter<'unit' | 'cause'>;
  readonly runDuration: Histogram<'unit' | 'task'>;
  readonly lastRun: Gauge<'unit' | 'task'>;
  readonly lastSuccess: Gauge<'unit' | 'task'>;
}

const byRegistry = new WeakMap<Registry, UnitMetrics>();

/** The unit series of this registry, declared on first use. */
export function unitMetrics(registry: Registry): UnitMetrics {
  let metrics = byRegistry.get(registry);
  if (metrics === undefined) {
    const m = metricFactory(registry);
    metrics = {
      state: m.gauge('mirrormaker_unit_state', "1 for the unit's current state: starting, in-sync, degraded, retrying, idle.", ['unit', 'state']),
      failures: m.counter('mirrormaker_unit_failures_total', 'Problems a unit reported, by cause: each failed run or attempt counts once.', ['unit', 'cause']),
      runDuration: m.histogram('mirrormaker_unit_run_duration_seconds', "Duration of one run of a unit's periodic task.", ['unit', 'task'], [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]),
      lastRun: m.gauge('mirrormaker_unit_last_run_timestamp_seconds', 'When a task last finished a run, successful or not.', ['unit', 'task']),
      lastSuccess: m.gauge('mirrormaker_unit_last_success_timestamp_seconds', 'When a task last finished a run without any failure.', ['unit', 'task']),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
