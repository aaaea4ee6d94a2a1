import { passthroughBlocker } from './batch-passthrough';
import { crc32c } from './crc32c';
import { decodeFetchResponse, encodeFetchRequest } from './fetch-wire';
import { committedBatches, isContiguous, readRecordBatches, valueBytesOf, type RawRecordBatch } from './record-batches';

function zigzag(n: number): number[] {
  let v = (n << 1) ^ (n >> 31);
  const out: number[] = [];
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

interface BatchSpec {
  baseOffset: bigint;
  values: Array<Buffer | null>;
  /** Offsets deltas of the records; 0..n-1 unless compaction left gaps. */
  deltas?: number[];
  lastOffsetDelta?: number;
  attributes?: number;
  producerId?: bigint;
  /** A control record key (version, type) instead of values. */
  control?: 'abort' | 'commit';
}

/** A record batch (magic 2, uncompressed) as a broker would send it. */
function batchBytes(spec: BatchSpec): Buffer {
  const records: number[] = [];
  const values = spec.control ? [Buffer.alloc(0)] : spec.values;
  values.forEach((value, i) => {
    const key = spec.control ? Buffer.from([0, 0, 0, spec.control === 'abort' ? 0 : 1]) : null;
    const body = [
      0,
      ...zigzag(0),
      ...zigzag(spec.deltas?.[i] ?? i),
      ...(key ? [...zigzag(key.length), ...key] : zigzag(-1)),
      ...(value === null || spec.control ? zigzag(-1) : [...zigzag(value.length), ...value]),
      ...zigzag(0),
    ];
    records.push(...zigzag(body.length), ...body);
  });
  const b = Buffer.alloc(61 + records.length);
  b.writeBigInt64BE(spec.baseOffset, 0);
  b.writeInt32BE(b.length - 12, 8);
  b.writeInt8(2, 16);
  b.writeInt16BE(spec.attributes ?? 0, 21);
  b.writeInt32BE(spec.lastOffsetDelta ?? (spec.deltas ? spec.deltas[spec.deltas.length - 1] : values.length - 1), 23);
  b.writeBigInt64BE(1_700_000_000_000n, 27);
  b.writeBigInt64BE(1_700_000_000_000n, 35);
  b.writeBigInt64BE(spec.producerId ?? -1n, 43);
  b.writeInt16BE(-1, 51);
  b.writeInt32BE(-1, 53);
  b.writeInt32BE(values.length, 57);
  Buffer.from(records).copy(b, 61);
  b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  return b;
}

const one = (spec: BatchSpec): RawRecordBatch => readRecordBatches(batchBytes(spec))[0];
const TXN = 0x10;
const CONTROL = 0x20;

describe('record batches read from a fetch response', () => {
  it('reads every complete batch and leaves out a partial one at the end', () => {
    const a = batchBytes({ baseOffset: 10n, values: [Buffer.from('a'), Buffer.from('bb')] });
    const b = batchBytes({ baseOffset: 12n, values: [Buffer.from('ccc')] });
    const set = Buffer.concat([a, b, b.subarray(0, 30)]);
    const batches = readRecordBatches(set);
    expect(batches.map((x) => [x.baseOffset, x.lastOffset, x.recordCount])).toEqual([
      [10n, 11n, 2],
      [12n, 12n, 1],
    ]);
    expect(batches[0].bytes.equals(a)).toBe(true);
  });

  it('refuses a negative batch length or an unknown magic with a clear error instead of looping', () => {
    const bad = batchBytes({ baseOffset: 0n, values: [Buffer.from('x')] });
    bad.writeInt32BE(-5, 8);
    expect(() => readRecordBatches(bad)).toThrow(/negative batch length/);
    const magic = batchBytes({ baseOffset: 0n, values: [Buffer.from('x')] });
    magic.writeInt8(7, 16);
    expect(() => readRecordBatches(magic)).toThrow(/unknown magic 7/);
  });

  it('counts value bytes without decoding, null values as none', () => {
    expect(valueBytesOf(one({ baseOffset: 0n, values: [Buffer.from('abc'), null, Buffer.from('de')] }))).toBe(5);
  });

  it('tells batches with compaction gaps from contiguous ones', () => {
    expect(isContiguous(one({ baseOffset: 0n, values: [Buffer.from('a'), Buffer.from('b')] }))).toBe(true);
    expect(isContiguous(one({ baseOffset: 0n, values: [Buffer.from('a'), Buffer.from('b')], deltas: [0, 3] }))).toBe(false);
  });
});

describe('read_committed filtering of raw batches', () => {
  const data = (baseOffset: bigint, producerId: bigint, transactional = true) =>
    one({ baseOffset, values: [Buffer.from('v')], producerId, attributes: transactional ? TXN : 0 });
  const marker = (baseOffset: bigint, producerId: bigint, control: 'abort' | 'commit') =>
    one({ baseOffset, values: [], producerId, attributes: TXN | CONTROL, control });

  it('drops the aborted transaction up to its marker, the markers, and keeps the rest', () => {
    const batches = [data(0n, 1n), data(1n, 2n), data(2n, 1n), marker(3n, 1n, 'abort'), data(4n, 1n), marker(5n, 2n, 'commit'), data(6n, 3n, false)];
    const kept = committedBatches(batches, [{ producerId: 1n, firstOffset: 0n }]);
    expect(kept.map((b) => b.baseOffset)).toEqual([1n, 4n, 6n]);
  });

  it('keeps everything but markers when nothing was aborted', () => {
    const kept = committedBatches([data(0n, 1n), marker(1n, 1n, 'commit')], []);
    expect(kept.map((b) => b.baseOffset)).toEqual([0n]);
  });
});

describe('which batches pass through as they are', () => {
  const limits = { maxBatchBytes: 1_000_000, fromOffset: 0n };
  it('passes a contiguous CreateTime batch of the current format', () => {
    expect(passthroughBlocker(one({ baseOffset: 5n, values: [Buffer.from('a')] }), limits)).toBeUndefined();
  });
  it.each<[string, RawRecordBatch, object, string]>([
    ['a marker', one({ baseOffset: 0n, values: [], attributes: TXN | CONTROL, control: 'commit' }), {}, 'control'],
    ['a batch with compaction gaps', one({ baseOffset: 0n, values: [Buffer.from('a'), Buffer.from('b')], deltas: [0, 4] }), {}, 'compaction-gaps'],
    ['a LogAppendTime batch', one({ baseOffset: 0n, values: [Buffer.from('a')], attributes: 0x08 }), {}, 'log-append-time'],
    ['a batch over the target limit', one({ baseOffset: 0n, values: [Buffer.alloc(100)] }), { maxBatchBytes: 100 }, 'too-large'],
    ['a batch starting before the position', one({ baseOffset: 0n, values: [Buffer.from('a'), Buffer.from('b')] }), { fromOffset: 1n }, 'partial'],
    ['an uncompressed batch when the producer is told zstd', one({ baseOffset: 0n, values: [Buffer.from('a')] }), { codec: 'zstd' }, 'codec-override'],
  ])('re-encodes %s', (_, batch, extra, reason) => {
    expect(passthroughBlocker(batch, { ...limits, ...extra })).toBe(reason);
  });
});

describe('the Fetch wire format', () => {
  it('writes the request fields where the broker reads them', () => {
    const body = encodeFetchRequest({
      maxWaitMs: 500,
      minBytes: 1,
      maxBytes: 1000,
      readCommitted: true,
      rackId: 'r1',
      topics: [{ topic: 't', partitions: [{ partition: 3, fetchOffset: 42n, maxBytes: 100 }] }],
    });
    expect(body.readInt32BE(0)).toBe(-1);
    expect(body.readInt32BE(4)).toBe(500);
    expect(body.readInt8(16)).toBe(1);
    expect(body.readInt32BE(25)).toBe(1); // one topic
    expect(body.toString('utf8', 31, 32)).toBe('t');
    expect(body.readInt32BE(36)).toBe(3);
    expect(body.readBigInt64BE(44)).toBe(42n);
    expect(body.toString('utf8', body.length - 2)).toBe('r1');
  });

  it('reads an answer, and refuses a truncated one with an error instead of reading past it', () => {
    const records = batchBytes({ baseOffset: 0n, values: [Buffer.from('x')] });
    const head = Buffer.alloc(4 + 2 + 4 + 4 + 2 + 1 + 4 + 4 + 2 + 8 * 3 + 4 + 8 + 8 + 4 + 4);
    let at = 0;
    at = head.writeInt32BE(0, at);
    at = head.writeInt16BE(0, at);
    at = head.writeInt32BE(0, at);
    at = head.writeInt32BE(1, at);
    at = head.writeInt16BE(1, at);
    at += head.write('t', at);
    at = head.writeInt32BE(1, at);
    at = head.writeInt32BE(0, at);
    at = head.writeInt16BE(0, at);
    at = head.writeBigInt64BE(10n, at);
    at = head.writeBigInt64BE(10n, at);
    at = head.writeBigInt64BE(0n, at);
    at = head.writeInt32BE(1, at);
    at = head.writeBigInt64BE(7n, at);
    at = head.writeBigInt64BE(0n, at);
    at = head.writeInt32BE(-1, at);
    head.writeInt32BE(records.length, at);
    const answer = Buffer.concat([head, records]);
    const decoded = decodeFetchResponse(answer);
    expect(decoded.partitions).toHaveLength(1);
    expect(decoded.partitions[0]).toMatchObject({ topic: 't', partition: 0, highWatermark: 10n, abortedTransactions: [{ producerId: 7n, firstOffset: 0n }] });
    expect(decoded.partitions[0].records.equals(records)).toBe(true);
    expect(() => decodeFetchResponse(answer.subarray(0, answer.length - 3))).toThrow(/truncated/);
    const huge = Buffer.from(answer);
    huge.writeInt32BE(0x7fffffff, 10); // topic count
    expect(() => decodeFetchResponse(huge)).toThrow(/truncated/);
  });
});
