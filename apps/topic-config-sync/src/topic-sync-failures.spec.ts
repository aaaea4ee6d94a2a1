import { KafkaError } from '@mirrormaker/kafka';
import { ReplicationPolicyError } from '@mirrormaker/replication-policy';
import { describeFailure } from './topic-sync-failures';

describe('describeFailure', () => {
  it('names the principal, the missing ACL, the topic, the cluster and the purpose', () => {
    const err = new KafkaError('AUTHORIZATION_FAILED', 'x', { protocolError: 'TOPIC_AUTHORIZATION_FAILED' });
    expect(describeFailure(err, { action: 'alter topic configs', cluster: 'B', principal: 'User:alice', topic: 'A.t' })).toEqual({
      action: 'alter topic configs',
      topic: 'A.t',
      cause: 'AUTHORIZATION_FAILED',
      message: "principal User:alice lacks ALTER_CONFIGS on topic 'A.t' of cluster 'B' (needed to sync the topic configs); grant it with an ACL",
      retriable: false,
      clusterWide: false,
    });
  });

  it('points at the cluster for cluster-level denials and copes with an unknown principal', () => {
    const err = new KafkaError('AUTHORIZATION_FAILED', 'x', { protocolError: 'CLUSTER_AUTHORIZATION_FAILED' });
    expect(describeFailure(err, { action: 'create topic', cluster: 'B', topic: 'A.t' }).message).toBe(
      "the principal used for cluster 'B' lacks CREATE on cluster 'B' (needed to create the topic); grant it with an ACL",
    );
  });

  it('treats an unreachable cluster as retriable and cluster-wide', () => {
    const failure = describeFailure(new KafkaError('UNREACHABLE', 'cannot reach the brokers'), { action: 'list topics', cluster: 'B' });
    expect(failure).toMatchObject({ cause: 'UNREACHABLE', retriable: true, clusterWide: true });
    expect(failure.message).toContain("cluster 'B' did not answer");
  });

  it('keeps the code of other Kafka errors and of replication policy errors', () => {
    expect(describeFailure(new KafkaError('INVALID_CONFIG', 'bad rf'), { action: 'create topic', cluster: 'B', topic: 'x' })).toMatchObject({
      cause: 'INVALID_CONFIG',
      retriable: false,
      clusterWide: false,
      message: "create topic failed for topic 'x' on cluster 'B': bad rf",
    });
    const hidden = new ReplicationPolicyError('HIDDEN_TARGET_CONFIG', 'hidden');
    expect(describeFailure(hidden, { action: 'alter topic configs', cluster: 'B' })).toMatchObject({ cause: 'HIDDEN_TARGET_CONFIG' });
    expect(describeFailure(new Error('oops'), { action: 'list topics', cluster: 'A' })).toMatchObject({ cause: 'INTERNAL' });
  });
});
