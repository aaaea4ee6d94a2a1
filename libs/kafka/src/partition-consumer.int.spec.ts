// Before kafkajs loads: see the module.
import './aborted-transactions-patch';
import { eventually, uniqueName } from '@mirrormaker/testing';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaAdmin } from './admin-port';
import type { KafkaClient } from './connection';
import type { KafkaError } from './errors';
import { clientFor, clusterInfo } from './integration-helpers';
import { PartitionConsumer, exactAssigner, type ConsumedBatch } from './partition-consumer';
import { KafkaProducer } from './producer-port';

jest.setTimeout(60_000);

describe('PartitionConsumer against a real cluster', () => {
  let client: KafkaClient;
  let admin: KafkaAdmin;
  let producer: KafkaProducer;

  beforeAll(async () => {
    client = clientFor('source');
    admin = new KafkaAdmin(client);
    producer = new KafkaProducer(client, { idempotent: true }); // no duplicates when a fresh partition's leader is not ready yet
  });

  afterAll(async () => {
    await producer.close();
    await admin.close();
  });

  /** Writes `count` records to each partition: value `p<partition>-<n>` with n counting from `from`. */
  async function fill(topic: string, partitions: number[], count: number, from = 0): Promise<void> {
    await producer.send(
      topic,
      partitions.flatMap((partition) =>
        Array.from({ length: count }, (_, i) => ({ partition, key: null, value: Buffer.from(`p${partition}-${from + i}`) })),
      ),
    );
  }

  function collector() {
    const seen = new Map<number, Array<[string, string]>>();
    let concurrentPerPartition = 0;
    const active = new Set<number>();
    const resets: Array<ConsumedBatch['positionReset']> = [];
    const handler = async (batch: ConsumedBatch) => {
      if (batch.positionReset) resets.push(batch.positionReset);
      if (active.has(batch.partition)) concurrentPerPartition += 1;
      active.add(batch.partition);
      await new Promise((r) => setTimeout(r, 5));
      const list = seen.get(batch.partition) ?? [];
      for (const r of batch.records) list.push([r.offset.toString(), r.value?.toString() ?? '']);
      seen.set(batch.partition, list);
      active.delete(batch.partition);
    };
    return { seen, resets, handler, overlaps: () => concurrentPerPartition, count: (p: number) => seen.get(p)?.length ?? 0 };
  }

  it('reads exactly the assigned partitions from the given offsets, and follows adds and removes', async () => {
    const topic = uniqueName('pcons-exact');
    await admin.createTopics([{ name: topic, partitions: 3, replicationFactor: 1 }]);
    await fill(topic, [0, 1, 2], 5);
    const c = collector();
    const consumer = new PartitionConsumer(client, { handler: c.handler, maxWaitTimeMs: 100 });
    try {
      await consumer.addPartitions([
        { topic, partition: 0, offset: 2n },
        { topic, partition: 2, offset: 'earliest' },
      ]);
      expect(consumer.status()).toBe('running');
      await eventually('p0 from offset 2 and all of p2', () => c.count(0) >= 3 && c.count(2) >= 5);
      await new Promise((r) => setTimeout(r, 300));
      expect(c.seen.get(0)).toEqual([
        ['2', 'p0-2'],
        ['3', 'p0-3'],
        ['4', 'p0-4'],
      ]);
      expect(c.seen.get(2)?.map(([o]) => o)).toEqual(['0', '1', '2', '3', '4']);
      expect(c.seen.has(1)).toBe(false);
      expect(consumer.position(topic, 0)).toBe(5n);
      expect(consumer.position(topic, 1)).toBeUndefined();

      // p1 joins from its end: only records produced afterwards arrive; p0 and p2 continue where they were.
      await consumer.addPartitions([{ topic, partition: 1, offset: 'latest' }]);
      expect(consumer.assignment().map((tp) => tp.partition).sort()).toEqual([0, 1, 2]);
      await fill(topic, [0, 1, 2], 2, 5);
      await eventually('the new records of all three partitions', () => c.count(0) >= 5 && c.count(1) >= 2 && c.count(2) >= 7);
      expect(c.seen.get(1)).toEqual([
        ['5', 'p1-5'],
        ['6', 'p1-6'],
      ]);
      expect(c.seen.get(0)?.map(([o]) => o)).toEqual(['2', '3', '4', '5', '6']);
      expect(c.seen.get(2)?.map(([o]) => o)).toEqual(['0', '1', '2', '3', '4', '5', '6']);

      // p0 leaves: nothing more from it, the others keep flowing.
      await consumer.removePartitions([{ topic, partition: 0 }]);
      await fill(topic, [0, 1, 2], 1, 7);
      await eventually('p1 and p2 after p0 left', () => c.count(1) >= 3 && c.count(2) >= 8);
      await new Promise((r) => setTimeout(r, 300));
      expect(c.count(0)).toBe(5);
      expect(c.overlaps()).toBe(0);
    } finally {
      await consumer.close();
    }
    expect(consumer.status()).toBe('closed');
    await consumer.close();
  });

  it('delivers a batch again after its handler failed, without holding up other partitions', async () => {
    const topic = uniqueName('pcons-retry');
    await admin.createTopics([{ name: topic, partitions: 2, replicationFactor: 1 }]);
    await fill(topic, [0, 1], 3);
    const deliveries: Array<[number, string[]]> = [];
    const errors: Array<[KafkaError, number | undefined]> = [];
    let failuresLeft = 2;
    const consumer = new PartitionConsumer(client, {
      maxWaitTimeMs: 100,
      handlerRetryBackoffMs: 200,
      onError: (error, tp) => errors.push([error, tp?.partition]),
      handler: async (batch) => {
        deliveries.push([batch.partition, batch.records.map((r) => r.offset.toString())]);
        if (batch.partition === 0 && failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('target unavailable');
        }
      },
    });
    try {
      await consumer.addPartitions([
        { topic, partition: 0, offset: 0n },
        { topic, partition: 1, offset: 0n },
      ]);
      await eventually('both partitions done', () => consumer.position(topic, 0) === 3n && consumer.position(topic, 1) === 3n);
      const p0 = deliveries.filter(([p]) => p === 0).map(([, offsets]) => offsets);
      expect(p0).toEqual([
        ['0', '1', '2'],
        ['0', '1', '2'],
        ['0', '1', '2'],
      ]);
      expect(deliveries.filter(([p]) => p === 1).map(([, offsets]) => offsets)).toEqual([['0', '1', '2']]);
      expect(errors.map(([e, p]) => [e.code, p])).toEqual([
        ['UNKNOWN', 0],
        ['UNKNOWN', 0],
      ]);
      expect(errors[0][0].message).toContain('target unavailable');
    } finally {
      await consumer.close();
    }
  });

  it('keeps its positions across group rebalances (no rewind to the start, nothing skipped)', async () => {
    const topic = uniqueName('pcons-rejoin');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    await fill(topic, [0], 5);
    const c = collector();
    const consumer = new PartitionConsumer(client, { handler: c.handler, maxWaitTimeMs: 100, heartbeatIntervalMs: 100, sessionTimeoutMs: 10_000 });
    // A second member in the consumer's group forces it through a rebalance (leave + join) twice.
    const kafka = new Kafka({ brokers: [clusterInfo('source').bootstrap], logLevel: logLevel.NOTHING });
    const intruder = kafka.consumer({
      groupId: consumer.groupId,
      partitionAssigners: [exactAssigner({})],
      heartbeatInterval: 100,
      sessionTimeout: 10_000,
      maxWaitTimeInMs: 100,
      retry: { restartOnFailure: async () => false },
    });
    try {
      await consumer.addPartitions([{ topic, partition: 0, offset: 0n }]);
      await eventually('the first five records', () => c.count(0) >= 5);

      await intruder.connect();
      await intruder.subscribe({ topics: [topic] });
      const intruderJoined = new Promise<void>((resolve) => intruder.on(intruder.events.GROUP_JOIN, () => resolve()));
      await intruder.run({ autoCommit: false, eachBatch: async () => undefined });
      await intruderJoined;
      await fill(topic, [0], 5, 5);
      await eventually('records written during the first rebalance', () => c.count(0) >= 10);

      await intruder.disconnect();
      await fill(topic, [0], 5, 10);
      await eventually('records written after the second rebalance', () => c.count(0) >= 15);
      await new Promise((r) => setTimeout(r, 300));
      expect(c.seen.get(0)?.map(([offset]) => Number(offset))).toEqual(Array.from({ length: 15 }, (_, i) => i));
      expect(consumer.position(topic, 0)).toBe(15n);
    } finally {
      await intruder.disconnect();
      await consumer.close();
    }
  });

  it('moves past a fetch that holds only an aborted transaction (read_committed)', async () => {
    const topic = uniqueName('pcons-markers');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const transactional = new KafkaProducer(client, { transactionalId: uniqueName('pcons-markers-tx') });
    const c = collector();
    const consumer = new PartitionConsumer(client, { handler: c.handler, maxWaitTimeMs: 100, isolationLevel: 'read_committed' });
    const inTransaction = async (value: string, end: 'commit' | 'abort') => {
      await transactional.beginTransaction();
      await transactional.send(topic, [{ partition: 0, key: null, value: Buffer.from(value) }]);
      await (end === 'commit' ? transactional.commitTransaction() : transactional.abortTransaction());
    };
    try {
      await consumer.addPartitions([{ topic, partition: 0, offset: 0n }]);
      await inTransaction('committed', 'commit'); // record 0, commit marker 1
      await eventually('position after the committed transaction', () => consumer.position(topic, 0) === 2n);
      // Fetched on its own, this transaction is nothing but an aborted record and its marker.
      await inTransaction('aborted', 'abort'); // record 2, abort marker 3
      // The transaction coordinator writes the abort marker a moment after the abort returns.
      await eventually('the abort marker written', async () => (await admin.listOffsets(topic)).get(0)?.latest === 4n);
      await eventually('position at the end offset, past the abort marker', () => consumer.position(topic, 0) === 4n);
      await inTransaction('later', 'commit');
      await eventually('the next committed record', () => c.count(0) >= 2);
      expect(c.seen.get(0)).toEqual([
        ['0', 'committed'],
        ['4', 'later'],
      ]);
      expect(c.resets).toEqual([]); // markers and aborted records are gaps, not resets
    } finally {
      await consumer.close();
      await transactional.close();
    }
  });

  it('hides the records of every aborted transaction when a fetch starts inside several of them (read_committed)', async () => {
    // As a killed instance leaves them: two producers' transactions open on one partition, then
    // aborted one after the other by the fences of the instances taking over.
    const topic = uniqueName('pcons-two-aborts');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const ids = [uniqueName('pcons-two-aborts-a'), uniqueName('pcons-two-aborts-b')];
    for (const [i, transactionalId] of ids.entries()) {
      const abandoned = new KafkaProducer(client, { transactionalId });
      await abandoned.beginTransaction();
      await abandoned.send(topic, [{ partition: 0, key: null, value: Buffer.from(`aborted-${i}`) }]); // offsets 0 and 1
      await abandoned.close(); // the transaction stays open
    }
    const fence = async (transactionalId: string) => {
      const successor = new KafkaProducer(client, { transactionalId });
      try {
        await successor.beginTransaction(); // registers the id: the open transaction is aborted
        await successor.abortTransaction();
      } finally {
        await successor.close();
      }
    };
    const c = collector();
    const consumer = new PartitionConsumer(client, { handler: c.handler, maxWaitTimeMs: 100, isolationLevel: 'read_committed' });
    try {
      await consumer.addPartitions([{ topic, partition: 0, offset: 0n }]);
      await fence(ids[0]); // abort marker at 2; the second transaction, open from offset 1, stays
      await eventually('position at the start of the transaction still open', () => consumer.position(topic, 0) === 1n);
      // The next fetch starts at 1, inside both aborted transactions (the first one ends at 2).
      await fence(ids[1]); // abort marker at 3
      await producer.send(topic, [{ partition: 0, key: null, value: Buffer.from('committed') }]);
      await eventually('the committed record', () => c.seen.get(0)?.some(([, value]) => value === 'committed'));
      expect(c.seen.get(0)).toEqual([['4', 'committed']]);
      expect(c.resets).toEqual([]);
    } finally {
      await consumer.close();
    }
  });

  it('says so when the broker reset a position outside the log, forwards (records deleted) and back (log shorter)', async () => {
    const topic = uniqueName('pcons-reset');
    await admin.createTopics([{ name: topic, partitions: 2, replicationFactor: 1 }]);
    await fill(topic, [0, 1], 10);
    await admin.deleteRecords(topic, new Map([[0, 6n]]));
    const batches: ConsumedBatch[] = [];
    let rejectedOnce = false;
    const consumer = new PartitionConsumer(client, {
      handler: async (batch) => {
        batches.push(batch);
        if (batch.partition === 0 && !rejectedOnce) {
          rejectedOnce = true;
          throw new Error('not now');
        }
      },
      maxWaitTimeMs: 100,
      handlerRetryBackoffMs: 50,
    });
    try {
      // p0 starts below its log start (records 0-5 deleted), p1 past its end (as if it were a new, shorter topic).
      await consumer.addPartitions([
        { topic, partition: 0, offset: 2n },
        { topic, partition: 1, offset: 50n },
      ]);
      await eventually('both partitions delivered, p0 twice', () => batches.filter((b) => b.partition === 0).length >= 2 && batches.some((b) => b.partition === 1));
      const first = (p: number) => batches.find((b) => b.partition === p)!;
      // Rejected once: delivered again from where the broker put it, telling the same reset.
      for (const b of batches.filter((b) => b.partition === 0).slice(0, 2)) {
        expect(b.positionReset).toEqual({ from: 2n, to: 6n });
        expect(b.records[0]!.offset).toBe(6n);
      }
      expect(first(1).positionReset).toEqual({ from: 50n, to: 0n });
      expect(first(1).records[0]!.offset).toBe(0n);
      // Later batches are ordinary.
      await fill(topic, [0], 1, 10);
      await eventually('the next record of p0', () => batches.filter((b) => b.partition === 0).some((b) => b.records.some((r) => r.offset === 10n)));
      expect(batches.filter((b) => b.partition === 0).slice(2).every((b) => b.positionReset === undefined)).toBe(true);
    } finally {
      await consumer.close();
    }
  });

  it('rejects partitions that do not exist and keeps running the others', async () => {
    const topic = uniqueName('pcons-missing');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const c = collector();
    const consumer = new PartitionConsumer(client, { handler: c.handler, maxWaitTimeMs: 100 });
    try {
      await consumer.addPartitions([{ topic, partition: 0, offset: 'earliest' }]);
      await expect(consumer.addPartitions([{ topic, partition: 4, offset: 0n }])).rejects.toMatchObject({ code: 'PARTITION_NOT_FOUND' });
      await expect(consumer.addPartitions([{ topic: uniqueName('pcons-none'), partition: 0, offset: 0n }])).rejects.toMatchObject({
        code: 'TOPIC_NOT_FOUND',
      });
      await expect(consumer.addPartitions([{ topic, partition: 0, offset: 0n }])).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
      await fill(topic, [0], 2);
      await eventually('records of the remaining partition', () => c.count(0) >= 2);
    } finally {
      await consumer.close();
    }
  });
});
