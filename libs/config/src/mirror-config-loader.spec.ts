import { FLOW_SETTINGS } from './flow-settings';
import { loadMirrorConfig, loadMirrorConfigOrThrow } from './mirror-config-loader';
import type { FlowConfig, MirrorConfig } from './model';
import { isMirrorConfigError } from './errors';

const BASE = ['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092'];

function load(...lines: string[]): MirrorConfig {
  const { config, problems } = loadMirrorConfig([...BASE, ...lines].join('\n'));
  expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
  return config;
}

const flow = (config: MirrorConfig, name: string): FlowConfig => config.flows.find((f) => f.name === name)!;

describe('loadMirrorConfig: clusters and flows', () => {
  it('creates every ordered pair, in clusters order, disabled unless A->B.enabled=true', () => {
    const config = loadMirrorConfig('clusters = A, B, C\nA.bootstrap.servers=a:1\nB.bootstrap.servers=b:1\nC.bootstrap.servers=c:1\nA->B.enabled=true\nB->A.enabled=TRUE\nC->A.enabled=false').config;
    expect(config.flows.map((f) => [f.name, f.enabled])).toEqual([
      ['A->B', true],
      ['A->C', false],
      ['B->A', true],
      ['B->C', false],
      ['C->A', false],
      ['C->B', false],
    ]);
  });

  it('reads bootstrap servers, cluster properties and client overrides per cluster', () => {
    const config = load(
      'A.bootstrap.servers = a1:9092 , a2:9092',
      'A.client.id = mirror-a',
      'A.offset.flush.interval.ms = 5000',
      'A.consumer.max.poll.records = 500',
      'A.producer.linger.ms = 5',
      'A.admin.request.timeout.ms = 9000',
    );
    expect(config.clusters['A']).toEqual({
      alias: 'A',
      bootstrapServers: ['a1:9092', 'a2:9092'],
      security: { protocol: 'PLAINTEXT' },
      properties: { 'client.id': 'mirror-a', 'offset.flush.interval.ms': '5000' },
      consumer: { 'max.poll.records': '500' },
      producer: { 'linger.ms': '5' },
      admin: { 'request.timeout.ms': '9000' },
    });
  });

  it('matches the longest alias first, so aliases may contain dots', () => {
    const { config, problems } = loadMirrorConfig(
      'clusters = us, us.west\nus.bootstrap.servers=u:1\nus.west.bootstrap.servers=w:1\nus.west->us.enabled=true\nus->us.west.topics=x',
    );
    expect(config.clusters['us.west']!.bootstrapServers).toEqual(['w:1']);
    expect(flow(config, 'us.west->us').enabled).toBe(true);
    expect(flow(config, 'us->us.west').topics).toEqual(['x']);
    expect(problems.filter((p) => p.code !== 'conflict')).toEqual([]);
  });

  it('takes top-level connection keys as defaults for every cluster', () => {
    const config = loadMirrorConfig('clusters=A,B\nbootstrap.servers=shared:9092\nsecurity.protocol=SSL\nB.bootstrap.servers=b:1\nB.security.protocol=PLAINTEXT').config;
    expect(config.clusters['A']!.bootstrapServers).toEqual(['shared:9092']);
    expect(config.clusters['A']!.security.protocol).toBe('SSL');
    expect(config.clusters['B']!.security.protocol).toBe('PLAINTEXT');
  });

  it('keeps the last of duplicate keys, with a warning on the later line', () => {
    const { config, problems } = loadMirrorConfig([...BASE, 'A->B.topics=first', 'A->B.topics=second'].join('\n'));
    expect(flow(config, 'A->B').topics).toEqual(['second']);
    expect(problems).toEqual([expect.objectContaining({ code: 'duplicate-key', line: 5, severity: 'warning' })]);
  });

  it('returns a deeply frozen model', () => {
    const config = load();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.flows[0]!.clients.source.consumer)).toBe(true);
  });
});

describe('loadMirrorConfig: typed flow settings', () => {
  it('applies MM2 defaults, except the faster intervals', () => {
    const f = flow(load(), 'A->B');
    expect(f).toEqual(
      expect.objectContaining({
        enabled: false,
        topics: ['.*'],
        topicsExclude: ['.*[\\-\\.]internal', '.*\\.replica', '__.*'],
        groups: ['.*'],
        groupsExclude: ['console-consumer-.*', 'connect-.*', '__.*'],
        useDefaultsFrom: 'target',
        replicationPolicy: { class: 'default', separator: '.', internalTopicSeparatorEnabled: true },
        replicationFactor: 2,
        offsetSyncsTopicReplicationFactor: 3,
        checkpointsTopicReplicationFactor: 3,
        heartbeatsTopicReplicationFactor: 3,
        offsetSyncsTopicLocation: 'source',
        offsetLagMax: 100,
        emitOffsetSyncsEnabled: true,
        heartbeatsReplicationEnabled: true,
        emitHeartbeatsEnabled: true,
        emitHeartbeatsIntervalSeconds: 1,
        emitCheckpointsEnabled: true,
        emitCheckpointsIntervalSeconds: 1,
        syncGroupOffsetsEnabled: false,
        syncGroupOffsetsIntervalSeconds: 1,
        syncTopicConfigsEnabled: true,
        syncTopicConfigsIntervalSeconds: 30,
        syncTopicAclsEnabled: true,
        syncTopicAclsIntervalSeconds: 30,
        refreshTopicsEnabled: true,
        refreshTopicsIntervalSeconds: 10,
        refreshGroupsEnabled: true,
        refreshGroupsIntervalSeconds: 10,
        consumerPollTimeoutMs: 1000,
        adminTimeoutMs: 60000,
        tasksMax: 1,
        exactlyOnceSupport: 'requested',
        exactlyOnceEnabled: false,
        consumerAutoOffsetReset: 'earliest',
        extra: {},
      }),
    );
    expect(f.configPropertiesExclude).toContain('min\\.insync\\.replicas');
  });

  it('documents exactly six defaults that differ from MM2, each with a reason', () => {
    const differing = Object.values(FLOW_SETTINGS).filter(
      (spec) => spec.mm2Default !== undefined && JSON.stringify(spec.mm2Default) !== JSON.stringify(spec.defaultValue),
    );
    expect(differing.map((spec) => [spec.key, spec.mm2Default, spec.defaultValue])).toEqual([
      ['emit.checkpoints.interval.seconds', 60, 1],
      ['sync.group.offsets.interval.seconds', 60, 1],
      ['sync.topic.configs.interval.seconds', 600, 30],
      ['sync.topic.acls.interval.seconds', 600, 30],
      ['refresh.topics.interval.seconds', 600, 10],
      ['refresh.groups.interval.seconds', 600, 10],
    ]);
    expect(differing.every((spec) => (spec.reason ?? '').length > 0)).toBe(true);
  });

  it('lets flow keys win over top-level keys, which win over defaults', () => {
    const config = load(
      'refresh.topics.interval.seconds = 600',
      'replication.factor = 3',
      'topics = shared.*',
      'A->B.refresh.topics.interval.seconds = 5',
      'A->B.topics = orders, payments.*',
      'B->A.replication.policy.class = IdentityReplicationPolicy',
    );
    expect(flow(config, 'A->B')).toEqual(expect.objectContaining({ refreshTopicsIntervalSeconds: 5, replicationFactor: 3, topics: ['orders', 'payments.*'] }));
    expect(flow(config, 'B->A')).toEqual(expect.objectContaining({ refreshTopicsIntervalSeconds: 600, replicationFactor: 3, topics: ['shared.*'] }));
    expect(flow(config, 'B->A').replicationPolicy.class).toBe('identity');
  });

  it('reads Kafka LIST values: trimmed, comma-split, empty means no item', () => {
    const config = load('A->B.topics = ', 'A->B.groups =  a ,b,  c  ', 'A->B.topics.exclude = x,');
    expect(flow(config, 'A->B')).toEqual(expect.objectContaining({ topics: [], groups: ['a', 'b', 'c'], topicsExclude: ['x', ''] }));
  });

  it('reads filters after properties unescaping: a single backslash before a dot disappears', () => {
    const config = load(String.raw`A->B.topics = a\\.b, c\.d`);
    expect(flow(config, 'A->B').topics).toEqual(['a\\.b', 'c.d']);
  });

  it('ignores use.defaults.from and exactly.once.support at top level, as MM2 does', () => {
    const { config, problems } = loadMirrorConfig([...BASE, 'use.defaults.from = source', 'exactly.once.support = required', 'A->B.use.defaults.from = source'].join('\n'));
    expect(flow(config, 'A->B').useDefaultsFrom).toBe('source');
    expect(flow(config, 'B->A').useDefaultsFrom).toBe('target');
    expect(flow(config, 'B->A').exactlyOnceSupport).toBe('requested');
    expect(problems.map((p) => [p.code, p.line])).toEqual([
      ['ignored-key', 4],
      ['ignored-key', 5],
    ]);
  });

  it('turns exactly-once on for flows into a target with exactly.once.source.support=enabled', () => {
    const config = load('B.exactly.once.source.support = enabled', 'B->A.exactly.once.enabled = true', 'exactly.once.enabled = false');
    expect(flow(config, 'A->B').exactlyOnceEnabled).toBe(false);
    expect(flow(load('B.exactly.once.source.support = enabled'), 'A->B').exactlyOnceEnabled).toBe(true);
    expect(flow(config, 'B->A').exactlyOnceEnabled).toBe(true);
  });

  it('treats a negative interval as MM2 does: the task it schedules is off, with a warning naming it', () => {
    const intervals = [
      ['emit.heartbeats.interval.seconds', 'emitHeartbeatsEnabled', 'heartbeats'],
      ['emit.checkpoints.interval.seconds', 'emitCheckpointsEnabled', 'checkpoints'],
      ['sync.group.offsets.interval.seconds', 'syncGroupOffsetsEnabled', 'group offset sync'],
      ['sync.topic.configs.interval.seconds', 'syncTopicConfigsEnabled', 'topic config sync'],
      ['sync.topic.acls.interval.seconds', 'syncTopicAclsEnabled', 'topic ACL sync'],
      ['refresh.topics.interval.seconds', 'refreshTopicsEnabled', 'topic refresh'],
      ['refresh.groups.interval.seconds', 'refreshGroupsEnabled', 'group refresh'],
    ] as const;
    for (const [key, enabled, what] of intervals) {
      const { config, problems } = loadMirrorConfig([...BASE, 'A->B.enabled = true', 'A->B.sync.group.offsets.enabled = true', `A->B.${key} = -1`].join('\n'));
      expect(flow(config, 'A->B')[enabled]).toBe(false);
      expect(flow(config, 'B->A')[enabled]).toBe(enabled !== 'syncGroupOffsetsEnabled');
      const warning = problems.find((p) => p.key === `A->B.${key}`);
      expect(warning).toEqual(expect.objectContaining({ severity: 'warning', line: 6 }));
      expect(warning!.message).toContain(what);
      expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    }
    const topLevel = load('emit.checkpoints.interval.seconds = -5');
    expect(topLevel.flows.map((f) => f.emitCheckpointsEnabled)).toEqual([false, false]);
  });

  it('reads our flow keys metrics.partition.label.enabled (on) and sync.group.acls.enabled (off) per flow, then top-level', () => {
    expect(flow(load(), 'A->B')).toEqual(expect.objectContaining({ metricsPartitionLabelEnabled: true, syncGroupAclsEnabled: false }));
    const config = load('metrics.partition.label.enabled = false', 'sync.group.acls.enabled = TRUE', 'A->B.metrics.partition.label.enabled = true', 'A->B.sync.group.acls.enabled = false');
    expect(flow(config, 'A->B')).toEqual(expect.objectContaining({ metricsPartitionLabelEnabled: true, syncGroupAclsEnabled: false }));
    expect(flow(config, 'B->A')).toEqual(expect.objectContaining({ metricsPartitionLabelEnabled: false, syncGroupAclsEnabled: true }));
    expect(config.unknownKeys).toEqual({});
    const { problems } = loadMirrorConfig([...BASE, 'A->B.sync.group.acls.enabled = yes'].join('\n'));
    expect(problems.map((p) => [p.severity, p.line, p.key])).toEqual([['error', 4, 'A->B.sync.group.acls.enabled']]);
  });

  it('reads offset.segments.retention.ms per flow, then top-level: 7 days unless set, -1 for forever, nothing below', () => {
    expect(flow(load(), 'A->B').offsetSegmentsRetentionMs).toBe(604_800_000);
    const config = load('offset.segments.retention.ms = -1', 'A->B.offset.segments.retention.ms = 86400000');
    expect(flow(config, 'A->B').offsetSegmentsRetentionMs).toBe(86_400_000);
    expect(flow(config, 'B->A').offsetSegmentsRetentionMs).toBe(-1);
    for (const bad of ['0', '-2', 'week']) {
      const { problems } = loadMirrorConfig([...BASE, `A->B.offset.segments.retention.ms = ${bad}`].join('\n'));
      expect(problems.map((p) => [p.severity, p.key])).toEqual([['error', 'A->B.offset.segments.retention.ms']]);
    }
  });

  it('keeps flow keys without a typed field in extra', () => {
    const config = load('A->B.producer.override.compression.type = zstd', 'A->B.tasks.max = 4', 'A->B.consumer.fetch.min.bytes = 1');
    expect(flow(config, 'A->B').extra).toEqual({ 'consumer.fetch.min.bytes': '1', 'producer.override.compression.type': 'zstd' });
    expect(flow(config, 'A->B').tasksMax).toBe(4);
  });
});

describe('loadMirrorConfig: client configs follow MM2 precedence', () => {
  const config = load(
    'security.protocol = SSL',
    'ssl.truststore.location = /top.jks',
    'A.security.protocol = PLAINTEXT',
    'A.consumer.max.poll.records = 100',
    'A.consumer.client.rack = r1',
    'A->B.consumer.max.poll.records = 999',
    'A->B.consumer.fetch.max.wait.ms = 50',
    'A->B.source.consumer.client.rack = r2',
    'A->B.producer.acks = 1',
    'B.producer.acks = all',
    'B.producer.linger.ms = 10',
    'A->B.producer.override.linger.ms = 20',
    'A->B.source.consumer.auto.offset.reset = latest',
    'A->B.admin.retries = 7',
  );
  const f = flow(config, 'A->B');

  it('source consumer: cluster keys < A->B.consumer.* < A.consumer.* < A->B.source.consumer.*', () => {
    expect(f.clients.source.consumer).toEqual({
      'auto.offset.reset': 'latest',
      'bootstrap.servers': 'a:9092',
      'client.rack': 'r2',
      'enable.auto.commit': 'false',
      'fetch.max.wait.ms': '50',
      'max.poll.records': '100',
      'security.protocol': 'PLAINTEXT',
      'ssl.truststore.location': '/top.jks',
    });
    expect(f.consumerAutoOffsetReset).toBe('latest');
  });

  it('target producer: B.producer.* over A->B.producer.*, then producer.override.* last', () => {
    expect(f.clients.target.producer).toEqual({
      acks: 'all',
      'bootstrap.servers': 'b:9092',
      'linger.ms': '20',
      'security.protocol': 'SSL',
      'ssl.truststore.location': '/top.jks',
    });
    expect(f.clients.source.producer['linger.ms']).toBeUndefined();
  });

  it('consumers never auto-commit and default to earliest; connector keys do not leak into clients', () => {
    const g = flow(load('A->B.consumer.enable.auto.commit = true', 'consumer.poll.timeout.ms = 200', 'admin.timeout.ms = 5'), 'A->B');
    expect(g.clients.target.consumer['enable.auto.commit']).toBe('false');
    expect(g.clients.source.consumer['enable.auto.commit']).toBe('false');
    expect(g.clients.target.consumer['auto.offset.reset']).toBe('earliest');
    expect(g.clients.source.consumer['poll.timeout.ms']).toBeUndefined();
    expect(g.clients.source.admin['timeout.ms']).toBeUndefined();
    expect(g.consumerPollTimeoutMs).toBe(200);
  });

  it('admin: A->B.admin.* applies to both sides', () => {
    expect(f.clients.source.admin['retries']).toBe('7');
    expect(f.clients.target.admin['retries']).toBe('7');
  });

  it('raw holds the merged connector map with aliases and side-prefixed cluster keys', () => {
    expect(f.raw).toEqual(
      expect.objectContaining({
        'source.cluster.alias': 'A',
        'target.cluster.alias': 'B',
        'source.cluster.bootstrap.servers': 'a:9092',
        'source.cluster.security.protocol': 'PLAINTEXT',
        'target.cluster.security.protocol': 'SSL',
        'source.consumer.max.poll.records': '100',
        'target.producer.acks': 'all',
        'consumer.max.poll.records': '999',
        'security.protocol': 'SSL',
        enabled: 'false',
        'refresh.topics.interval.seconds': '10',
      }),
    );
    expect(f.raw['bootstrap.servers']).toBeUndefined();
  });
});

describe('loadMirrorConfig: our own settings', () => {
  it('defaults the lease timings and puts the config topic on the first enabled target', () => {
    expect(load('B->A.enabled = true').ours).toEqual({
      leaseTtlMs: 10000,
      leaseRenewIntervalMs: 3000,
      leaseGraceMs: 2000,
      coordinatorConfigTopic: 'mirrormaker-config.internal',
      coordinatorHomeCluster: 'A',
    });
    expect(load().ours.coordinatorHomeCluster).toBe('A');
    expect(load('A->B.enabled=true').ours.coordinatorHomeCluster).toBe('B');
  });

  it('reads overrides', () => {
    expect(
      load('lease.ttl.ms=20000', 'lease.renew.interval.ms=5000', 'lease.grace.ms=0', 'coordinator.config.topic=mm.config.internal', 'coordinator.home.cluster=B')
        .ours,
    ).toEqual({ leaseTtlMs: 20000, leaseRenewIntervalMs: 5000, leaseGraceMs: 0, coordinatorConfigTopic: 'mm.config.internal', coordinatorHomeCluster: 'B' });
  });
});

describe('loadMirrorConfigOrThrow', () => {
  it('returns the config when there are only warnings', () => {
    expect(loadMirrorConfigOrThrow([...BASE, 'mystery.key = 1'].join('\n')).unknownKeys).toEqual({ 'mystery.key': '1' });
  });

  it('throws one error listing every problem, one per line', () => {
    const text = ['clusters = A, B', 'A.bootstrap.servers = a:1', 'A->C.enabled = true', 'A->B.topics = (bad'].join('\n');
    let caught: unknown;
    try {
      loadMirrorConfigOrThrow(text);
    } catch (error) {
      caught = error;
    }
    expect(isMirrorConfigError(caught, 'CONFIG_INVALID')).toBe(true);
    const message = (caught as Error).message.split('\n');
    expect(message[0]).toBe('3 configuration error(s):');
    expect(message.slice(1)).toEqual([
      expect.stringMatching(/^error line 1 B\.bootstrap\.servers: cluster B has no bootstrap servers \(fix: .+\)$/),
      expect.stringMatching(/^error line 3 A->C\.enabled: flow A->C names cluster C not listed in clusters/),
      expect.stringMatching(/^error line 4 A->B\.topics: pattern "\(bad"/),
    ]);
  });
});
