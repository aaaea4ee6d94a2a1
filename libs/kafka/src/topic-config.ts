/**
 * Topic configuration entries as DescribeConfigs reports them, with the source of each value by
 * name (Kafka's ConfigEntry.ConfigSource; the protocol sends its id).
 */

export const CONFIG_SOURCES = [
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'UNKNOWN',
] as const;
export type ConfigSource = (typeof CONFIG_SOURCES)[number];

/** Protocol ids: 1 topic, 2 dynamic broker, 3 dynamic default broker, 4 static broker, 5 default. */
const CONFIG_SOURCE_BY_ID: Record<number, ConfigSource> = {
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
};

/** Name of a protocol config-source id; ids this lib does not know (0, broker logger, group, ...) are UNKNOWN. */
export function configSourceFromId(id: number): ConfigSource {
  return CONFIG_SOURCE_BY_ID[id] ?? 'UNKNOWN';
}

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: ConfigSource;
}

export interface ConfigEntry {
  name: string;
  /** null for sensitive values (the broker never returns them) and unset values. */
  value: string | null;
  /** True only when the value is Kafka's built-in default (source DEFAULT_CONFIG). */
  isDefault: boolean;
  isReadOnly: boolean;
  isSensitive: boolean;
  source: ConfigSource;
  /** Where the value would come from, most specific first (the entry's own source included). */
  synonyms: ConfigSynonym[];
}
