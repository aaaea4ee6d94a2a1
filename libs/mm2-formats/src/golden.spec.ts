// Golden vectors: bytes written by Apache Kafka's own MM2 classes (OffsetSync, Checkpoint, Heartbeat,
// and Connect's JsonConverter for connector positions).
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint';
import {
  decodeCheckpointOffsetKey,
  decodeHeartbeatOffsetKey,
  decodeSourceOffset,
  decodeSourceOffsetKey,
  encodeCheckpointOffsetKey,
  encodeHeartbeatOffsetKey,
  encodeSourceOffsetKey,
  encodeSourceOffsetValue,
} from './connect-offsets';
import connectOffsetFixtures from './fixtures/connect-offsets.golden.json';
import recordFixtures from './fixtures/mm2-records.golden.json';
import { decodeHeartbeat, encodeHeartbeat, type Heartbeat } from './heartbeat';
import type { Mm2RecordBytes } from './mm2-record';
import { decodeOffsetSync, encodeOffsetSync, type OffsetSync } from './offset-sync';

type Fixture = (typeof recordFixtures)[number];

function withBigInts(record: Fixture['record']): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).map(([name, value]) => [
      name,
      /offset|timestamp/i.test(name) ? BigInt(value as string) : value,
    ]),
  );
}

interface Codec {
  encode(record: Record<string, unknown>): Mm2RecordBytes;
  decode(key: Uint8Array, value: Uint8Array): unknown;
}

const codecs: Record<string, Codec> = {
  OffsetSync: { encode: (r) => encodeOffsetSync(r as unknown as OffsetSync), decode: decodeOffsetSync },
  Checkpoint: { encode: (r) => encodeCheckpoint(r as unknown as Checkpoint), decode: decodeCheckpoint },
  Heartbeat: { encode: (r) => encodeHeartbeat(r as unknown as Heartbeat), decode: decodeHeartbeat },
};

describe('MM2 internal topic records match the golden bytes', () => {
  it.each(recordFixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const record = withBigInts(fixture.record);
    const { encode, decode } = codecs[fixture.type]!;
    const bytes = encode(record);
    expect(bytes.key.toString('hex')).toBe(fixture.keyHex);
    expect(bytes.value.toString('hex')).toBe(fixture.valueHex);
    expect(decode(Buffer.from(fixture.keyHex, 'hex'), Buffer.from(fixture.valueHex, 'hex'))).toEqual(record);
  });
});

describe('Connect offset records match the golden bytes', () => {
  it.each(connectOffsetFixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const bytes = Buffer.from(fixture.hex, 'hex');
    const partition = fixture.partition as never;
    switch (fixture.kind) {
      case 'sourceKey':
        expect(encodeSourceOffsetKey(partition).toString('hex')).toBe(fixture.hex);
        expect(decodeSourceOffsetKey(bytes)).toEqual(fixture.partition);
        break;
      case 'checkpointKey':
        expect(encodeCheckpointOffsetKey(partition).toString('hex')).toBe(fixture.hex);
        expect(decodeCheckpointOffsetKey(bytes)).toEqual(fixture.partition);
        break;
      case 'heartbeatKey':
        expect(encodeHeartbeatOffsetKey(partition).toString('hex')).toBe(fixture.hex);
        expect(decodeHeartbeatOffsetKey(bytes)).toEqual(fixture.partition);
        break;
      case 'value': {
        const offset = BigInt(fixture.offset!);
        expect(encodeSourceOffsetValue(offset).toString('hex')).toBe(fixture.hex);
        const key = encodeSourceOffsetKey({ cluster: 'A', topic: 't', partition: 0 });
        expect(decodeSourceOffset(key, bytes)?.offset).toBe(offset);
        break;
      }
      default:
        throw new Error(`unknown fixture kind ${fixture.kind}`);
    }
  });
});
