import { eventually, runKafkaTool, uniqueName } from '@mirrormaker/testing';
import { KafkaAdmin } from './admin-port';
import type { KafkaClient } from './connection';
import { orderedHeaders } from './headers';
import { clientFor, clusterInfo, plainRecords } from './integration-helpers';
import { PartitionConsumer, type ConsumedRecord } from './partition-consumer';
import { KafkaProducer } from './producer-port';

jest.setTimeout(90_000);

/**
 * Records written and read by Apache Kafka's own Java clients (console producer and consumer), so
 * the compression codecs and the header handling are checked against the reference implementation.
 */
describe('interoperability with the Java clients (source cluster)', () => {
  let client: KafkaClient;
  let admin: KafkaAdmin;
  const bootstrap = () => clusterInfo('source').bootstrap;

  beforeAll(async () => {
    client = clientFor('source');
    admin = new KafkaAdmin(client);
  });

  afterAll(async () => {
    await admin.close();
  });

  /** Java console producer: lines `headers<TAB>key|value`, one batch with the given codec. */
  async function javaProduce(topic: string, compression: string, lines: string[]): Promise<void> {
    const result = await runKafkaTool(
      'console-producer',
      [
        '--bootstrap-server', bootstrap(),
        '--topic', topic,
        // --compression-codec, not compression.type: the console producer overrides the property with it
        '--compression-codec', compression,
        '--command-property', 'linger.ms=100',
        '--reader-property', 'parse.key=true',
        '--reader-property', 'key.separator=|',
        '--reader-property', 'parse.headers=true',
      ],
      { input: lines.map((l) => `${l}\n`).join(''), timeoutMs: 60_000 },
    );
    if (result.code !== 0) throw new Error(`console producer failed (${result.code}): ${result.stderr}`);
  }

  it('reads lz4, snappy, gzip and zstd batches written by the Java producer, headers in order', async () => {
    const codecs = ['lz4', 'snappy', 'gzip', 'zstd'];
    const topics = codecs.map((c) => uniqueName(`java-${c}`));
    await admin.createTopics(topics.map((name) => ({ name, partitions: 1, replicationFactor: 1 })));
    const lines = ['a:1,b:2,a:3,10:x,2:y\tk1|v1', 'h:z\tk2|' + 'long value '.repeat(500)];
    await Promise.all(topics.map((topic, i) => javaProduce(topic, codecs[i], lines)));

    const got = new Map<string, ConsumedRecord[]>();
    const consumer = new PartitionConsumer(client, {
      maxWaitTimeMs: 100,
      handler: async (batch) => {
        got.set(batch.topic, [...(got.get(batch.topic) ?? []), ...batch.records]);
      },
    });
    try {
      await consumer.addPartitions(topics.map((topic) => ({ topic, partition: 0, offset: 'earliest' as const })));
      await eventually('two records per topic', () => topics.every((t) => (got.get(t)?.length ?? 0) >= 2));
    } finally {
      await consumer.close();
    }
    for (const topic of topics) {
      const records = plainRecords(got.get(topic) ?? []);
      expect(records.map(({ offset, key, value, headers }) => ({ offset, key, value, headers }))).toEqual([
        { offset: '0', key: 'k1', value: 'v1', headers: [['a', '1'], ['b', '2'], ['a', '3'], ['10', 'x'], ['2', 'y']] },
        { offset: '1', key: 'k2', value: 'long value '.repeat(500), headers: [['h', 'z']] },
      ]);
    }
  });

  it('writes lz4, snappy and zstd batches the Java consumer reads, headers in order', async () => {
    const topic = uniqueName('java-read');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    for (const compression of ['lz4', 'snappy', 'zstd'] as const) {
      const producer = new KafkaProducer(client, { compression, idempotent: true });
      try {
        await producer.send(topic, [
          { partition: 0, key: Buffer.from(`${compression}-k`), value: Buffer.from(`${compression} `.repeat(300)), headers: orderedHeaders([['a', '1'], ['b', '2'], ['a', '3']]) },
        ]);
      } finally {
        await producer.close();
      }
    }
    const result = await runKafkaTool(
      'console-consumer',
      [
        '--bootstrap-server', bootstrap(),
        '--topic', topic,
        '--from-beginning',
        '--max-messages', '3',
        '--timeout-ms', '20000',
        '--formatter-property', 'print.key=true',
        '--formatter-property', 'print.headers=true',
        '--formatter-property', 'key.separator=|',
        '--formatter-property', 'headers.separator=,',
      ],
      { timeoutMs: 60_000 },
    );
    expect(result.stderr).toContain('Processed a total of 3 messages');
    const lines = result.stdout.split('\n').filter((line) => line.length > 0);
    expect(lines).toEqual(['lz4', 'snappy', 'zstd'].map((c) => `a:1,b:2,a:3|${c}-k|${`${c} `.repeat(300)}`));
  });
});
