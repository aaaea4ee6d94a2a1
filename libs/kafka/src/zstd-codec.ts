/**
 * zstd for Kafka record batches (compression.type=zstd), without native code: decoding with fzstd
 * (pure JavaScript) and encoding with the reference zstd library compiled to WebAssembly
 * (@bokuweb/zstd-wasm), so it installs offline with no build step.
 *
 * Java producers write zstd through a streaming encoder, so their frames carry no content size;
 * fzstd decodes those (the WebAssembly build's one-shot decoder needs the size up front). Encoding
 * uses level 3, the Java producer's default (`compression.zstd.level`), one frame per batch with
 * its content size, which every Kafka client reads.
 */
import { compress as wasmCompress, init as initWasm } from '@bokuweb/zstd-wasm';
import { decompress as jsDecompress } from 'fzstd';
import { KafkaError } from './errors';

const JAVA_DEFAULT_LEVEL = 3;

let wasmReady: Promise<void> | undefined;

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export async function zstdCompress(data: Uint8Array, level = JAVA_DEFAULT_LEVEL): Promise<Buffer> {
  wasmReady ??= initWasm().catch((err: unknown) => {
    wasmReady = undefined;
    throw new KafkaError('UNSUPPORTED_COMPRESSION', `zstd: the WebAssembly encoder did not load (${err instanceof Error ? err.message : String(err)}); check that @bokuweb/zstd-wasm is installed with its zstd.wasm file`, { cause: err });
  });
  await wasmReady;
  return asBuffer(wasmCompress(data, level));
}

export function zstdDecompress(data: Uint8Array): Buffer {
  try {
    return asBuffer(jsDecompress(data));
  } catch (err) {
    throw new KafkaError('UNSUPPORTED_COMPRESSION', `cannot decode a zstd-compressed record batch: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The codec shape kafkajs expects in `CompressionCodecs`. */
export function zstdCodecFactory() {
  return {
    compress: (encoder: { buffer: Buffer }): Promise<Buffer> => zstdCompress(encoder.buffer),
    decompress: async (buffer: Buffer): Promise<Buffer> => zstdDecompress(buffer),
  };
}
