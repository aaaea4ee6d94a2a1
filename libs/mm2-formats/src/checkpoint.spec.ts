import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint';
import { isMm2FormatError } from './errors';

const example: Checkpoint = { group: 'g1', topic: 'A.t', partition: 3, upstreamOffset: 100n, downstreamOffset: 42n, metadata: '' };

describe('Checkpoint', () => {
  it('8: the value is version 0, upstream, downstream, then length-prefixed metadata', () => {
    const { value } = encodeCheckpoint(example);
    expect(value.toString('hex')).toBe('0000' + '0000000000000064' + '000000000000002a' + '0000');
    expect(encodeCheckpoint({ ...example, metadata: 'm' }).value.toString('hex')).toMatch(/00016d$/);
  });

  it('21: a checkpoint for group g on A.t-0 is keyed (g, "A.t", 0) and carries the metadata', () => {
    const { key, value } = encodeCheckpoint({ ...example, group: 'g', partition: 0, metadata: 'source-meta' });
    expect(key.toString('hex')).toBe('0001' + '67' + '0003' + '412e74' + '00000000');
    expect(decodeCheckpoint(key, value).metadata).toBe('source-meta');
  });

  it.each<Checkpoint>([
    example,
    { group: 'gruppe-ü-🚀', topic: 'A.B.orders', partition: 2147483647, upstreamOffset: 2n ** 63n - 1n, downstreamOffset: 9007199254740993n, metadata: '{"k":"v"}' },
    { group: '', topic: '', partition: 0, upstreamOffset: -(2n ** 63n), downstreamOffset: -5n, metadata: 'x'.repeat(32767) },
  ])('round-trips %#', (checkpoint) => {
    const { key, value } = encodeCheckpoint(checkpoint);
    expect(decodeCheckpoint(key, value)).toEqual(checkpoint);
  });

  it('reads any version with the version-0 layout and ignores trailing bytes', () => {
    const { key, value } = encodeCheckpoint(example);
    const other = Buffer.concat([Buffer.from('0001', 'hex'), value.subarray(2), Buffer.from('ffff', 'hex')]);
    expect(decodeCheckpoint(key, other)).toEqual(example);
  });

  it('fails with typed errors on bad input', () => {
    const { key } = encodeCheckpoint(example);
    const badLength = Buffer.from('0000' + '00'.repeat(16) + 'ff00', 'hex');
    const short = Buffer.from('0000' + '00'.repeat(16) + '0005616263', 'hex');
    expect(() => decodeCheckpoint(key, badLength)).toThrow(expect.objectContaining({ code: 'NEGATIVE_LENGTH' }));
    expect(() => decodeCheckpoint(key, short)).toThrow(expect.objectContaining({ code: 'TRUNCATED' }));
    expect(() => decodeCheckpoint(key.subarray(0, 5), encodeCheckpoint(example).value)).toThrow(
      expect.objectContaining({ code: 'TRUNCATED' }),
    );
  });

  it('refuses metadata over 32767 UTF-8 bytes', () => {
    let thrown: unknown;
    try {
      encodeCheckpoint({ ...example, metadata: '€'.repeat(10923) });
    } catch (error) {
      thrown = error;
    }
    expect(isMm2FormatError(thrown, 'STRING_TOO_LONG')).toBe(true);
  });
});
