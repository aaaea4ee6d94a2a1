import { findFlow, loadMirrorConfigOrThrow } from '@mirrormaker/config';
import { flowRules } from './flow-rules';
import { internalTopicSpecs } from './internal-topics';

function specsFor(lines: string[], flowName = 'A->B') {
  const config = loadMirrorConfigOrThrow(['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', ...lines].join('\n'));
  const flow = findFlow(config, flowName)!;
  return internalTopicSpecs(config, flow, flowRules(flow).policy).map((s) => ({ ...s, configs: { ...s.configs } }));
}

const compact = { 'cleanup.policy': 'compact' };

describe('internalTopicSpecs', () => {
  it("lists MM2's internal topics, the Connect offsets topic and the coordinator's config topic with defaults", () => {
    expect(specsFor(['A->B.enabled = true'])).toEqual([
      { role: 'heartbeats', cluster: 'target', name: 'heartbeats', partitions: 1, replicationFactor: 3, configs: compact },
      { role: 'checkpoints', cluster: 'target', name: 'A.checkpoints.internal', partitions: 1, replicationFactor: 3, configs: compact },
      { role: 'offset-syncs', cluster: 'source', name: 'mm2-offset-syncs.B.internal', partitions: 1, replicationFactor: 3, configs: compact },
      {
        role: 'offset-segments',
        cluster: 'source',
        name: 'mirrormaker-offset-segments.B.internal',
        partitions: 1,
        replicationFactor: 3,
        configs: { 'cleanup.policy': 'delete', 'retention.ms': '604800000' },
      },
      // The broker's default, as the data mirror creates it: Connect's 3 fails on smaller clusters.
      { role: 'offsets', cluster: 'target', name: 'mm2-offsets.A.internal', partitions: 25, replicationFactor: -1, configs: compact },
      { role: 'coordinator-config', cluster: 'target', name: 'mirrormaker-config.internal', partitions: 1, replicationFactor: -1, configs: compact },
    ]);
  });

  it('follows the replication factor keys, the offset-syncs location, the separator and the worker keys', () => {
    const specs = specsFor([
      'A->B.enabled = true',
      'heartbeats.topic.replication.factor = 1',
      'checkpoints.topic.replication.factor = 2',
      'offset-syncs.topic.replication.factor = -1',
      'offset-syncs.topic.location = target',
      'replication.policy.separator = _',
      'offset.storage.replication.factor = 1',
      'B.offset.storage.partitions = 7',
      'coordinator.home.cluster = A',
    ]);
    expect(specs.map((s) => [s.cluster, s.name, s.partitions, s.replicationFactor])).toEqual([
      ['target', 'heartbeats', 1, 1],
      ['target', 'A_checkpoints_internal', 1, 2],
      ['target', 'mm2-offset-syncs_A_internal', 1, -1],
      // Ours: always with dots, so it ends in .internal whatever the separator.
      ['target', 'mirrormaker-offset-segments.A.internal', 1, -1],
      ['target', 'mm2-offsets.A.internal', 7, 1],
    ]);
  });

  it('leaves out the topics of features that are off', () => {
    const specs = specsFor(['A->B.enabled = true', 'emit.heartbeats.enabled = false', 'emit.checkpoints.enabled = false', 'emit.offset-syncs.enabled = false']);
    expect(specs.map((s) => s.role)).toEqual(['offsets', 'coordinator-config']);
  });
});
