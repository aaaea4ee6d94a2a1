import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { registerCompressionCodecs, toKafkaJsCompression } from './compression-codecs';

describe('compression codecs', () => {
  beforeAll(() => registerCompressionCodecs());

  it('registers snappy and lz4 with kafkajs', async () => {
    const data = Buffer.from('mirror '.repeat(100));
    for (const type of [CompressionTypes.Snappy, CompressionTypes.LZ4]) {
      const codec = (CompressionCodecs as Record<number, () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> }>)[type]();
      const compressed = await codec.compress({ buffer: data });
      expect(compressed.length).toBeLessThan(data.length);
      expect((await codec.decompress(compressed)).equals(data)).toBe(true);
    }
  });

  it('turns a zstd batch into UNSUPPORTED_COMPRESSION naming zstd and the fix', () => {
    const zstd = (CompressionCodecs as Record<number, () => unknown>)[CompressionTypes.ZSTD];
    expect(() => zstd()).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_COMPRESSION', message: expect.stringMatching(/zstd.*gzip, snappy or lz4/s) }));
  });

  it('maps producer compression names', () => {
    expect(toKafkaJsCompression(undefined)).toBe(CompressionTypes.None);
    expect(toKafkaJsCompression('lz4')).toBe(CompressionTypes.LZ4);
    expect(() => toKafkaJsCompression('zstd' as never)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});
