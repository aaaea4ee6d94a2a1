/**
 * A TCP proxy that holds every chunk for a fixed time in each direction, so a client on loopback
 * sees a broker as if it sat across a wide-area link (25 ms each way: 50 ms round trip). The WAN
 * runs of the bench put it between the mirrors and the source cluster.
 *
 * - Order: each direction of a connection is one FIFO line; a chunk leaves no earlier than
 *   `delayMs` after it arrived and never before the chunks that arrived before it.
 * - Back pressure: when the receiving side's socket buffer is full (write() returned false), or
 *   more than `maxQueuedBytes` wait in a line, the sending side stops being read until the line
 *   drains, so nothing is buffered without bound.
 * - Closing: an end from one side is passed on after the same delay (after the chunks before it);
 *   an error or a close of either side destroys both. `stop()` closes the listener and every
 *   connection.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

/** Time source and timers; the real one by default, a manual one in tests. */
export interface DelayClock {
  now(): number;
  /** Calls `fn` after `ms`; returns the cancel. */
  schedule(fn: () => void, ms: number): () => void;
}

export const realClock: DelayClock = {
  now: () => Date.now(),
  schedule: (fn, ms) => {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
};

/** Where a line writes: a socket, or a recorder in tests. */
export interface LineSink {
  /** Returns false when the sink wants no more until `onDrain` fires. */
  write(chunk: Buffer): boolean;
  end(): void;
}

export interface DelayLineOptions {
  delayMs: number;
  /** Stop reading the source past this many bytes waiting. @default 64 MiB */
  maxQueuedBytes?: number;
  clock?: DelayClock;
  /** The line wants the source paused (true) or resumed (false). */
  onPause: (paused: boolean) => void;
}

interface Held {
  due: number;
  chunk: Buffer | null;
}

/** One direction of a proxied connection: chunks in, the same chunks out `delayMs` later. */
export class DelayLine {
  private readonly queue: Held[] = [];
  private head = 0;
  private queued = 0;
  private sinkFull = false;
  private paused = false;
  private cancelTimer: (() => void) | undefined;
  private ended = false;
  private closed = false;
  /** Bytes passed on so far. */
  forwardedBytes = 0;
  private readonly clock: DelayClock;
  private readonly maxQueued: number;

  constructor(
    private readonly sink: LineSink,
    private readonly options: DelayLineOptions,
  ) {
    this.clock = options.clock ?? realClock;
    this.maxQueued = options.maxQueuedBytes ?? 64 * 1024 * 1024;
  }

  /** Bytes received and not yet passed on. */
  get queuedBytes(): number {
    return this.queued;
  }

  push(chunk: Buffer): void {
    if (this.closed || this.ended) return;
    this.queue.push({ due: this.clock.now() + this.options.delayMs, chunk });
    this.queued += chunk.length;
    this.updatePause();
    this.arm();
  }

  /** The source ended: pass the end on after the chunks before it. */
  end(): void {
    if (this.closed || this.ended) return;
    this.ended = true;
    this.queue.push({ due: this.clock.now() + this.options.delayMs, chunk: null });
    this.arm();
  }

  /** The sink can take more. */
  drained(): void {
    this.sinkFull = false;
    this.flush();
  }

  close(): void {
    this.closed = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.queue.length = 0;
    this.head = 0;
    this.queued = 0;
  }

  private arm(): void {
    if (this.cancelTimer || this.sinkFull || this.closed || this.head >= this.queue.length) return;
    const wait = this.queue[this.head].due - this.clock.now();
    if (wait <= 0) {
      this.flush();
      return;
    }
    this.cancelTimer = this.clock.schedule(() => {
      this.cancelTimer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (this.closed) return;
    const now = this.clock.now();
    while (!this.sinkFull && this.head < this.queue.length && this.queue[this.head].due <= now) {
      const held = this.queue[this.head];
      this.queue[this.head] = undefined as unknown as Held;
      this.head += 1;
      if (held.chunk === null) {
        this.sink.end();
        continue;
      }
      this.queued -= held.chunk.length;
      this.forwardedBytes += held.chunk.length;
      if (!this.sink.write(held.chunk)) this.sinkFull = true;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.updatePause();
    this.arm();
  }

  private updatePause(): void {
    const want = this.sinkFull || this.queued > this.maxQueued;
    if (want === this.paused) return;
    this.paused = want;
    this.options.onPause(want);
  }
}

export interface DelayProxyOptions {
  /** Port to listen on (0: any free one). */
  listenPort: number;
  targetPort: number;
  /** @default 127.0.0.1 */
  host?: string;
  /** Delay of each direction. */
  delayMs: number;
  maxQueuedBytes?: number;
  clock?: DelayClock;
  /** Connections that failed (the target refused, a reset): counted, and told here. */
  onError?: (err: Error) => void;
}

export interface DelayProxy {
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  /** Bytes forwarded so far, each direction. */
  forwarded(): { toTarget: number; toClient: number };
  errors(): number;
  stop(): Promise<void>;
}

/** Starts the proxy; resolves once it listens. */
export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const host = options.host ?? '127.0.0.1';
  const open = new Set<Socket>();
  const lines = new Set<DelayLine>();
  let accepted = 0;
  let errors = 0;
  let toTarget = 0;
  let toClient = 0;
  // Half-open sockets: an end is passed on by the line, after the data queued before it.
  const server: Server = createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    accepted += 1;
    const upstream = connect({ host, port: options.targetPort, noDelay: true, allowHalfOpen: true });
    open.add(client);
    open.add(upstream);
    const line = (from: Socket, to: Socket, count: (n: number) => void): DelayLine => {
      const l = new DelayLine(
        {
          write: (chunk) => {
            count(chunk.length);
            return to.destroyed ? true : to.write(chunk);
          },
          end: () => to.end(),
        },
        { delayMs: options.delayMs, maxQueuedBytes: options.maxQueuedBytes, clock: options.clock, onPause: (p) => (p ? from.pause() : from.resume()) },
      );
      lines.add(l);
      from.on('data', (chunk: Buffer) => l.push(chunk));
      from.on('end', () => l.end());
      to.on('drain', () => l.drained());
      return l;
    };
    const up = line(client, upstream, (n) => (toTarget += n));
    const down = line(upstream, client, (n) => (toClient += n));
    let done = false;
    const teardown = (err?: Error) => {
      if (done) return;
      done = true;
      if (err) {
        errors += 1;
        options.onError?.(err);
      }
      up.close();
      down.close();
      lines.delete(up);
      lines.delete(down);
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    // A half-close is passed on by the lines; the connection is gone once both sockets closed.
    let closedSides = 0;
    const onClose = () => {
      closedSides += 1;
      if (closedSides === 2) teardown();
    };
    client.on('close', onClose);
    upstream.on('close', onClose);
    client.on('error', (err) => teardown(err));
    upstream.on('error', (err) => teardown(err));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.listenPort;
  return {
    port,
    connections: () => accepted,
    forwarded: () => ({ toTarget, toClient }),
    errors: () => errors,
    stop: async () => {
      for (const l of lines) l.close();
      lines.clear();
      for (const s of open) s.destroy();
      open.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
