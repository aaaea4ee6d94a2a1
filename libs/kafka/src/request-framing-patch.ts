/**
 * Request framing of kafkajs 2.2.4 without copying the request body twice.
 *
 * kafkajs's `protocol/request.js` frames every request as size, API key, version, correlation id,
 * client id, body: it writes the header into a 512-byte Encoder, appends the body (the Encoder grows
 * by doubling into a zero-filled Buffer and copies), then writes the size into a second Encoder and
 * appends all of that again. A 256 KiB Produce request so cost two zero-filled 512 KiB Buffers and
 * two copies of the records, on the data path's hottest loop, and garbage that Node's RSS keeps
 * until a full collection.
 *
 * The replacement writes the same bytes into one Buffer of the exact size. A body encoded with
 * `encoderWithHeadroom` (the Produce encoder does so) already has free bytes in front of it in its
 * own Buffer: the header is written there and nothing is copied at all. Such a body may also end in
 * a tail, the records of a passed-through batch as they were fetched: the framed Buffer then
 * carries it as `REQUEST_TAIL`, and our sockets write both (socket-factory.ts).
 *
 * kafkajs's `network/connection.js` captures the framing function when it loads, which happens as
 * soon as anything requires 'kafkajs' itself, so this module must run first: index.ts and every
 * module of this lib that loads kafkajs import it before kafkajs (through aborted-transactions-patch.ts,
 * which imports it first). If kafkajs was loaded before, its own framing stays in use: slower, the
 * same bytes.
 */
import type EncoderType from 'kafkajs/src/protocol/encoder';
import { replaceModuleExports } from './module-replacement';

const REQUEST_MODULE = 'kafkajs/src/protocol/request';
const CONNECTION_MODULE = 'kafkajs/src/network/connection';
const HEADROOM = Symbol.for('mirrormaker.kafka.frameHeadroom');

/** Room enough for the frame header with a client id of up to 240 bytes. */
export const FRAME_HEADROOM = 256;

/** Size, API key, API version, correlation id, client id length. */
const FIXED_HEADER_SIZE = 4 + 2 + 2 + 4 + 2;

interface Headroom {
  readonly buffer: Buffer;
  /** Where the body starts in `buffer`; the bytes before it are free. */
  readonly bodyAt: number;
  /** The rest of the body, sent after `buffer` without being copied into it. */
  readonly tail?: Buffer;
}

/**
 * On a framed request's Buffer: bytes that follow it on the wire (counted in its size prefix). Our
 * sockets (socket-factory.ts) write the two back to back, with no copy.
 */
export const REQUEST_TAIL = Symbol.for('mirrormaker.kafka.requestTail');

export type FramedBuffer = Buffer & { [REQUEST_TAIL]?: Buffer };

type Encoder = EncoderType & { buf: Buffer; offset: number; [HEADROOM]?: Headroom };

let EncoderClass: (new (initialSize?: number) => Encoder) | undefined;

/** An Encoder holding exactly `buffer` (kafkajs reads `buf` and `offset`). */
function encoderOver(buffer: Buffer): Encoder {
  // Loaded on first use, as importing it here would load kafkajs before the install; and kept, as
  // resolving a package path on every request cost more than the framing itself (under tsx, most
  // of a busy process's time).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  EncoderClass ??= require('kafkajs/src/protocol/encoder') as new (initialSize?: number) => Encoder;
  const encoder = new EncoderClass(0);
  encoder.buf = buffer;
  encoder.offset = buffer.length;
  return encoder;
}

/**
 * A body written at `bodyAt` of `buffer` (up to its end), with the bytes before it free for the
 * frame header, and followed by `tail` when given.
 */
export function encoderWithHeadroom(buffer: Buffer, bodyAt: number, tail?: Buffer): EncoderType {
  const encoder = encoderOver(buffer.subarray(bodyAt));
  encoder[HEADROOM] = tail ? { buffer, bodyAt, tail } : { buffer, bodyAt };
  return encoder;
}

interface FramedRequest {
  correlationId: number;
  clientId: string | null | undefined;
  request: { apiKey: number; apiVersion: number; encode(): Promise<unknown> };
}

/** The same bytes as kafkajs 2.2.4's `protocol/request.js`, in one Buffer. */
export async function frameRequest({ correlationId, clientId, request: { apiKey, apiVersion, encode } }: FramedRequest): Promise<EncoderType> {
  const body = (await encode()) as Encoder;
  const bodyBytes = body.offset;
  const clientIdBytes = clientId == null ? 0 : Buffer.byteLength(clientId, 'utf8');
  const headerSize = FIXED_HEADER_SIZE + clientIdBytes;
  const room = body[HEADROOM];
  let out: Buffer;
  if (room !== undefined && room.bodyAt >= headerSize && room.buffer.length - room.bodyAt === bodyBytes) {
    out = room.buffer.subarray(room.bodyAt - headerSize, room.bodyAt + bodyBytes);
  } else {
    out = Buffer.allocUnsafe(headerSize + bodyBytes);
    body.buf.copy(out, headerSize, 0, bodyBytes);
  }
  const tail = room?.tail;
  let off = out.writeInt32BE(headerSize - 4 + bodyBytes + (tail?.length ?? 0), 0);
  off = out.writeInt16BE(apiKey, off);
  off = out.writeInt16BE(apiVersion, off);
  off = out.writeInt32BE(correlationId, off);
  off = out.writeInt16BE(clientId == null ? -1 : clientIdBytes, off);
  if (clientId != null) out.write(clientId, off, clientIdBytes, 'utf8');
  const framed = encoderOver(out);
  if (tail) {
    // kafkajs writes `buffer`; its getter would return a new view, without the tail.
    (out as FramedBuffer)[REQUEST_TAIL] = tail;
    Object.defineProperty(framed, 'buffer', { value: out });
  }
  return framed;
}

/** True when kafkajs's connections frame requests with `frameRequest`. */
export function installRequestFraming(): boolean {
  return replaceModuleExports(REQUEST_MODULE, frameRequest, CONNECTION_MODULE);
}

/** Whether kafkajs frames requests with `frameRequest` (decided when this module loads). */
export const requestFramingInstalled = installRequestFraming();
