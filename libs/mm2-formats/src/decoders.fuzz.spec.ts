import { forEachSeed, mutateBytes, randomBytes, randomText, type SeededRandom } from '@mirrormaker/lease/testing';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint';
import {
  decodeCheckpointOffset,
  decodeHeartbeatOffset,
  decodeSourceOffset,
  encodeCheckpointOffsetKey,
  encodeHeartbeatOffsetKey,
  encodeSourceOffsetKey,
  encodeSourceOffsetValue,
} from './connect-offsets';
import { isMm2FormatError } from './errors';
import { decodeHeartbeat, encodeHeartbeat } from './heartbeat';
import { decodeOffsetSync, encodeOffsetSync } from './offset-sync';

// Corrupt records in an internal topic must never crash or stall a reader: every decode either
// returns a value or throws Mm2FormatError (the struct formats) or returns null (Connect offsets).

const CASES = 3000;

const name = (rnd: SeededRandom) => randomText(rnd, rnd.int(0, 40), 'abc.-_');
const int64 = (rnd: SeededRandom) => rnd.bigint(-(2n ** 52n), 2n ** 52n) * (rnd.chance(0.1) ? 2047n : 1n);

/** Calls `decode` and accepts only a value or our error; anything else fails with its mutation named. */
function expectValueOrFormatError(what: string, decode: () => unknown): void {
  try {
    decode();
  } catch (err) {
    if (!isMm2FormatError(err)) throw new Error(`${what}: threw ${(err as Error)?.name}: ${(err as Error)?.message}`);
    expect(err.message).toMatch(/^(OffsetSync|Checkpoint|Heartbeat) (key|value): /);
  }
}

function expectValueOrNull(what: string, decode: () => unknown): void {
  let result: unknown;
  try {
    result = decode();
  } catch (err) {
    throw new Error(`${what}: threw ${(err as Error)?.name}: ${(err as Error)?.message}`);
  }
  if (result !== null && (typeof result !== 'object' || !('partition' in result))) throw new Error(`${what}: returned ${String(result)}`);
}

describe('MM2 record decoders under bad input', () => {
  it('offset syncs: valid records round-trip; mutated ones decode or fail with Mm2FormatError', () => {
    forEachSeed(1, CASES, (rnd) => {
      const sync = { topic: name(rnd), partition: rnd.int(0, 1000), upstreamOffset: int64(rnd), downstreamOffset: int64(rnd) };
      const { key, value } = encodeOffsetSync(sync);
      expect(decodeOffsetSync(key, value)).toEqual(sync);
      const k = mutateBytes(rnd, key);
      const v = mutateBytes(rnd, value);
      expectValueOrFormatError(`key ${k.mutation}`, () => decodeOffsetSync(k.bytes, value));
      expectValueOrFormatError(`value ${v.mutation}`, () => decodeOffsetSync(key, v.bytes));
      expectValueOrFormatError(`both ${k.mutation}/${v.mutation}`, () => decodeOffsetSync(k.bytes, v.bytes));
    });
  });

  it('checkpoints: valid records round-trip; mutated ones decode or fail with Mm2FormatError', () => {
    forEachSeed(10_001, CASES, (rnd) => {
      const checkpoint = {
        group: name(rnd),
        topic: name(rnd),
        partition: rnd.int(0, 1000),
        upstreamOffset: int64(rnd),
        downstreamOffset: int64(rnd),
        metadata: randomText(rnd, rnd.int(0, 20)),
      };
      const { key, value } = encodeCheckpoint(checkpoint);
      expect(decodeCheckpoint(key, value)).toEqual({ ...checkpoint, metadata: expect.any(String) });
      const k = mutateBytes(rnd, key);
      const v = mutateBytes(rnd, value);
      expectValueOrFormatError(`key ${k.mutation}`, () => decodeCheckpoint(k.bytes, value));
      expectValueOrFormatError(`value ${v.mutation}`, () => decodeCheckpoint(key, v.bytes));
      expectValueOrFormatError(`both ${k.mutation}/${v.mutation}`, () => decodeCheckpoint(k.bytes, v.bytes));
    });
  });

  it('heartbeats: valid records round-trip; mutated ones decode or fail with Mm2FormatError', () => {
    forEachSeed(20_001, CASES, (rnd) => {
      const heartbeat = { sourceClusterAlias: name(rnd), targetClusterAlias: name(rnd), timestamp: int64(rnd) };
      const { key, value } = encodeHeartbeat(heartbeat);
      expect(decodeHeartbeat(key, value)).toEqual(heartbeat);
      const k = mutateBytes(rnd, key);
      const v = mutateBytes(rnd, value);
      expectValueOrFormatError(`key ${k.mutation}`, () => decodeHeartbeat(k.bytes, value));
      expectValueOrFormatError(`value ${v.mutation}`, () => decodeHeartbeat(key, v.bytes));
    });
  });

  it('Connect offsets of all three connectors: valid records round-trip; mutated ones give a position or null', () => {
    forEachSeed(30_001, CASES / 3, (rnd) => {
      const offset = int64(rnd);
      const value = encodeSourceOffsetValue(offset);
      const source = { cluster: name(rnd), topic: name(rnd), partition: rnd.int(0, 1000) };
      const checkpoint = { group: name(rnd), topic: name(rnd), partition: rnd.int(0, 1000) };
      const heartbeat = { sourceClusterAlias: name(rnd), targetClusterAlias: name(rnd) };
      const keys = [
        { key: encodeSourceOffsetKey(source), decode: decodeSourceOffset, partition: source },
        { key: encodeCheckpointOffsetKey(checkpoint), decode: decodeCheckpointOffset, partition: checkpoint },
        { key: encodeHeartbeatOffsetKey(heartbeat), decode: decodeHeartbeatOffset, partition: heartbeat },
      ] as const;
      for (const { key, decode, partition } of keys) {
        expect((decode as (k: Buffer, v: Buffer) => unknown)(key, value)).toEqual({ partition, offset });
        const k = mutateBytes(rnd, key);
        const v = mutateBytes(rnd, value);
        expectValueOrNull(`key ${k.mutation}`, () => decode(k.bytes, value));
        expectValueOrNull(`value ${v.mutation}`, () => decode(key, v.bytes));
        expectValueOrNull('random value', () => decode(key, randomBytes(rnd, rnd.int(0, 40))));
      }
    });
  });

  it('a length prefix claiming the maximum fails at once as TRUNCATED instead of reading on', () => {
    const key = Buffer.from([0x7f, 0xff, 0x41]);
    expect(() => decodeOffsetSync(key, Buffer.alloc(16))).toThrow(
      expect.objectContaining({ code: 'TRUNCATED', message: 'OffsetSync key: needs 32767 more bytes at offset 2, only 1 left' }),
    );
    expect(() => decodeCheckpoint(Buffer.from([0xff, 0xff]), encodeCheckpoint({ group: 'g', topic: 't', partition: 0, upstreamOffset: 0n, downstreamOffset: 0n, metadata: '' }).value)).toThrow(
      expect.objectContaining({ code: 'NEGATIVE_LENGTH', message: 'Checkpoint key: string length -1 is negative' }),
    );
  });

  it('Connect offset JSON nested deeper than any real key, or megabytes long, is read as no position', () => {
    const deep = Buffer.from('['.repeat(100_000) + ']'.repeat(100_000));
    expect(decodeSourceOffset(deep, encodeSourceOffsetValue(1n))).toBeNull();
    const key = encodeSourceOffsetKey({ cluster: 'A', topic: 't', partition: 0 });
    expect(decodeSourceOffset(key, Buffer.from(`{"offset":${'9'.repeat(1_000_000)}}`))).toBeNull();
    expect(decodeSourceOffset(key, Buffer.from(`{"offset":[${'1,'.repeat(500_000)}1]}`))).toBeNull();
    expect(decodeSourceOffset(key, Buffer.from(`{"offset":"${'x'.repeat(1_000_000)}`))).toBeNull();
  });
});
