import { DefaultReplicationPolicy } from './default-replication-policy';
import { IdentityReplicationPolicy } from './identity-replication-policy';
import { DefaultTopicFilter } from './topic-filter';
import { isCycle, shouldReplicateTopic, type TopicReplicationRule } from './topic-replication';

describe('isCycle', () => {
  const policy = new DefaultReplicationPolicy();

  it.each([
    ['B.x', true],
    ['C.B.x', true],
    ['A.B.x', true],
    ['B.A.B.x', true],
    ['x', false],
    ['C.x', false],
    ['A.x', false],
    ['A.C.x', false],
  ])('for target B, %j is a cycle: %j', (topic, expected) => {
    expect(isCycle(policy, topic, 'B')).toBe(expected);
  });

  it('never detects a cycle with the identity policy', () => {
    const identity = new IdentityReplicationPolicy({ sourceClusterAlias: 'A' });
    expect(isCycle(identity, 'x', 'B')).toBe(false);
    expect(isCycle(identity, 'B.x', 'B')).toBe(false);
    expect(isCycle(identity, 'B.heartbeats', 'B')).toBe(true);
  });
});

describe('shouldReplicateTopic', () => {
  const rule: TopicReplicationRule = {
    policy: new DefaultReplicationPolicy(),
    topicFilter: new DefaultTopicFilter(),
    targetClusterAlias: 'B',
  };

  it.each(['B.x', 'C.B.x', 'A.B.x', 'B.A.B.x'])('skips %j for A->B', (topic) => {
    expect(shouldReplicateTopic(rule, topic)).toBe(false);
  });

  it.each(['x', 'C.x', 'A.x'])('replicates %j for A->B', (topic) => {
    expect(shouldReplicateTopic(rule, topic)).toBe(true);
  });

  it('replicates heartbeats except the target-born ones', () => {
    expect(shouldReplicateTopic(rule, 'heartbeats')).toBe(true);
    expect(shouldReplicateTopic(rule, 'C.heartbeats')).toBe(true);
    expect(shouldReplicateTopic(rule, 'B.heartbeats')).toBe(false);
  });

  it('lets heartbeats bypass the topic filter only while heartbeat replication is enabled', () => {
    const strict = { ...rule, topicFilter: new DefaultTopicFilter({ topics: 'orders' }) };
    expect(shouldReplicateTopic(strict, 'heartbeats')).toBe(true);
    expect(shouldReplicateTopic({ ...strict, heartbeatsReplicationEnabled: false }, 'heartbeats')).toBe(false);
    expect(shouldReplicateTopic(strict, 'payments')).toBe(false);
  });

  it('never replicates internal topics, even when the filter accepts them', () => {
    const everything = { ...rule, topicFilter: new DefaultTopicFilter({ topicsExclude: [] }) };
    expect(shouldReplicateTopic(everything, 'A.checkpoints.internal')).toBe(false);
    expect(shouldReplicateTopic(everything, '__consumer_offsets')).toBe(false);
  });
});
