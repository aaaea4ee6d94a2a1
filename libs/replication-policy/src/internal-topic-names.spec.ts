import { connectWorkerTopics } from './connect-worker-topics';
import { DefaultReplicationPolicy } from './default-replication-policy';
import { IdentityReplicationPolicy } from './identity-replication-policy';
import { offsetSegmentsTopicPlacement, offsetSyncsTopicPlacement } from './offset-syncs-topic';
import { DefaultTopicFilter } from './topic-filter';
import { shouldReplicateTopic } from './topic-replication';

describe('connectWorkerTopics', () => {
  it('names the dedicated-mode worker topics after the source alias, always with "."', () => {
    expect(connectWorkerTopics('A')).toEqual({
      offsets: 'mm2-offsets.A.internal',
      status: 'mm2-status.A.internal',
      configs: 'mm2-configs.A.internal',
    });
  });
});

describe('offsetSyncsTopicPlacement', () => {
  const policy = new DefaultReplicationPolicy();
  const flow = { sourceClusterAlias: 'A', targetClusterAlias: 'B' };

  it('puts the topic on the source by default, named after the target', () => {
    expect(offsetSyncsTopicPlacement(policy, flow)).toEqual({ cluster: 'source', topic: 'mm2-offset-syncs.B.internal' });
  });

  it('puts the topic on the target when asked, named after the source', () => {
    expect(offsetSyncsTopicPlacement(policy, flow, 'target')).toEqual({
      cluster: 'target',
      topic: 'mm2-offset-syncs.A.internal',
    });
  });
});

describe('offsetSegmentsTopicPlacement', () => {
  const flow = { sourceClusterAlias: 'A', targetClusterAlias: 'B' };

  it('sits where the offset-syncs topic does, named after the other cluster', () => {
    expect(offsetSegmentsTopicPlacement(flow)).toEqual({ cluster: 'source', topic: 'mirrormaker-offset-segments.B.internal' });
    expect(offsetSegmentsTopicPlacement(flow, 'target')).toEqual({ cluster: 'target', topic: 'mirrormaker-offset-segments.A.internal' });
  });

  it('is internal for every policy and separator, so no flow mirrors it even when topics.exclude lets it through', () => {
    const policies = [
      new DefaultReplicationPolicy(),
      new DefaultReplicationPolicy({ separator: '_' }),
      new IdentityReplicationPolicy({ separator: '_', internalTopicSeparatorEnabled: false }),
    ];
    for (const location of ['source', 'target'] as const) {
      const { topic } = offsetSegmentsTopicPlacement(flow, location);
      expect(new DefaultTopicFilter().shouldReplicateTopic(topic)).toBe(false);
      for (const policy of policies) {
        expect(policy.isInternalTopic(topic)).toBe(true);
        const everything = new DefaultTopicFilter({ topicsExclude: [] });
        expect(shouldReplicateTopic({ policy, topicFilter: everything, targetClusterAlias: 'C' }, topic)).toBe(false);
      }
    }
  });
});
