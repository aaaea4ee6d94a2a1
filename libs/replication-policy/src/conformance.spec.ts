// MM2 conformance statements (numbered as in the project's MM2 reference, section 13) that this
// lib can decide on its own, without clusters.
import { mapAclBinding } from './acl-mapping';
import { shouldCheckpointGroup } from './checkpoint-group-selection';
import { DefaultConfigPropertyFilter } from './config-property-filter';
import { createReplicationPolicy } from './create-replication-policy';
import { DefaultReplicationPolicy } from './default-replication-policy';
import { DefaultGroupFilter } from './group-filter';
import { offsetSyncsTopicPlacement } from './offset-syncs-topic';
import { partitionIncrease } from './partition-growth';
import { replicationHops, upstreamClusters } from './remote-cluster-utils';
import { creationConfigs, incrementalConfigChanges, type TopicConfigEntry } from './topic-config-diff';
import { DefaultTopicFilter } from './topic-filter';
import { shouldReplicateTopic, type TopicReplicationRule } from './topic-replication';

const policy = new DefaultReplicationPolicy();
const flow = { sourceClusterAlias: 'A', targetClusterAlias: 'B' };
const defaults: TopicReplicationRule = { policy, topicFilter: new DefaultTopicFilter(), targetClusterAlias: 'B' };

describe('MM2 conformance', () => {
  it('1: topic t of A is replicated to B as A.t', () => {
    expect(shouldReplicateTopic(defaults, 't')).toBe(true);
    expect(policy.formatRemoteTopic('A', 't')).toBe('A.t');
  });

  it('2: flow A->B skips B.x, C.B.x and A.B.x but replicates C.x as A.C.x', () => {
    for (const topic of ['B.x', 'C.B.x', 'A.B.x']) {
      expect(shouldReplicateTopic(defaults, topic)).toBe(false);
    }
    expect(shouldReplicateTopic(defaults, 'C.x')).toBe(true);
    expect(policy.formatRemoteTopic('A', 'C.x')).toBe('A.C.x');
  });

  it('3: default filters keep internal-looking topics out', () => {
    for (const topic of ['__consumer_offsets', 'foo.internal', 'foo-internal', 'x.replica', '.hidden']) {
      expect(shouldReplicateTopic(defaults, topic)).toBe(false);
    }
  });

  it('4: topics=foo replicates foo but not foo2', () => {
    const rule = { ...defaults, topicFilter: new DefaultTopicFilter({ topics: 'foo' }) };
    expect(shouldReplicateTopic(rule, 'foo')).toBe(true);
    expect(shouldReplicateTopic(rule, 'foo2')).toBe(false);
  });

  it('5: an empty topics.exclude excludes nothing, internal and cycle rules still apply', () => {
    const rule = { ...defaults, topicFilter: new DefaultTopicFilter({ topicsExclude: '' }) };
    expect(rule.topicFilter.shouldReplicateTopic('x.replica')).toBe(true);
    expect(rule.topicFilter.shouldReplicateTopic('__consumer_offsets')).toBe(true);
    expect(shouldReplicateTopic(rule, 'x.replica')).toBe(true);
    expect(shouldReplicateTopic(rule, '__consumer_offsets')).toBe(false);
    expect(shouldReplicateTopic(rule, 'foo.internal')).toBe(false);
    expect(shouldReplicateTopic(rule, 'B.x')).toBe(false);
  });

  it('6: heartbeats are replicated even when the filters exclude them', () => {
    const rule = {
      ...defaults,
      topicFilter: new DefaultTopicFilter({ topicsExclude: 'heartbeats, .*\\.heartbeats' }),
      heartbeatsReplicationEnabled: true,
    };
    expect(shouldReplicateTopic(rule, 'heartbeats')).toBe(true);
    expect(shouldReplicateTopic(rule, 'C.heartbeats')).toBe(true);
  });

  it('10: offset-syncs topic is mm2-offset-syncs.B.internal on A, or mm2-offset-syncs.A.internal on B', () => {
    expect(offsetSyncsTopicPlacement(policy, flow)).toEqual({ cluster: 'source', topic: 'mm2-offset-syncs.B.internal' });
    expect(offsetSyncsTopicPlacement(policy, flow, 'target')).toEqual({
      cluster: 'target',
      topic: 'mm2-offset-syncs.A.internal',
    });
  });

  it('11: separator "_" names internal topics with "_", unless internal separators are disabled', () => {
    const underscore = createReplicationPolicy({ separator: '_' });
    expect(underscore.checkpointsTopic('A')).toBe('A_checkpoints_internal');
    expect(underscore.offsetSyncsTopic('B')).toBe('mm2-offset-syncs_B_internal');
    const dotted = createReplicationPolicy({ separator: '_', internalTopicSeparatorEnabled: false });
    expect(dotted.checkpointsTopic('A')).toBe('A.checkpoints.internal');
    expect(dotted.offsetSyncsTopic('B')).toBe('mm2-offset-syncs.B.internal');
  });

  it('22: console-consumer-*, connect-* and __* groups are not checkpointed by default', () => {
    const groups = new DefaultGroupFilter();
    for (const group of ['console-consumer-123', 'connect-mirror', '__internal']) {
      expect(groups.shouldReplicateGroup(group)).toBe(false);
    }
    expect(groups.shouldReplicateGroup('billing')).toBe(true);
  });

  it('23: a group that committed only on filtered-out topics gets no checkpoint task', () => {
    const selection = { groupFilter: new DefaultGroupFilter(), topicFilter: new DefaultTopicFilter() };
    expect(shouldCheckpointGroup(selection, 'billing', ['foo.internal', 'x.replica'])).toBe(false);
    expect(shouldCheckpointGroup(selection, 'billing', ['foo.internal', 'orders'])).toBe(true);
  });

  it('27: the remote topic grows from 3 to 5 partitions and is never shrunk', () => {
    expect(partitionIncrease(5, 3)).toBe(5);
    expect(partitionIncrease(3, 5)).toBeNull();
  });

  it('28: non-default retention.ms is SET, min.insync.replicas never synced, defaults DELETEd', () => {
    const entry = (name: string, value: string, isDefault: boolean): TopicConfigEntry => ({
      name,
      value,
      isDefault,
      isReadOnly: false,
      isSensitive: false,
      source: isDefault ? 'DEFAULT_CONFIG' : 'DYNAMIC_TOPIC_CONFIG',
    });
    const source = [
      entry('retention.ms', '3600000', false),
      entry('min.insync.replicas', '2', false),
      entry('cleanup.policy', 'delete', true),
    ];
    const target = [entry('cleanup.policy', 'compact', false), entry('min.insync.replicas', '3', false)];
    const filter = new DefaultConfigPropertyFilter();
    expect(incrementalConfigChanges(source, target, filter)).toEqual({
      set: { 'retention.ms': '3600000' },
      delete: ['cleanup.policy'],
    });
    expect(creationConfigs(source, filter)).toEqual({ 'retention.ms': '3600000' });
  });

  it('29: ALLOW ALL becomes ALLOW READ on A.t; ALLOW WRITE and PREFIXED are dropped; DENY is copied', () => {
    const ctx = { policy, sourceClusterAlias: 'A', shouldReplicateTopic: (t: string) => shouldReplicateTopic(defaults, t) };
    const base = {
      resourceType: 'TOPIC',
      resourceName: 't',
      patternType: 'LITERAL',
      principal: 'User:bob',
      host: '*',
      operation: 'ALL',
      permissionType: 'ALLOW',
    } as const;
    expect(mapAclBinding(base, ctx)).toEqual({ ...base, resourceName: 'A.t', operation: 'READ' });
    expect(mapAclBinding({ ...base, operation: 'WRITE' }, ctx)).toBeNull();
    expect(mapAclBinding({ ...base, patternType: 'PREFIXED' }, ctx)).toBeNull();
    expect(mapAclBinding({ ...base, permissionType: 'DENY' }, ctx)).toEqual({
      ...base,
      resourceName: 'A.t',
      permissionType: 'DENY',
    });
  });

  it('30: with A.heartbeats and A.C.heartbeats on B, upstream clusters are {A, C}; hops to C is 2, to Z -1', () => {
    const topics = ['heartbeats', 'A.heartbeats', 'A.C.heartbeats'];
    expect(upstreamClusters(policy, topics)).toEqual(new Set(['A', 'C']));
    expect(replicationHops(policy, topics, 'C')).toBe(2);
    expect(replicationHops(policy, topics, 'Z')).toBe(-1);
  });
});
