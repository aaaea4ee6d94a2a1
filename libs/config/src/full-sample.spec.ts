import { enabledFlows, findFlow, heartbeatFlows, offsetStorageTopic, offsetSyncsCluster } from './flow-accessors';
import { loadMirrorConfig } from './mirror-config-loader';
import { SAMPLE_MM2_PROPERTIES, SAMPLE_SECRETS, SAMPLE_SOURCES } from './testing/sample-mm2-properties';

describe('a realistic mm2.properties', () => {
  const { config, problems } = loadMirrorConfig(SAMPLE_MM2_PROPERTIES, SAMPLE_SOURCES);
  const ab = findFlow(config, 'A->B')!;
  const ba = findFlow(config, 'B', 'A')!;

  it('loads with warnings only about the MM2 keys we accept without applying', () => {
    expect(problems.map((p) => [p.severity, p.code, p.key])).toEqual([
      ['warning', 'ignored-key', 'tasks.max'],
    ]);
  });

  it('reads both clusters, SASL_SSL on B with resolved secrets', () => {
    expect(config.clusters['A']).toEqual(
      expect.objectContaining({
        bootstrapServers: ['kafka-a-1:9092', 'kafka-a-2:9092', 'kafka-a-3:9092'],
        security: { protocol: 'PLAINTEXT' },
        consumer: { 'max.poll.records': '2000' },
      }),
    );
    expect(config.clusters['B']).toEqual({
      alias: 'B',
      bootstrapServers: ['b-1.example.net:9096', 'b-2.example.net:9096'],
      security: {
        protocol: 'SASL_SSL',
        sasl: {
          mechanism: 'SCRAM-SHA-512',
          username: 'mm2-replicator',
          password: SAMPLE_SECRETS.bPassword,
          jaasConfig: `org.apache.kafka.common.security.scram.ScramLoginModule required username="mm2-replicator" password="${SAMPLE_SECRETS.bPassword}";`,
        },
        ssl: { truststoreLocation: '/etc/mm2/b-truststore.p12', truststoreType: 'PKCS12', truststorePassword: SAMPLE_SECRETS.truststorePassword },
      },
      properties: { 'offset.flush.interval.ms': '10000' },
      consumer: {},
      producer: { 'compression.type': 'lz4' },
      admin: {},
    });
    expect(Object.keys(config.provided)).toEqual(['B.sasl.jaas.config', 'B.ssl.truststore.password']);
  });

  it('enables A->B only, with its own filters and the shared defaults', () => {
    expect(enabledFlows(config).map((f) => f.name)).toEqual(['A->B']);
    expect(ab).toEqual(
      expect.objectContaining({
        topics: ['orders\\..*', 'payments\\..*', 'customers'],
        topicsExclude: ['.*\\.tmp', '.*[\\-\\.]internal', '__.*'],
        groups: ['app-.*'],
        syncGroupOffsetsEnabled: true,
        syncGroupOffsetsIntervalSeconds: 1,
        emitCheckpointsIntervalSeconds: 5,
        refreshTopicsIntervalSeconds: 30,
        refreshGroupsIntervalSeconds: 10,
        replicationFactor: 3,
        tasksMax: 4,
        offsetSyncsTopicLocation: 'target',
        extra: { 'producer.override.acks': 'all' },
      }),
    );
    expect(ba.enabled).toBe(false);
    expect(ba.topics).toEqual(['.*']);
  });

  it('emits heartbeats in both directions, so A->B mirrors A.heartbeats to B', () => {
    expect(heartbeatFlows(config).map((f) => f.name)).toEqual(['A->B', 'B->A']);
  });

  it('gives each side the right clients', () => {
    expect(ab.clients.source.consumer).toEqual({
      'auto.offset.reset': 'earliest',
      'bootstrap.servers': 'kafka-a-1:9092,kafka-a-2:9092,kafka-a-3:9092',
      'enable.auto.commit': 'false',
      'max.poll.records': '2000',
    });
    expect(ab.clients.target.producer).toEqual(
      expect.objectContaining({
        acks: 'all',
        'bootstrap.servers': 'b-1.example.net:9096,b-2.example.net:9096',
        'compression.type': 'lz4',
        'security.protocol': 'SASL_SSL',
        'sasl.mechanism': 'SCRAM-SHA-512',
        'ssl.truststore.password': SAMPLE_SECRETS.truststorePassword,
      }),
    );
    expect(ab.clients.target.admin['sasl.jaas.config']).toContain(SAMPLE_SECRETS.bPassword);
  });

  it('knows where offset syncs and replicated positions live', () => {
    expect(offsetSyncsCluster(ab)).toBe('B');
    expect(offsetStorageTopic(config, ab)).toBe('mm2-offsets.A.internal');
    expect(config.ours.coordinatorHomeCluster).toBe('B');
  });
});
