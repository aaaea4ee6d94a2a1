import { encodeSourceOffsetKey } from '@mirrormaker/mm2-formats';
import { defaultPartitionFor, murmur2 } from './murmur2';

describe('murmur2', () => {
  it.each([
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
    ['', 275646681],
  ])('hashes %j as the Java client does', (text, expected) => {
    expect(murmur2(Buffer.from(text, 'utf8'))).toBe(expected);
  });

  it('places a MirrorSourceConnector position key where Connect puts it', () => {
    const key = encodeSourceOffsetKey({ cluster: 'A', topic: 't', partition: 0 });
    expect(murmur2(key)).toBe(-2079807616);
    // toPositive(-2079807616) = 67676032 (sign bit cleared); 67676032 % 25 = 7
    expect(defaultPartitionFor(key, 25)).toBe(7);
    expect(defaultPartitionFor(key, 1)).toBe(0);
  });

  it('refuses a non-positive partition count', () => {
    expect(() => defaultPartitionFor(Buffer.from('k'), 0)).toThrow(RangeError);
  });
});
