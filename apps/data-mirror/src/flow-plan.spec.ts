import { changedFlows, findFlow, loadMirrorConfigOrThrow } from '@mirrormaker/config';
import { flowConsumerSettings } from './flow-consumer';
import { dataMirrorFingerprint, planFlow, remoteTopicOf, transactionalIdOf } from './flow-plan';

function plan(extra: string[] = [], flowName = 'A->B') {
  const config = loadMirrorConfigOrThrow(['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true', ...extra].join('\n'));
  return planFlow(config, findFlow(config, flowName)!);
}

describe('planFlow', () => {
  it('stores positions at the pace of the target cluster’s offset.flush.interval.ms', () => {
    expect(plan(['B.offset.flush.interval.ms = 1000']).positionFlushIntervalMs).toBe(1000);
  });

  it("uses MM2's names and Connect's layout by default", () => {
    const p = plan();
    expect(p.positionsTopic).toEqual({ name: 'mm2-offsets.A.internal', partitions: 25, replicationFactor: -1, configs: { 'cleanup.policy': 'compact' } });
    expect(p.positionFlushIntervalMs).toBe(5000);
    expect(p.heartbeatsTopic).toMatchObject({ name: 'heartbeats', partitions: 1, replicationFactor: 3 });
    expect(p.offsetSyncs).toEqual({
      enabled: true,
      cluster: 'source',
      topic: { name: 'mm2-offset-syncs.B.internal', partitions: 1, replicationFactor: 3, configs: { 'cleanup.policy': 'compact' } },
    });
    expect(p.offsetSegments).toEqual({
      enabled: true,
      cluster: 'source',
      topic: {
        name: 'mirrormaker-offset-segments.B.internal',
        partitions: 1,
        replicationFactor: 3,
        configs: { 'cleanup.policy': 'delete', 'retention.ms': '604800000' },
        keepsHistory: true,
      },
    });
    expect(p.exactlyOnce).toBe(false);
    expect(p.isolationLevel).toBe('read_uncommitted');
    expect(p.offsetReset).toBe('earliest');
    expect(p.offsetLagMax).toBe(100n);
    expect(p.heartbeatIntervalMs).toBe(1000);
    expect(p.producer).toEqual({ acks: 'all', batchSize: 512 * 1024, compressionType: 'none', maxRequestSize: 1024 * 1024, clientId: '', requestTimeoutMs: 30000, maxInFlight: 5 });
    expect(p.consumer).toEqual(expect.objectContaining({ fetchMaxBytes: 10 * 1024 * 1024, maxPartitionFetchBytes: 1024 * 1024, maxPollRecords: 0, clientRack: '' }));
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
      'A->B.offset.segments.retention.ms = -1',
      'offset-syncs.topic.replication.factor = 2',
    ]);
    expect(p.offsetSyncs).toMatchObject({ enabled: false, cluster: 'target', topic: { name: 'mm2-offset-syncs_A_internal' } });
    expect(p.offsetSegments).toMatchObject({
      enabled: false,
      cluster: 'target',
      topic: { name: 'mirrormaker-offset-segments.A.internal', replicationFactor: 2, configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1' } },
    });
    expect(p.exactlyOnce).toBe(true);
    expect(p.isolationLevel).toBe('read_committed');
    expect(p.offsetLagMax).toBe(7n);
    expect(p.offsetReset).toBe('latest');
    expect(p.positionsTopic).toMatchObject({ partitions: 5, replicationFactor: 1 });
    expect(p.producer.compressionType).toBe('lz4');
    expect(p.consumer.fetchMaxBytes).toBe(4_194_304);
    expect(p.consumer.maxPartitionFetchBytes).toBe(262_144);
    expect(remoteTopicOf(p, 'orders')).toBe('A_orders');
  });

  it('hands the source consumer and target producer keys to the clients it builds', () => {
    const p = plan([
      'A->B.consumer.client.id = mirror-in',
      'A.consumer.client.rack = eu-1a',
      'A->B.consumer.fetch.min.bytes = 65536',
      'A->B.consumer.fetch.max.wait.ms = 250',
      'A->B.consumer.max.poll.records = 200',
      'A->B.consumer.request.timeout.ms = 40000',
      'B.producer.acks = 1',
      'A->B.producer.batch.size = 65536',
      'A->B.producer.client.id = mirror-out',
      'A->B.producer.request.timeout.ms = 45000',
    ]);
    expect(flowConsumerSettings(p.consumer)).toEqual({
      maxWaitTimeMs: 250,
      maxBytes: 10 * 1024 * 1024,
      maxBytesPerPartition: 1024 * 1024,
      minBytes: 65536,
      rackId: 'eu-1a',
      maxRecordsPerRound: 200,
    });
    expect(p.consumer).toEqual(expect.objectContaining({ clientId: 'mirror-in', requestTimeoutMs: 40000 }));
    expect(p.producer).toEqual(expect.objectContaining({ acks: 1, batchSize: 65536, clientId: 'mirror-out', requestTimeoutMs: 45000 }));
  });

  it('keeps the identity policy names', () => {
    expect(remoteTopicOf(plan(['replication.policy.class = IdentityReplicationPolicy']), 'orders')).toBe('orders');
  });
});

describe('dataMirrorFingerprint', () => {
  const base = ['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true'];
  const load = (...extra: string[]) => loadMirrorConfigOrThrow([...base, ...extra].join('\n'), { env: {} });
  const restarts = (...extra: string[]) => changedFlows(load(), load(...extra), dataMirrorFingerprint).has('A->B');

  it('leaves partition units running through changes only other services act on', () => {
    for (const change of [
      'A->B.topics = orders.*',
      'A->B.topics.exclude = .*\\.tmp',
      'A->B.groups = billing',
      'A->B.emit.checkpoints.enabled = false',
      'A->B.emit.checkpoints.interval.seconds = 5',
      'A->B.sync.group.offsets.enabled = true',
      'A->B.sync.topic.configs.enabled = false',
      'A->B.sync.topic.acls.enabled = false',
      'A->B.refresh.topics.interval.seconds = 30',
      'A->B.refresh.groups.interval.seconds = 30',
    ]) {
      expect([change, restarts(change)]).toEqual([change, false]);
      // The whole-flow fingerprint of the other services does restart them.
      expect([change, changedFlows(load(), load(change)).has('A->B')]).toEqual([change, true]);
    }
  });

  it('restarts them for what they copy with or write', () => {
    for (const change of [
      'A->B.producer.override.compression.type = zstd',
      'A->B.consumer.fetch.max.bytes = 1048576',
      'B.producer.acks = 1',
      'A.bootstrap.servers = a2:9092',
      'A->B.replication.policy.separator = _',
      'A->B.offset.lag.max = 10',
      'A->B.emit.offset-syncs.enabled = false',
      'A->B.emit.heartbeats.interval.seconds = 5',
      'A->B.exactly.once.enabled = true',
      'B.offset.flush.interval.ms = 1000',
      'A->B.metrics.partition.label.enabled = false',
    ]) {
      expect([change, restarts(change)]).toEqual([change, true]);
    }
  });
});
