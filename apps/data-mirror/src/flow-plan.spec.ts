import { findFlow, loadMirrorConfigOrThrow } from '@mirrormaker/config';
import { planFlow, remoteTopicOf, transactionalIdOf } from './flow-plan';

function plan(extra: string[] = [], flowName = 'A->B') {
  const config = loadMirrorConfigOrThrow(['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true', ...extra].join('\n'));
  return planFlow(config, findFlow(config, flowName)!);
}

describe('planFlow', () => {
  it("uses MM2's names and Connect's layout by default", () => {
    const p = plan();
    expect(p.positionsTopic).toEqual({ name: 'mm2-offsets.A.internal', partitions: 25, replicationFactor: -1, configs: { 'cleanup.policy': 'compact' } });
    expect(p.heartbeatsTopic).toMatchObject({ name: 'heartbeats', partitions: 1, replicationFactor: 3 });
    expect(p.offsetSyncs).toEqual({
      enabled: true,
      cluster: 'source',
      topic: { name: 'mm2-offset-syncs.B.internal', partitions: 1, replicationFactor: 3, configs: { 'cleanup.policy': 'compact' } },
    });
    expect(p.exactlyOnce).toBe(false);
    expect(p.isolationLevel).toBe('read_uncommitted');
    expect(p.offsetReset).toBe('earliest');
    expect(p.offsetLagMax).toBe(100n);
    expect(p.heartbeatIntervalMs).toBe(1000);
    expect(p.compression).toBe('none');
    expect([p.fetchMaxBytes, p.partitionFetchMaxBytes]).toEqual([10 * 1024 * 1024, 1024 * 1024]);
    expect(remoteTopicOf(p, 'orders')).toBe('A.orders');
    expect(transactionalIdOf(p, 'orders', 3)).toBe('mirrormaker-A->B-orders-3');
  });

  it('follows the flow settings', () => {
    const p = plan([
      'A->B.offset-syncs.topic.location = target',
      'A->B.exactly.once.enabled = true',
      'A->B.offset.lag.max = 7',
      'A->B.emit.offset-syncs.enabled = false',
      'A->B.consumer.auto.offset.reset = latest',
      'replication.policy.separator = _',
      'offset.storage.replication.factor = 1',
      'offset.storage.partitions = 5',
      'B.producer.compression.type = lz4',
      'A->B.consumer.fetch.max.bytes = 4194304',
      'A.consumer.max.partition.fetch.bytes = 262144',
    ]);
    expect(p.offsetSyncs).toMatchObject({ enabled: false, cluster: 'target', topic: { name: 'mm2-offset-syncs_A_internal' } });
    expect(p.exactlyOnce).toBe(true);
    expect(p.isolationLevel).toBe('read_committed');
    expect(p.offsetLagMax).toBe(7n);
    expect(p.offsetReset).toBe('latest');
    expect(p.positionsTopic).toMatchObject({ partitions: 5, replicationFactor: 1 });
    expect(p.compression).toBe('lz4');
    expect(p.fetchMaxBytes).toBe(4_194_304);
    expect(p.partitionFetchMaxBytes).toBe(262_144);
    expect(remoteTopicOf(p, 'orders')).toBe('A_orders');
  });

  it('keeps the identity policy names', () => {
    expect(remoteTopicOf(plan(['replication.policy.class = IdentityReplicationPolicy']), 'orders')).toBe('orders');
  });
});
