import { KafkaError, type ConsumedRecord, type ProducerRecord, type RawRecordBatch, type SendOptions } from '@mirrormaker/kafka';
import { copyAtLeastOnce, copyBatchesAtLeastOnce, copyBatchesExactlyOnce, copyExactlyOnce, type CopyProducer, type CopyTarget } from './batch-copier';

/** A target partition log that refuses values over `maxValueBytes`, with optional transactions. */
class FakeTarget implements CopyProducer {
  readonly log: Array<{ topic: string; record: ProducerRecord }> = [];
  requests = 0;
  readonly acks: unknown[] = [];
  private open: Array<{ topic: string; record: ProducerRecord }> | undefined;
  failNext: KafkaError | undefined;

  constructor(private readonly maxValueBytes = Infinity) {}

  get inTransaction(): boolean {
    return this.open !== undefined;
  }

  async send(topic: string, records: readonly ProducerRecord[], options: SendOptions = {}): Promise<Map<number, bigint>> {
    this.requests++;
    this.acks.push(options.acks);
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = undefined;
      throw e;
    }
    if (records.some((r) => (r.value?.length ?? 0) > this.maxValueBytes)) throw new KafkaError('RECORD_TOO_LARGE', 'MESSAGE_TOO_LARGE');
    const base = BigInt(this.log.length + (this.open?.length ?? 0));
    (this.open ?? this.log).push(...records.map((record) => ({ topic, record })));
    return new Map([[records[0].partition, base]]);
  }

  async beginTransaction(): Promise<void> {
    this.open = [];
  }

  async commitTransaction(): Promise<void> {
    this.log.push(...this.open!);
    this.open = undefined;
  }

  async abortTransaction(): Promise<void> {
    this.open = undefined;
  }
}

const rec = (offset: number, size = 10): ConsumedRecord => ({
  offset: BigInt(offset),
  key: null,
  value: Buffer.alloc(size, 'x'),
  headers: [{ key: 'h', value: null }],
  timestamp: 1000n + BigInt(offset),
  sizeBytes: size + 20,
});

const target = (over: Partial<CopyTarget> = {}): CopyTarget => ({ remoteTopic: 'A.t', partition: 2, maxChunkBytes: 100, acks: 'all', shouldStop: () => false, ...over });

describe('copyAtLeastOnce', () => {
  it('writes in size-bounded requests and gives each record its downstream offset', async () => {
    const fake = new FakeTarget();
    const records = [0, 1, 2, 3, 4].map((o) => rec(o));
    const outcome = await copyAtLeastOnce(fake, target(), records);
    expect(outcome.failure).toBeUndefined();
    expect(outcome.written.map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(outcome.downstream).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(fake.requests).toBe(3); // 46 bytes counted per record: two per 100-byte request
    expect(fake.log[0].record).toEqual({ partition: 2, key: null, value: records[0].value, headers: records[0].headers, timestamp: 1000n });
  });

  it("sends with the target's acks", async () => {
    const fake = new FakeTarget();
    await copyAtLeastOnce(fake, target({ acks: 1 }), [rec(0), rec(1), rec(2)]);
    expect(fake.acks).toEqual([1, 1]);
  });

  it('finds the refused record, keeping the ones before it', async () => {
    const fake = new FakeTarget(50);
    const outcome = await copyAtLeastOnce(fake, target({ maxChunkBytes: 1000 }), [rec(7), rec(8), rec(9, 60), rec(10)]);
    expect(outcome.written.map((r) => r.offset)).toEqual([7n, 8n]);
    expect(outcome.failure).toMatchObject({ kind: 'rejected', record: { offset: 9n } });
    expect(fake.log).toHaveLength(2);
  });

  it('reports a missing remote topic without writing', async () => {
    const fake = new FakeTarget();
    fake.failNext = new KafkaError('TOPIC_NOT_FOUND', 'no topic', { retriable: true });
    const outcome = await copyAtLeastOnce(fake, target(), [rec(0)]);
    expect(outcome).toMatchObject({ written: [], failure: { kind: 'remote-topic-missing', record: { offset: 0n } } });
  });

  it('sends nothing once the unit stops', async () => {
    const fake = new FakeTarget();
    const outcome = await copyAtLeastOnce(fake, target({ shouldStop: () => true }), [rec(0)]);
    expect(outcome).toEqual({ written: [], downstream: [] });
    expect(fake.requests).toBe(0);
  });
});

describe('copyExactlyOnce', () => {
  const position = (last: bigint) => ({ topic: 'mm2-offsets.A.internal', record: { partition: 7, key: Buffer.from('k'), value: Buffer.from(`{"offset":${last}}`) } });

  it('commits the records and the position together', async () => {
    const fake = new FakeTarget();
    const outcome = await copyExactlyOnce(fake, target(), [rec(3), rec(4), rec(5)], position);
    expect(outcome.written.map((r) => r.offset)).toEqual([3n, 4n, 5n]);
    expect(fake.log.map((e) => e.topic)).toEqual(['A.t', 'A.t', 'A.t', 'mm2-offsets.A.internal']);
    expect(fake.log[3].record.value!.toString()).toBe('{"offset":5}');
    expect(fake.inTransaction).toBe(false);
  });

  it('on a refused record commits only the records before it, with their position', async () => {
    const fake = new FakeTarget(50);
    const outcome = await copyExactlyOnce(fake, target({ maxChunkBytes: 1000 }), [rec(3), rec(4, 60), rec(5)], position);
    expect(outcome.written.map((r) => r.offset)).toEqual([3n]);
    expect(outcome.failure).toMatchObject({ kind: 'rejected', record: { offset: 4n } });
    expect(fake.log.map((e) => e.record.value!.toString())).toEqual(['xxxxxxxxxx', '{"offset":3}']);
  });

  it('leaves nothing visible when fenced', async () => {
    const fake = new FakeTarget();
    fake.failNext = new KafkaError('PRODUCER_FENCED', 'fenced');
    const outcome = await copyExactlyOnce(fake, target(), [rec(0), rec(1)], position);
    expect(outcome).toMatchObject({ written: [], failure: { kind: 'fenced' } });
    expect(fake.log).toEqual([]);
    expect(fake.inTransaction).toBe(false);
  });
});

/** A fetched batch as the copiers see it (they read its offsets, count and size only). */
const batch = (baseOffset: number, recordCount: number, bytes = 100): RawRecordBatch => ({
  bytes: Buffer.alloc(bytes),
  magic: 2,
  baseOffset: BigInt(baseOffset),
  lastOffset: BigInt(baseOffset + recordCount - 1),
  recordCount,
  attributes: 0,
  firstTimestamp: 1000n,
  maxTimestamp: 1000n,
  producerId: -1n,
});

describe('copyBatchesAtLeastOnce', () => {
  /** A target log that takes whole batches up to `maxBytes`, failing once when told to. */
  function batchTarget(maxBytes = Infinity) {
    let end = 0n;
    const state = { failNext: undefined as KafkaError | undefined, sent: 0, acks: [] as unknown[] };
    const producer = {
      async sendBatches(_topic: string, _partition: number, batches: readonly RawRecordBatch[], shouldStop: () => boolean, options: { acks?: unknown }) {
        state.acks.push(options.acks);
        const bases: bigint[] = [];
        for (const b of batches) {
          if (shouldStop()) break;
          state.sent++;
          if (state.failNext) {
            const error = state.failNext;
            state.failNext = undefined;
            return { bases, error };
          }
          if (b.bytes.length > maxBytes) return { bases, error: new KafkaError('RECORD_TOO_LARGE', 'MESSAGE_TOO_LARGE') };
          bases.push(end);
          end += BigInt(b.recordCount);
        }
        return { bases };
      },
    };
    return { producer, state };
  }

  it('writes each batch in one request with the unit\'s acks and returns where each one landed', async () => {
    const { producer, state } = batchTarget();
    const outcome = await copyBatchesAtLeastOnce(producer, target({ acks: 1 }), [batch(10, 3), batch(13, 2), batch(20, 5)]);
    expect(outcome).toEqual({ bases: [0n, 3n, 5n] });
    expect(state.acks).toEqual([1]);
  });

  it('stops at a batch the target refuses as a whole and says so, so its records can be re-encoded', async () => {
    const { producer } = batchTarget(150);
    const outcome = await copyBatchesAtLeastOnce(producer, target(), [batch(0, 3), batch(3, 3, 200), batch(6, 1)]);
    expect(outcome.bases).toEqual([0n]);
    expect(outcome.refused?.code).toBe('RECORD_TOO_LARGE');
    expect(outcome.failure).toBeUndefined();
  });

  it('reports a transient failure with the offset of the first batch not written', async () => {
    const { producer, state } = batchTarget();
    const outcome = await copyBatchesAtLeastOnce(producer, target(), [batch(7, 2), batch(9, 1)]);
    expect(outcome.bases).toEqual([0n, 2n]);
    state.failNext = new KafkaError('UNREACHABLE', 'broker down', { retriable: true });
    const failed = await copyBatchesAtLeastOnce(producer, target(), [batch(10, 2), batch(12, 1)]);
    expect(failed.bases).toEqual([]);
    expect(failed.failure).toMatchObject({ kind: 'transient', record: { offset: 10n } });
  });

  it('sends nothing more once the unit stops', async () => {
    const { producer, state } = batchTarget();
    const outcome = await copyBatchesAtLeastOnce(producer, target({ shouldStop: () => true }), [batch(0, 1)]);
    expect(outcome.bases).toEqual([]);
    expect(state.sent).toBe(0);
  });
});

describe('copyBatchesExactlyOnce', () => {
  /** Batches and records become visible only on commit. */
  class TransactionalTarget extends FakeTarget {
    readonly batches: RawRecordBatch[] = [];
    private pending: RawRecordBatch[] = [];
    constructor(private readonly maxBatchBytes = Infinity) {
      super();
    }
    async sendBatch(_topic: string, _partition: number, b: RawRecordBatch): Promise<bigint> {
      if (b.bytes.length > this.maxBatchBytes) throw new KafkaError('RECORD_TOO_LARGE', 'MESSAGE_TOO_LARGE');
      const base = BigInt([...this.batches, ...this.pending].reduce((n, x) => n + x.recordCount, 0));
      this.pending.push(b);
      return base;
    }
    override async commitTransaction(): Promise<void> {
      await super.commitTransaction();
      this.batches.push(...this.pending);
      this.pending = [];
    }
    override async abortTransaction(): Promise<void> {
      await super.abortTransaction();
      this.pending = [];
    }
  }

  const position = (last: bigint) => ({ topic: 'positions', record: { partition: 0, key: null, value: Buffer.from(String(last)), headers: [] } });

  it('commits the batches and the position after the last one together', async () => {
    const fake = new TransactionalTarget();
    const outcome = await copyBatchesExactlyOnce(fake, target(), [batch(0, 2), batch(2, 3)], position);
    expect(outcome).toEqual({ bases: [0n, 2n] });
    expect(fake.batches).toHaveLength(2);
    expect(fake.log.map((e) => e.record.value?.toString())).toEqual(['4']);
    expect(fake.inTransaction).toBe(false);
  });

  it('makes nothing visible when a batch is refused, and says so for the record path', async () => {
    const fake = new TransactionalTarget(150);
    const outcome = await copyBatchesExactlyOnce(fake, target(), [batch(0, 2), batch(2, 3, 200)], position);
    expect(outcome.bases).toEqual([]);
    expect(outcome.refused?.code).toBe('RECORD_TOO_LARGE');
    expect(fake.batches).toHaveLength(0);
    expect(fake.log).toHaveLength(0);
    expect(fake.inTransaction).toBe(false);
  });
});
