// The Kafka ACLs each service needs, as docs/security.md ("Kafka ACLs") lists them, for one flow
// A->B with the default offset-syncs location (source) and the default home cluster (B).
import type { AclBinding, AclOperation, AclPatternType, AclResourceType } from '@mirrormaker/replication-policy';

export type Service = 'coordinator' | 'data-mirror' | 'offset-sync' | 'topic-config-sync' | 'acl-sync';
export type Side = 'source' | 'target';

export interface FlowNames {
  /** Source and target aliases. */
  a: string;
  b: string;
  /** Source topics mirrored (the flow's topics filter), and the source groups synced. */
  topics: readonly string[];
  groups: readonly string[];
  /** coordinator.config.topic */
  configTopic: string;
  /** The flow copies exactly once (transactions on the target). */
  exactlyOnce?: boolean;
}

export interface AclEntry {
  /** Named so that one entry can be dropped when the service stops needing it. */
  name: string;
  service: Service;
  side: Side;
  resourceType: AclResourceType;
  resourceName: string;
  patternType: AclPatternType;
  operations: readonly AclOperation[];
}

const entry = (
  name: string,
  service: Service,
  side: Side,
  resourceType: AclResourceType,
  resourceName: string,
  patternType: AclPatternType,
  operations: readonly AclOperation[],
): AclEntry => ({ name, service, side, resourceType, resourceName, patternType, operations });

export function serviceAcls(n: FlowNames): AclEntry[] {
  const offsetSyncs = `mm2-offset-syncs.${n.b}.internal`;
  const offsetSegments = `mirrormaker-offset-segments.${n.b}.internal`;
  const positions = `mm2-offsets.${n.a}.internal`;
  const checkpoints = `${n.a}.checkpoints.internal`;
  const remote = (topic: string): string => `${n.a}.${topic}`;
  const perTopic = (name: string, service: Service, side: Side, topicOf: (t: string) => string, ops: readonly AclOperation[]): AclEntry[] =>
    n.topics.map((t) => entry(name, service, side, 'TOPIC', topicOf(t), 'LITERAL', ops));
  const perGroup = (name: string, service: Service, side: Side, ops: readonly AclOperation[]): AclEntry[] =>
    n.groups.map((g) => entry(name, service, side, 'GROUP', g, 'LITERAL', ops));
  return [
    // coordinator: its config topic on the home cluster, discovery of topics and groups on the source.
    // `<config topic>` and its leader topic `<config topic less .internal>.leader.internal`.
    entry('config and leader topics', 'coordinator', 'target', 'TOPIC', n.configTopic.replace(/\.internal$/, ''), 'PREFIXED', ['CREATE', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'READ', 'WRITE']),
    entry('leader fencing', 'coordinator', 'target', 'TRANSACTIONAL_ID', `mirrormaker-coordinator|${n.configTopic}`, 'LITERAL', ['DESCRIBE', 'WRITE']),
    ...perTopic('discover source topics', 'coordinator', 'source', (t) => t, ['DESCRIBE']),
    ...perGroup('discover source groups', 'coordinator', 'source', ['DESCRIBE']),

    // data-mirror
    ...perTopic('read source topics', 'data-mirror', 'source', (t) => t, ['DESCRIBE', 'READ']),
    entry('offset syncs', 'data-mirror', 'source', 'TOPIC', offsetSyncs, 'LITERAL', ['CREATE', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'WRITE']),
    entry('offset segments', 'data-mirror', 'source', 'TOPIC', offsetSegments, 'LITERAL', ['CREATE', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'WRITE']),
    ...perTopic('write remote topics', 'data-mirror', 'target', remote, ['DESCRIBE', 'WRITE']),
    entry('stored positions', 'data-mirror', 'target', 'TOPIC', positions, 'LITERAL', ['CREATE', 'DESCRIBE', 'DESCRIBE_CONFIGS', 'READ', 'WRITE']),
    entry('heartbeats', 'data-mirror', 'target', 'TOPIC', 'heartbeats', 'LITERAL', ['CREATE', 'DESCRIBE', 'WRITE']),
    // Exactly once: one transactional id per partition, `mirrormaker-A->B-<topic>-<partition>`.
    ...(n.exactlyOnce ? [entry('transactions', 'data-mirror', 'target', 'TRANSACTIONAL_ID', `mirrormaker-${n.a}->${n.b}-`, 'PREFIXED', ['DESCRIBE', 'WRITE'])] : []),
    // MM2 emits heartbeats for every pair of clusters, also B->A when only A->B is enabled.
    entry('heartbeats of the reverse pair', 'data-mirror', 'source', 'TOPIC', 'heartbeats', 'LITERAL', ['CREATE', 'DESCRIBE', 'WRITE']),

    // offset-sync
    ...perGroup('read source group offsets', 'offset-sync', 'source', ['DESCRIBE']),
    ...perTopic('source group offsets of topics', 'offset-sync', 'source', (t) => t, ['DESCRIBE']),
    entry('read offset syncs', 'offset-sync', 'source', 'TOPIC', offsetSyncs, 'LITERAL', ['DESCRIBE', 'READ']),
    entry('read offset segments', 'offset-sync', 'source', 'TOPIC', offsetSegments, 'LITERAL', ['DESCRIBE', 'DESCRIBE_CONFIGS', 'READ']),
    entry('checkpoints', 'offset-sync', 'target', 'TOPIC', checkpoints, 'LITERAL', ['CREATE', 'DESCRIBE', 'READ', 'WRITE']),
    ...perGroup('sync target group offsets', 'offset-sync', 'target', ['DESCRIBE', 'READ']),
    ...perTopic('target group offsets of remote topics', 'offset-sync', 'target', remote, ['DESCRIBE', 'READ']),

    // topic-config-sync
    ...perTopic('read source topic configs', 'topic-config-sync', 'source', (t) => t, ['DESCRIBE', 'DESCRIBE_CONFIGS']),
    ...perTopic('create and alter remote topics', 'topic-config-sync', 'target', remote, ['ALTER', 'ALTER_CONFIGS', 'CREATE', 'DESCRIBE', 'DESCRIBE_CONFIGS']),
    // It also creates every internal topic of the flow with the right configs, whoever needs it first.
    ...(
      [
        ['target', 'heartbeats'],
        ['target', checkpoints],
        ['target', positions],
        ['target', n.configTopic],
        ['source', offsetSyncs],
        ['source', offsetSegments],
      ] as const
    ).map(([side, topic]) => entry('create internal topics', 'topic-config-sync', side, 'TOPIC', topic, 'LITERAL', ['CREATE', 'DESCRIBE', 'DESCRIBE_CONFIGS'])),

    // acl-sync
    entry('read source ACLs', 'acl-sync', 'source', 'CLUSTER', 'kafka-cluster', 'LITERAL', ['DESCRIBE']),
    ...perTopic('source topics of ACLs', 'acl-sync', 'source', (t) => t, ['DESCRIBE']),
    entry('write target ACLs', 'acl-sync', 'target', 'CLUSTER', 'kafka-cluster', 'LITERAL', ['ALTER', 'DESCRIBE']),
  ];
}

/** The bindings that grant `entries` to `principal` (from any host). */
export function bindingsOf(entries: readonly AclEntry[], principal: string): AclBinding[] {
  return entries.flatMap((e) =>
    e.operations.map((operation) => ({
      resourceType: e.resourceType,
      resourceName: e.resourceName,
      patternType: e.patternType,
      principal,
      host: '*',
      operation,
      permissionType: 'ALLOW' as const,
    })),
  );
}
