import { KafkaError } from '@mirrormaker/kafka';
import { describeFailure } from './acl-sync-failures';

describe('describeFailure', () => {
  it('names the principal, the missing cluster ACL and what it is needed for', () => {
    const err = new KafkaError('AUTHORIZATION_FAILED', 'x', { protocolError: 'CLUSTER_AUTHORIZATION_FAILED' });
    expect(describeFailure(err, { action: 'create ACLs', cluster: 'B', principal: 'User:bob' })).toEqual({
      action: 'create ACLs',
      cause: 'AUTHORIZATION_FAILED',
      message: "principal User:bob lacks ALTER on cluster 'B' (needed to create the ACLs of the remote topics); grant it with an ACL",
      retriable: false,
      clusterWide: true,
    });
    expect(describeFailure(err, { action: 'describe ACLs', cluster: 'A' }).message).toBe(
      "the principal used for cluster 'A' lacks DESCRIBE on cluster 'A' (needed to read the ACLs); grant it with an ACL",
    );
  });

  it('treats an unreachable cluster as retriable', () => {
    expect(describeFailure(new KafkaError('UNREACHABLE', 'down'), { action: 'describe ACLs', cluster: 'B' })).toMatchObject({
      cause: 'UNREACHABLE',
      retriable: true,
      message: "cluster 'B' did not answer (describe ACLs): down",
    });
  });

  it('passes on the code and the fix of other errors', () => {
    const err = new KafkaError('SECURITY_DISABLED', 'the cluster has no authorizer. Fix: set authorizer.class.name');
    expect(describeFailure(err, { action: 'create ACLs', cluster: 'B' })).toMatchObject({
      cause: 'SECURITY_DISABLED',
      retriable: false,
      message: expect.stringContaining('Fix: set authorizer.class.name'),
    });
    expect(describeFailure(new Error('oops'), { action: 'create ACLs', cluster: 'B' })).toMatchObject({ cause: 'INTERNAL' });
  });
});
