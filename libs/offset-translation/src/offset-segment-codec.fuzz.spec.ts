import { forEachSeed, mutateBytes, randomText } from '@mirrormaker/lease/testing';
import { isOffsetTranslationError } from './errors';
import { decodeOffsetSegments, encodeOffsetSegments } from './offset-segment-codec';
import type { OffsetSegment } from './offset-segment';

// A corrupt offset-segments record must be skipped by its reader, never crash it: decoding returns
// segments or throws INVALID_SEGMENT_RECORD, and a count field claiming billions fails at once.

describe('offset-segments records under bad input', () => {
  it('valid records round-trip; mutated ones decode or fail with INVALID_SEGMENT_RECORD', () => {
    forEachSeed(1, 3000, (rnd) => {
      const tp = { topic: randomText(rnd, rnd.int(0, 30), 'abc.-_'), partition: rnd.int(0, 5000) };
      const segments: OffsetSegment[] = [];
      let at = rnd.bigint(0n, 2n ** 40n);
      for (let i = rnd.int(0, 5); i > 0; i--) {
        const end = at + rnd.bigint(1n, 1000n);
        segments.push({ ...tp, upstreamStart: at, downstreamStart: rnd.bigint(0n, 2n ** 40n), upstreamEnd: end });
        at = end + rnd.bigint(0n, 10n);
      }
      const { key, value } = encodeOffsetSegments(tp, segments);
      expect(decodeOffsetSegments(key, value)).toEqual(segments);
      const k = mutateBytes(rnd, key);
      const v = mutateBytes(rnd, value);
      for (const [what, attempt] of [
        [`key ${k.mutation}`, () => decodeOffsetSegments(k.bytes, value)],
        [`value ${v.mutation}`, () => decodeOffsetSegments(key, v.bytes)],
      ] as const) {
        try {
          attempt();
        } catch (err) {
          if (!isOffsetTranslationError(err)) throw new Error(`${what}: threw ${(err as Error).name}: ${(err as Error).message}`);
          expect(err.code).toBe('INVALID_SEGMENT_RECORD');
          expect(err.message).toMatch(/^offset-segments record /);
        }
      }
    });
  });

  it('a segment count claiming 2^31 - 1 is refused from the record length, before reading any segment', () => {
    const { key } = encodeOffsetSegments({ topic: 't', partition: 0 }, []);
    const value = Buffer.from([0, 0, 0x7f, 0xff, 0xff, 0xff]);
    expect(() => decodeOffsetSegments(key, value)).toThrow('offset-segments record value is 6 bytes for 2147483647 segments');
  });
});
