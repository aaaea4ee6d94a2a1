import { IdentityReplicationPolicy } from './identity-replication-policy';

describe('IdentityReplicationPolicy', () => {
  const policy = new IdentityReplicationPolicy({ sourceClusterAlias: 'A' });

  it('keeps topic names but prefixes heartbeats', () => {
    expect(policy.formatRemoteTopic('A', 'orders')).toBe('orders');
    expect(policy.formatRemoteTopic('A', 'heartbeats')).toBe('A.heartbeats');
    expect(policy.formatRemoteTopic('A', 'B.heartbeats')).toBe('A.B.heartbeats');
    // The suffix check is a plain endsWith, as in MM2.
    expect(policy.formatRemoteTopic('A', 'xheartbeats')).toBe('A.xheartbeats');
  });

  it('reports the configured alias as the source of every non-heartbeat topic', () => {
    expect(policy.topicSource('orders')).toBe('A');
    expect(policy.topicSource('x.y')).toBe('A');
    expect(policy.upstreamTopic('orders')).toBe('orders');
    expect(policy.originalTopic('x.y')).toBe('x.y');
  });

  it('treats heartbeat topics like the default policy', () => {
    expect(policy.topicSource('heartbeats')).toBeNull();
    expect(policy.topicSource('B.heartbeats')).toBe('B');
    expect(policy.upstreamTopic('C.B.heartbeats')).toBe('B.heartbeats');
    expect(policy.originalTopic('C.B.heartbeats')).toBe('heartbeats');
    expect(policy.isHeartbeatsTopic('heartbeats')).toBe(true);
    expect(policy.isHeartbeatsTopic('B.heartbeats')).toBe(true);
    expect(policy.isHeartbeatsTopic('A-heartbeats')).toBe(false);
  });

  it('has no remote topics without a source alias', () => {
    const bare = new IdentityReplicationPolicy();
    expect(bare.topicSource('orders')).toBeNull();
    expect(bare.topicSource('B.heartbeats')).toBe('B');
  });

  it('keeps the default internal topic names and separator rules', () => {
    const underscore = new IdentityReplicationPolicy({ separator: '_', sourceClusterAlias: 'A' });
    expect(underscore.checkpointsTopic('A')).toBe('A_checkpoints_internal');
    expect(underscore.formatRemoteTopic('A', 'heartbeats')).toBe('A_heartbeats');
    expect(policy.isInternalTopic('__consumer_offsets')).toBe(true);
  });
});
