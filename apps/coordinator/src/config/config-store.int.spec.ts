import { createKafkaClient, KafkaAdmin, KafkaProducer, type KafkaClient } from '@mirrormaker/kafka';
import { createLogger, createMetricsRegistry, internalRecordsSkippedCounter, skippedRecordReporter } from '@mirrormaker/observability';
import { testClusters, uniqueName } from '@mirrormaker/testing';
import { CONFIG_RECORD_KEY, encodeRevision, type ConfigRevision } from './config-revision';
import { ConfigStore } from './config-store';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('the config topic with corrupt records', () => {
  const { source } = testClusters();
  let client: KafkaClient;

  beforeAll(() => {
    client = createKafkaClient({ clusterAlias: 'source', brokers: [source.bootstrap], clientId: 'config-store-test' }, logger);
  });

  it('returns the latest readable revision, skipping and counting the records around it', async () => {
    const topic = uniqueName('mirrormaker-config');
    const revision = (n: number): ConfigRevision => ({ revision: n, properties: `clusters = A, B\n# ${n}\n`, paused: [], writtenAt: '' });
    const key = Buffer.from(CONFIG_RECORD_KEY);
    const admin = new KafkaAdmin(client);
    const producer = new KafkaProducer(client);
    try {
      await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
      await producer.connect();
      await producer.send(topic, [
        { partition: 0, key, value: encodeRevision(revision(1)) },
        { partition: 0, key, value: encodeRevision(revision(2)) },
        { partition: 0, key, value: Buffer.from('{"revision": 3, "properties": ') },
        { partition: 0, key, value: Buffer.from([0, 1, 2, 3]) },
        { partition: 0, key: Buffer.from('foreign'), value: Buffer.from('{}') },
        { partition: 0, key, value: null },
      ]);
    } finally {
      await Promise.allSettled([producer.close(), admin.close()]);
    }
    const metrics = createMetricsRegistry({ service: 'coordinator', version: 'test' });
    const store = new ConfigStore(client, topic, logger, skippedRecordReporter(internalRecordsSkippedCounter(metrics), logger));
    try {
      expect(await store.latest()).toEqual(revision(2));
    } finally {
      await store.close();
    }
    const text = await metrics.metrics();
    expect(text).toContain(`mirrormaker_internal_records_skipped_total{topic="${topic}",reason="undecodable"} 3`);
    expect(text).toContain(`mirrormaker_internal_records_skipped_total{topic="${topic}",reason="no-key-or-value"} 1`);
  });
});
