/**
 * The sockets our kafkajs clients open: kafkajs's own, except that a plain TCP socket reads into
 * one Buffer of its own (Node's `onread`) instead of a fresh Buffer per read. Fetch answers arrive
 * as tens of MiB per second of 64 KiB chunks; each was garbage a moment after response framing
 * (response-framing-patch.ts) copied it into its answer, and V8 frees such Buffers late. The
 * framing copies every byte out before the next read, so one Buffer per socket is enough.
 *
 * TLS sockets, and every socket when the framing patch is not in place, are opened as kafkajs
 * opens them. Every socket writes the tail of a request along with it (`writeTails`), and ignores
 * `unref` once destroyed (`unrefOnlyLive`).
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ISocketFactory } from 'kafkajs';
import { REQUEST_TAIL, type FramedBuffer } from './request-framing-patch';
import { responseFramingInstalled } from './response-framing-patch';

/** kafkajs's own keep-alive delay. */
const KEEP_ALIVE_DELAY_MS = 60_000;
/** Loopback and LAN reads of a large answer fill this much at a time; untouched pages cost nothing. */
const READ_BUFFER_BYTES = 256 * 1024;

export const kafkaSocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  let socket: net.Socket;
  if (ssl || !responseFramingInstalled()) {
    // kafkajs's own framing keeps chunks until an answer is complete: they need Buffers of their own.
    socket = ssl ? tls.connect({ host, port, ...(net.isIP(host) ? {} : { servername: host }), ...ssl }, onConnect) : net.connect({ host, port }, onConnect);
  } else {
    const options: net.NetConnectOpts & { onread: { buffer: Buffer; callback: (bytes: number, buffer: Buffer) => boolean } } = {
      host,
      port,
      onread: {
        buffer: Buffer.allocUnsafeSlow(READ_BUFFER_BYTES),
        // kafkajs listens for 'data'; with onread Node emits none, so the read is handed on as one.
        callback: (bytes, buffer) => {
          socket.emit('data', buffer.subarray(0, bytes));
          return true;
        },
      },
    };
    socket = net.connect(options, onConnect);
  }
  socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
  writeTails(socket);
  unrefOnlyLive(socket);
  return socket;
};

/**
 * A framed request may end in a tail that is not in its Buffer (request-framing-patch.ts): the
 * records of a passed-through batch, sent from the fetched bytes instead of copied. Both are
 * written in one go (corked: one writev); the tail lives until the request is answered.
 */
export function writeTails(socket: net.Socket): void {
  const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
  socket.write = ((chunk: unknown, ...rest: unknown[]): boolean => {
    const tail = Buffer.isBuffer(chunk) ? (chunk as FramedBuffer)[REQUEST_TAIL] : undefined;
    if (!tail) return write(chunk, ...rest);
    socket.cork();
    write(chunk);
    const flushed = write(tail, ...rest);
    socket.uncork();
    return flushed;
  }) as net.Socket['write'];
}

/**
 * kafkajs 2.2.4 ends and unrefs a connection's socket each time it disconnects it, and it
 * disconnects every connection of a broker after each failed attempt to reach that broker, those
 * whose socket was destroyed long before included. Node's `unref` on a socket without a handle
 * waits for a 'connect' that a destroyed socket never emits, adding one listener per call: while a
 * broker stays down they pile up (Node's MaxListenersExceededWarning) on sockets that are already
 * closed. A destroyed socket holds nothing that keeps the process alive, so there is nothing to unref.
 */
export function unrefOnlyLive(socket: net.Socket): void {
  const unref = socket.unref.bind(socket);
  socket.unref = (): net.Socket => (socket.destroyed ? socket : unref());
}
