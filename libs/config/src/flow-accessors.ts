import { clusterProps } from './connector-config';
import { flowName as joinFlowName } from './key-scope';
import type { ClientKind, FlowConfig, FlowSide, MirrorConfig } from './model';
import { securityToProperties } from './security';
import { MirrorConfigError } from './errors';

/** `source->target`. */
export function flowName(flow: { readonly source: string; readonly target: string }): string {
  return joinFlowName(flow.source, flow.target);
}

/** The flow for a name (`A->B`) or a pair; undefined if either alias is not a cluster. */
export function findFlow(config: MirrorConfig, nameOrSource: string, target?: string): FlowConfig | undefined {
  const name = target === undefined ? nameOrSource : joinFlowName(nameOrSource, target);
  return config.flows.find((flow) => flow.name === name);
}

/** Flows that replicate records: those with `A->B.enabled=true`. */
export function enabledFlows(config: MirrorConfig): FlowConfig[] {
  return config.flows.filter((flow) => flow.enabled);
}

/**
 * Pairs (X,Y) whose heartbeats go into Y, enabled or not. MM2 runs a herder for every pair that is
 * enabled or has heartbeats on, and its heartbeat connector ignores `enabled`: with only A->B
 * enabled, B->A still writes heartbeats into A, which A->B then mirrors as `A.heartbeats` on B.
 */
export function heartbeatFlows(config: MirrorConfig): FlowConfig[] {
  return config.flows.filter((flow) => flow.emitHeartbeatsEnabled);
}

/** Which cluster holds the flow's offset-syncs topic. */
export function offsetSyncsCluster(flow: FlowConfig): string {
  return flow.offsetSyncsTopicLocation === 'source' ? flow.source : flow.target;
}

/**
 * Client properties for one side of a flow (given as a flow or as its name), merged with MM2's
 * precedence (see `FlowConfig.clients`). A fresh copy each time; pass it through
 * `redactProperties` before logging.
 */
export function clientConfig(
  config: MirrorConfig,
  flow: FlowConfig | string,
  side: FlowSide,
  kind: ClientKind,
): Record<string, string> {
  const found = typeof flow === 'string' ? findFlow(config, flow) : flow;
  if (found === undefined) {
    throw new MirrorConfigError('CONFIG_INVALID', [
      {
        severity: 'error',
        code: 'unknown-cluster',
        key: String(flow),
        message: `there is no flow ${String(flow)}`,
        hint: `use one of ${config.flows.map((f) => f.name).join(', ')}`,
      },
    ]);
  }
  return { ...found.clients[side][kind] };
}

const WORKER_TOP_LEVEL_PREFIXES = [
  'offset.storage',
  'config.storage',
  'status.storage',
  'key.converter',
  'value.converter',
  'header.converter',
  'task',
  'worker',
  'replication.policy',
  'config.providers',
];

/**
 * The Connect worker config MM2 would give the herder of this flow: the target cluster's
 * properties, then the top-level worker keys (which win), then MM2's fill-ins. Its
 * `offset.storage.topic` is where MM2 keeps the data mirror's positions.
 */
export function workerConfig(config: MirrorConfig, flow: FlowConfig): Record<string, string> {
  const target = config.clusters[flow.target];
  const explicit: Record<string, string> = {};
  if (target !== undefined) {
    Object.assign(explicit, target.properties);
    explicit['bootstrap.servers'] = target.bootstrapServers.join(',');
    for (const kind of ['consumer', 'producer', 'admin'] as const) {
      for (const [key, value] of Object.entries(target[kind])) explicit[`${kind}.${key}`] = value;
    }
    for (const [key, value] of Object.entries(securityToProperties(target.security))) explicit[key] ??= value;
  }
  const props = clusterProps(explicit, config.topLevel);
  for (const [key, value] of Object.entries(config.topLevel)) {
    if (WORKER_TOP_LEVEL_PREFIXES.some((prefix) => key.startsWith(prefix))) props[key] = value;
  }
  props['client.id'] ??= flow.name;
  props['group.id'] ??= `${flow.source}-mm2`;
  props['offset.storage.topic'] ??= `mm2-offsets.${flow.source}.internal`;
  props['status.storage.topic'] ??= `mm2-status.${flow.source}.internal`;
  props['config.storage.topic'] ??= `mm2-configs.${flow.source}.internal`;
  const byteArray = 'org.apache.kafka.connect.converters.ByteArrayConverter';
  props['key.converter'] ??= byteArray;
  props['value.converter'] ??= byteArray;
  props['header.converter'] ??= byteArray;
  return props;
}

/** Topic on the target where the flow's replicated positions live (`mm2-offsets.<source>.internal`). */
export function offsetStorageTopic(config: MirrorConfig, flow: FlowConfig): string {
  return workerConfig(config, flow)['offset.storage.topic']!;
}
