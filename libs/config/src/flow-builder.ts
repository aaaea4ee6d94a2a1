import { CONFIG_PROVIDERS_KEY } from './config-providers';
import { clientConfigs, clusterProps, sideKeys, sortKeys } from './connector-config';
import { DISABLING_INTERVALS, FLOW_SETTING_BY_KEY, FLOW_SETTING_FIELDS, FLOW_SETTINGS, type FlowSettings } from './flow-settings';
import { CLIENT_CONNECTION_KEYS, CONNECT_CONNECTOR_KEYS } from './key-catalog';
import { flowName } from './key-scope';
import type { FlowConfig } from './model';
import type { SettingSpec } from './setting-spec';
import type { Located, Report } from './source-entry';
import { javaTrim } from './value-parsers';

type Settings = { -readonly [F in keyof FlowSettings]?: FlowSettings[F] };

interface FlowInputs {
  readonly source: string;
  readonly target: string;
  readonly explicit: Readonly<Record<string, string>>;
  readonly settings: Readonly<Record<string, Located<unknown>>>;
  readonly topSettings: Readonly<Record<string, Located<unknown>>>;
  readonly topLevel: Readonly<Record<string, string>>;
  readonly sourceExplicit: Readonly<Record<string, string>>;
  readonly targetExplicit: Readonly<Record<string, string>>;
  readonly report: Report;
}

// Top-level keys MM2 copies into every connector config: the connector key names.
function isConnectorKeyName(name: string): boolean {
  const field = FLOW_SETTING_BY_KEY.get(name);
  if (field !== undefined) return FLOW_SETTINGS[field].topLevel && FLOW_SETTINGS[field].ours !== true;
  return (
    CONNECT_CONNECTOR_KEYS.has(name) ||
    (CLIENT_CONNECTION_KEYS.has(name) && name !== 'bootstrap.servers') ||
    name === 'source.cluster.alias' ||
    name === 'target.cluster.alias'
  );
}

/** The effective value of each typed key: flow-level, then top-level (where MM2 reads it), then default. */
function effectiveSettings(
  settings: Readonly<Record<string, Located<unknown>>>,
  topSettings: Readonly<Record<string, Located<unknown>>>,
  targetExplicit: Readonly<Record<string, string>>,
): { values: FlowSettings; lines: Record<string, number | undefined> } {
  const values: Settings = {};
  const lines: Record<string, number | undefined> = {};
  for (const field of FLOW_SETTING_FIELDS) {
    const spec = FLOW_SETTINGS[field] as SettingSpec<unknown>;
    const chosen = settings[field] ?? (spec.topLevel ? topSettings[field] : undefined);
    (values as Record<string, unknown>)[field] = chosen === undefined ? defaultFor(field, targetExplicit) : chosen.value;
    lines[field] = chosen?.line;
  }
  for (const [interval, enabled] of DISABLING_INTERVALS) {
    if ((values[interval] as number) < 0) {
      values[enabled] = false;
      lines[enabled] ??= lines[interval];
    }
  }
  return { values: values as FlowSettings, lines };
}

function defaultFor(field: keyof FlowSettings, targetExplicit: Readonly<Record<string, string>>): unknown {
  if (field === 'exactlyOnceEnabled') {
    return javaTrim(targetExplicit['exactly.once.source.support'] ?? '').toLowerCase() === 'enabled';
  }
  return FLOW_SETTINGS[field].defaultValue;
}

export function buildFlow(inputs: FlowInputs): FlowConfig {
  const { source, target, explicit, topLevel } = inputs;
  const { values, lines } = effectiveSettings(inputs.settings, inputs.topSettings, inputs.targetExplicit);

  // MM2's connector config for the pair, in its order (later wins).
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(topLevel)) if (isConnectorKeyName(key)) raw[key] = value;
  for (const [key, value] of Object.entries(topLevel)) {
    if (key.startsWith(CONFIG_PROVIDERS_KEY) || key.startsWith('replication.policy')) raw[key] = value;
  }
  Object.assign(raw, sideKeys('source', clusterProps(inputs.sourceExplicit, topLevel)));
  Object.assign(raw, sideKeys('target', clusterProps(inputs.targetExplicit, topLevel)));
  raw['source.cluster.alias'] ??= source;
  raw['target.cluster.alias'] ??= target;
  Object.assign(raw, explicit);
  raw['source.cluster.alias'] = source;
  raw['target.cluster.alias'] = target;
  for (const field of FLOW_SETTING_FIELDS) {
    const spec = FLOW_SETTINGS[field] as SettingSpec<unknown>;
    raw[spec.key] = spec.format(values[field]);
  }

  const extra: Record<string, string> = {};
  for (const [key, value] of Object.entries(explicit)) if (!FLOW_SETTING_BY_KEY.has(key)) extra[key] = value;

  const clients = { source: clientConfigs(raw, 'source'), target: clientConfigs(raw, 'target') };
  const name = flowName(source, target);
  const flow: FlowConfig = {
    name,
    source,
    target,
    enabled: values.enabled,
    topics: values.topics,
    topicsExclude: values.topicsExclude,
    groups: values.groups,
    groupsExclude: values.groupsExclude,
    configPropertiesExclude: values.configPropertiesExclude,
    useDefaultsFrom: values.useDefaultsFrom,
    topicFilterClass: values.topicFilterClass,
    groupFilterClass: values.groupFilterClass,
    configPropertyFilterClass: values.configPropertyFilterClass,
    replicationPolicy: {
      class: values.replicationPolicyClass,
      separator: values.replicationPolicySeparator,
      internalTopicSeparatorEnabled: values.replicationPolicyInternalTopicSeparatorEnabled,
    },
    replicationFactor: values.replicationFactor,
    offsetSyncsTopicReplicationFactor: values.offsetSyncsTopicReplicationFactor,
    checkpointsTopicReplicationFactor: values.checkpointsTopicReplicationFactor,
    heartbeatsTopicReplicationFactor: values.heartbeatsTopicReplicationFactor,
    offsetSyncsTopicLocation: values.offsetSyncsTopicLocation,
    offsetLagMax: values.offsetLagMax,
    emitOffsetSyncsEnabled: values.emitOffsetSyncsEnabled,
    heartbeatsReplicationEnabled: values.heartbeatsReplicationEnabled,
    emitHeartbeatsEnabled: values.emitHeartbeatsEnabled,
    emitHeartbeatsIntervalSeconds: values.emitHeartbeatsIntervalSeconds,
    emitCheckpointsEnabled: values.emitCheckpointsEnabled,
    emitCheckpointsIntervalSeconds: values.emitCheckpointsIntervalSeconds,
    syncGroupOffsetsEnabled: values.syncGroupOffsetsEnabled,
    syncGroupOffsetsIntervalSeconds: values.syncGroupOffsetsIntervalSeconds,
    syncTopicConfigsEnabled: values.syncTopicConfigsEnabled,
    syncTopicConfigsIntervalSeconds: values.syncTopicConfigsIntervalSeconds,
    syncTopicAclsEnabled: values.syncTopicAclsEnabled,
    syncTopicAclsIntervalSeconds: values.syncTopicAclsIntervalSeconds,
    refreshTopicsEnabled: values.refreshTopicsEnabled,
    refreshTopicsIntervalSeconds: values.refreshTopicsIntervalSeconds,
    refreshGroupsEnabled: values.refreshGroupsEnabled,
    refreshGroupsIntervalSeconds: values.refreshGroupsIntervalSeconds,
    consumerPollTimeoutMs: values.consumerPollTimeoutMs,
    adminTimeoutMs: values.adminTimeoutMs,
    tasksMax: values.tasksMax,
    forwardingAdminClass: values.forwardingAdminClass,
    metricReporters: values.metricReporters,
    exactlyOnceSupport: values.exactlyOnceSupport,
    exactlyOnceEnabled: values.exactlyOnceEnabled,
    metricsPartitionLabelEnabled: values.metricsPartitionLabelEnabled,
    syncGroupAclsEnabled: values.syncGroupAclsEnabled,
    offsetSegmentsRetentionMs: values.offsetSegmentsRetentionMs,
    consumerAutoOffsetReset: clients.source.consumer['auto.offset.reset']!,
    extra: sortKeys(extra),
    clients,
    raw: sortKeys(raw),
  };
  checkFlow(flow, lines, inputs.report);
  return flow;
}

const OFFSET_RESETS = ['earliest', 'latest', 'none'];

function checkFlow(flow: FlowConfig, lines: Record<string, number | undefined>, report: Report): void {
  const keyOf = (field: keyof FlowSettings): string => `${flow.name}.${FLOW_SETTINGS[field].key}`;
  if (flow.exactlyOnceSupport === 'required' && !flow.exactlyOnceEnabled) {
    report({
      severity: 'error',
      code: 'conflict',
      line: lines['exactlyOnceSupport'],
      key: keyOf('exactlyOnceSupport'),
      message: `flow ${flow.name} requires exactly-once, but exactly-once is off for it`,
      hint: `set ${keyOf('exactlyOnceEnabled')}=true (or ${flow.target}.exactly.once.source.support=enabled), or use exactly.once.support=requested`,
    });
  }
  if (!flow.enabled) return;
  const acks = flow.clients.target.producer['acks'];
  if (flow.exactlyOnceEnabled && acks !== undefined && !['all', '-1'].includes(javaTrim(acks).toLowerCase())) {
    report({
      severity: 'warning',
      code: 'conflict',
      key: `${flow.name}.producer.acks`,
      message: `flow ${flow.name} copies exactly once, which needs acks=all; its records are written with acks=all, not ${javaTrim(acks)}`,
      hint: 'remove the acks override, or set it to all',
    });
  }
  if (flow.syncGroupOffsetsEnabled && (!flow.emitCheckpointsEnabled || !flow.emitOffsetSyncsEnabled)) {
    report({
      severity: 'warning',
      code: 'conflict',
      line: lines['syncGroupOffsetsEnabled'],
      key: keyOf('syncGroupOffsetsEnabled'),
      message: `flow ${flow.name} syncs group offsets, but without ${flow.emitCheckpointsEnabled ? 'offset syncs' : 'checkpoints'} there is nothing to sync`,
      hint: `turn ${flow.emitCheckpointsEnabled ? 'emit.offset-syncs.enabled' : 'emit.checkpoints.enabled'} back on, or sync.group.offsets.enabled off`,
    });
  } else if (flow.emitCheckpointsEnabled && !flow.emitOffsetSyncsEnabled) {
    report({
      severity: 'warning',
      code: 'conflict',
      line: lines['emitOffsetSyncsEnabled'],
      key: keyOf('emitOffsetSyncsEnabled'),
      message: `flow ${flow.name} emits checkpoints, but checkpoints need offset syncs, so none will be written`,
      hint: `set ${keyOf('emitCheckpointsEnabled')}=false, or turn offset syncs back on`,
    });
  }
  if (flow.replicationPolicy.class === 'default' && flow.source.includes(flow.replicationPolicy.separator)) {
    report({
      severity: 'warning',
      code: 'conflict',
      line: lines['replicationPolicySeparator'],
      key: `${flow.name}.replication.policy.separator`,
      message: `alias ${flow.source} contains the separator "${flow.replicationPolicy.separator}", so remote topic names cannot be traced back to it`,
      hint: 'rename the alias or pick another replication.policy.separator',
    });
  }
  const reset = flow.consumerAutoOffsetReset.trim().toLowerCase();
  if (!OFFSET_RESETS.includes(reset) && !reset.startsWith('by_duration:')) {
    report({
      severity: 'warning',
      code: 'invalid-value',
      key: `${flow.source}.consumer.auto.offset.reset`,
      message: `flow ${flow.name} uses auto.offset.reset=${flow.consumerAutoOffsetReset} for its source consumer`,
      hint: 'use earliest or latest',
    });
  }
}

export function checkFlowPairs(
  flows: readonly FlowConfig[],
  flowSettings: ReadonlyMap<string, Record<string, Located<unknown>>>,
  topSettings: Readonly<Record<string, Located<unknown>>>,
  report: Report,
): void {
  const byName = new Map(flows.map((f) => [f.name, f]));
  for (const flow of flows) {
    const reverse = byName.get(flowName(flow.target, flow.source));
    if (reverse === undefined || flow.source > flow.target) continue;
    const identity = flow.replicationPolicy.class === 'identity' || reverse.replicationPolicy.class === 'identity';
    if (flow.enabled && reverse.enabled && identity) {
      const line = (flowSettings.get(flow.name)?.['replicationPolicyClass'] ?? topSettings['replicationPolicyClass'])?.line;
      report({
        severity: 'warning',
        code: 'conflict',
        line,
        key: 'replication.policy.class',
        message: `${flow.name} and ${reverse.name} are both enabled with IdentityReplicationPolicy, which cannot detect cycles: records would loop`,
        hint: 'use DefaultReplicationPolicy for active/active, or enable only one direction',
      });
    }
  }
}
