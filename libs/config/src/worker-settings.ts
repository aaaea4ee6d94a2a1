import { offsetStorageTopic, workerConfig } from './flow-accessors';
import type { FlowConfig, MirrorConfig } from './model';
import type { SettingSpec } from './setting-spec';
import { integerParser } from './value-parsers';

/**
 * Connect worker keys we apply. MM2 builds each flow's worker config from the target cluster's
 * properties (`B.x`) plus a few top-level prefixes (`workerConfig`), so these keys count when
 * written with the target's prefix, and at top level only with such a prefix (`topLevel`:
 * `offset.storage.*`); elsewhere they reach no worker in MM2 and are reported as such at load.
 */
export interface WorkerSettings {
  readonly offsetFlushIntervalMs: number;
  readonly offsetStoragePartitions: number;
  readonly offsetStorageReplicationFactor: number;
}

export type WorkerSettingSpecs = { readonly [F in keyof WorkerSettings]: SettingSpec<WorkerSettings[F]> };

/** Kafka Connect's default partition count of its offsets topic. */
export const CONNECT_OFFSETS_PARTITIONS = 25;

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
  offsetStoragePartitions: {
    key: 'offset.storage.partitions',
    parse: integerParser({ min: 1, max: 1_000_000, what: 'a partition count' }),
    format: String,
    mm2Default: CONNECT_OFFSETS_PARTITIONS,
    defaultValue: CONNECT_OFFSETS_PARTITIONS,
    topLevel: true,
    doc: 'Partitions of the positions topic (`offset.storage.topic`, default `mm2-offsets.<source>.internal`) when the data mirror or topic-config-sync creates it.',
  },
  offsetStorageReplicationFactor: {
    key: 'offset.storage.replication.factor',
    parse: integerParser({ min: 1, max: 32_767, alsoAllowed: [-1], what: 'a replication factor (-1: the broker default)' }),
    format: String,
    mm2Default: 3,
    defaultValue: -1,
    reason: "the broker's default.replication.factor: Connect's 3 makes creating the topic fail on a cluster of fewer than three brokers",
    topLevel: true,
    doc: 'Replication factor of the positions topic when the data mirror or topic-config-sync creates it.',
  },
};

/** Worker key name → field. */
export const WORKER_SETTING_BY_KEY: ReadonlyMap<string, keyof WorkerSettings> = new Map(
  (Object.keys(WORKER_SETTINGS) as Array<keyof WorkerSettings>).map((field) => [WORKER_SETTINGS[field].key, field]),
);

/** A worker setting of the flow: its worker config's value (validated at load), else our default. */
function workerSetting<F extends keyof WorkerSettings>(config: MirrorConfig, flow: FlowConfig, field: F): WorkerSettings[F] {
  const spec = WORKER_SETTINGS[field];
  const text = workerConfig(config, flow)[spec.key];
  if (text === undefined) return spec.defaultValue;
  const parsed = spec.parse(text);
  return parsed.ok ? parsed.value : spec.defaultValue;
}

/** The flow's `offset.flush.interval.ms`. */
export function offsetFlushIntervalMs(config: MirrorConfig, flow: FlowConfig): number {
  return workerSetting(config, flow, 'offsetFlushIntervalMs');
}

/**
 * How the positions topic is created when missing, by whichever service gets there first (the data
 * mirror or topic-config-sync): `offset.storage.topic`, `offset.storage.partitions` and
 * `offset.storage.replication.factor` of the flow's worker config.
 */
export function offsetStorageTopicLayout(config: MirrorConfig, flow: FlowConfig): { name: string; partitions: number; replicationFactor: number } {
  return {
    name: offsetStorageTopic(config, flow),
    partitions: workerSetting(config, flow, 'offsetStoragePartitions'),
    replicationFactor: workerSetting(config, flow, 'offsetStorageReplicationFactor'),
  };
}
