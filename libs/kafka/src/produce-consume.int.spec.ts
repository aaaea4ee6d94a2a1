import { eventually, uniqueName } from '@mirrormaker/testing';
import { KafkaAdmin } from './admin-port';
import type { Compression } from './compression-codecs';
import type { KafkaClient } from './connection';
import { orderedHeaders } from './headers';
import { clientFor, plainRecords, type ClusterRole } from './integration-helpers';
import { PartitionConsumer, type ConsumedRecord, type IsolationLevel, type PartitionStart } from './partition-consumer';
import { KafkaProducer, type ProducerRecord } from './producer-port';

jest.setTimeout(60_000);

/** Consumes the given partitions until `expected` records arrived per partition, then closes. */
async function consume(
  client: KafkaClient,
  starts: PartitionStart[],
  expected: Record<number, number>,
  isolationLevel: IsolationLevel = 'read_committed',
): Promise<{ byPartition: Map<number, ConsumedRecord[]>; positions: Map<number, bigint> }> {
  const byPartition = new Map<number, ConsumedRecord[]>();
  const consumer = new PartitionConsumer(client, {
    isolationLevel,
    maxWaitTimeMs: 100,
    handler: async (batch) => {
      byPartition.set(batch.partition, [...(byPartition.get(batch.partition) ?? []), ...batch.records]);
    },
  });
  try {
    await consumer.addPartitions(starts);
    await eventually(`records ${JSON.stringify(expected)}`, () =>
      Object.entries(expected).every(([p, n]) => (byPartition.get(Number(p))?.length ?? 0) >= n),
    );
    const positions = new Map(starts.map((s) => [s.partition, consumer.position(s.topic, s.partition) as bigint]));
    return { byPartition, positions };
  } finally {
    await consumer.close();
  }
}

const HEADERS = orderedHeaders([
  ['a', '1'],
  ['b', '2'],
  ['a', '3'],
  ['10', 'x'],
  ['2', 'y'],
]);

describe.each<ClusterRole>(['source', 'target'])('produce and consume on the %s cluster', (role) => {
  let client: KafkaClient;
  let admin: KafkaAdmin;
  let producer: KafkaProducer;

  beforeAll(async () => {
    client = clientFor(role);
    admin = new KafkaAdmin(client);
    producer = new KafkaProducer(client, { idempotent: true });
    await admin.connect();
  });

  afterAll(async () => {
    await producer.close();
    await admin.close();
  });

  it('consumes exactly what was produced: keys, tombstones, ordered duplicate headers, timestamps', async () => {
    const topic = uniqueName('pc-exact');
    await admin.createTopics([{ name: topic, partitions: 2, replicationFactor: 1 }]);
    const p0: ProducerRecord[] = [
      { partition: 0, key: Buffer.from('k1'), value: Buffer.from('v1'), headers: HEADERS, timestamp: 1_700_000_000_000n },
      { partition: 0, key: Buffer.from('k1'), value: null, headers: [], timestamp: 1_700_000_000_001n },
      { partition: 0, key: null, value: Buffer.from('no key'), headers: orderedHeaders([['n', null], ['n', '']]), timestamp: 1_600_000_000_000 },
    ];
    const p1: ProducerRecord[] = [{ partition: 1, key: Buffer.from('k2'), value: Buffer.from(''), headers: HEADERS, timestamp: 1_700_000_000_002n }];
    const offsets = await producer.send(topic, [...p0, ...p1]);
    expect(offsets).toEqual(new Map([[0, 0n], [1, 0n]]));

    const { byPartition, positions } = await consume(
      client,
      [
        { topic, partition: 0, offset: 0n },
        { topic, partition: 1, offset: 0n },
      ],
      { 0: 3, 1: 1 },
    );
    const headers = [['a', '1'], ['b', '2'], ['a', '3'], ['10', 'x'], ['2', 'y']];
    expect(plainRecords(byPartition.get(0) ?? [])).toEqual([
      { offset: '0', key: 'k1', value: 'v1', headers, timestamp: '1700000000000' },
      { offset: '1', key: 'k1', value: null, headers: [], timestamp: '1700000000001' },
      { offset: '2', key: null, value: 'no key', headers: [['n', null], ['n', '']], timestamp: '1600000000000' },
    ]);
    expect(plainRecords(byPartition.get(1) ?? [])).toEqual([{ offset: '0', key: 'k2', value: '', headers, timestamp: '1700000000002' }]);
    expect(byPartition.get(0)?.[0].sizeBytes).toBeGreaterThan(20);
    expect(positions).toEqual(new Map([[0, 3n], [1, 1n]]));
  });

  it.each<Compression>(['gzip', 'snappy', 'lz4'])('round-trips %s-compressed batches', async (compression) => {
    const topic = uniqueName(`pc-${compression}`);
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const compressing = new KafkaProducer(client, { compression, idempotent: true });
    const records: ProducerRecord[] = Array.from({ length: 200 }, (_, i) => ({
      partition: 0,
      key: Buffer.from(`key-${i % 10}`),
      value: i % 50 === 49 ? null : Buffer.from(`value ${i} `.repeat(20)),
      headers: i % 2 === 0 ? HEADERS : [],
      timestamp: 1_700_000_000_000n + BigInt(i),
    }));
    try {
      expect(await compressing.send(topic, records)).toEqual(new Map([[0, 0n]]));
    } finally {
      await compressing.close();
    }
    const { byPartition } = await consume(client, [{ topic, partition: 0, offset: 'earliest' }], { 0: 200 });
    const got = plainRecords(byPartition.get(0) ?? []);
    expect(got).toHaveLength(200);
    expect(got).toEqual(
      records.map((r, i) => ({
        offset: String(i),
        key: r.key?.toString() ?? null,
        value: r.value?.toString() ?? null,
        headers: (r.headers ?? []).map((h) => [h.key, h.value?.toString() ?? null]),
        timestamp: String(r.timestamp),
      })),
    );
  });
});

describe('producer modes and failures (source cluster)', () => {
  let client: KafkaClient;
  let admin: KafkaAdmin;

  beforeAll(async () => {
    client = clientFor('source');
    admin = new KafkaAdmin(client);
  });

  afterAll(async () => {
    await admin.close();
  });

  it('makes only committed transactions visible to read_committed consumers, and skips the markers', async () => {
    const topic = uniqueName('pc-txn');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const producer = new KafkaProducer(client, { transactionalId: uniqueName('txn') });
    const rec = (v: string): ProducerRecord => ({ partition: 0, key: null, value: Buffer.from(v), timestamp: 1_700_000_000_000n });
    try {
      await producer.beginTransaction();
      expect(producer.inTransaction).toBe(true);
      await producer.send(topic, [rec('aborted-1'), rec('aborted-2')]);
      await producer.abortTransaction();
      await producer.beginTransaction();
      const offsets = await producer.send(topic, [rec('committed-1'), rec('committed-2')]);
      expect(offsets).toEqual(new Map([[0, 3n]])); // 0-1 aborted, 2 abort marker
      await producer.commitTransaction();
      expect(producer.inTransaction).toBe(false);
    } finally {
      await producer.close();
    }

    const committed = await consume(client, [{ topic, partition: 0, offset: 0n }], { 0: 2 });
    expect(plainRecords(committed.byPartition.get(0) ?? []).map((r) => [r.offset, r.value])).toEqual([
      ['3', 'committed-1'],
      ['4', 'committed-2'],
    ]);
    expect(committed.positions.get(0)).toBe(6n); // past the commit marker at 5

    const everything = await consume(client, [{ topic, partition: 0, offset: 0n }], { 0: 4 }, 'read_uncommitted');
    expect(plainRecords(everything.byPartition.get(0) ?? []).map((r) => r.value)).toEqual(['aborted-1', 'aborted-2', 'committed-1', 'committed-2']);
  });

  it('sends with an idempotent producer and refuses acks other than all', async () => {
    const topic = uniqueName('pc-idem');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const producer = new KafkaProducer(client, { idempotent: true });
    try {
      expect(await producer.send(topic, [{ partition: 0, key: null, value: Buffer.from('x') }])).toEqual(new Map([[0, 0n]]));
      expect(await producer.send(topic, [{ partition: 0, key: null, value: Buffer.from('y') }])).toEqual(new Map([[0, 1n]]));
      await expect(producer.send(topic, [{ partition: 0, key: null, value: null }], { acks: 1 })).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    } finally {
      await producer.close();
    }
  });

  it('reports a missing partition instead of dropping its records', async () => {
    const topic = uniqueName('pc-nopart');
    await admin.createTopics([{ name: topic, partitions: 2, replicationFactor: 1 }]);
    const producer = new KafkaProducer(client);
    try {
      await expect(
        producer.send(topic, [
          { partition: 1, key: null, value: Buffer.from('ok') },
          { partition: 5, key: null, value: Buffer.from('lost?') },
        ]),
      ).rejects.toMatchObject({ code: 'PARTITION_NOT_FOUND', message: expect.stringContaining('partition(s) 5') });
    } finally {
      await producer.close();
    }
  });

  it('reports a record over the topic size limit as RECORD_TOO_LARGE', async () => {
    const topic = uniqueName('pc-large');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1, configs: { 'max.message.bytes': '2000' } }]);
    const producer = new KafkaProducer(client);
    try {
      await expect(producer.send(topic, [{ partition: 0, key: null, value: Buffer.alloc(10_000, 1) }])).rejects.toMatchObject({
        code: 'RECORD_TOO_LARGE',
        message: expect.stringContaining('max.message.bytes'),
      });
    } finally {
      await producer.close();
    }
  });

  it('reports a topic that does not exist', async () => {
    const producer = new KafkaProducer(client);
    try {
      await expect(producer.send(uniqueName('pc-missing'), [{ partition: 0, key: null, value: null }])).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });
    } finally {
      await producer.close();
    }
  });
});
