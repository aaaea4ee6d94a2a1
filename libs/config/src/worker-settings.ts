import { workerConfig } from './flow-accessors';
import type { FlowConfig, MirrorConfig } from './model';
import type { SettingSpec } from './setting-spec';
import { integerParser } from './value-parsers';

/**
 * Connect worker keys we apply. MM2 builds each flow's worker config from the target cluster's
 * properties (`B.x`) plus a few top-level prefixes (`workerConfig`), so these keys count only when
 * written with the target's prefix; written at top level or per flow they reach no worker in MM2
 * and are reported as such at load.
 */
export interface WorkerSettings {
  readonly offsetFlushIntervalMs: number;
}

export type WorkerSettingSpecs = { readonly [F in keyof WorkerSettings]: SettingSpec<WorkerSettings[F]> };

/** Node's timers take at most 2^31 - 1 ms; a longer interval would fire at once. */
const TIMER_MAX_MS = 2_147_483_647;

export const WORKER_SETTINGS: WorkerSettingSpecs = {
  offsetFlushIntervalMs: {
    key: 'offset.flush.interval.ms',
    parse: integerParser({ min: 1, max: TIMER_MAX_MS, what: 'a flush interval in milliseconds', code: 'invalid-interval' }),
    format: String,
    mm2Default: 60_000,
    defaultValue: 5_000,
    reason:
      'a crash sends again at most the records copied since the last stored position: five seconds of them instead of a minute, ' +
      'for one position record per copying partition every five seconds whatever the throughput',
    topLevel: false,
    doc: 'How often the data mirror stores the position of each copying partition (at-least-once mode), and when a partition is released.',
  },
};

/** Worker key name → field. */
export const WORKER_SETTING_BY_KEY: ReadonlyMap<string, keyof WorkerSettings> = new Map(
  (Object.keys(WORKER_SETTINGS) as Array<keyof WorkerSettings>).map((field) => [WORKER_SETTINGS[field].key, field]),
);

/** The flow's `offset.flush.interval.ms`: its target cluster's value (validated at load), else our default. */
export function offsetFlushIntervalMs(config: MirrorConfig, flow: FlowConfig): number {
  const spec = WORKER_SETTINGS.offsetFlushIntervalMs;
  const text = workerConfig(config, flow)[spec.key];
  if (text === undefined) return spec.defaultValue;
  const parsed = spec.parse(text);
  return parsed.ok ? parsed.value : spec.defaultValue;
}
