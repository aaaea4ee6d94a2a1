/**
 * Response framing of kafkajs 2.2.4 into Buffers that can be used again.
 *
 * kafkajs's `Connection.processData` keeps the socket's chunks of an answer in a list and joins
 * them with `Buffer.concat` once the answer is complete (and once more when the first chunks give
 * its size). Every Fetch answer, up to 8 MiB here, so lands in a fresh Buffer. The batches the
 * fetcher hands over are views into it, so it lives until they are all copied: long enough for V8
 * to move it to the old generation, where only a full collection frees it. With 64 partitions
 * copied at full speed these Buffers were most of the data-mirror's memory.
 *
 * The replacement reads the 4-byte size first and copies each chunk straight into a Buffer of the
 * answer's exact size taken from `wireBuffers` (buffer-pool.ts): one copy, as before, and no
 * Buffer.concat. The fetcher gives its answers back to the pool once every batch in them was handled
 * (an answer nobody gives back is collected as before). Nothing keeps a view of a chunk: a plain
 * socket reads every chunk into the same Buffer (socket-factory.ts). Everything else is what kafkajs
 * does: SASL exchanges without framing go to the auth handler as they come, framed ones with their
 * size, and every other answer to the request queue with its correlation id.
 *
 * The method is replaced on the prototype, so load order does not matter.
 */
import { wireBuffers } from './buffer-pool';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the kafkajs class whose method is replaced
const { prototype: connectionPrototype } = require('kafkajs/src/network/connection') as { prototype: ConnectionLike };

/** The fields of kafkajs's Connection that framing uses. */
export interface ConnectionLike {
  socket?: unknown;
  authHandlers?: { onSuccess(data: Buffer): void } | null;
  authExpectResponse?: boolean;
  requestQueue: { fulfillRequest(response: { size: number; correlationId: number; payload: Buffer }): void };
  processData(this: ConnectionLike, rawData: Buffer): void;
}

const PARTIAL = Symbol.for('mirrormaker.kafka.partialResponse');
const PATCHED = Symbol.for('mirrormaker.kafka.responseFramingPatched');
const SIZE_BYTES = 4;

/** An answer being read: the socket it comes from, its size prefix, then its bytes. */
interface Partial {
  socket: unknown;
  sizePrefix: Buffer;
  sizeRead: number;
  frame: Buffer | undefined;
  frameRead: number;
}

type FramedConnection = ConnectionLike & { [PARTIAL]?: Partial };

export function processData(this: FramedConnection, rawData: Buffer): void {
  if (this.authHandlers && !this.authExpectResponse) {
    this.authHandlers.onSuccess(Buffer.from(rawData));
    return;
  }
  let p = this[PARTIAL];
  if (!p || p.socket !== this.socket) {
    // A new socket starts a new stream: nothing half-read on an old one belongs to it.
    p = { socket: this.socket, sizePrefix: Buffer.alloc(SIZE_BYTES), sizeRead: 0, frame: undefined, frameRead: 0 };
    this[PARTIAL] = p;
  }
  let at = 0;
  while (at < rawData.length) {
    if (!p.frame) {
      const n = Math.min(SIZE_BYTES - p.sizeRead, rawData.length - at);
      rawData.copy(p.sizePrefix, p.sizeRead, at, at + n);
      p.sizeRead += n;
      at += n;
      if (p.sizeRead < SIZE_BYTES) return;
      const size = p.sizePrefix.readInt32BE(0);
      // A negative size cannot come from a broker: read as empty, which fails the connection below.
      p.frame = wireBuffers.take(SIZE_BYTES + Math.max(0, size));
      p.sizePrefix.copy(p.frame, 0);
      p.frameRead = SIZE_BYTES;
      p.sizeRead = 0;
    }
    const n = Math.min(p.frame.length - p.frameRead, rawData.length - at);
    rawData.copy(p.frame, p.frameRead, at, at + n);
    p.frameRead += n;
    at += n;
    if (p.frameRead < p.frame.length) return;
    const frame = p.frame;
    p.frame = undefined;
    deliverFrame(this, frame);
  }
}

function deliverFrame(connection: FramedConnection, frame: Buffer): void {
  if (connection.authHandlers) {
    connection.authHandlers.onSuccess(frame);
    return;
  }
  if (frame.length < SIZE_BYTES + 4) {
    // No room for a correlation id: not Kafka's protocol. Failing the connection fails its
    // requests (kafkajs's error handler), which are then retried on a new one.
    (connection.socket as { destroy?: (error: Error) => void } | undefined)?.destroy?.(
      new Error(`the broker sent an answer of ${frame.length - SIZE_BYTES} bytes, too short for a correlation id; closing the connection`),
    );
    return;
  }
  connection.requestQueue.fulfillRequest({
    size: frame.length - SIZE_BYTES,
    correlationId: frame.readInt32BE(SIZE_BYTES),
    payload: frame.subarray(SIZE_BYTES + 4),
  });
}

/** kafkajs's own, kept for the spec that compares the two. */
export const kafkajsProcessData = (connectionPrototype as { [PATCHED]?: ConnectionLike['processData'] })[PATCHED] ?? connectionPrototype.processData;

/** True when kafkajs's connections frame answers with `processData` above (copying every chunk). */
export function responseFramingInstalled(): boolean {
  return connectionPrototype.processData === processData;
}

export function installResponseFramingPatch(): void {
  const proto = connectionPrototype as ConnectionLike & { [PATCHED]?: ConnectionLike['processData'] };
  if (proto[PATCHED]) return;
  proto[PATCHED] = proto.processData;
  proto.processData = processData;
}

installResponseFramingPatch();
