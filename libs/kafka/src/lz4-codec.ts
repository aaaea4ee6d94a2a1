/**
 * LZ4 for Kafka record batches (compression.type=lz4), on top of lz4js's block functions.
 *
 * Kafka (magic v2) wraps the compressed records in one LZ4 *frame*. Java's reader
 * (`Lz4BlockInputStream`) accepts only frames with version 01 and the block-independence flag set,
 * block sizes 64 KiB to 4 MiB, and checks the header checksum; it allows block and content
 * checksums and a content size. lz4js's own `compress` writes frames Java rejects (block
 * independence unset, blocks may reference earlier blocks), so the frame is written here:
 *
 *   magic 04 22 4D 18 | FLG 0x60 (version 01, independent blocks) | BD 0x40 (64 KiB) |
 *   HC = second byte of xxh32(FLG BD) | blocks: u32le size (+0x80000000 = stored) data | u32le 0
 *
 * like Java's producer writes them. Each block holds at most 64 KiB - 16 bytes so the last match
 * of a block always starts well before the end of the decoder's 64 KiB window (the LZ4 format
 * requires 12 bytes; lz4js only guarantees 9).
 * Decoding accepts every frame the LZ4 frame format allows (checksums are skipped, not verified).
 */
import { compressBlock, compressBound, decompressBlock } from 'lz4js';
import { hash as xxh32 } from 'lz4js/xxh32';
import { KafkaError } from './errors';

const MAGIC = 0x184d2204;
const FLG_VERSION_01 = 0x40;
const FLG_VERSION_MASK = 0xc0;
const FLG_BLOCK_INDEPENDENCE = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const BD_64KB = 4 << 4;
const BLOCK_STORED = 0x80000000;
const MAX_BLOCK_DATA = 64 * 1024 - 16;
const HASH_TABLE_SIZE = 1 << 16;

function blockMaxSize(bd: number): number {
  const code = (bd >> 4) & 7;
  if (code < 4) throw new KafkaError('UNSUPPORTED_COMPRESSION', `invalid LZ4 frame: block size code ${code}`);
  return 1 << (2 * code + 8);
}

function corrupt(reason: string): KafkaError {
  return new KafkaError('UNSUPPORTED_COMPRESSION', `cannot decode an LZ4-compressed record batch: ${reason}`);
}

/** Compresses `data` into one Kafka-compatible LZ4 frame. */
export function lz4Compress(data: Uint8Array): Buffer {
  const hashTable = new Uint32Array(HASH_TABLE_SIZE);
  const scratch = new Uint8Array(compressBound(MAX_BLOCK_DATA));
  const parts: Buffer[] = [];
  const header = Buffer.alloc(7);
  header.writeUInt32LE(MAGIC, 0);
  header[4] = FLG_VERSION_01 | FLG_BLOCK_INDEPENDENCE;
  header[5] = BD_64KB;
  header[6] = (xxh32(0, header, 4, 2) >> 8) & 0xff;
  parts.push(header);

  for (let start = 0; start < data.length; start += MAX_BLOCK_DATA) {
    const block = data.subarray(start, Math.min(start + MAX_BLOCK_DATA, data.length));
    hashTable.fill(0);
    const compressed = compressBlock(block, scratch, 0, block.length, hashTable);
    const size = Buffer.alloc(4);
    if (compressed > 0 && compressed < block.length) {
      size.writeUInt32LE(compressed, 0);
      parts.push(size, Buffer.from(scratch.subarray(0, compressed)));
    } else {
      size.writeUInt32LE((BLOCK_STORED | block.length) >>> 0, 0);
      parts.push(size, Buffer.from(block));
    }
  }
  parts.push(Buffer.alloc(4)); // end mark
  return Buffer.concat(parts);
}

/** Decompresses one LZ4 frame (as written by Java's producer, librdkafka or lz4Compress). */
export function lz4Decompress(frame: Uint8Array): Buffer {
  const src = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  if (src.length < 7 || src.readUInt32LE(0) !== MAGIC) throw corrupt('bad magic number');
  const flg = src[4];
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION_01) throw corrupt(`unsupported frame version in FLG 0x${flg.toString(16)}`);
  const maxBlock = blockMaxSize(src[5]);
  let pos = 6 + (flg & FLG_CONTENT_SIZE ? 8 : 0) + 1; // descriptor (+ content size) + header checksum
  const blockChecksum = (flg & FLG_BLOCK_CHECKSUM) !== 0;

  // First pass: block boundaries and an upper bound for the output.
  const blocks: Array<{ at: number; size: number; stored: boolean }> = [];
  let bound = 0;
  for (;;) {
    if (pos + 4 > src.length) throw corrupt('frame ends before its end mark');
    const word = src.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break;
    const stored = (word & BLOCK_STORED) !== 0;
    const size = word & 0x7fffffff;
    if (size > maxBlock || pos + size > src.length) throw corrupt(`block of ${size} bytes does not fit the frame`);
    blocks.push({ at: pos, size, stored });
    bound += stored ? size : maxBlock;
    pos += size + (blockChecksum ? 4 : 0);
  }
  if (flg & FLG_CONTENT_CHECKSUM && pos + 4 > src.length) throw corrupt('missing content checksum');

  const out = new Uint8Array(bound);
  let end = 0;
  for (const b of blocks) {
    if (b.stored) {
      out.set(src.subarray(b.at, b.at + b.size), end);
      end += b.size;
    } else {
      const next = decompressBlock(src, out, b.at, b.size, end);
      if (next - end > maxBlock || next > out.length) throw corrupt('a block decompresses beyond its declared maximum size');
      end = next;
    }
  }
  return Buffer.from(out.buffer, out.byteOffset, end);
}

/** kafkajs codec factory (`CompressionCodecs[CompressionTypes.LZ4] = lz4CodecFactory`). */
export function lz4CodecFactory(): { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> } {
  return {
    compress: async (encoder) => lz4Compress(encoder.buffer),
    decompress: async (buffer) => lz4Decompress(buffer),
  };
}
