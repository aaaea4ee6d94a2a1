import { decodeOffsetSegments, encodeOffsetSegments } from './offset-segment-codec';
import { isOffsetTranslationError } from './errors';

const tp = { topic: 'orders.eu', partition: 7 };
const segments = [
  { ...tp, upstreamStart: 0n, downstreamStart: 12n, upstreamEnd: 100n },
  { ...tp, upstreamStart: 2n ** 40n, downstreamStart: 2n ** 41n, upstreamEnd: 2n ** 40n + 1n },
];

describe('offset-segments record format', () => {
  it('reads back what it wrote, in order', () => {
    const { key, value } = encodeOffsetSegments(tp, segments);
    expect(decodeOffsetSegments(key, value)).toEqual(segments);
  });

  it('lays the bytes out big-endian with a version first', () => {
    const { key, value } = encodeOffsetSegments(tp, segments.slice(0, 1));
    expect(key.toString('hex')).toBe('0000' + '0009' + Buffer.from('orders.eu').toString('hex') + '00000007');
    expect(value.toString('hex')).toBe('0000' + '00000001' + '0000000000000000' + '000000000000000c' + '0000000000000064');
  });

  it('refuses records it cannot read, saying what is wrong', () => {
    const { key, value } = encodeOffsetSegments(tp, segments);
    const attempts = [
      () => decodeOffsetSegments(key.subarray(0, 5), value),
      () => decodeOffsetSegments(key, value.subarray(0, value.length - 1)),
      () => decodeOffsetSegments(Buffer.concat([Buffer.from([0, 1]), key.subarray(2)]), value),
      () => decodeOffsetSegments(key, encodeOffsetSegments(tp, [{ ...tp, upstreamStart: 5n, downstreamStart: 5n, upstreamEnd: 5n }]).value),
    ];
    for (const attempt of attempts) {
      let error: unknown;
      try {
        attempt();
      } catch (err) {
        error = err;
      }
      expect(isOffsetTranslationError(error) && error.code).toBe('INVALID_SEGMENT_RECORD');
    }
  });
});
