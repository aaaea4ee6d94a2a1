/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs's request modules must load after the patch, so they are required inside the tests */
import { CompressionTypes } from 'kafkajs';
import Decoder from 'kafkajs/src/protocol/decoder';
import { registerCompressionCodecs } from './compression-codecs';
import { orderedHeaders, type OrderedHeaders } from './headers';
import {
  ORDERED_HEADERS,
  RECORD_SIZE,
  assertRecordCodecPatched,
  headersCarrier,
  installRecordCodecPatch,
  orderedHeadersOf,
  type DecodedKafkaJsRecord,
} from './record-codec-patch';

interface ProduceMessage {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: unknown;
  timestamp?: string;
}

type ProduceRequestV3 = (args: {
  acks: number;
  timeout: number;
  compression?: number;
  topicData: Array<{ topic: string; partitions: Array<{ partition: number; firstSequence?: number; messages: ProduceMessage[] }> }>;
}) => { encode(): Promise<{ buffer: Buffer }> };

type DecodeMessages = (decoder: Decoder) => Promise<DecodedKafkaJsRecord[]>;

/** The exact header list of the produce test: duplicates, interleaving, integer-like keys, a null value. */
const HEADERS: OrderedHeaders = orderedHeaders([
  ['a', '1'],
  ['b', '2'],
  ['a', '3'],
  ['10', 'x'],
  ['2', 'y'],
  ['n', null],
]);

beforeAll(() => {
  installRecordCodecPatch();
  registerCompressionCodecs();
});

/**
 * Encodes a Produce v3 request with kafkajs's own request module (which uses the patched record
 * encoder), takes the record set of the first partition out of it and decodes it with kafkajs's
 * own fetch decoder (which uses the patched record decoder).
 */
async function roundTrip(messages: ProduceMessage[], compression: number = CompressionTypes.None): Promise<DecodedKafkaJsRecord[]> {
  const produceV3 = require('kafkajs/src/protocol/requests/produce/v3/request') as ProduceRequestV3;
  const decodeMessages = require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages') as DecodeMessages;
  const request = produceV3({ acks: -1, timeout: 1000, compression, topicData: [{ topic: 't', partitions: [{ partition: 0, firstSequence: 0, messages }] }] });
  const encoded = (await request.encode()).buffer;

  const d = new Decoder(encoded);
  d.readString(); // transactional id
  d.readInt16(); // acks
  d.readInt32(); // timeout
  expect(d.readInt32()).toBe(1); // topics
  expect(d.readString()).toBe('t');
  expect(d.readInt32()).toBe(1); // partitions
  expect(d.readInt32()).toBe(0); // partition
  const recordSet = d.readBytes();

  const fetchSection = Buffer.alloc(4 + recordSet.length);
  fetchSection.writeInt32BE(recordSet.length, 0);
  recordSet.copy(fetchSection, 4);
  return decodeMessages(new Decoder(fetchSection));
}

function plain(headers: OrderedHeaders): Array<[string, string | null]> {
  return headers.map((h) => [h.key, h.value === null ? null : h.value.toString('utf8')]);
}

describe('record codec patch', () => {
  it('is installed, and installing again is a no-op', () => {
    expect(() => assertRecordCodecPatched()).not.toThrow();
    expect(() => installRecordCodecPatch()).not.toThrow();
  });

  it.each([
    ['uncompressed', CompressionTypes.None],
    ['gzip', CompressionTypes.GZIP],
    ['snappy', CompressionTypes.Snappy],
    ['lz4', CompressionTypes.LZ4],
  ])('keeps interleaved, duplicate, integer-like and null-valued headers in order through produce and fetch (%s)', async (_name, compression) => {
    const records = await roundTrip(
      [
        { key: Buffer.from('k1'), value: Buffer.from('v1'), headers: headersCarrier(HEADERS), timestamp: '1700000000000' },
        { key: null, value: null, headers: headersCarrier([]), timestamp: '1700000000005' },
      ],
      compression,
    );
    expect(records).toHaveLength(2);
    expect(plain(records[0][ORDERED_HEADERS])).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['a', '3'],
      ['10', 'x'],
      ['2', 'y'],
      ['n', null],
    ]);
    expect(records[0].key?.toString()).toBe('k1');
    expect(records[0].value?.toString()).toBe('v1');
    expect(records[0].timestamp).toBe('1700000000000');
    expect(records[0].offset).toBe('0');
    expect(records[1]).toMatchObject({ key: null, value: null, timestamp: '1700000000005', offset: '1' });
    expect(records[1][ORDERED_HEADERS]).toEqual([]);
  });

  it('still gives kafkajs its object form of the headers', async () => {
    const [record] = await roundTrip([{ value: Buffer.from('v'), headers: headersCarrier(HEADERS) }]);
    expect(Object.keys(record.headers).sort()).toEqual(['10', '2', 'a', 'b', 'n']);
    expect((record.headers.a as Buffer[]).map(String)).toEqual(['1', '3']);
    expect(record.headers.n).toBeNull();
  });

  it('encodes plain kafkajs header objects exactly as kafkajs does', async () => {
    const [record] = await roundTrip([{ value: Buffer.from('v'), headers: { x: Buffer.from('1'), y: [Buffer.from('2'), Buffer.from('3')] } }]);
    expect(plain(orderedHeadersOf(record))).toEqual([
      ['x', '1'],
      ['y', '2'],
      ['y', '3'],
    ]);
  });

  it('reports the encoded size of each record', async () => {
    const [small, large] = await roundTrip([
      { value: Buffer.alloc(10), headers: headersCarrier([]) },
      { value: Buffer.alloc(1000), headers: headersCarrier(orderedHeaders([['h', 'v']])) },
    ]);
    // length varint (1) + attributes (1) + ts delta (1) + offset delta (1) + null key (1) + value (1 + 10) + 0 headers (1)
    expect(small[RECORD_SIZE]).toBe(17);
    // length varint (2) + 4 + value (2 + 1000) + headers (1 + (1 + 1) + (1 + 1))
    expect(large[RECORD_SIZE]).toBe(2 + 4 + 1002 + 5);
  });

  it('rejects header values that are not Buffers or null', async () => {
    await expect(roundTrip([{ value: null, headers: headersCarrier([{ key: 'a', value: 'text' as unknown as Buffer }]) }])).rejects.toMatchObject({
      code: 'INVALID_RECORD',
    });
  });

  // Last test of the file: it starts a fresh module registry (jest.isolateModules would not do:
  // jest's require.cache always shows the main registry).
  it('refuses to install when kafkajs loaded its record batch code before the patch', () => {
    jest.resetModules();
    require('kafkajs/src/protocol/recordBatch/v0/decoder');
    const fresh = require('./record-codec-patch') as typeof import('./record-codec-patch');
    expect(() => fresh.installRecordCodecPatch()).toThrow(expect.objectContaining({ code: 'INCOMPATIBLE_CLIENT' }));
    expect(() => fresh.assertRecordCodecPatched()).toThrow(expect.objectContaining({ code: 'INCOMPATIBLE_CLIENT' }));
  });
});
