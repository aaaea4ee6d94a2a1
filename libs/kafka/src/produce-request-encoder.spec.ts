/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's request modules must load after the patch (or in an isolated registry), so they are required inside the tests */
import { CompressionTypes } from 'kafkajs';
import Decoder from 'kafkajs/src/protocol/decoder';
import crc32C from 'kafkajs/src/protocol/recordBatch/crc32C';
import { registerCompressionCodecs } from './compression-codecs';
import { orderedHeaders, type OrderedHeaders } from './headers';
import { produceRequestV3, type ProduceMessage, type ProduceRequestArgs, type ProduceTopicData } from './produce-request-encoder';
import { ORDERED_HEADERS, headersCarrier, installRecordCodecPatch, type DecodedKafkaJsRecord } from './record-codec-patch';

const PRODUCE_V3 = 'kafkajs/src/protocol/requests/produce/v3/request';

type ProduceRequestFactory = (args: ProduceRequestArgs) => { apiVersion: number; encode(): Promise<{ buffer: Buffer }> };

interface DecodedBatch {
  firstOffset: string;
  firstTimestamp: string;
  maxTimestamp: string;
  lastOffsetDelta: number;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  inTransaction: boolean;
  records: DecodedKafkaJsRecord[];
}

interface DecodedPartition {
  topic: string;
  partition: number;
  crcMatches: boolean;
  batch: DecodedBatch;
}

const NOW = 1_700_000_000_000;

/** kafkajs's own Produce v3 request, with kafkajs's own record encoder (loaded outside the patch). */
let kafkajsProduceV3: ProduceRequestFactory;

beforeAll(() => {
  installRecordCodecPatch();
  registerCompressionCodecs();
  jest.isolateModules(() => {
    kafkajsProduceV3 = require(PRODUCE_V3) as ProduceRequestFactory;
  });
});

beforeEach(() => {
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
});

afterEach(() => {
  jest.restoreAllMocks();
});

async function encode(args: ProduceRequestArgs): Promise<Buffer> {
  return (await produceRequestV3(args).encode()).buffer;
}

/** Reads a Produce v3 request back: every partition's batch through kafkajs's batch decoder. */
async function decodeRequest(request: Buffer): Promise<DecodedPartition[]> {
  const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: Decoder) => Promise<DecodedBatch>;
  const d = new Decoder(request);
  d.readString(); // transactional id
  d.readInt16(); // acks
  d.readInt32(); // timeout
  const out: DecodedPartition[] = [];
  const topicCount = d.readInt32();
  for (let t = 0; t < topicCount; t++) {
    const topic = d.readString() ?? '';
    const partitionCount = d.readInt32();
    for (let p = 0; p < partitionCount; p++) {
      const partition = d.readInt32();
      const recordSet = d.readBytes();
      // BaseOffset int64, Length int32, then Length bytes; the CRC (at 17) covers bytes 21 to the end.
      expect(recordSet.readInt32BE(8)).toBe(recordSet.length - 12);
      const crcMatches = crc32C(recordSet.subarray(21)) === recordSet.readUInt32BE(17);
      out.push({ topic, partition, crcMatches, batch: await decodeBatch(new Decoder(recordSet)) });
    }
  }
  expect(d.offset).toBe(request.length);
  return out;
}

function plain(headers: OrderedHeaders): Array<[string, string | null]> {
  return headers.map((h) => [h.key, h.value === null ? null : h.value.toString('utf8')]);
}

/** Where two buffers first differ, or null (jest's toEqual is slow on large Buffers). */
function firstDifference(actual: Buffer, expected: Buffer): number | null {
  if (actual.equals(expected)) return null;
  let at = 0;
  while (at < actual.length && at < expected.length && actual[at] === expected[at]) at++;
  return at;
}

function hex(bytes: Buffer | null | undefined): string | null {
  return bytes ? bytes.toString('hex') : null;
}

/** Messages kafkajs encodes correctly: Buffer, string and null keys and values, kafkajs header objects. */
function kafkajsMessages(timestamps: ReadonlyArray<ProduceMessage['timestamp']>): ProduceMessage[] {
  return timestamps.map((timestamp, i) => ({
    key: i % 3 === 0 ? Buffer.from(`key-${i}`) : i % 3 === 1 ? `ключ-${i}` : null,
    value: i % 4 === 0 ? null : i % 4 === 1 ? `value ${i} ✓` : Buffer.alloc(i === 3 ? 10_000 : (i * 97) % 1000, i % 256),
    headers:
      i % 2 === 0
        ? { 'trace-id': Buffer.from(`t${i}`), 10: 'ten', 2: [Buffer.from('a'), 'b'], 'clé-é': 'v', ['k'.repeat(40)]: Buffer.alloc(3), empty: [] }
        : undefined,
    ...(timestamp === undefined ? {} : { timestamp }),
  }));
}

const KAFKAJS_TOPIC_DATA: ProduceTopicData[] = [
  {
    topic: 'orders',
    partitions: [
      { partition: 0, firstSequence: 100, messages: kafkajsMessages(['1700000000500', '1700000000000', '1700000009999', '1700000000000']) },
      { partition: 3, firstSequence: 7, messages: kafkajsMessages([1700000001000, 1700000000001, 1700000004000]) },
      // Timestamps far apart: a delta whose varlong needs more than 32 bits.
      { partition: 5, messages: kafkajsMessages([1000000000000n, 9999999999999n]) },
    ],
  },
  {
    topic: 'événements',
    partitions: [
      // No timestamps: Date.now() for all.
      { partition: 1, firstSequence: 0, messages: kafkajsMessages([undefined, undefined, undefined, undefined, undefined, undefined]) },
      { partition: 2, firstSequence: 0, messages: [{ value: Buffer.from('only') }] },
    ],
  },
];

describe('produce request encoder', () => {
  it("is what kafkajs's Produce requests v3 to v7 use once the patch is installed", async () => {
    const args: ProduceRequestArgs = { acks: -1, timeout: 30000, topicData: KAFKAJS_TOPIC_DATA };
    const expected = await encode(args);
    const produce = require('kafkajs/src/protocol/requests/produce') as {
      protocol(v: { version: number }): (args: ProduceRequestArgs) => { request: ReturnType<ProduceRequestFactory> & { apiKey: number } };
    };
    for (const version of [3, 4, 5, 6, 7]) {
      const { request } = produce.protocol({ version })(args);
      expect(request).toMatchObject({ apiKey: 0, apiVersion: version, apiName: 'Produce' });
      expect(firstDifference((await request.encode()).buffer, expected)).toBeNull();
    }
    expect(require(PRODUCE_V3)).not.toBe(kafkajsProduceV3);
  });

  it('expects a response unless acks is 0', () => {
    expect(produceRequestV3({ acks: 0, timeout: 1, topicData: [] }).expectResponse()).toBe(false);
    expect(produceRequestV3({ acks: 1, timeout: 1, topicData: [] }).expectResponse()).toBe(true);
    expect(produceRequestV3({ acks: -1, timeout: 1, topicData: [] }).expectResponse()).toBe(true);
  });

  describe.each([
    ['uncompressed', CompressionTypes.None],
    ['gzip', CompressionTypes.GZIP],
  ])('writes the same bytes as kafkajs for messages without carriers (%s)', (_name, compression) => {
    it.each([
      ['a plain producer', {}],
      ['an idempotent producer', { producerId: '4294967301', producerEpoch: 3 }],
      ['a transactional producer', { transactionalId: 'tx-é-1', producerId: 42, producerEpoch: 32000 }],
    ])('for %s', async (_who, producer) => {
      const args: ProduceRequestArgs = { acks: -1, timeout: 30000, compression, topicData: KAFKAJS_TOPIC_DATA, ...producer };
      expect(firstDifference(await encode(args), (await kafkajsProduceV3(args).encode()).buffer)).toBeNull();
    });

    it('for a batch of 5,000 records', async () => {
      const timestamps = Array.from({ length: 5000 }, (_, i) => String(NOW + ((i * 7919) % 100000)));
      const args: ProduceRequestArgs = {
        acks: 1,
        timeout: 5000,
        compression,
        producerId: 9,
        producerEpoch: 1,
        topicData: [{ topic: 't', partitions: [{ partition: 0, firstSequence: 12345, messages: kafkajsMessages(timestamps) }] }],
      };
      expect(firstDifference(await encode(args), (await kafkajsProduceV3(args).encode()).buffer)).toBeNull();
    });
  });

  it('writes the batch fields', async () => {
    const request = await encode({
      acks: -1,
      timeout: 1000,
      transactionalId: 'tx',
      producerId: 4294967301n,
      producerEpoch: 2,
      topicData: [
        {
          topic: 't',
          partitions: [
            {
              partition: 4,
              firstSequence: 77,
              messages: [{ value: 'a', timestamp: NOW - 500 }, { value: 'b' }, { value: 'c', timestamp: `${NOW - 1000}` }],
            },
          ],
        },
      ],
    });
    const [{ partition, crcMatches, batch }] = await decodeRequest(request);
    expect(partition).toBe(4);
    expect(crcMatches).toBe(true);
    expect(batch).toMatchObject({
      firstOffset: '0',
      // Smallest and largest timestamp, the message without one counting as Date.now().
      firstTimestamp: `${NOW - 1000}`,
      maxTimestamp: `${NOW}`,
      lastOffsetDelta: 2,
      producerId: '4294967301',
      producerEpoch: 2,
      firstSequence: 77,
      inTransaction: true,
    });
    expect(batch.records.map((r) => [r.offset, r.timestamp, r.value?.toString()])).toEqual([
      ['0', `${NOW - 500}`, 'a'],
      ['1', `${NOW}`, 'b'],
      ['2', `${NOW - 1000}`, 'c'],
    ]);
  });

  it('writes a null value in a kafkajs headers object, which kafkajs itself cannot encode', async () => {
    const args: ProduceRequestArgs = {
      acks: -1,
      timeout: 1000,
      topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ value: 'v', headers: { n: null } }] }] }],
    };
    // Also shows that the reference of the byte-for-byte tests is kafkajs's unpatched module.
    await expect(kafkajsProduceV3(args).encode()).rejects.toThrow();
    const [{ batch }] = await decodeRequest(await encode(args));
    expect(plain(batch.records[0][ORDERED_HEADERS])).toEqual([['n', null]]);
  });

  describe.each([
    ['uncompressed', CompressionTypes.None],
    ['gzip', CompressionTypes.GZIP],
    ['snappy', CompressionTypes.Snappy],
    ['lz4', CompressionTypes.LZ4],
  ])('headers carriers (%s)', (_name, compression) => {
    const EXACT = orderedHeaders([
      ['a', '1'],
      ['b', '2'],
      ['a', '3'],
      ['10', 'x'],
      ['2', 'y'],
      ['n', null],
      ['a', null],
      ['clé', 'é'],
      ['k'.repeat(40), 'long key'],
      ['', ''],
    ]);

    it('keep the exact header list: order, duplicates and null values', async () => {
      const request = await encode({
        acks: -1,
        timeout: 1000,
        compression,
        topicData: [
          {
            topic: 't',
            partitions: [
              {
                partition: 0,
                messages: [
                  { key: Buffer.from('k1'), value: Buffer.from('v1'), headers: headersCarrier(EXACT), timestamp: NOW },
                  { key: null, value: null, headers: headersCarrier([]), timestamp: NOW + 5 },
                  { value: Buffer.from('object form'), headers: { x: Buffer.from('1'), y: [Buffer.from('2'), null] }, timestamp: NOW + 1 },
                ],
              },
            ],
          },
        ],
      });
      const [{ crcMatches, batch }] = await decodeRequest(request);
      expect(crcMatches).toBe(true);
      const [first, second, third] = batch.records;
      expect(plain(first[ORDERED_HEADERS])).toEqual(plain(EXACT));
      expect(first).toMatchObject({ offset: '0', timestamp: `${NOW}` });
      expect(first.key?.toString()).toBe('k1');
      expect(first.value?.toString()).toBe('v1');
      expect(second).toMatchObject({ offset: '1', timestamp: `${NOW + 5}`, key: null, value: null });
      expect(second[ORDERED_HEADERS]).toEqual([]);
      expect(plain(third[ORDERED_HEADERS])).toEqual([
        ['x', '1'],
        ['y', '2'],
        ['y', null],
      ]);
    });
  });

  it.each([
    ['uncompressed', CompressionTypes.None],
    ['gzip', CompressionTypes.GZIP],
  ])('writes a batch of 5,000 records with carriers that reads back intact (%s)', async (_name, compression) => {
    const count = 5000;
    const messages: ProduceMessage[] = Array.from({ length: count }, (_, i) => ({
      key: i % 10 === 0 ? null : Buffer.from(`key-${i}`),
      value: Buffer.alloc((i * 31) % 300, i % 251),
      headers: headersCarrier(
        orderedHeaders([
          ['source', 'A'],
          ['seq', String(i)],
          ...(i % 7 === 0 ? ([['seq', null]] as const) : []),
        ]),
      ),
      timestamp: NOW + ((i * 7919) % 100000),
    }));
    const request = await encode({
      acks: -1,
      timeout: 1000,
      compression,
      producerId: 5,
      producerEpoch: 0,
      topicData: [{ topic: 't', partitions: [{ partition: 0, firstSequence: 1000, messages }] }],
    });
    const [{ crcMatches, batch }] = await decodeRequest(request);
    expect(crcMatches).toBe(true);
    expect(batch.lastOffsetDelta).toBe(count - 1);
    const timestamps = messages.map((m) => m.timestamp as number);
    expect(batch.firstTimestamp).toBe(String(Math.min(...timestamps)));
    expect(batch.maxTimestamp).toBe(String(Math.max(...timestamps)));
    expect(batch.records.map((r) => [r.offset, r.timestamp, hex(r.key), hex(r.value), plain(r[ORDERED_HEADERS])])).toEqual(
      messages.map((m, i) => [
        String(i),
        String(m.timestamp),
        hex(m.key as Buffer | null),
        hex(m.value as Buffer),
        plain((m.headers as { [ORDERED_HEADERS]: OrderedHeaders })[ORDERED_HEADERS]),
      ]),
    );
  });

  it.each([
    ['a negative timestamp', { value: null, timestamp: -1 }],
    ['a fractional timestamp', { value: null, timestamp: 1.5 }],
    ['a timestamp that is no number', { value: null, timestamp: 'yesterday' }],
    ['a timestamp beyond 2^53', { value: null, timestamp: 2n ** 60n }],
    ['a number as value', { value: 5 as unknown as Buffer }],
    ['a number as header value', { value: null, headers: { h: 5 } }],
    ['a carrier header key that is no string', { value: null, headers: headersCarrier([{ key: 5 as unknown as string, value: null }]) }],
    ['a carrier header value that is a string', { value: null, headers: headersCarrier([{ key: 'h', value: 'text' as unknown as Buffer }]) }],
  ])('rejects %s', async (_what, message: ProduceMessage) => {
    const request = produceRequestV3({ acks: -1, timeout: 1, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ value: null }, message] }] }] });
    await expect(request.encode()).rejects.toMatchObject({ code: 'INVALID_RECORD', message: expect.stringContaining("'t' partition 0, record 1") });
  });
});
