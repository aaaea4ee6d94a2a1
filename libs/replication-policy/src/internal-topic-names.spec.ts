import { connectWorkerTopics } from './connect-worker-topics';
import { DefaultReplicationPolicy } from './default-replication-policy';
import { offsetSyncsTopicPlacement } from './offset-syncs-topic';

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
