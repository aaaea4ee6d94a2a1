import { eventually, runKafkaTool, uniqueName } from '@mirrormaker/testing';
import { KafkaAdmin } from './admin-port';
import { passthroughBlocker } from './batch-passthrough';
import type { Compression } from './compression-codecs';
import type { KafkaClient } from './connection';
import { clientFor, clusterInfo, plainRecords } from './integration-helpers';
import { PartitionFetcher, type FetchedBatches } from './partition-fetcher';
import { PipelinedBatchProducer } from './pipelined-batch-producer';
import { KafkaProducer } from './producer-port';
import { codecOf, decodeFetchedBatches, isControlBatch, type RawRecordBatch } from './record-batches';

jest.setTimeout(120_000);

/**
 * Batches fetched from the source and written to the target as they are: what a consumer of the
 * target reads must be the source's records byte for byte, in the source's codec.
 */
describe('record batches passed through from one cluster to another', () => {
  let source: KafkaClient;
  let target: KafkaClient;
  let sourceAdmin: KafkaAdmin;
  let targetAdmin: KafkaAdmin;

  beforeAll(() => {
    source = clientFor('source');
    target = clientFor('target');
    sourceAdmin = new KafkaAdmin(source);
    targetAdmin = new KafkaAdmin(target);
  });

  afterAll(async () => {
    await Promise.all([sourceAdmin.close(), targetAdmin.close()]);
  });

  /** Every batch of partition 0 up to `end`, as fetched (read_committed unless told otherwise). */
  async function fetchBatches(client: KafkaClient, topic: string, end: bigint, isolationLevel: 'read_committed' | 'read_uncommitted' = 'read_committed'): Promise<FetchedBatches[]> {
    const deliveries: FetchedBatches[] = [];
    const fetcher = new PartitionFetcher(client, { isolationLevel, handler: async (d) => void deliveries.push(d) });
    try {
      await fetcher.addPartitions([{ topic, partition: 0, offset: 0n }]);
      await eventually(`${topic} fetched up to ${end}`, () => fetcher.position(topic, 0) === end, 60_000);
    } finally {
      await fetcher.close();
    }
    return deliveries;
  }

  async function recordsOf(deliveries: FetchedBatches[]) {
    const all = [];
    for (const d of deliveries) all.push(...((await decodeFetchedBatches(d))?.records ?? []));
    return all;
  }

  async function topicPair(prefix: string): Promise<string> {
    const topic = uniqueName(prefix);
    await sourceAdmin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    await targetAdmin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    return topic;
  }

  /** Copies every fetched batch and checks the target holds the same bytes at the answered offsets. */
  async function copyAndCompare(topic: string, end: bigint): Promise<RawRecordBatch[]> {
    const fetched = await fetchBatches(source, topic, end);
    const batches = fetched.flatMap((d) => d.batches);
    const producer = new KafkaProducer(target, {});
    let targetEnd = 0n;
    try {
      for (const b of batches) {
        expect(passthroughBlocker(b, { maxBatchBytes: 1_048_576, fromOffset: 0n })).toBeUndefined();
        // The answered base offset maps every record: record i of the batch is at base + i.
        expect(await producer.sendBatch(topic, 0, b)).toBe(targetEnd);
        targetEnd += BigInt(b.recordCount);
      }
    } finally {
      await producer.close();
    }
    const copiedDeliveries = await fetchBatches(target, topic, targetEnd);
    const copied = copiedDeliveries.flatMap((d) => d.batches);
    expect(copied.map((b) => [codecOf(b), b.recordCount, b.firstTimestamp, b.maxTimestamp])).toEqual(
      batches.map((b) => [codecOf(b), b.recordCount, b.firstTimestamp, b.maxTimestamp]),
    );
    // Records section (keys, values, headers in order, timestamp and offset deltas, compressed as it was).
    copied.forEach((b, i) => expect(b.bytes.subarray(61).equals(batches[i].bytes.subarray(61))).toBe(true));
    const withoutOffsets = (rs: Awaited<ReturnType<typeof recordsOf>>) => plainRecords(rs).map(({ offset: _, ...r }) => r);
    expect(withoutOffsets(await recordsOf(copiedDeliveries))).toEqual(withoutOffsets(await recordsOf(fetched)));
    // The source producer's id means nothing on the target: a plain producer's batches carry none.
    for (const b of copied) expect(b.producerId).toBe(-1n);
    return batches;
  }

  const records = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => ({
      partition: 0,
      key: i % 7 === 0 ? null : Buffer.from(`key-${from + i}`),
      value: i % 11 === 0 ? null : Buffer.from(`value ${from + i} `.repeat(1 + (i % 5))),
      headers: [
        { key: 'h', value: Buffer.from(`first-${i}`) },
        { key: 'n', value: null },
        { key: 'h', value: Buffer.from(`second-${i}`) },
      ],
      timestamp: 1_700_000_000_000n + BigInt(from + i),
    }));

  it.each<[Compression, 'plain' | 'idempotent' | 'transactional']>([
    ['none', 'plain'],
    ['gzip', 'idempotent'],
    ['snappy', 'transactional'],
    ['lz4', 'idempotent'],
    ['zstd', 'transactional'],
  ])('keeps %s batches of a %s producer byte for byte', async (compression, mode) => {
    const topic = await topicPair(`pass-${compression}`);
    const producer = new KafkaProducer(source, {
      compression,
      ...(mode === 'idempotent' ? { idempotent: true } : {}),
      ...(mode === 'transactional' ? { transactionalId: uniqueName('pass-txn') } : {}),
    });
    try {
      for (let round = 0; round < 3; round++) {
        if (mode === 'transactional') await producer.beginTransaction();
        await producer.send(topic, records(25, round * 25));
        if (mode === 'transactional') await producer.commitTransaction();
      }
    } finally {
      await producer.close();
    }
    // Transactions end in a marker: the log ends one offset after the last record of each.
    const end = mode === 'transactional' ? 78n : 75n;
    const batches = await copyAndCompare(topic, end);
    expect(batches.reduce((n, b) => n + b.recordCount, 0)).toBe(75);
  });

  it('pipelines many batches of a partition, idempotently, keeping their order and bytes', async () => {
    const topic = await topicPair('pass-pipelined');
    const producer = new KafkaProducer(source, { compression: 'lz4' });
    try {
      // One request per send: 30 batches of 10 records.
      for (let round = 0; round < 30; round++) await producer.send(topic, records(10, round * 10));
    } finally {
      await producer.close();
    }
    const fetched = await fetchBatches(source, topic, 300n);
    const batches = fetched.flatMap((d) => d.batches);
    expect(batches).toHaveLength(30);
    const pipelined = new PipelinedBatchProducer(target);
    try {
      const { bases, error } = await pipelined.sendBatches(topic, 0, batches);
      expect(error).toBeUndefined();
      expect(bases).toEqual(batches.map((b) => b.baseOffset));
      // A second call goes on with the partition's sequences.
      const again = await pipelined.sendBatches(topic, 0, batches.slice(0, 2));
      expect(again).toEqual({ bases: [300n, 310n] });
    } finally {
      await pipelined.close();
    }
    const copiedDeliveries = await fetchBatches(target, topic, 320n);
    const copied = copiedDeliveries.flatMap((d) => d.batches);
    copied.slice(0, 30).forEach((b, i) => expect(b.bytes.subarray(61).equals(batches[i].bytes.subarray(61))).toBe(true));
    const withoutOffsets = (rs: Awaited<ReturnType<typeof recordsOf>>) => plainRecords(rs).map(({ offset: _, ...r }) => r);
    expect(withoutOffsets(await recordsOf(copiedDeliveries))).toEqual(withoutOffsets([...(await recordsOf(fetched)), ...(await recordsOf(fetched)).slice(0, 20)]));
    // Written under one idempotent producer id of the target's.
    expect(new Set(copied.map((b) => b.producerId)).size).toBe(1);
    expect(copied[0].producerId).toBeGreaterThanOrEqual(0n);
  });

  it('pipelines large batches through reused request buffers without mixing their bytes up', async () => {
    const topic = await topicPair('pass-pooled');
    const producer = new KafkaProducer(source, {});
    // 16 batches of 8 records of 12 KiB (about 100 KiB each, over the pooling threshold), each record
    // filled with its own byte so a batch written from another's leftovers would show.
    const big = (round: number) =>
      Array.from({ length: 8 }, (_, i) => ({ partition: 0, key: Buffer.from(`k${round}-${i}`), value: Buffer.alloc(12 * 1024, (round * 8 + i) % 251), timestamp: 1_700_000_000_000n + BigInt(round) }));
    try {
      for (let round = 0; round < 16; round++) await producer.send(topic, big(round));
    } finally {
      await producer.close();
    }
    const batches = (await fetchBatches(source, topic, 128n)).flatMap((d) => d.batches);
    expect(batches).toHaveLength(16);
    expect(batches.every((b) => b.bytes.length > 64 * 1024)).toBe(true);
    const pipelined = new PipelinedBatchProducer(target, { maxInFlight: 2 });
    try {
      // Several calls, so later requests are written into the Buffers of answered ones.
      for (let i = 0; i < 16; i += 4) expect(await pipelined.sendBatches(topic, 0, batches.slice(i, i + 4))).toEqual({ bases: batches.slice(i, i + 4).map((b) => b.baseOffset) });
    } finally {
      await pipelined.close();
    }
    const copied = (await fetchBatches(target, topic, 128n)).flatMap((d) => d.batches);
    expect(copied).toHaveLength(16);
    copied.forEach((b, i) => expect(b.bytes.subarray(61).equals(batches[i].bytes.subarray(61))).toBe(true));
  });

  it('keeps lz4 and zstd batches of the Java producer (idempotent by default) byte for byte', async () => {
    for (const codec of ['lz4', 'zstd']) {
      const topic = await topicPair(`pass-java-${codec}`);
      const result = await runKafkaTool(
        'console-producer',
        [
          '--bootstrap-server', clusterInfo('source').bootstrap,
          '--topic', topic,
          '--compression-codec', codec,
          '--command-property', 'linger.ms=100',
          '--reader-property', 'parse.key=true',
          '--reader-property', 'key.separator=|',
          '--reader-property', 'parse.headers=true',
        ],
        { input: Array.from({ length: 40 }, (_, i) => `a:1,b:2,a:3\tk${i}|v${i}\n`).join(''), timeoutMs: 60_000 },
      );
      expect(result.code).toBe(0);
      const batches = await copyAndCompare(topic, 40n);
      expect(batches.some((b) => b.producerId >= 0n)).toBe(true);
    }
  });

  it('hands over neither aborted transactions nor markers under read_committed; read_uncommitted sees markers, which never pass through', async () => {
    const topic = await topicPair('pass-aborted');
    const producer = new KafkaProducer(source, { transactionalId: uniqueName('pass-abort') });
    try {
      await producer.beginTransaction();
      await producer.send(topic, records(5, 0));
      await producer.abortTransaction();
      await producer.beginTransaction();
      await producer.send(topic, records(5, 100));
      await producer.commitTransaction();
    } finally {
      await producer.close();
    }
    // 5 aborted, abort marker, 5 committed, commit marker.
    const committed = await fetchBatches(source, topic, 12n);
    const kept = committed.flatMap((d) => d.batches);
    expect(kept.every((b) => !isControlBatch(b))).toBe(true);
    expect((await recordsOf(committed)).map((r) => r.key?.toString())).toEqual(records(5, 100).map((r) => r.key?.toString()));

    const everything = (await fetchBatches(source, topic, 12n, 'read_uncommitted')).flatMap((d) => d.batches);
    const markers = everything.filter(isControlBatch);
    expect(markers).toHaveLength(2);
    for (const m of markers) expect(passthroughBlocker(m, { maxBatchBytes: 1_048_576, fromOffset: 0n })).toBe('control');
  });

  it('sends a batch over the limit the record path instead, and a batch begun before the position too', async () => {
    const topic = await topicPair('pass-limits');
    const producer = new KafkaProducer(source, {});
    try {
      await producer.send(topic, records(30));
    } finally {
      await producer.close();
    }
    const [batch] = (await fetchBatches(source, topic, 30n)).flatMap((d) => d.batches);
    expect(passthroughBlocker(batch, { maxBatchBytes: batch.bytes.length - 1, fromOffset: 0n })).toBe('too-large');
    expect(passthroughBlocker(batch, { maxBatchBytes: 1_048_576, fromOffset: 10n })).toBe('partial');
    expect(passthroughBlocker(batch, { maxBatchBytes: 1_048_576, fromOffset: 0n, codec: 'zstd' })).toBe('codec-override');
  });
});
