import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { registerCompressionCodecs, toKafkaJsCompression } from './compression-codecs';

describe('compression codecs', () => {
  beforeAll(() => registerCompressionCodecs());

  it('registers snappy, lz4 and zstd with kafkajs', async () => {
    const data = Buffer.from('mirror '.repeat(100));
    for (const type of [CompressionTypes.Snappy, CompressionTypes.LZ4, CompressionTypes.ZSTD]) {
      const codec = (CompressionCodecs as Record<number, () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> }>)[type]();
      const compressed = await codec.compress({ buffer: data });
      expect(compressed.length).toBeLessThan(data.length);
      expect((await codec.decompress(compressed)).equals(data)).toBe(true);
    }
  });

  it('decodes a streamed zstd frame that carries no content size, as Java producers write them', async () => {
    // `zstd -3` reading a pipe: frame header descriptor 0x04 (checksum, no content size field).
    const streamed = Buffer.from('28b52ffd0458750000386d6972726f7220010054528b11a16b88fa', 'hex');
    const zstd = (CompressionCodecs as Record<number, () => { decompress(b: Buffer): Promise<Buffer> }>)[CompressionTypes.ZSTD]();
    expect((await zstd.decompress(streamed)).toString()).toBe('mirror '.repeat(50));
  });

  it('turns corrupt zstd data into UNSUPPORTED_COMPRESSION naming zstd', async () => {
    const zstd = (CompressionCodecs as Record<number, () => { decompress(b: Buffer): Promise<Buffer> }>)[CompressionTypes.ZSTD]();
    await expect(zstd.decompress(Buffer.from('28b52ffd04ffffffff', 'hex'))).rejects.toMatchObject({ code: 'UNSUPPORTED_COMPRESSION', message: expect.stringMatching(/zstd/) });
  });

  it('round-trips a batch larger than one zstd block', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
    const zstd = (CompressionCodecs as Record<number, () => { compress(e: { buffer: Buffer }): Promise<Buffer>; decompress(b: Buffer): Promise<Buffer> }>)[CompressionTypes.ZSTD]();
    expect((await zstd.decompress(await zstd.compress({ buffer: data }))).equals(data)).toBe(true);
  });

  it('maps producer compression names', () => {
    expect(toKafkaJsCompression(undefined)).toBe(CompressionTypes.None);
    expect(toKafkaJsCompression('lz4')).toBe(CompressionTypes.LZ4);
    expect(toKafkaJsCompression('zstd')).toBe(CompressionTypes.ZSTD);
    expect(() => toKafkaJsCompression('brotli' as never)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});
