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
}

/**
 * At-least-once positions of a flow's partitions, written off the copy path: a partition hands
 * over its position once the records up to it are acknowledged and goes on copying, and the
 * positions of every partition asked for meanwhile go to the target together, in one produce
 * request, one request at a time. So a position is still stored only after its records, the
 * versions of one key reach the topic in order, and a round of copying waits for its produce acks
 * only, not for a position write as well.
 *
 * A failed write is tried again with backoff (the newest position of each partition) until it
 * succeeds or the writer closes; listeners hear of both. A kill loses at most the positions of the
 * request in flight: their records are copied again by the next holder (at-least-once).
 */
export class PositionWriter {
  private readonly entries = new Map<string, Entry>();
  private readonly backoff: Backoff;
  private sending: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: PositionWriterOptions) {
    this.backoff = new Backoff({ initialMs: options.retry?.initialMs ?? 500, maxMs: options.retry?.maxMs ?? 10_000 });
  }

  /**
   * Asks for `upTo` to be stored for `key` with `record`. Resolves once a position at least as
   * new is on the target (or the writer closed); never rejects: failures go to the listener.
   */
  write(key: string, upTo: bigint, record: ProducerRecord, listener: PositionListener): Promise<void> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { upTo, record, stored: -1n, listener, waiters: [] };
      this.entries.set(key, entry);
    } else if (upTo > entry.upTo) {
      entry.upTo = upTo;
      entry.record = record;
    }
    entry.listener = listener;
    if (entry.stored >= upTo || this.closed) return Promise.resolve();
    const done = new Promise<void>((resolve) => entry.waiters.push({ upTo, resolve }));
    this.kick();
    return done;
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

  /** One request with the newest position of every partition behind, repeated while any is. */
  private async sendDue(): Promise<void> {
    for (;;) {
      const due = [...this.entries.values()].filter((e) => e.upTo > e.stored);
      if (due.length === 0 || this.closed) return;
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
          this.kick();
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
