import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type BatchCodec = (typeof CODECS)[number];

/**
 * The codec of every record batch a test cluster's broker stored for one partition, oldest first,
 * read from its log segment files (record batch format v2: the codec is in the low 3 bits of the
 * attributes). This is what a producer's `compression.type` decides when the topic keeps the
 * producer's codec, which a consumer cannot see.
 */
export function storedBatchCodecs(dataDir: string, topic: string, partition: number): BatchCodec[] {
  const dir = join(dataDir, `${topic}-${partition}`);
  const codecs: BatchCodec[] = [];
  for (const segment of readdirSync(dir).filter((f) => f.endsWith('.log')).sort()) {
    const bytes = readFileSync(join(dir, segment));
    // baseOffset int64, batchLength int32, partitionLeaderEpoch int32, magic int8, crc int32, attributes int16
    for (let at = 0; at + 23 <= bytes.length; ) {
      const length = bytes.readInt32BE(at + 8);
      if (length <= 0 || at + 12 + length > bytes.length) break;
      codecs.push(CODECS[bytes.readInt16BE(at + 21) & 0x7] ?? 'none');
      at += 12 + length;
    }
  }
  return codecs;
}
