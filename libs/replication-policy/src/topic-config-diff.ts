import type { ConfigPropertyFilter } from './config-property-filter';
import { ReplicationPolicyError } from './errors';

/** Where a described config value comes from (Kafka's ConfigEntry.ConfigSource). */
export const CONFIG_SOURCES = [
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'DYNAMIC_CLIENT_METRICS_CONFIG',
  'DYNAMIC_GROUP_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'UNKNOWN',
] as const;

export type ConfigSource = (typeof CONFIG_SOURCES)[number];

/** One entry of a DescribeConfigs answer for a topic. */
export interface TopicConfigEntry {
  readonly name: string;
  /** Null when the broker hides it (sensitive) or has none. */
  readonly value: string | null;
  readonly isDefault: boolean;
  readonly isReadOnly: boolean;
  readonly isSensitive: boolean;
  readonly source: ConfigSource;
}

/** Incremental changes for one topic: SET these, DELETE (revert to the target's default) those. */
export interface TopicConfigChanges {
  readonly set: Readonly<Record<string, string>>;
  readonly delete: readonly string[];
}

/**
 * Configs for a newly created remote topic: every value the source did not get from the broker's
 * built-in defaults (dynamic broker defaults included), plus built-in defaults when the filter asks
 * for source defaults; minus what may never be copied.
 */
export function creationConfigs(
  sourceEntries: Iterable<TopicConfigEntry>,
  filter: ConfigPropertyFilter,
): Record<string, string> {
  const configs = new Map<string, string>();
  for (const entry of copyableEntries(sourceEntries, filter)) {
    if ((!isDefault(entry) || filter.shouldReplicateSourceDefault(entry.name)) && entry.value !== null) {
      configs.set(entry.name, entry.value);
    }
  }
  return Object.fromEntries(configs);
}

/**
 * What MM2's periodic config sync sends with IncrementalAlterConfigs: a source value at its default
 * becomes a DELETE (the target falls back to its own default) unless the filter wants source
 * defaults, anything else a SET. Operations that would leave the target as it is are left out, so an
 * empty result means the topic is in sync; the target end state is the same as MM2's.
 */
export function incrementalConfigChanges(
  sourceEntries: Iterable<TopicConfigEntry>,
  targetEntries: Iterable<TopicConfigEntry>,
  filter: ConfigPropertyFilter,
): TopicConfigChanges {
  const targetOverrides = topicOverrides(targetEntries);
  const set = new Map<string, string>();
  const deletes: string[] = [];
  for (const entry of copyableEntries(sourceEntries, filter)) {
    if (isDefault(entry) && !filter.shouldReplicateSourceDefault(entry.name)) {
      if (targetOverrides.has(entry.name)) {
        deletes.push(entry.name);
      }
    } else if (entry.value !== null && targetOverrides.get(entry.name)?.value !== entry.value) {
      set.set(entry.name, entry.value);
    }
  }
  return { set: Object.fromEntries(set), delete: deletes };
}

/**
 * Full set of topic-level overrides to write with the legacy (non-incremental) AlterConfigs, which
 * replaces every override of the topic. Starting from the target's current overrides keeps the ones
 * MM2 never touches (excluded properties such as `min.insync.replicas`, settings the source does not
 * know), so the result matches what IncrementalAlterConfigs would have produced.
 */
export function mergeForFullAlter(
  targetCurrentEntries: Iterable<TopicConfigEntry>,
  changes: TopicConfigChanges,
): Record<string, string> {
  const deleted = new Set(changes.delete);
  const merged = new Map<string, string>();
  for (const [name, entry] of topicOverrides(targetCurrentEntries)) {
    if (deleted.has(name) || Object.hasOwn(changes.set, name)) {
      continue;
    }
    if (entry.value === null) {
      throw new ReplicationPolicyError(
        'HIDDEN_TARGET_CONFIG',
        `Target topic override '${name}' has a hidden value, so a full config replace would lose it`,
      );
    }
    merged.set(name, entry.value);
  }
  for (const [name, value] of Object.entries(changes.set)) {
    merged.set(name, value);
  }
  return Object.fromEntries(merged);
}

function* copyableEntries(
  entries: Iterable<TopicConfigEntry>,
  filter: ConfigPropertyFilter,
): Iterable<TopicConfigEntry> {
  for (const entry of entries) {
    if (
      !entry.isReadOnly &&
      !entry.isSensitive &&
      entry.source !== 'STATIC_BROKER_CONFIG' &&
      filter.shouldReplicateConfigProperty(entry.name)
    ) {
      yield entry;
    }
  }
}

// Kafka derives "default" from the source; the flag is only a fallback for answers that carry no source.
function isDefault(entry: TopicConfigEntry): boolean {
  return entry.source === 'UNKNOWN' ? entry.isDefault : entry.source === 'DEFAULT_CONFIG';
}

function topicOverrides(entries: Iterable<TopicConfigEntry>): Map<string, TopicConfigEntry> {
  const overrides = new Map<string, TopicConfigEntry>();
  for (const entry of entries) {
    if (entry.source === 'DYNAMIC_TOPIC_CONFIG') {
      overrides.set(entry.name, entry);
    }
  }
  return overrides;
}
