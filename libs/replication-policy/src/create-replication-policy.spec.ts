import { createReplicationPolicy } from './create-replication-policy';
import { DefaultReplicationPolicy } from './default-replication-policy';
import { isReplicationPolicyError } from './errors';
import { IdentityReplicationPolicy } from './identity-replication-policy';

describe('createReplicationPolicy', () => {
  it('builds the default policy when no class is given', () => {
    const policy = createReplicationPolicy();
    expect(policy).toBeInstanceOf(DefaultReplicationPolicy);
    expect(policy.formatRemoteTopic('A', 't')).toBe('A.t');
  });

  it.each([
    ['org.apache.kafka.connect.mirror.DefaultReplicationPolicy', DefaultReplicationPolicy],
    ['DefaultReplicationPolicy', DefaultReplicationPolicy],
    ['default', DefaultReplicationPolicy],
    ['  org.apache.kafka.connect.mirror.IdentityReplicationPolicy ', IdentityReplicationPolicy],
    ['IdentityReplicationPolicy', IdentityReplicationPolicy],
    ['identity', IdentityReplicationPolicy],
  ])('accepts %j', (className, type) => {
    expect(createReplicationPolicy({ class: className, sourceClusterAlias: 'A' })).toBeInstanceOf(type);
  });

  it('passes separator options and the source alias through', () => {
    const policy = createReplicationPolicy({
      class: 'IdentityReplicationPolicy',
      separator: '_',
      internalTopicSeparatorEnabled: false,
      sourceClusterAlias: 'A',
    });
    expect(policy.topicSource('orders')).toBe('A');
    expect(policy.formatRemoteTopic('A', 'heartbeats')).toBe('A_heartbeats');
    expect(policy.checkpointsTopic('A')).toBe('A.checkpoints.internal');
  });

  it('ignores the internal-separator switch without an explicit separator', () => {
    const policy = createReplicationPolicy({ internalTopicSeparatorEnabled: false });
    expect(policy.offsetSyncsTopic('B')).toBe('mm2-offset-syncs.B.internal');
  });

  it('rejects unknown classes with a code', () => {
    expect.assertions(1);
    try {
      createReplicationPolicy({ class: 'com.example.CustomPolicy' });
    } catch (error) {
      expect(isReplicationPolicyError(error, 'UNKNOWN_POLICY_CLASS')).toBe(true);
    }
  });
});
