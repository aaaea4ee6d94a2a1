import { eventually, uniqueName } from '@mirrormaker/testing';
import pino from 'pino';
import { KafkaAdmin } from './admin-port';
import { createKafkaClient, type KafkaClient } from './connection';
import { clientFor, clusterInfo } from './integration-helpers';
import { FetchBuffer } from './fetch-buffer';
import { PartitionFetcher, type FetchedBatches } from './partition-fetcher';
import { KafkaProducer } from './producer-port';
import { decodeFetchedBatches } from './record-batches';
import { wireBuffers } from './buffer-pool';

jest.setTimeout(90_000);

describe('PartitionFetcher (direct fetches, no consumer group)', () => {
  let client: KafkaClient;
  let admin: KafkaAdmin;
  let producer: KafkaProducer;

  beforeAll(() => {
    client = clientFor('source');
    admin = new KafkaAdmin(client);
    producer = new KafkaProducer(client, {});
  });

  afterAll(async () => {
    await Promise.all([producer.close(), admin.close()]);
  });

  /** `perPartition` records in each partition, written `perBatch` at a time (one batch each). */
  async function topicWith(prefix: string, partitions: number, perPartition: number, valueBytes = 10, perBatch = perPartition): Promise<string> {
    const topic = uniqueName(prefix);
    await admin.createTopics([{ name: topic, partitions, replicationFactor: 1 }]);
    for (let p = 0; p < partitions; p++) {
      for (let from = 0; from < perPartition; from += perBatch) {
        const n = Math.min(perBatch, perPartition - from);
        await producer.send(
          topic,
          Array.from({ length: n }, (_, i) => ({ partition: p, key: Buffer.from(`${p}-${from + i}`), value: Buffer.alloc(valueBytes, i % 256), headers: [] })),
        );
      }
    }
    return topic;
  }

  const offsetsOf = async (d: FetchedBatches) => ((await decodeFetchedBatches(d))?.records ?? []).map((r) => Number(r.offset));

  it('reads each partition from the asked offset, in order, and joins no consumer group', async () => {
    const topic = await topicWith('fetch-order', 3, 50);
    const seen = new Map<number, number[]>();
    // Every request this fetcher's client sends, from kafkajs's debug log (other tests create
    // groups on the same cluster meanwhile, so the broker's group list cannot tell).
    const requests: string[] = [];
    const logged = pino({ level: 'trace' }, { write: (line: string) => void requests.push(...(/Request (\w+)\(/.exec(line)?.slice(1) ?? [])) });
    const own = createKafkaClient({ clusterAlias: 'source', brokers: [clusterInfo('source').bootstrap], clientId: uniqueName('fetch-no-group') }, logged);
    const fetcher = new PartitionFetcher(own, {
      handler: async (d) => void seen.set(d.partition, [...(seen.get(d.partition) ?? []), ...(await offsetsOf(d))]),
    });
    try {
      await fetcher.addPartitions([
        { topic, partition: 0, offset: 0n },
        { topic, partition: 1, offset: 20n },
        { topic, partition: 2, offset: 'latest' },
      ]);
      await eventually('partitions read to their end', () => fetcher.position(topic, 0) === 50n && fetcher.position(topic, 1) === 50n, 30_000);
      expect(seen.get(0)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(seen.get(1)).toEqual(Array.from({ length: 30 }, (_, i) => 20 + i));
      expect(seen.get(2)).toBeUndefined();
      expect(fetcher.position(topic, 2)).toBe(50n);
      expect(requests).toContain('Fetch');
      expect(requests.filter((r) => /Group|FindCoordinator|Heartbeat|OffsetCommit/.test(r))).toEqual([]);
    } finally {
      await fetcher.close();
    }
  });

  it('fetches the next data while a batch is handled, but keeps at most one fetch waiting per partition', async () => {
    const topic = await topicWith('fetch-ahead', 1, 200, 1000, 10);
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const calls: number[] = [];
    let fetches = 0;
    const fetcher = new PartitionFetcher(client, {
      maxBytesPerPartition: 20_000,
      handler: async (d) => {
        calls.push(Number(d.fromOffset));
        if (calls.length === 1) await blocked;
      },
      onFetch: () => void (fetches += 1),
    });
    try {
      await fetcher.addPartitions([{ topic, partition: 0, offset: 0n }]);
      await eventually('a second fetch while the first batch is handled', () => fetches >= 2 && fetcher.buffered() > 20_000, 30_000);
      // One delivery being handled and one waiting: never more than two fetches' worth held.
      expect(calls).toHaveLength(1);
      expect(fetcher.buffered()).toBeLessThanOrEqual(2 * 21_000);
      release();
      await eventually('everything handled', () => fetcher.position(topic, 0) === 200n, 30_000);
      // In order, no gap and no repeat: each delivery starts where the previous ended.
      expect(calls[0]).toBe(0);
      expect([...calls].sort((a, b) => a - b)).toEqual(calls);
      expect(new Set(calls).size).toBe(calls.length);
    } finally {
      release();
      await fetcher.close();
    }
  });

  it('does not hold a partition left out for back pressure behind the long wait of the Fetch without it', async () => {
    // Records arrive in one partition; while its deliveries wait for the handler it is left out of
    // the next Fetch, which then asks only for the idle partition. With the broker allowed to wait
    // a minute for data there, the busy partition's next records would wait that minute too.
    const topic = await topicWith('fetch-held-back', 2, 0);
    for (let b = 0; b < 4; b++) {
      await producer.send(topic, Array.from({ length: 10 }, (_, i) => ({ partition: 0, key: null, value: Buffer.alloc(1000, i) })));
    }
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    const fetcher = new PartitionFetcher(client, {
      maxBytesPerPartition: 20_000,
      maxWaitTimeMs: 60_000,
      handler: async () => {
        handled += 1;
        if (handled === 1) await blocked;
      },
    });
    try {
      await fetcher.addPartitions([
        { topic, partition: 0, offset: 0n },
        { topic, partition: 1, offset: 0n },
      ]);
      await eventually('a delivery waiting behind the one handled', () => fetcher.buffered() > 20_000, 30_000);
      release();
      await eventually('what was fetched is handled', () => fetcher.position(topic, 0) === 40n, 20_000);
      await producer.send(topic, [{ partition: 0, key: null, value: Buffer.from('late') }]);
      await eventually('the record written afterwards is handled without waiting for the idle partition', () => fetcher.position(topic, 0) === 41n, 20_000);
    } finally {
      release();
      // Records in the idle partition answer the Fetch waiting there, so closing need not wait out its minute.
      const wake = setInterval(() => void producer.send(topic, [{ partition: 1, key: null, value: null }]).catch(() => undefined), 100);
      await fetcher.close().finally(() => clearInterval(wake));
    }
  });

  it('never holds more than its fetch buffer, counting what the fetches in flight may return', async () => {
    const topic = await topicWith('fetch-bounded', 4, 100, 1000, 10);
    const buffer = new FetchBuffer(40_000);
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let most = 0;
    const fetcher = new PartitionFetcher(client, {
      buffer,
      handler: async () => {
        most = Math.max(most, buffer.usedBytes);
        await blocked;
      },
      onFetch: () => void (most = Math.max(most, buffer.usedBytes)),
    });
    try {
      await fetcher.addPartitions(Array.from({ length: 4 }, (_, partition) => ({ topic, partition, offset: 0n })));
      await eventually('the buffer filled', () => buffer.full, 30_000);
      // The limit, exceeded at most by one batch (about 10 kB) that a Fetch returns whole.
      expect(most).toBeLessThanOrEqual(40_000 + 11_000);
      release();
      await eventually('everything read', () => [0, 1, 2, 3].every((p) => fetcher.position(topic, p) === 100n), 30_000);
      expect(most).toBeLessThanOrEqual(40_000 + 11_000);
    } finally {
      release();
      await fetcher.close();
    }
  });

  it('delivers the same records again after a handler failure, without holding up other partitions', async () => {
    const topic = await topicWith('fetch-retry', 2, 10);
    const seen: Array<[number, number[]]> = [];
    let failed = false;
    const errors: string[] = [];
    const fetcher = new PartitionFetcher(client, {
      handlerRetryBackoffMs: 200,
      handler: async (d) => {
        const offsets = await offsetsOf(d);
        if (d.partition === 0 && !failed) {
          failed = true;
          throw new Error('target unavailable');
        }
        seen.push([d.partition, offsets]);
      },
      onError: (e, tp) => errors.push(`${tp?.partition}: ${e.message}`),
    });
    try {
      await fetcher.addPartitions([0, 1].map((partition) => ({ topic, partition, offset: 0n })));
      await eventually('both partitions handled', () => fetcher.position(topic, 0) === 10n && fetcher.position(topic, 1) === 10n, 30_000);
      expect(seen.filter(([p]) => p === 0).flatMap(([, o]) => o)).toEqual(Array.from({ length: 10 }, (_, i) => i));
      expect(seen.filter(([p]) => p === 1).flatMap(([, o]) => o)).toEqual(Array.from({ length: 10 }, (_, i) => i));
      expect(errors).toEqual([expect.stringMatching(/^0: .*target unavailable/)]);
    } finally {
      await fetcher.close();
    }
  });

  it('tells of records deleted before they were read and restarts at the log start', async () => {
    const topic = await topicWith('fetch-reset', 1, 30);
    const deliveries: FetchedBatches[] = [];
    const fetcher = new PartitionFetcher(client, { handler: async (d) => void deliveries.push(d) });
    try {
      await admin.deleteRecords(topic, new Map([[0, 20n]]));
      await fetcher.addPartitions([{ topic, partition: 0, offset: 5n }]);
      await eventually('read to the end', () => fetcher.position(topic, 0) === 30n, 30_000);
      expect(deliveries[0].positionReset).toEqual({ from: 5n, to: 20n });
      expect(await offsetsOf(deliveries[0])).toEqual(Array.from({ length: 10 }, (_, i) => 20 + i));
    } finally {
      await fetcher.close();
    }
  });

  it('stops handing over a partition once it is removed', async () => {
    const topic = await topicWith('fetch-remove', 1, 5);
    let calls = 0;
    const fetcher = new PartitionFetcher(client, { handler: async () => void (calls += 1) });
    try {
      await fetcher.addPartitions([{ topic, partition: 0, offset: 0n }]);
      await eventually('first delivery', () => calls === 1, 30_000);
      await fetcher.removePartitions([{ topic, partition: 0 }]);
      expect(fetcher.assignment()).toEqual([]);
      await producer.send(topic, [{ partition: 0, key: null, value: Buffer.from('later'), headers: [] }]);
      await fetcher.addPartitions([{ topic: await topicWith('fetch-remove-other', 1, 1), partition: 0, offset: 0n }]);
      await eventually('the other topic delivered', () => calls === 2, 30_000);
      expect(calls).toBe(2);
    } finally {
      await fetcher.close();
    }
  });

  it('gives an answer back to the pool while a partition of it is still being copied', async () => {
    // One Fetch answer holds both partitions (2 × 100 KiB); partition 0's handler holds its batches
    // until partition 1 is done. The answer must go back at once, not wait for partition 0: waiting
    // answers were what held a copying process's memory above its fetch buffer.
    const topic = await topicWith('fetch-answer-back', 2, 100, 1024, 100);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const answers: number[] = [];
    let intact: boolean | undefined;
    const pooledBefore = wireBuffers.pooledBytes;
    let pooledWhileHeld = 0;
    const fetcher = new PartitionFetcher(client, {
      reuseAnswers: true,
      onFetch: (e) => void (e.partitions > 0 && answers.push(e.bytes)),
      handler: async (d) => {
        if (d.partition === 1) return;
        const before = Buffer.concat(d.batches.map((b) => Buffer.from(b.bytes)));
        await held;
        intact = Buffer.concat(d.batches.map((b) => b.bytes)).equals(before);
      },
    });
    try {
      await fetcher.addPartitions([0, 1].map((partition) => ({ topic, partition, offset: 0n })));
      await eventually('partition 1 copied', () => fetcher.position(topic, 1) === 100n, 30_000);
      pooledWhileHeld = wireBuffers.pooledBytes;
      expect(fetcher.position(topic, 0)).toBe(0n);
      release();
      await eventually('partition 0 copied', () => fetcher.position(topic, 0) === 100n, 30_000);
      expect(answers[0]).toBeGreaterThan(200 * 1024);
      expect(pooledWhileHeld - pooledBefore).toBeGreaterThanOrEqual(answers[0]);
      expect(intact).toBe(true);
    } finally {
      release();
      await fetcher.close();
    }
  });

  it('reads later answers into the Buffers of handled ones without changing a batch still to be handled', async () => {
    // 4 × 300 records of 2 KiB in batches of 100: Fetch answers of several chunks each. The
    // integration setup overwrites every released answer, so an answer given back while one of its
    // deliveries still waits shows as wrong bytes below.
    expect(process.env['MIRRORMAKER_POISON_RELEASED_BUFFERS']).toBe('1');
    const topic = await topicWith('fetch-reuse', 4, 300, 2048, 100);
    const seen = new Map<number, number[]>();
    const wrong: string[] = [];
    const pooledBefore = wireBuffers.pooledBytes;
    const fetcher = new PartitionFetcher(client, {
      reuseAnswers: true,
      concurrency: 1,
      maxBytesPerPartition: 300 * 1024,
      handler: async (d) => {
        await new Promise((resolve) => setImmediate(resolve));
        for (const r of (await decodeFetchedBatches(d))?.records ?? []) {
          const i = Number(r.offset);
          if (r.key?.toString() !== `${d.partition}-${i}` || !r.value?.equals(Buffer.alloc(2048, (i % 100) % 256))) wrong.push(`${d.partition}@${i}`);
          seen.set(d.partition, [...(seen.get(d.partition) ?? []), i]);
        }
      },
    });
    try {
      await fetcher.addPartitions([0, 1, 2, 3].map((partition) => ({ topic, partition, offset: 0n })));
      await eventually('all read', () => [0, 1, 2, 3].every((p) => fetcher.position(topic, p) === 300n), 60_000);
      expect(wrong).toEqual([]);
      for (const p of [0, 1, 2, 3]) expect(seen.get(p)).toEqual(Array.from({ length: 300 }, (_, i) => i));
      expect(wireBuffers.pooledBytes).toBeGreaterThan(pooledBefore);
    } finally {
      await fetcher.close();
    }
  });
});
