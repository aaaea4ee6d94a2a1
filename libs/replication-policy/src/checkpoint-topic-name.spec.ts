import { checkpointTopicName } from './checkpoint-topic-name';
import { DefaultReplicationPolicy } from './default-replication-policy';
import { IdentityReplicationPolicy } from './identity-replication-policy';

describe('checkpointTopicName', () => {
  const flow = { sourceClusterAlias: 'A', targetClusterAlias: 'B' };
  const policy = new DefaultReplicationPolicy();

  it.each([
    ['t', 'A.t'],
    ['C.t', 'A.C.t'],
    ['B.t', 't'],
    ['B.C.t', 't'],
  ])('maps source topic %j to target topic %j for A->B', (topic, expected) => {
    expect(checkpointTopicName(policy, topic, flow)).toBe(expected);
  });

  it('keeps names with the identity policy', () => {
    const identity = new IdentityReplicationPolicy({ sourceClusterAlias: 'A' });
    expect(checkpointTopicName(identity, 't', flow)).toBe('t');
  });
});
