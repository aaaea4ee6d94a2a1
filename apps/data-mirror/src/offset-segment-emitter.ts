import type { RecordSender } from './coalescing-sender';
import type { Logger } from '@mirrormaker/observability';
import { encodeOffsetSegments, OffsetSegmentTracker, type OffsetSegment, type TopicPartition } from '@mirrormaker/offset-translation';

/** Unwritten segments kept per partition while the topic refuses them; older ones are dropped beyond it. */
export const MAX_UNWRITTEN_SEGMENTS = 10_000;

export interface OffsetSegmentEmitterOptions {
  /** Writes to the cluster holding the offset-segments topic (the flow's offset-syncs sender). */
  producer: RecordSender;
  /** `mirrormaker-offset-segments.<alias>.internal`, created (and checked) beforehand. */
  topic: () => Promise<string>;
  /** The source partition whose copies are mapped. */
  partition: TopicPartition;
  logger: Logger;
  /** A new segment is written at once only when the previous record went out at least this long ago. */
  minGapMs: number;
  /** @default MAX_UNWRITTEN_SEGMENTS */
  maxUnwritten?: number;
  now?: () => number;
  /** A record with `segments` segments was written. */
  onWritten?: (segments: number) => void;
  onFailed?: (error: Error) => void;
  /** Unwritten segments were dropped to stay within `maxUnwritten`. */
  onDropped?: (segments: number) => void;
}

/**
 * Writes the exact upstream → downstream mapping of one source partition's copies, for one lease
 * (a fresh emitter per unit start, so the first record after a start opens a new segment). Every
 * acknowledged record goes through an OffsetSegmentTracker; what changed is kept here until it is
 * written as one record (offset-segment-codec.ts) to partition 0 of the offset-segments topic:
 *
 *   acked records ─► tracker ─► unwritten (by downstreamStart) ─► one record ─► topic, partition 0
 *                                    ▲                               │ failed
 *                                    └───────────────────────────────┘ kept for the next one
 *
 * - `flush()` (the unit's timer) writes whatever changed; a new segment is written at once unless
 *   the previous record went out less than `minGapMs` ago or the last write failed.
 * - At most one record is in flight: records reach the topic in the order they were made, and what
 *   changes meanwhile goes into the next one (sent as soon as the one in flight is done, if asked).
 * - A failed record's segments go back in front of newer changes; a segment changed since keeps its
 *   newer extent. Nothing is dropped, except beyond `maxUnwritten` (the oldest first, logged as an
 *   error).
 *
 * Segments are facts about records already on the target, so a write may finish after the unit
 * lost its lease without harm.
 */
export class OffsetSegmentEmitter {
  private readonly tracker: OffsetSegmentTracker;
  private readonly now: () => number;
  private readonly maxUnwritten: number;
  /** Changed segments not written yet, in downstreamStart order, at most one per start. */
  private unwritten: OffsetSegment[] = [];
  /** downstreamStart of the newest segment seen, to tell a new segment from one that grew. */
  private newestStart = -1n;
  private inFlight: Promise<void> | undefined;
  /** Something asked to write while a record was in flight. */
  private again = false;
  private failing = false;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  /** One past the highest source offset whose mapping this emitter got onto the topic. */
  private written: bigint | undefined;

  constructor(private readonly options: OffsetSegmentEmitterOptions) {
    this.tracker = new OffsetSegmentTracker(options.partition);
    this.now = options.now ?? Date.now;
    this.maxUnwritten = Math.max(1, options.maxUnwritten ?? MAX_UNWRITTEN_SEGMENTS);
  }

  /** Record i of `count` (source offset `upstreamAt(i)`) was acknowledged at target offset `downstreamAt(i)`, in order. */
  recordsAcked(count: number, upstreamAt: (i: number) => bigint, downstreamAt: (i: number) => bigint): void {
    this.tracker.recordsAcked(count, upstreamAt, downstreamAt);
    const changed = this.tracker.takeChanged();
    if (changed.length === 0) return;
    const opened = changed[changed.length - 1].downstreamStart > this.newestStart;
    this.newestStart = changed[changed.length - 1].downstreamStart;
    this.keep(changed);
    if (opened) this.prompt();
  }

  /** Writes what changed since the last record (the unit's timer). */
  flush(): void {
    if (this.inFlight) this.again = true;
    else this.send();
  }

  /**
   * One past the highest source offset of this lease whose segment is on the topic (undefined
   * before the first write). Copies of one lease go up in source order, so everything below it
   * that was copied is mapped.
   */
  get writtenUpTo(): bigint | undefined {
    return this.written;
  }

  /** The last write failed (the topic refuses them for now). */
  get isFailing(): boolean {
    return this.failing;
  }

  /** Segments not written yet (for tests and the stop log). */
  get unwrittenCount(): number {
    return this.unwritten.length;
  }

  /**
   * Writes what is left and waits for it, at most `timeoutMs` (the unit is stopping): the record in
   * flight, then one more with what is still unwritten. Resolves with the number of segments left.
   */
  async finish(timeoutMs: number): Promise<number> {
    const deadline = this.now() + timeoutMs;
    let tried = false;
    while (this.now() < deadline && (this.inFlight || (!tried && this.unwritten.length > 0))) {
      if (!this.inFlight) {
        tried = true;
        this.send();
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.inFlight, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - this.now()))))]);
      clearTimeout(timer);
    }
    return this.unwritten.length;
  }

  /** A new segment: written now, unless a record is in flight (then right after it) or one went out just now. */
  private prompt(): void {
    if (this.inFlight) this.again = true;
    else if (!this.failing && this.now() - this.lastSentAt >= this.options.minGapMs) this.send();
  }

  private send(): void {
    if (this.inFlight || this.unwritten.length === 0) return;
    const segments = this.unwritten;
    this.unwritten = [];
    this.lastSentAt = this.now();
    const { key, value } = encodeOffsetSegments(this.options.partition, segments);
    const send: Promise<void> = this.options
      .topic()
      .then((topic) => this.options.producer.send(topic, [{ partition: 0, key, value }]))
      .then(
        () => {
          this.failing = false;
          for (const segment of segments) if (this.written === undefined || segment.upstreamEnd > this.written) this.written = segment.upstreamEnd;
          this.options.onWritten?.(segments.length);
        },
        (err: Error) => {
          this.unwritten = [...segments.filter((s) => this.unwritten.length === 0 || s.downstreamStart < this.unwritten[0].downstreamStart), ...this.unwritten];
          this.bound();
          if (!this.failing) {
            const { topic, partition } = this.options.partition;
            this.options.logger.warn({ err: err.message, topic, partition, segments: this.unwritten.length }, 'offset segments not written; kept for the next attempt');
          }
          this.failing = true;
          this.options.onFailed?.(err);
        },
      )
      .finally(() => {
        this.inFlight = undefined;
        if (this.again) {
          this.again = false;
          this.prompt();
        }
      });
    this.inFlight = send;
  }

  /** Adds changes (oldest first, starts not below the newest kept): a segment that grew replaces its older extent. */
  private keep(changed: readonly OffsetSegment[]): void {
    for (const segment of changed) {
      const last = this.unwritten[this.unwritten.length - 1];
      if (last !== undefined && last.downstreamStart === segment.downstreamStart) this.unwritten[this.unwritten.length - 1] = segment;
      else this.unwritten.push(segment);
    }
    this.bound();
  }

  private bound(): void {
    const excess = this.unwritten.length - this.maxUnwritten;
    if (excess <= 0) return;
    const dropped = this.unwritten.splice(0, excess);
    const { topic, partition } = this.options.partition;
    this.options.logger.error(
      {
        topic,
        partition,
        dropped: excess,
        fromUpstream: dropped[0].upstreamStart.toString(),
        toUpstream: (dropped[dropped.length - 1].upstreamEnd - 1n).toString(),
      },
      'dropped offset segments that could not be written: translations of group offsets in that range of source offsets rest on the neighbouring segments and are no longer exact',
    );
    this.options.onDropped?.(excess);
  }
}
