// Types for the few JavaScript modules this lib uses that ship no declarations: the two pure-JS
// compression packages and the kafkajs 2.2.4 internals that record-codec-patch.ts and
// produce-request-encoder.ts use or replace. Only what this lib touches is declared.

declare module 'kafkajs-snappy' {
  const createSnappyCodec: () => {
    compress(encoder: { buffer: Buffer }): Promise<Buffer>;
    decompress(buffer: Buffer): Promise<Buffer>;
  };
  export = createSnappyCodec;
}

declare module 'lz4js' {
  /** Compresses one LZ4 block of `src[sIndex, sIndex + sLength)` into `dst`; 0 when nothing was matched. */
  export function compressBlock(
    src: Uint8Array,
    dst: Uint8Array,
    sIndex: number,
    sLength: number,
    hashTable: Uint32Array,
  ): number;
  /** Decompresses one LZ4 block into `dst` from `dIndex`; returns the new end of `dst`. */
  export function decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number;
  export function compressBound(n: number): number;
  /** Whole-frame compression (dependent blocks: not readable by Java; used in tests only). */
  export function compress(src: Uint8Array, maxSize?: number): Uint8Array;
}

declare module 'lz4js/xxh32' {
  export function hash(seed: number, src: Uint8Array, index: number, length: number): number;
}

declare module 'kafkajs/src/protocol/encoder' {
  class Encoder {
    constructor(initialSize?: number);
    static sizeOfVarInt(value: number): number;
    static sizeOfVarLong(value: number | string | object): number;
    static sizeOfVarIntBytes(value: Buffer | string | null | undefined): number;
    readonly buffer: Buffer;
    writeInt8(value: number): Encoder;
    writeBuffer(value: Buffer): Encoder;
    writeVarInt(value: number): Encoder;
    writeVarLong(value: number | string | object): Encoder;
    writeVarIntString(value: string | null): Encoder;
    writeVarIntBytes(value: Buffer | string | null | undefined): Encoder;
    writeVarIntArray(array: Encoder[], type?: 'object'): Encoder;
    size(): number;
  }
  export = Encoder;
}

declare module 'kafkajs/src/protocol/decoder' {
  class Decoder {
    constructor(buffer: Buffer);
    readonly buffer: Buffer;
    offset: number;
    readInt8(): number;
    readInt16(): number;
    readInt32(): number;
    readString(): string | null;
    readBytes(): Buffer;
    readVarInt(): number;
    /** A kafkajs Long. */
    readVarLong(): unknown;
    readVarIntString(): string | null;
    readVarIntBytes(): Buffer | null;
    readArray<T>(reader: (decoder: Decoder) => T): T[];
    readVarIntArray<T>(reader: (decoder: Decoder) => T): T[];
  }
  export = Decoder;
}

declare module 'kafkajs/src/utils/long' {
  interface Long {
    add(other: unknown): Long;
    toString(): string;
  }
  const Long: { fromValue(value: unknown): Long };
  export = Long;
}

declare module 'kafkajs/src/protocol/timestampTypes' {
  const TimestampTypes: { NO_TIMESTAMP: -1; CREATE_TIME: 0; LOG_APPEND_TIME: 1 };
  export = TimestampTypes;
}

declare module 'kafkajs/src/protocol/error' {
  export function createErrorFromCode(code: number): Error & { type?: string; code?: number; retriable?: boolean };
  /** Every Kafka protocol error kafkajs knows, with the message it logs and throws for it. */
  export const errorCodes: ReadonlyArray<{ type: string; code: number; retriable: boolean; message: string }>;
}

declare module 'kafkajs/src/protocol/message/compression' {
  export const Types: { None: 0; GZIP: 1; Snappy: 2; LZ4: 3; ZSTD: 4 };
  /** A registered codec: compresses the bytes of `encoder.buffer`. */
  export interface Codec {
    compress(encoder: { buffer: Buffer }): Promise<Uint8Array>;
  }
  export function lookupCodec(type: number): Codec | null;
}

declare module 'kafkajs/src/protocol/recordBatch/crc32C' {
  /** CRC-32C (Castagnoli) of all of `buffer`, as an unsigned 32-bit number. */
  function crc32C(buffer: Uint8Array): number;
  export = crc32C;
}

declare module 'kafkajs/src/protocol/recordBatch/v0/decoder' {
  import type Decoder from 'kafkajs/src/protocol/decoder';
  /** Decodes one record batch (magic 2), decompressing it; records come from the patched record decoder. */
  function decodeRecordBatch(decoder: Decoder): Promise<{ records: unknown[] }>;
  export = decodeRecordBatch;
}

declare module 'kafkajs/src/protocol/messageSet/decoder' {
  import type Decoder from 'kafkajs/src/protocol/decoder';
  /** Decodes a legacy message set (magic 0 and 1) of `size` bytes. */
  function decodeMessageSet(decoder: Decoder, size: number): Promise<unknown[]>;
  export = decodeMessageSet;
}

declare module 'kafkajs/src/protocol/requests/metadata' {
  /** kafkajs's Metadata request of one version: the request to send and the decoder of its answer. */
  export function protocol(which: { version: number }): (args: { topics: string[]; allowAutoTopicCreation: boolean }) => {
    request: { apiKey: number; apiVersion: number; apiName: string; encode(): Promise<unknown> };
    response: { decode(raw: Buffer): Promise<unknown>; parse(decoded: unknown): Promise<unknown> };
  };
}

declare module 'kafkajs/src/protocol/requests/listOffsets/v2/response' {
  /** kafkajs's decoder of a ListOffsets v2 answer (list-offsets-request.ts writes the request). */
  export function decode(raw: Buffer): Promise<unknown>;
  export function parse(decoded: unknown): Promise<unknown>;
}
