/**
 * Compression codecs for kafkajs, which only ships gzip. A mirror must decode whatever codec the
 * source producers chose, so snappy (kafkajs-snappy, pure JS), lz4 (lz4-codec.ts over lz4js) and
 * zstd (zstd-codec.ts, pure JS and WebAssembly) are registered once, process-wide, before any
 * client is created.
 */
// Before kafkajs loads: see the module.
import './aborted-transactions-patch';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import snappyCodecFactory from 'kafkajs-snappy';
import { KafkaError } from './errors';
import { lz4CodecFactory } from './lz4-codec';
import { zstdCodecFactory } from './zstd-codec';

export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
/** Codecs this lib can write (and read). */
export type Compression = (typeof COMPRESSIONS)[number];

const KAFKAJS_COMPRESSION: Record<Compression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
};

export function toKafkaJsCompression(compression: Compression | undefined): CompressionTypes {
  if (compression === undefined) return CompressionTypes.None;
  const type = KAFKAJS_COMPRESSION[compression];
  if (type === undefined) {
    throw new KafkaError(
      'INVALID_CONFIG',
      `unsupported producer compression '${String(compression)}': use one of ${COMPRESSIONS.join(', ')}`,
    );
  }
  return type;
}

/** Registers snappy, lz4 and zstd with kafkajs; idempotent. */
export function registerCompressionCodecs(): void {
  const codecs = CompressionCodecs as Record<number, unknown>;
  codecs[CompressionTypes.Snappy] = snappyCodecFactory;
  codecs[CompressionTypes.LZ4] = lz4CodecFactory;
  codecs[CompressionTypes.ZSTD] = zstdCodecFactory;
}
