import { isMm2FormatError } from './errors';
import { decodeOffsetSync, encodeOffsetSync, type OffsetSync } from './offset-sync';

describe('OffsetSync', () => {
  it('7: ("t", 0, 5, 7) has the 7-byte key and 16-byte value without a version header', () => {
    const { key, value } = encodeOffsetSync({ topic: 't', partition: 0, upstreamOffset: 5n, downstreamOffset: 7n });
    expect(key.toString('hex')).toBe('00017400000000');
    expect(value.toString('hex')).toBe('00000000000000050000000000000007');
    expect(value).toHaveLength(16);
  });

  it.each<OffsetSync>([
    { topic: 'orders', partition: 11, upstreamOffset: 0n, downstreamOffset: 0n },
    { topic: 'заказы-注文', partition: 0, upstreamOffset: 2n ** 63n - 1n, downstreamOffset: 2n ** 53n + 1n },
    { topic: '', partition: -1, upstreamOffset: -1n, downstreamOffset: -(2n ** 63n) },
  ])('round-trips %#', (sync) => {
    const { key, value } = encodeOffsetSync(sync);
    expect(decodeOffsetSync(key, value)).toEqual(sync);
  });

  it('ignores trailing bytes like MM2', () => {
    const { key, value } = encodeOffsetSync({ topic: 't', partition: 1, upstreamOffset: 2n, downstreamOffset: 3n });
    const padded = (bytes: Buffer) => Buffer.concat([bytes, Buffer.from([0xde, 0xad])]);
    expect(decodeOffsetSync(padded(key), padded(value))).toEqual({ topic: 't', partition: 1, upstreamOffset: 2n, downstreamOffset: 3n });
  });

  it('fails with TRUNCATED on short input', () => {
    expect.assertions(1);
    try {
      decodeOffsetSync(Buffer.from('00017400000000', 'hex'), Buffer.from('0000000000000005', 'hex'));
    } catch (error) {
      expect(isMm2FormatError(error, 'TRUNCATED')).toBe(true);
    }
  });
});
