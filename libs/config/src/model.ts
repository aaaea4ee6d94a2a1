import type { FlowSettings, ReplicationPolicyClass } from './flow-settings';
import type { OurSettings } from './our-settings';
import type { SecurityConfig } from './security';

export type ClientKind = 'consumer' | 'producer' | 'admin';
export type FlowSide = 'source' | 'target';

export const CLIENT_KINDS: readonly ClientKind[] = ['consumer', 'producer', 'admin'];
export const FLOW_SIDES: readonly FlowSide[] = ['source', 'target'];

export type PropertyMap = Readonly<Record<string, string>>;

export type ClientConfigs = { readonly [K in ClientKind]: PropertyMap };

/** One cluster: `<alias>.*` keys, with top-level connection keys as defaults. */
export interface ClusterConfig {
  readonly alias: string;
  readonly bootstrapServers: readonly string[];
  readonly security: SecurityConfig;
  /** Other `<alias>.x` keys, prefix removed (worker and client settings such as `client.id`). */
  readonly properties: PropertyMap;
  /** `<alias>.consumer.x`, `<alias>.producer.x`, `<alias>.admin.x`, prefix removed. */
  readonly consumer: PropertyMap;
  readonly producer: PropertyMap;
  readonly admin: PropertyMap;
}

export interface ReplicationPolicyConfig {
  readonly class: ReplicationPolicyClass;
  readonly separator: string;
  readonly internalTopicSeparatorEnabled: boolean;
}

type PolicyFields = 'replicationPolicyClass' | 'replicationPolicySeparator' | 'replicationPolicyInternalTopicSeparatorEnabled';

/**
 * One ordered pair of clusters. Every pair exists; `enabled` says whether records flow, and
 * heartbeats are emitted for disabled pairs too (see `heartbeatFlows`).
 */
export interface FlowConfig extends Omit<FlowSettings, PolicyFields> {
  /** `source->target`. */
  readonly name: string;
  readonly source: string;
  readonly target: string;
  readonly replicationPolicy: ReplicationPolicyConfig;
  /** The source consumer's `auto.offset.reset` after MM2's precedence (derived). */
  readonly consumerAutoOffsetReset: string;
  /** `source->target.x` keys that have no typed field, prefix removed. */
  readonly extra: PropertyMap;
  /** Client properties per side and kind after MM2's precedence (derived). */
  readonly clients: { readonly [S in FlowSide]: ClientConfigs };
  /** The merged connector key map MM2 would hand its connectors for this pair (derived). */
  readonly raw: PropertyMap;
}

export interface MirrorConfig {
  /** In `clusters` order. */
  readonly clusters: Readonly<Record<string, ClusterConfig>>;
  /** Every ordered pair, sources and targets in `clusters` order. */
  readonly flows: readonly FlowConfig[];
  readonly ours: OurSettings;
  /** Top-level keys as written, except `clusters`, our own keys and unknown keys. */
  readonly topLevel: PropertyMap;
  /** Keys whose value came through a config provider, mapped to the reference text as written. */
  readonly provided: PropertyMap;
  /** Keys nothing reads (top-level typos, undeclared clusters, malformed flows), kept verbatim. */
  readonly unknownKeys: PropertyMap;
}
