/**
 * Compression codecs for kafkajs, which only ships gzip. A mirror must decode whatever codec the
 * source producers chose, so snappy (kafkajs-snappy, pure JS) and lz4 (lz4-codec.ts over lz4js)
 * are registered once, process-wide, before any client is created. No zstd codec builds offline
 * for Node 20, so zstd batches fail with UNSUPPORTED_COMPRESSION instead of kafkajs's bare
 * "not implemented".
 */
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import snappyCodecFactory from 'kafkajs-snappy';
import { KafkaError } from './errors';
import { lz4CodecFactory } from './lz4-codec';

export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4'] as const;
/** Codecs this lib can write (and read). zstd can be neither. */
export type Compression = (typeof COMPRESSIONS)[number];

const KAFKAJS_COMPRESSION: Record<Compression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
};

export function toKafkaJsCompression(compression: Compression | undefined): CompressionTypes {
  if (compression === undefined) return CompressionTypes.None;
  const type = KAFKAJS_COMPRESSION[compression];
  if (type === undefined) {
    throw new KafkaError(
      'INVALID_CONFIG',
      `unsupported producer compression '${String(compression)}': use one of ${COMPRESSIONS.join(', ')} (zstd has no codec in this build)`,
    );
  }
  return type;
}

function zstdUnavailable(): never {
  throw new KafkaError(
    'UNSUPPORTED_COMPRESSION',
    'a record batch is compressed with zstd, which this client cannot decompress (no zstd codec is available for it). ' +
      "Fix: have the source topic's producers use gzip, snappy or lz4 (compression.type), or set compression.type on the source topic to one of them.",
  );
}

/** Registers snappy, lz4 and the zstd error with kafkajs; idempotent. */
export function registerCompressionCodecs(): void {
  const codecs = CompressionCodecs as Record<number, unknown>;
  codecs[CompressionTypes.Snappy] = snappyCodecFactory;
  codecs[CompressionTypes.LZ4] = lz4CodecFactory;
  codecs[CompressionTypes.ZSTD] = zstdUnavailable;
}
