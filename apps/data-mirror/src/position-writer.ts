import type { KafkaProducer, ProducerRecord } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';
import { Backoff } from '@mirrormaker/service-kit';

/** Told how the positions of one source partition fare. */
export interface PositionListener {
  stored(upTo: bigint): void;
  failed(upTo: bigint, error: Error): void;
}

export interface PositionWriterOptions {
  /** The plain producer on the target. */
  producer: () => Pick<KafkaProducer, 'send'>;
  /** The positions topic. */
  topic: () => string;
  logger: Logger;
  /**
   * Positions handed over are written together this often (the flow's `offset.flush.interval.ms`);
   * a write asked for with `now` goes at once.
   */
  flushIntervalMs: number;
  /** Calls `flush` every `ms` until the returned function is called. @default an unref'd setInterval */
  every?: (ms: number, flush: () => void) => () => void;
  /** Between attempts after a failed write. */
  retry?: { initialMs?: number; maxMs?: number };
}

interface Entry {
  /** The newest position asked for, and its record. */
  upTo: bigint;
  record: ProducerRecord;
  /** The newest position on the target. */
  stored: bigint;
  listener: PositionListener;
  waiters: Array<{ upTo: bigint; resolve: () => void }>;
  /** Asked to go out before the next flush (the partition is being released). */
  now: boolean;
}

/** Below every position, -1 (nothing copied) included. */
const NOTHING_STORED = -2n;

function everyInterval(ms: number, flush: () => void): () => void {
  const timer = setInterval(flush, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * At-least-once positions of a flow's partitions, written off the copy path: a partition hands
 * over its position once the records up to it are acknowledged and goes on copying. Every
 * `flushIntervalMs` (Connect's `offset.flush.interval.ms`) the newest position of every partition
 * that moved goes to the target, all in one produce request, one request at a time; a partition
 * being released asks for its last position `now`, which goes at once. So the positions topic gets
 * at most one record per partition per interval however fast records are copied, a position is
 * still stored only after its records, the versions of one key reach the topic in order, and a
 * round of copying never waits for a position write.
 *
 * A failed write is tried again with backoff (the newest position of each partition) until it
 * succeeds or the writer closes; listeners hear of both. A kill loses the positions handed over
 * since the last write: their records, at most one interval of copying, are copied again by the
 * next holder (at-least-once).
 */
export class PositionWriter {
  private readonly entries = new Map<string, Entry>();
  private readonly backoff: Backoff;
  private sending: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** A flush is due: every partition behind goes in the next request. */
  private flushDue = false;
  private readonly stopFlushing: () => void;
  private closed = false;

  constructor(private readonly options: PositionWriterOptions) {
    this.backoff = new Backoff({ initialMs: options.retry?.initialMs ?? 500, maxMs: options.retry?.maxMs ?? 10_000 });
    this.stopFlushing = (options.every ?? everyInterval)(Math.max(1, options.flushIntervalMs), () => this.flush());
  }

  /**
   * Asks for `upTo` to be stored for `key` with `record`: with the next flush, or at once with
   * `now`. Resolves once a position at least as new is on the target (or the writer closed); never
   * rejects: failures go to the listener.
   *
   * A position below the one asked for before replaces it only with `restart`: the partition's log
   * began again (its source topic was deleted, or created anew); otherwise the newer one is kept.
   */
  write(key: string, upTo: bigint, record: ProducerRecord, listener: PositionListener, how: { now?: boolean; restart?: boolean } = {}): Promise<void> {
    let entry = this.entries.get(key);
    if (entry && how.restart && upTo < entry.upTo) {
      // A request in flight still holds the old entry: what it stores no longer counts here.
      this.forget(key);
      entry = undefined;
    }
    if (!entry) {
      entry = { upTo, record, stored: NOTHING_STORED, listener, waiters: [], now: false };
      this.entries.set(key, entry);
    } else if (upTo > entry.upTo) {
      entry.upTo = upTo;
      entry.record = record;
    }
    entry.listener = listener;
    if (entry.stored >= upTo || this.closed) return Promise.resolve();
    const done = new Promise<void>((resolve) => entry.waiters.push({ upTo, resolve }));
    if (how.now) {
      entry.now = true;
      this.kick();
    }
    return done;
  }

  /** Writes every position handed over since the last flush (the interval's timer). */
  flush(): void {
    this.flushDue = true;
    this.kick();
  }

  /** Forgets a partition this instance no longer copies (its pending waiters resolve). */
  forget(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    for (const w of entry.waiters) w.resolve();
  }

  /** Stops writing; the request in flight is awaited. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopFlushing();
    clearTimeout(this.retryTimer);
    await this.sending;
    for (const key of [...this.entries.keys()]) this.forget(key);
  }

  private kick(): void {
    if (this.sending || this.retryTimer || this.closed) return;
    this.sending = this.sendDue().finally(() => {
      this.sending = undefined;
    });
  }

  /**
   * One request with the newest position of every partition behind (after a flush) or of those
   * asked for now, repeated while any is.
   */
  private async sendDue(): Promise<void> {
    for (;;) {
      const all = this.flushDue;
      this.flushDue = false;
      const due = [...this.entries.values()].filter((e) => e.upTo > e.stored && (all || e.now));
      if (due.length === 0 || this.closed) return;
      for (const e of due) e.now = false;
      const batch = due.map((e) => ({ entry: e, upTo: e.upTo, record: e.record }));
      try {
        await this.options.producer().send(this.options.topic(), batch.map((b) => b.record), { acks: 'all' });
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        for (const b of batch) b.entry.listener.failed(b.upTo, error);
        const delay = this.backoff.next();
        this.options.logger.warn({ err: error.message, partitions: batch.length, retryInMs: delay }, 'positions not stored; trying again');
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.flush();
        }, delay);
        this.retryTimer.unref();
        return;
      }
      this.backoff.reset();
      for (const b of batch) {
        const e = b.entry;
        if (b.upTo > e.stored) e.stored = b.upTo;
        e.listener.stored(e.stored);
        const still: Entry['waiters'] = [];
        for (const w of e.waiters) {
          if (w.upTo <= e.stored) w.resolve();
          else still.push(w);
        }
        e.waiters = still;
      }
    }
  }
}
