import { loadMirrorConfig } from './mirror-config-loader';
import type { Problem } from './problems';

const BASE = ['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092'];

function problemsOf(...lines: string[]): Problem[] {
  return loadMirrorConfig([...BASE, ...lines].join('\n')).problems;
}

const summary = (problems: Problem[]) => problems.map((p) => [p.severity, p.code, p.line, p.key]);

describe('validation reports every problem at once', () => {
  it('lists all problems of a broken file with line, key and hint', () => {
    const text = [
      'clusters = A, B', // 1
      'A.bootstrap.servers = a:9092', // 2
      '# B has no bootstrap servers', // 3
      'A->C.enabled = true', // 4
      'A->A.enabled = true', // 5
      'A->B.topics = orders, (broken', // 6
      'A->B.groups.exclude = \\\\p{Alpha}+', // 7
      'refresh.topics.interval.seconds = ten', // 8
      'A->B.emit.checkpoints.interval.seconds = -5', // 9
      'replication.policy.class = com.example.MyPolicy', // 10
      'topics.blacklist = secret.*', // 11
      'A->B.groups.blacklist = tmp.*', // 12
      'use.incremental.alter.configs = requested', // 13
      'A->B.add.source.alias.to.metrics = true', // 14
      'A->B.sync.topic.acls.enabled = yes', // 15
      'colour = blue', // 16
    ].join('\n');
    const { problems } = loadMirrorConfig(text);
    expect(summary(problems)).toEqual([
      ['error', 'missing-bootstrap-servers', 1, 'B.bootstrap.servers'],
      ['error', 'unknown-cluster', 4, 'A->C.enabled'],
      ['error', 'self-flow', 5, 'A->A.enabled'],
      ['error', 'invalid-regex', 6, 'A->B.topics'],
      ['error', 'unsupported-regex', 7, 'A->B.groups.exclude'],
      ['error', 'invalid-interval', 8, 'refresh.topics.interval.seconds'],
      ['warning', 'invalid-interval', 9, 'A->B.emit.checkpoints.interval.seconds'],
      ['error', 'unknown-replication-policy', 10, 'replication.policy.class'],
      ['error', 'removed-key', 11, 'topics.blacklist'],
      ['error', 'removed-key', 12, 'A->B.groups.blacklist'],
      ['warning', 'removed-key', 13, 'use.incremental.alter.configs'],
      ['warning', 'removed-key', 14, 'A->B.add.source.alias.to.metrics'],
      ['error', 'invalid-value', 15, 'A->B.sync.topic.acls.enabled'],
      ['warning', 'unknown-key', 16, 'colour'],
    ]);
    for (const problem of problems) {
      expect(problem.message.length).toBeGreaterThan(10);
      expect(problem.hint.length).toBeGreaterThan(5);
    }
  });

  it('still builds the best model it can', () => {
    const { config } = loadMirrorConfig([...BASE, 'A->B.enabled = true', 'A->B.refresh.topics.interval.seconds = x', 'refresh.topics.interval.seconds = 60'].join('\n'));
    expect(config.flows.find((f) => f.name === 'A->B')!.refreshTopicsIntervalSeconds).toBe(60);
  });
});

describe('each validation rule', () => {
  it('requires clusters, and usable aliases', () => {
    expect(summary(loadMirrorConfig('A.bootstrap.servers=a:1').problems)).toEqual([
      ['warning', 'unknown-key', 1, 'A.bootstrap.servers'],
      ['error', 'missing-clusters', undefined, 'clusters'],
    ]);
    expect(summary(loadMirrorConfig('clusters = ').problems)).toEqual([['error', 'missing-clusters', 1, 'clusters']]);
    expect(summary(loadMirrorConfig('clusters = A, A, B C\nA.bootstrap.servers=a:1').problems)).toEqual([
      ['warning', 'invalid-cluster-alias', 1, 'clusters'],
      ['error', 'invalid-cluster-alias', 1, 'clusters'],
    ]);
  });

  it('names the unknown alias of a flow and hints at the clusters line', () => {
    const [problem] = problemsOf('X->B.enabled = true');
    expect(problem).toEqual(expect.objectContaining({ code: 'unknown-cluster', line: 4 }));
    expect(problem!.message).toContain('X');
    expect(problem!.hint).toContain('clusters = A, B, X');
  });

  it('points a key of an undeclared cluster at the clusters line', () => {
    const [problem] = problemsOf('C.bootstrap.servers = c:1', 'C.security.protocol = SSL').filter((p) => p.key === 'C.security.protocol');
    expect(problem!.hint).toBe('add C to clusters');
  });

  it('reports missing bootstrap servers per cluster, also an empty value', () => {
    const { problems } = loadMirrorConfig('clusters = A, B\nA.bootstrap.servers = ');
    expect(summary(problems)).toEqual([
      ['error', 'missing-bootstrap-servers', 1, 'B.bootstrap.servers'],
      ['error', 'missing-bootstrap-servers', 2, 'A.bootstrap.servers'],
    ]);
  });

  it('reports negative, non-numeric and oversized numbers; warns on zero and negative intervals', () => {
    expect(
      summary(
        problemsOf(
          'A->B.sync.topic.configs.interval.seconds = -1',
          'A->B.emit.heartbeats.interval.seconds = 1.5',
          'A->B.offset.lag.max = 99999999999999999999',
          'A->B.refresh.groups.interval.seconds = 0',
          'replication.factor = 0',
          'A->B.offset-syncs.topic.replication.factor = 40000',
          'A->B.replication.factor = -1',
        ),
      ),
    ).toEqual([
      ['warning', 'invalid-interval', 4, 'A->B.sync.topic.configs.interval.seconds'],
      ['error', 'invalid-interval', 5, 'A->B.emit.heartbeats.interval.seconds'],
      ['error', 'invalid-value', 6, 'A->B.offset.lag.max'],
      ['warning', 'invalid-interval', 7, 'A->B.refresh.groups.interval.seconds'],
      ['error', 'invalid-value', 8, 'replication.factor'],
      ['error', 'invalid-value', 9, 'A->B.offset-syncs.topic.replication.factor'],
    ]);
  });

  it('accepts the replication policies by full name, short name and kind, and nothing else', () => {
    for (const name of [
      'org.apache.kafka.connect.mirror.DefaultReplicationPolicy',
      'org.apache.kafka.connect.mirror.IdentityReplicationPolicy',
      'DefaultReplicationPolicy',
      'IdentityReplicationPolicy',
    ]) {
      expect(problemsOf(`A->B.replication.policy.class = ${name}`)).toEqual([]);
    }
    const [problem] = problemsOf('replication.policy.class = org.example.CustomPolicy');
    expect(problem).toEqual(expect.objectContaining({ code: 'unknown-replication-policy', line: 4 }));
    expect(problem!.hint).toContain('IdentityReplicationPolicy');
  });

  it('says what replaced each removed key', () => {
    const problems = problemsOf('topics.blacklist = a', 'groups.blacklist = b', 'A->B.config.properties.blacklist = c');
    expect(problems.map((p) => p.hint)).toEqual([
      'rename it to topics.exclude (same value)',
      'rename it to groups.exclude (same value)',
      'rename it to A->B.config.properties.exclude (same value)',
    ]);
  });

  it('rejects custom filter and admin classes, warns about metric reporters', () => {
    expect(
      summary(
        problemsOf(
          'topic.filter.class = com.example.Filter',
          'A->B.group.filter.class = DefaultGroupFilter',
          'forwarding.admin.class = com.example.Admin',
          'metric.reporters = com.example.Reporter',
        ),
      ),
    ).toEqual([
      ['error', 'unsupported-class', 4, 'topic.filter.class'],
      ['error', 'unsupported-class', 6, 'forwarding.admin.class'],
      ['warning', 'unsupported-class', 7, 'metric.reporters'],
    ]);
  });

  it('validates enums: offset-syncs location, use.defaults.from, exactly.once.support, security protocol', () => {
    expect(
      summary(
        problemsOf(
          'A->B.offset-syncs.topic.location = elsewhere',
          'A->B.use.defaults.from = both',
          'A->B.exactly.once.support = maybe',
          'A.security.protocol = TLS',
          'A->B.replication.policy.separator =  ',
        ),
      ),
    ).toEqual([
      ['error', 'invalid-value', 4, 'A->B.offset-syncs.topic.location'],
      ['error', 'invalid-value', 5, 'A->B.use.defaults.from'],
      ['error', 'invalid-value', 6, 'A->B.exactly.once.support'],
      ['error', 'invalid-value', 7, 'A.security.protocol'],
      ['error', 'invalid-value', 8, 'A->B.replication.policy.separator'],
    ]);
  });

  it('reports SASL setups that cannot connect, at the line of the key', () => {
    expect(summary(problemsOf('B.security.protocol = SASL_SSL'))).toEqual([['error', 'security', 4, 'B.sasl.mechanism']]);
    expect(summary(problemsOf('security.protocol = SASL_PLAINTEXT', 'sasl.mechanism = PLAIN'))).toEqual([
      ['error', 'security', 4, 'A.sasl.jaas.config'],
      ['error', 'security', 4, 'B.sasl.jaas.config'],
    ]);
  });

  it('checks the security keys a client kind overrides, under that kind', () => {
    expect(summary(problemsOf('B.security.protocol = SSL', 'B.consumer.security.protocol = SASL_SSL', 'B.consumer.sasl.mechanism = SCRAM-SHA-256'))).toEqual([
      ['error', 'security', 5, 'B.consumer.sasl.jaas.config'],
    ]);
    expect(summary(problemsOf('B.admin.ssl.keystore.type = JCEKS'))).toEqual([['error', 'security', 4, 'B.admin.ssl.keystore.type']]);
  });

  it('warns about keys in the wrong place', () => {
    expect(
      summary(
        problemsOf('A.topics = orders', 'A->B.lease.ttl.ms = 5', 'A.lease.ttl.ms = 5', 'A->B.mystery = 1', 'transaction.boundary = poll', 'enabled = true'),
      ),
    ).toEqual([
      ['warning', 'ignored-key', 4, 'A.topics'],
      ['warning', 'ignored-key', 5, 'A->B.lease.ttl.ms'],
      ['warning', 'ignored-key', 6, 'A.lease.ttl.ms'],
      ['warning', 'unknown-key', 7, 'A->B.mystery'],
      ['warning', 'ignored-key', 8, 'transaction.boundary'],
      ['warning', 'conflict', 9, 'enabled'],
    ]);
  });

  it('accepts the keys MM2 passes to workers, Connect and clients without warnings', () => {
    expect(
      problemsOf(
        'dedicated.mode.enable.internal.rest = true',
        'offset.storage.replication.factor = 3',
        'tasks.max = 1',
        'key.converter = org.apache.kafka.connect.converters.ByteArrayConverter',
        'listeners = http://:8083',
        'ssl.endpoint.identification.algorithm = https',
        'A->B.producer.override.acks = all',
        'A->B.errors.tolerance = none',
        'A->B.consumer.client.rack = rack-1',
        'B.producer.linger.ms = 0',
        'A.consumer.max.poll.records = 100',
        'A->B.source.cluster.alias = A',
        'A->B.exactly.once.support = requested',
      ),
    ).toEqual([]);
  });

  it('warns, naming the key and what happens instead, about keys MM2 applies and we do not', () => {
    const problems = problemsOf(
      'transforms = drop', // 4
      'transforms.drop.type = org.apache.kafka.connect.transforms.Filter', // 5
      'A->B.predicates = p', // 6
      'A->B.predicates.p.type = x', // 7
      'tasks.max = 4', // 8
      'A->B.consumer.poll.timeout.ms = 500', // 9
      'B.offset.flush.interval.ms = 10000', // 10
      'A->B.offset.flush.interval.ms = 10000', // 11
      'A.producer.buffer.memory = 1', // 12
      'A->B.consumer.session.timeout.ms = 1', // 13
      'A->B.target.producer.override.enable.idempotence = true', // 14
      'A->B.admin.retries = 3', // 15
      'A->B.producer.linger.ms = 20', // 16
      'A->B.producer.acks = 0', // 17
      'A->B.consumer.fetch.min.bytes = lots', // 18
    );
    expect(summary(problems)).toEqual([
      ['warning', 'ignored-key', 4, 'transforms'],
      ['warning', 'ignored-key', 5, 'transforms.drop.type'],
      ['warning', 'ignored-key', 6, 'A->B.predicates'],
      ['warning', 'ignored-key', 7, 'A->B.predicates.p.type'],
      ['warning', 'ignored-key', 8, 'tasks.max'],
      ['warning', 'ignored-key', 9, 'A->B.consumer.poll.timeout.ms'],
      ['warning', 'ignored-key', 11, 'A->B.offset.flush.interval.ms'],
      ['warning', 'ignored-key', 12, 'A.producer.buffer.memory'],
      ['warning', 'ignored-key', 13, 'A->B.consumer.session.timeout.ms'],
      ['warning', 'ignored-key', 14, 'A->B.target.producer.override.enable.idempotence'],
      ['warning', 'ignored-key', 15, 'A->B.admin.retries'],
      ['warning', 'ignored-key', 16, 'A->B.producer.linger.ms'],
      ['warning', 'invalid-value', 17, 'A->B.producer.acks'],
      ['error', 'invalid-value', 18, 'A->B.consumer.fetch.min.bytes'],
    ]);
    const message = (key: string) => problems.find((p) => p.key === key)!.message;
    expect(message('transforms')).toContain('records are copied byte for byte');
    expect(message('tasks.max')).toContain('leases');
    expect(message('A->B.consumer.poll.timeout.ms')).toContain('fetch.max.wait.ms');
    expect(message('A.producer.buffer.memory')).toBe('producer buffer.memory is not applied: the producers run with their own value for it');
    expect(message('A->B.producer.linger.ms')).toContain('sent as soon as');
    expect(message('A->B.producer.acks')).toContain('written with acks=1');
    expect(problems.find((p) => p.key === 'A->B.consumer.session.timeout.ms')!.hint).toContain('fetch.max.wait.ms');
  });

  it('applies offset.flush.interval.ms with the target cluster prefix only, as MM2 reads worker settings', () => {
    const problems = problemsOf(
      'B.offset.flush.interval.ms = 2000', // 4
      'offset.flush.interval.ms = 2000', // 5
      'A->B.offset.flush.interval.ms = 2000', // 6
      'A.offset.flush.interval.ms = 0', // 7
    );
    expect(summary(problems)).toEqual([
      ['warning', 'ignored-key', 5, 'offset.flush.interval.ms'],
      ['warning', 'ignored-key', 6, 'A->B.offset.flush.interval.ms'],
      ['error', 'invalid-interval', 7, 'A.offset.flush.interval.ms'],
    ]);
    expect(problems[0]!.hint).toContain('B.offset.flush.interval.ms');
  });

  it('warns that an exactly-once flow writes with acks=all whatever the override says', () => {
    expect(summary(problemsOf('A->B.enabled = true', 'A->B.exactly.once.enabled = true', 'B.producer.acks = 1'))).toEqual([['warning', 'conflict', undefined, 'A->B.producer.acks']]);
  });

  it('checks cross-key rules', () => {
    expect(
      summary(
        problemsOf(
          'A->B.enabled = true',
          'A->B.exactly.once.support = required',
          'A->B.sync.group.offsets.enabled = true',
          'A->B.emit.checkpoints.enabled = false',
          'B->A.enabled = true',
          'B->A.emit.offset-syncs.enabled = false',
          'B->A.target.cluster.alias = Z',
          'lease.renew.interval.ms = 20000',
          'coordinator.home.cluster = Z',
          'coordinator.config.topic = mirror-config',
        ),
      ),
    ).toEqual([
      ['error', 'conflict', 5, 'A->B.exactly.once.support'],
      ['warning', 'conflict', 6, 'A->B.sync.group.offsets.enabled'],
      ['warning', 'conflict', 9, 'B->A.emit.offset-syncs.enabled'],
      ['error', 'conflict', 10, 'B->A.target.cluster.alias'],
      ['error', 'conflict', 11, 'lease.renew.interval.ms'],
      ['error', 'unknown-cluster', 12, 'coordinator.home.cluster'],
      ['warning', 'conflict', 13, 'coordinator.config.topic'],
    ]);
  });

  it('warns when both directions run with the identity policy, and about aliases holding the separator', () => {
    const { problems } = loadMirrorConfig(
      ['clusters = A, B.x', 'A.bootstrap.servers=a:1', 'B.x.bootstrap.servers=b:1', 'A->B.x.enabled=true', 'B.x->A.enabled=true', 'replication.policy.class=identity'].join(
        '\n',
      ),
    );
    expect(summary(problems)).toEqual([['warning', 'conflict', 6, 'replication.policy.class']]);
    const separator = loadMirrorConfig(['clusters = A, B.x', 'A.bootstrap.servers=a:1', 'B.x.bootstrap.servers=b:1', 'B.x->A.enabled=true'].join('\n'));
    expect(separator.problems.map((p) => p.key)).toEqual(['B.x->A.replication.policy.separator']);
  });

  it('tells where a top-level client key should go instead', () => {
    const [problem] = problemsOf('consumer.max.poll.records = 10');
    expect(problem).toEqual(expect.objectContaining({ code: 'unknown-key', line: 4 }));
    expect(problem!.hint).toBe('write it per cluster (A.consumer.max.poll.records) or per flow (A->B.consumer.max.poll.records)');
  });

  it('keeps unknown top-level keys verbatim and flow-level ones in extra', () => {
    const { config } = loadMirrorConfig([...BASE, 'colour = blue', 'A->B.mystery = 1', 'A->C.enabled = true'].join('\n'));
    expect(config.unknownKeys).toEqual({ 'A->C.enabled': 'true', colour: 'blue' });
    expect(config.flows[0]!.extra).toEqual({ mystery: '1' });
  });
});
