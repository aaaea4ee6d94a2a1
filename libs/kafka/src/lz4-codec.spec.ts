import { randomBytes } from 'node:crypto';
import { compress as lz4jsCompress } from 'lz4js';
import { hash as xxh32 } from 'lz4js/xxh32';
import { lz4CodecFactory, lz4Compress, lz4Decompress } from './lz4-codec';

function text(bytes: number): Buffer {
  const words = ['mirror', 'maker', 'kafka', 'offset', 'sync', 'record', 'header', 'topic'];
  let s = '';
  for (let i = 0; s.length < bytes; i++) s += `${words[(i * 7) % words.length]}-${i % 97} `;
  return Buffer.from(s.slice(0, bytes));
}

/** Walks a frame and returns its blocks, checking the structure Java's Lz4BlockInputStream expects. */
function blocksOf(frame: Buffer): Array<{ size: number; stored: boolean }> {
  expect(frame.readUInt32LE(0)).toBe(0x184d2204);
  expect(frame[4]).toBe(0x60); // version 01 + independent blocks, no checksums, no content size
  expect(frame[5]).toBe(0x40); // 64 KiB blocks
  expect(frame[6]).toBe((xxh32(0, frame, 4, 2) >> 8) & 0xff);
  const blocks: Array<{ size: number; stored: boolean }> = [];
  let pos = 7;
  for (;;) {
    const word = frame.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    blocks.push({ size, stored: (word & 0x80000000) !== 0 });
    pos += size;
  }
  expect(pos).toBe(frame.length);
  return blocks;
}

describe('lz4 codec', () => {
  it.each([
    ['empty', Buffer.alloc(0)],
    ['tiny', Buffer.from('abc')],
    ['compressible', text(10_000)],
    ['incompressible', randomBytes(5_000)],
    ['several blocks', text(300_000)],
    ['mixed blocks', Buffer.concat([text(70_000), randomBytes(70_000), text(1_000)])],
  ])('round-trips %s data', (_name, data) => {
    const frame = lz4Compress(data);
    blocksOf(frame);
    expect(lz4Decompress(frame).equals(data)).toBe(true);
  });

  it('compresses repetitive data and stores incompressible blocks as they are', () => {
    const compressible = blocksOf(lz4Compress(text(50_000)));
    expect(compressible).toHaveLength(1);
    expect(compressible[0].stored).toBe(false);
    expect(compressible[0].size).toBeLessThan(25_000);
    const random = blocksOf(lz4Compress(randomBytes(1_000)));
    expect(random).toEqual([{ size: 1_000, stored: true }]);
  });

  it('keeps every block under 64 KiB - 16 bytes of data', () => {
    const data = text(200_000);
    const frame = lz4Compress(data);
    expect(blocksOf(frame).length).toBe(Math.ceil(data.length / (64 * 1024 - 16)));
  });

  it('decodes frames from other writers (dependent blocks, 4 MiB block size)', () => {
    const data = text(100_000);
    const foreign = Buffer.from(lz4jsCompress(data));
    expect(foreign[4] & 0x20).toBe(0); // lz4js does not set block independence
    expect(lz4Decompress(foreign).equals(data)).toBe(true);
  });

  it('skips content size, block checksums and content checksum', () => {
    const payload = Buffer.from('hello, hello, hello, hello, mirror');
    const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x40 | 0x20 | 0x10 | 0x08 | 0x04, 0x40]);
    const contentSize = Buffer.alloc(8);
    contentSize.writeUInt32LE(payload.length, 0);
    const descriptor = Buffer.concat([header.subarray(4), contentSize]);
    const hc = Buffer.from([(xxh32(0, descriptor, 0, descriptor.length) >> 8) & 0xff]);
    const blockSize = Buffer.alloc(4);
    blockSize.writeUInt32LE((0x80000000 | payload.length) >>> 0, 0);
    const frame = Buffer.concat([header, contentSize, hc, blockSize, payload, Buffer.alloc(4, 0xaa), Buffer.alloc(4), Buffer.alloc(4, 0xbb)]);
    expect(lz4Decompress(frame).toString()).toBe(payload.toString());
  });

  it('rejects what is not an LZ4 frame', () => {
    expect(() => lz4Decompress(Buffer.from('not lz4 at all'))).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_COMPRESSION' }));
    const truncated = lz4Compress(text(1000)).subarray(0, 20);
    expect(() => lz4Decompress(truncated)).toThrow(/LZ4/);
  });

  it('works as a kafkajs codec', async () => {
    const codec = lz4CodecFactory();
    const data = text(4_000);
    const compressed = await codec.compress({ buffer: data });
    expect((await codec.decompress(compressed)).equals(data)).toBe(true);
  });
});
