import { DefaultReplicationPolicy } from './default-replication-policy';
import { IdentityReplicationPolicy } from './identity-replication-policy';
import { checkpointTopics, heartbeatTopics, remoteTopics, replicationHops, upstreamClusters } from './remote-cluster-utils';

describe('RemoteClusterUtils equivalents', () => {
  const policy = new DefaultReplicationPolicy();
  const topics = [
    'heartbeats',
    'A.heartbeats',
    'C.B.A.heartbeats',
    'A.checkpoints.internal',
    'C.checkpoints.internal',
    'orders',
    'A.orders',
    'B.A.orders',
    '__consumer_offsets',
    'mm2-offset-syncs.A.internal',
  ];

  it('finds heartbeat and checkpoint topics by name', () => {
    expect(heartbeatTopics(policy, topics)).toEqual(new Set(['heartbeats', 'A.heartbeats', 'C.B.A.heartbeats']));
    expect(checkpointTopics(policy, topics)).toEqual(new Set(['A.checkpoints.internal', 'C.checkpoints.internal']));
  });

  it('collects every alias along heartbeat chains', () => {
    expect(upstreamClusters(policy, topics)).toEqual(new Set(['A', 'C', 'B']));
  });

  it('counts hops by position in the prefix chain and takes the smallest', () => {
    expect(replicationHops(policy, topics, 'A')).toBe(1);
    expect(replicationHops(policy, topics, 'B')).toBe(2);
    expect(replicationHops(policy, topics, 'C')).toBe(1);
    expect(replicationHops(policy, ['B.A.heartbeats'], 'A')).toBe(2);
    expect(replicationHops(policy, ['heartbeats'], 'A')).toBe(-1);
    expect(replicationHops(policy, topics, 'Z')).toBe(-1);
  });

  it('lists remote topics, optionally by direct source', () => {
    expect(remoteTopics(policy, topics)).toEqual(new Set(['A.heartbeats', 'C.B.A.heartbeats', 'A.orders', 'B.A.orders']));
    expect(remoteTopics(policy, topics, 'A')).toEqual(new Set(['A.heartbeats', 'A.orders']));
    expect(remoteTopics(policy, topics, 'Z')).toEqual(new Set());
  });

  it('stops at a repeated alias instead of looping', () => {
    const identity = new IdentityReplicationPolicy({ sourceClusterAlias: 'A' });
    expect(upstreamClusters(identity, ['B.heartbeats'])).toEqual(new Set(['B']));
    expect(replicationHops(identity, ['B.A.B.heartbeats'], 'Z')).toBe(-1);
    // Once the alias is set, every non-internal topic except the local heartbeats counts as remote.
    expect(remoteTopics(identity, ['orders', 'heartbeats', '__x'])).toEqual(new Set(['orders']));
  });
});
