import { createErrorFromCode } from 'kafkajs/src/protocol/error';
import pino from 'pino';
import { createKafkaClient } from './connection';
import type { InternalBroker, InternalCluster } from './kafkajs-cluster';
import { PipelinedBatchProducer } from './pipelined-batch-producer';
import { RAW_BATCH, type RawBatchMessage } from './produce-request-encoder';
import type { RawRecordBatch } from './record-batches';

const NOT_LEADER = 6;
const REQUEST_TIMED_OUT = 7;
const MESSAGE_TOO_LARGE = 10;
const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const UNKNOWN_PRODUCER_ID = 59;

/** A fetched batch as the producer sees it: `baseOffset` names it in the simulated log. */
const batch = (baseOffset: number, recordCount: number): RawRecordBatch => ({
  bytes: Buffer.alloc(100),
  magic: 2,
  baseOffset: BigInt(baseOffset),
  lastOffset: BigInt(baseOffset + recordCount - 1),
  recordCount,
  attributes: 0,
  firstTimestamp: 1000n,
  maxTimestamp: 1000n,
  producerId: 7n,
});

const batchesOf = (counts: number[]): RawRecordBatch[] => {
  let offset = 0;
  return counts.map((n) => {
    const b = batch(offset, n);
    offset += n;
    return b;
  });
};

interface Written {
  /** The source offset of the batch's first record: which batch it was. */
  source: bigint;
  producerId: string;
  firstSequence: number;
  offset: bigint;
}

type Fault = { code: number; written: boolean };

/**
 * One partition's leader, with Kafka's idempotence rules: a producer's batch is appended only right
 * after its previous one (first batch at sequence 0); a batch equal to one of its last 5 is answered
 * with the offset it got then. Faults can be injected per request number, before or after the write.
 */
class SimulatedPartition {
  readonly log: Written[] = [];
  readonly faults = new Map<number, Fault>();
  requests = 0;
  inFlight = 0;
  maxInFlight = 0;
  private nextOffset = 0n;
  private nextProducerId = 1000;
  private readonly producers = new Map<string, Array<{ first: number; last: number; offset: bigint }>>();

  initProducerId(): { producerId: string; producerEpoch: number } {
    return { producerId: String(this.nextProducerId++), producerEpoch: 0 };
  }

  async produce(producerId: string, firstSequence: number, raw: RawRecordBatch): Promise<bigint> {
    const n = ++this.requests;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      const fault = this.faults.get(n);
      if (fault && !fault.written) throw createErrorFromCode(fault.code);
      const offset = this.append(producerId, firstSequence, raw);
      if (fault) throw createErrorFromCode(fault.code);
      return offset;
    } finally {
      this.inFlight--;
    }
  }

  private append(producerId: string, first: number, raw: RawRecordBatch): bigint {
    const last = first + raw.recordCount - 1;
    const recent = this.producers.get(producerId) ?? [];
    const duplicate = recent.find((b) => b.first === first && b.last === last);
    if (duplicate) return duplicate.offset;
    const expected = recent.length === 0 ? 0 : recent[recent.length - 1].last + 1;
    if (first !== expected) throw createErrorFromCode(recent.length === 0 ? UNKNOWN_PRODUCER_ID : OUT_OF_ORDER_SEQUENCE_NUMBER);
    const offset = this.nextOffset;
    this.nextOffset += BigInt(raw.recordCount);
    this.log.push({ source: raw.baseOffset, producerId, firstSequence: first, offset });
    this.producers.set(producerId, [...recent, { first, last, offset }].slice(-5));
    return offset;
  }
}

function simulatedCluster(partition: SimulatedPartition): InternalCluster {
  const broker = {
    nodeId: 1,
    connectionPool: {
      // The only request sent through the pool here is Metadata: partition 0 of any topic, led by broker 1.
      send: async (request: { request: { encode(): Promise<unknown> } }) => {
        void request;
        return { topicMetadata: [{ topic: 'A.t', topicErrorCode: 0, partitionMetadata: [{ partitionId: 0, leader: 1, partitionErrorCode: 0 }] }] };
      },
    },
    offsetCommit: async () => undefined,
    initProducerId: async () => partition.initProducerId(),
    produce: async ({ topicData, producerId }: Parameters<InternalBroker['produce']>[0]) => {
      const entry = topicData[0].partitions[0];
      const raw = (entry.messages[0] as RawBatchMessage)[RAW_BATCH];
      expect(entry.messages).toHaveLength(raw.recordCount);
      const offset = await partition.produce(producerId ?? '-1', entry.firstSequence ?? -1, raw);
      return { topics: [{ topicName: topicData[0].topic, partitions: [{ partition: 0, baseOffset: offset.toString() }] }] };
    },
  } as unknown as InternalBroker;
  return {
    connect: async () => undefined,
    disconnect: async () => undefined,
    refreshMetadata: async () => undefined,
    findGroupCoordinator: async () => broker,
    findBroker: async () => broker,
    brokerPool: { withBroker: async (fn) => fn({ broker, nodeId: '1' }) },
  };
}

describe('PipelinedBatchProducer', () => {
  const client = createKafkaClient({ clusterAlias: 'B', brokers: ['127.0.0.1:9'], clientId: 'pipelined-spec' }, pino({ level: 'silent' }));

  function setUp(maxInFlight?: number) {
    const partition = new SimulatedPartition();
    const retried: string[] = [];
    const producer = new PipelinedBatchProducer(
      client,
      { maxInFlight, retry: { initialRetryTimeMs: 1, maxRetryTimeMs: 2 }, onRetry: (e) => retried.push(e.protocolError ?? e.code) },
      async () => simulatedCluster(partition),
    );
    return { partition, producer, retried };
  }

  /** The source offsets of the batches in the target log, in log order. */
  const sources = (p: SimulatedPartition) => p.log.map((w) => w.source);

  it('keeps 5 requests of a partition in flight and gives every batch the offset it landed at', async () => {
    const { partition, producer } = setUp();
    const batches = batchesOf([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]);
    const result = await producer.sendBatches('A.t', 0, batches);
    expect(result.error).toBeUndefined();
    expect(result.bases).toEqual(batches.map((b) => b.baseOffset));
    expect(sources(partition)).toEqual(batches.map((b) => b.baseOffset));
    expect(partition.maxInFlight).toBe(5);
    // One producer id, and each batch's sequence follows the records before it.
    expect(new Set(partition.log.map((w) => w.producerId)).size).toBe(1);
    expect(partition.log.map((w) => w.firstSequence)).toEqual(batches.map((b) => Number(b.baseOffset)));
  });

  it('sends one request at a time when told to', async () => {
    const { partition, producer } = setUp(1);
    const result = await producer.sendBatches('A.t', 0, batchesOf([2, 2, 2]));
    expect(result.bases).toEqual([0n, 2n, 4n]);
    expect(partition.maxInFlight).toBe(1);
  });

  it('refuses more than 5 in flight, which the broker could not deduplicate', () => {
    expect(() => new PipelinedBatchProducer(client, { maxInFlight: 6 })).toThrow(/1 to 5/);
  });

  it('sends again from a batch refused by a leader that moved, in order and without doubles', async () => {
    const { partition, producer, retried } = setUp();
    partition.faults.set(3, { code: NOT_LEADER, written: false });
    const batches = batchesOf([2, 2, 2, 2, 2, 2, 2]);
    const result = await producer.sendBatches('A.t', 0, batches);
    expect(result.error).toBeUndefined();
    expect(result.bases).toEqual(batches.map((b) => b.baseOffset));
    // The requests after the refused one were turned away (out of order) and sent again too, with
    // the sequences they had: no new producer id was needed.
    expect(sources(partition)).toEqual(batches.map((b) => b.baseOffset));
    expect(new Set(partition.log.map((w) => w.producerId)).size).toBe(1);
    expect(retried).toEqual(['NOT_LEADER_FOR_PARTITION']);
  });

  it('does not write twice a batch whose answer was lost after the broker wrote it', async () => {
    const { partition, producer } = setUp();
    partition.faults.set(2, { code: REQUEST_TIMED_OUT, written: true });
    const batches = batchesOf([1, 2, 3, 4]);
    const result = await producer.sendBatches('A.t', 0, batches);
    expect(result.error).toBeUndefined();
    expect(result.bases).toEqual([0n, 1n, 3n, 6n]);
    expect(sources(partition)).toEqual([0n, 1n, 3n, 6n]);
  });

  it('goes on under a new producer id when the broker lost the producer, keeping the order', async () => {
    const { partition, producer } = setUp();
    partition.faults.set(4, { code: UNKNOWN_PRODUCER_ID, written: false });
    const batches = batchesOf([1, 1, 1, 1, 1, 1, 1, 1]);
    const result = await producer.sendBatches('A.t', 0, batches);
    expect(result.error).toBeUndefined();
    expect(result.bases).toHaveLength(8);
    expect(sources(partition)).toEqual(batches.map((b) => b.baseOffset));
    const ids = [...new Set(partition.log.map((w) => w.producerId))];
    expect(ids).toHaveLength(2);
    // The new id starts its sequences at 0 with the batch that was lost.
    expect(partition.log.find((w) => w.producerId === ids[1])).toMatchObject({ source: 3n, firstSequence: 0 });
  });

  it('stops at a batch the target refuses and answers the written prefix; the next call writes under a new id', async () => {
    const { partition, producer } = setUp();
    partition.faults.set(3, { code: MESSAGE_TOO_LARGE, written: false });
    const batches = batchesOf([2, 2, 2, 2, 2]);
    const result = await producer.sendBatches('A.t', 0, batches);
    expect(result.bases).toEqual([0n, 2n]);
    expect(result.error).toMatchObject({ code: 'RECORD_TOO_LARGE' });
    expect(sources(partition)).toEqual([0n, 2n]);

    // The caller copies the refused batch's records some other way, then goes on with the rest.
    const rest = await producer.sendBatches('A.t', 0, batches.slice(3));
    expect(rest.error).toBeUndefined();
    expect(sources(partition)).toEqual([0n, 2n, 6n, 8n]);
    expect(partition.log[2].firstSequence).toBe(0);
    expect(partition.log[2].producerId).not.toBe(partition.log[0].producerId);
  });

  it('gives up after its retries and says why', async () => {
    const { partition, producer } = setUp();
    for (let n = 1; n <= 20; n++) partition.faults.set(n, { code: NOT_LEADER, written: false });
    const result = await producer.sendBatches('A.t', 0, batchesOf([1, 1]));
    expect(result.bases).toEqual([]);
    expect(result.error?.retriable).toBe(true);
    expect(result.error?.message).toMatch(/NOT_LEADER/);
    expect(partition.log).toEqual([]);
  });

  it('sends nothing more once told to stop', async () => {
    const { partition, producer } = setUp();
    let asked = 0;
    const result = await producer.sendBatches('A.t', 0, batchesOf([1, 1, 1, 1]), () => ++asked > 2);
    expect(result.error).toBeUndefined();
    expect(result.bases.length).toBeLessThan(4);
    expect(sources(partition)).toEqual(result.bases);
  });
});
