import { Mm2FormatError } from './errors';

// Kafka protocol `Struct` primitives as MM2's records use them: big-endian, fields back to back,
// no tags, no framing. STRING is an INT16 byte length followed by UTF-8 and is never null.

const MAX_STRING_BYTES = 0x7fff;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;
// Java writes an unpaired UTF-16 surrogate as `?`; Node would write U+FFFD.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export type StructField =
  | { readonly type: 'int16'; readonly value: number }
  | { readonly type: 'int32'; readonly value: number }
  | { readonly type: 'int64'; readonly value: bigint }
  | { readonly type: 'string'; readonly value: string };

export function writeStruct(fields: readonly StructField[]): Buffer {
  const encoded = fields.map((field) => (field.type === 'string' ? encodeString(field.value) : null));
  const size = fields.reduce((total, field, i) => total + fieldSize(field, encoded[i] ?? null), 0);
  const out = Buffer.alloc(size);
  let at = 0;
  fields.forEach((field, i) => {
    switch (field.type) {
      case 'int16':
        at = out.writeInt16BE(field.value, at);
        break;
      case 'int32':
        at = out.writeInt32BE(checkInt32(field.value), at);
        break;
      case 'int64':
        at = out.writeBigInt64BE(checkInt64(field.value), at);
        break;
      case 'string': {
        const bytes = encoded[i]!;
        at = out.writeInt16BE(bytes.length, at);
        at += bytes.copy(out, at);
        break;
      }
    }
  });
  return out;
}

/** Reads fields in order; bytes after the last field are ignored, as MM2 does. */
export class StructReader {
  private readonly bytes: Buffer;
  private at = 0;

  constructor(bytes: Uint8Array, private readonly what: string) {
    this.bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  int16(): number {
    this.need(2);
    const value = this.bytes.readInt16BE(this.at);
    this.at += 2;
    return value;
  }

  int32(): number {
    this.need(4);
    const value = this.bytes.readInt32BE(this.at);
    this.at += 4;
    return value;
  }

  int64(): bigint {
    this.need(8);
    const value = this.bytes.readBigInt64BE(this.at);
    this.at += 8;
    return value;
  }

  string(): string {
    const length = this.int16();
    if (length < 0) {
      throw new Mm2FormatError('NEGATIVE_LENGTH', `${this.what}: string length ${length} is negative`);
    }
    this.need(length);
    const value = this.bytes.toString('utf8', this.at, this.at + length);
    this.at += length;
    return value;
  }

  private need(count: number): void {
    if (this.bytes.length - this.at < count) {
      throw new Mm2FormatError(
        'TRUNCATED',
        `${this.what}: needs ${count} more bytes at offset ${this.at}, only ${this.bytes.length - this.at} left`,
      );
    }
  }
}

function encodeString(value: string): Buffer {
  const bytes = Buffer.from(value.replace(LONE_SURROGATE, '?'), 'utf8');
  if (bytes.length > MAX_STRING_BYTES) {
    throw new Mm2FormatError(
      'STRING_TOO_LONG',
      `string of ${bytes.length} UTF-8 bytes exceeds the ${MAX_STRING_BYTES}-byte limit`,
    );
  }
  return bytes;
}

function fieldSize(field: StructField, encoded: Buffer | null): number {
  switch (field.type) {
    case 'int16':
      return 2;
    case 'int32':
      return 4;
    case 'int64':
      return 8;
    case 'string':
      return 2 + encoded!.length;
  }
}

function checkInt32(value: number): number {
  if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
    throw new Mm2FormatError('OUT_OF_RANGE', `${value} is not an INT32`);
  }
  return value;
}

function checkInt64(value: bigint): bigint {
  if (BigInt.asIntN(64, value) !== value) {
    throw new Mm2FormatError('OUT_OF_RANGE', `${value} is not an INT64`);
  }
  return value;
}
