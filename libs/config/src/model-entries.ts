import { FLOW_SETTING_FIELDS, FLOW_SETTINGS, type FlowSettings } from './flow-settings';
import { CLIENT_CONNECTION_KEYS } from './key-catalog';
import { defaultHomeCluster } from './our-settings-builder';
import { CLIENT_KINDS, type ClusterConfig, type FlowConfig, type MirrorConfig } from './model';
import { OUR_SETTING_FIELDS, OUR_SETTINGS } from './our-settings';
import { parseSecurity, securityToProperties } from './security';
import type { SettingSpec } from './setting-spec';
import { formatList, javaTrim, parseList } from './value-parsers';

export interface ModelEntry {
  readonly key: string;
  readonly value: string;
  /** Heading of the section the entry opens, for readable output. */
  readonly section?: string;
}

export interface ModelEntryOptions {
  /** Write `${provider:...}` references instead of resolved values for provided keys. */
  readonly references: boolean;
}

/** The typed settings of a flow, flat again. */
export function flowSettings(flow: FlowConfig): FlowSettings {
  const flat: Record<string, unknown> = {
    ...flow,
    replicationPolicyClass: flow.replicationPolicy.class,
    replicationPolicySeparator: flow.replicationPolicy.separator,
    replicationPolicyInternalTopicSeparatorEnabled: flow.replicationPolicy.internalTopicSeparatorEnabled,
  };
  const settings: Record<string, unknown> = {};
  for (const field of FLOW_SETTING_FIELDS) settings[field] = flat[field];
  return settings as unknown as FlowSettings;
}

/**
 * The model as mm2.properties pairs that load back into the same model: every authoritative part
 * (top-level keys, clusters, typed flow fields, flow extras, our keys, unknown keys), writing a
 * cluster or flow key only where it differs from what it would inherit. Derived fields (`raw`,
 * `clients`, `name`, `consumerAutoOffsetReset`) are not written.
 */
export function modelToEntries(config: MirrorConfig, options: ModelEntryOptions): ModelEntry[] {
  const out: ModelEntry[] = [];
  let section: string | undefined;
  const push = (key: string, value: string): void => {
    const written = options.references && config.provided[key] !== undefined ? config.provided[key]! : value;
    out.push(section === undefined ? { key, value: written } : { key, value: written, section });
    section = undefined;
  };
  const aliases = Object.keys(config.clusters);

  section = 'Keys nothing reads, kept as written';
  for (const [key, value] of Object.entries(config.unknownKeys)) push(key, value);
  section = 'Clusters and top-level defaults';
  push('clusters', aliases.join(', '));
  for (const [key, value] of Object.entries(config.topLevel)) push(key, value);
  for (const field of OUR_SETTING_FIELDS) {
    const spec = OUR_SETTINGS[field] as SettingSpec<unknown>;
    const baseline = field === 'coordinatorHomeCluster' ? defaultHomeCluster(aliases, config.flows) : spec.defaultValue;
    const value = config.ours[field];
    if (spec.format(value) !== spec.format(baseline)) push(spec.key, spec.format(value));
  }

  for (const cluster of Object.values(config.clusters)) {
    section = `Cluster ${cluster.alias}`;
    for (const [key, value] of Object.entries(clusterEntries(cluster, config.topLevel))) push(`${cluster.alias}.${key}`, value);
  }

  const topSettings = topLevelSettings(config.topLevel);
  for (const flow of config.flows) {
    section = `Flow ${flow.name}`;
    const settings = flowSettings(flow);
    const target = config.clusters[flow.target];
    for (const field of FLOW_SETTING_FIELDS) {
      const spec = FLOW_SETTINGS[field] as SettingSpec<unknown>;
      const baseline =
        topSettings.get(field) ??
        (field === 'exactlyOnceEnabled'
          ? javaTrim(target?.properties['exactly.once.source.support'] ?? '').toLowerCase() === 'enabled'
          : spec.defaultValue);
      const value = spec.format(settings[field]);
      if (value !== spec.format(baseline)) push(`${flow.name}.${spec.key}`, value);
    }
    for (const [key, value] of Object.entries(flow.extra)) push(`${flow.name}.${key}`, value);
  }
  return out;
}

/** A cluster's `<alias>.x` keys, leaving out connection values equal to the top-level defaults. */
function clusterEntries(cluster: ClusterConfig, topLevel: Readonly<Record<string, string>>): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const key of CLIENT_CONNECTION_KEYS) if (topLevel[key] !== undefined) inherited[key] = topLevel[key]!;
  const baseline = securityToProperties(parseSecurity(inherited));
  const out: Record<string, string> = {};
  const servers = formatList(cluster.bootstrapServers);
  if (servers !== formatList(parseList(inherited['bootstrap.servers'] ?? ''))) out['bootstrap.servers'] = servers;
  for (const [key, value] of Object.entries(securityToProperties(cluster.security))) {
    if (baseline[key] !== value) out[key] = value;
  }
  Object.assign(out, cluster.properties);
  for (const kind of CLIENT_KINDS) {
    for (const [key, value] of Object.entries(cluster[kind])) out[`${kind}.${key}`] = value;
  }
  return out;
}

function topLevelSettings(topLevel: Readonly<Record<string, string>>): Map<keyof FlowSettings, unknown> {
  const out = new Map<keyof FlowSettings, unknown>();
  for (const field of FLOW_SETTING_FIELDS) {
    const spec = FLOW_SETTINGS[field] as SettingSpec<unknown>;
    const text = topLevel[spec.key];
    if (text === undefined || !spec.topLevel) continue;
    const parsed = spec.parse(text);
    if (parsed.ok) out.set(field, parsed.value);
  }
  return out;
}
