import { KafkaAdmin, KafkaProducer, type KafkaClient, type ProducerRecord } from '@mirrormaker/kafka';
import { encodeCheckpoint, encodeOffsetSync, type OffsetSync } from '@mirrormaker/mm2-formats';
import { createLogger, createMetricsRegistry, internalRecordsSkippedCounter, skippedRecordReporter, type Registry } from '@mirrormaker/observability';
import { CheckpointStore } from '@mirrormaker/offset-translation';
import { decodeOffsetSync } from '@mirrormaker/mm2-formats';
import { eventually, testClusters, uniqueName } from '@mirrormaker/testing';
import { Writable } from 'node:stream';
import { loadCheckpoints } from './checkpoint-loader';
import { InternalTopicReader } from './internal-topic-reader';
import { clientFor } from './testing/mirror-fixture';

// Corrupt records in the internal topics offset-sync reads are skipped, counted and logged with
// topic/partition/offset, and the records after them are still read.

const GARBAGE: ProducerRecord[] = [
  { partition: 0, key: Buffer.from('not a struct'), value: Buffer.from([0xff, 0xff, 0xff]) },
  { partition: 0, key: Buffer.from([0x7f, 0xff, 0x41]), value: Buffer.alloc(16) },
  { partition: 0, key: Buffer.from([0, 1, 0x41, 0, 0, 0, 0]), value: null },
];

describe('reading internal topics with corrupt records', () => {
  const clusters = testClusters();
  let client: KafkaClient;
  let admin: KafkaAdmin;
  let producer: KafkaProducer;
  let registry: Registry;
  const logLines: Array<Record<string, unknown>> = [];
  const logger = createLogger({
    service: 'offset-sync-test',
    level: 'warn',
    destination: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    }),
  });

  const sync = (n: number): OffsetSync => ({ topic: 'orders', partition: 0, upstreamOffset: BigInt(n * 10), downstreamOffset: BigInt(n * 10) });
  const send = (topic: string, records: ProducerRecord[]) => producer.send(topic, records);
  const skippedCount = async (topic: string, reason: string): Promise<number> => {
    const metric = (await registry.getSingleMetric('mirrormaker_internal_records_skipped_total')!.get()).values;
    return metric.find((v) => v.labels['topic'] === topic && v.labels['reason'] === reason)?.value ?? 0;
  };
  const warnedAbout = (topic: string) => logLines.filter((l) => l['topic'] === topic && l['level'] === 'warn').map((l) => [l['partition'], l['offset'], l['reason']]);

  beforeAll(async () => {
    client = clientFor('S', clusters.source.bootstrap, 'internal-topic-reader-test');
    admin = new KafkaAdmin(client);
    producer = new KafkaProducer(client);
    await producer.connect();
  });

  beforeEach(() => {
    registry = createMetricsRegistry({ service: 'offset-sync-test', version: 'test' });
  });

  afterAll(async () => {
    await Promise.allSettled([producer?.close(), admin?.close()]);
  });

  it('skips corrupt offset syncs with a metric and a warning, and keeps applying the valid ones after them', async () => {
    const topic = uniqueName('mm2-offset-syncs.T.internal');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    await send(topic, [{ partition: 0, ...encodeOffsetSync(sync(1)) }, ...GARBAGE, { partition: 0, ...encodeOffsetSync(sync(2)) }]);

    const applied: OffsetSync[] = [];
    const reader = new InternalTopicReader({
      client,
      topic,
      apply: (record) => applied.push(decodeOffsetSync(record.key, record.value)),
      onLoaded: () => undefined,
      logger,
      skipped: skippedRecordReporter(internalRecordsSkippedCounter(registry), logger),
    });
    await reader.start();
    try {
      await reader.caughtUp;
      expect(applied).toEqual([sync(1), sync(2)]);
      expect(await skippedCount(topic, 'undecodable')).toBe(2);
      expect(await skippedCount(topic, 'no-key-or-value')).toBe(1);
      // The first skip of each reason is logged; the second undecodable one only counted (a topic
      // full of garbage must not flood the log).
      expect(warnedAbout(topic)).toEqual([
        [0, '1', 'undecodable'],
        [0, '3', 'no-key-or-value'],
      ]);
      expect(logLines.find((l) => l['topic'] === topic && l['offset'] === '1')?.['err']).toMatch(/^OffsetSync key: /);

      // While following the topic: more garbage, then a valid sync that must still arrive.
      await send(topic, [GARBAGE[0]!, { partition: 0, ...encodeOffsetSync(sync(3)) }]);
      await eventually('the sync written after more garbage', () => applied.length === 3);
      expect(applied[2]).toEqual(sync(3));
      expect(await skippedCount(topic, 'undecodable')).toBe(3);
    } finally {
      await reader.close();
    }
  });

  it('loads the checkpoints around corrupt records of the checkpoints topic, counting what it skipped', async () => {
    const topic = uniqueName('S.checkpoints.internal');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const checkpoint = (group: string) => ({ group, topic: 'S.orders', partition: 0, upstreamOffset: 5n, downstreamOffset: 4n, metadata: '' });
    await send(topic, [{ partition: 0, ...encodeCheckpoint(checkpoint('g1')) }, ...GARBAGE, { partition: 0, ...encodeCheckpoint(checkpoint('g2')) }]);

    const store = new CheckpointStore();
    const result = await loadCheckpoints({
      client,
      topic,
      store,
      keepGroup: () => true,
      logger,
      skipped: skippedRecordReporter(internalRecordsSkippedCounter(registry), logger),
      signal: new AbortController().signal,
    });
    store.finishLoad({ succeeded: true });
    expect(result).toEqual({ records: 5, skipped: 3 });
    expect([...store.snapshot().keys()].sort()).toEqual(['g1', 'g2']);
    expect(await skippedCount(topic, 'undecodable')).toBe(2);
    expect(await skippedCount(topic, 'no-key-or-value')).toBe(1);
    expect(warnedAbout(topic).map(([, offset]) => offset)).toEqual(['1', '3']);
  });
});
