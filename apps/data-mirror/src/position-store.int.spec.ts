import { createKafkaClient, KafkaAdmin, KafkaProducer, type KafkaClient } from '@mirrormaker/kafka';
import { encodeSourceOffsetKey, encodeSourceOffsetValue } from '@mirrormaker/mm2-formats';
import { createLogger, createMetricsRegistry, internalRecordsSkippedCounter, skippedRecordReporter } from '@mirrormaker/observability';
import { testClusters, uniqueName } from '@mirrormaker/testing';
import { PositionStore } from './position-store';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('stored positions with corrupt records in the Connect offsets topic', () => {
  const { target } = testClusters();
  let client: KafkaClient;
  let admin: KafkaAdmin;

  beforeAll(() => {
    client = createKafkaClient({ clusterAlias: 'target', brokers: [target.bootstrap], clientId: 'position-store-test' }, logger);
    admin = new KafkaAdmin(client);
  });

  afterAll(async () => {
    await admin?.close();
  });

  it('resumes from the last readable position, counting the corrupt records and ignoring other connectors', async () => {
    const topic = uniqueName('mm2-offsets.A.internal');
    const tp = { cluster: 'A', topic: 'orders', partition: 0 };
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } }]);
    const producer = new KafkaProducer(client);
    try {
      await producer.connect();
      await producer.send(topic, [
        { partition: 0, key: encodeSourceOffsetKey(tp), value: encodeSourceOffsetValue(41n) },
        { partition: 0, key: Buffer.from('\u0000garbage'), value: Buffer.from('{"offset":99}') },
        { partition: 0, key: encodeSourceOffsetKey(tp), value: Buffer.from('{"offset":"ninety-nine"}') },
        { partition: 0, key: Buffer.from('["MirrorHeartbeatConnector",{"sourceClusterAlias":"A","targetClusterAlias":"B"}]'), value: Buffer.from('{"offset":0}') },
        { partition: 0, key: encodeSourceOffsetKey(tp), value: encodeSourceOffsetValue(57n) },
        { partition: 0, key: Buffer.from([0xff, 0xfe, 0xfd]), value: Buffer.from([0x00]) },
      ]);
    } finally {
      await producer.close();
    }
    const metrics = createMetricsRegistry({ service: 'data-mirror', version: 'test' });
    const store = new PositionStore({
      client,
      admin,
      topic: { name: topic, partitions: 1, replicationFactor: 1, configs: {} },
      logger,
      skipped: skippedRecordReporter(internalRecordsSkippedCounter(metrics), logger),
    });
    try {
      await store.readToEnd();
      expect(store.get(tp)).toBe(57n);
    } finally {
      await store.close();
    }
    expect(await metrics.metrics()).toContain(`mirrormaker_internal_records_skipped_total{topic="${topic}",reason="undecodable"} 3`);
  });
});
