import { createLogger } from '@mirrormaker/observability';
import { decodeOffsetSegments } from '@mirrormaker/offset-translation';
import type { RecordSender } from './coalescing-sender';
import { OffsetSegmentEmitter, type OffsetSegmentEmitterOptions } from './offset-segment-emitter';

const TOPIC = 'mirrormaker-offset-segments.B.internal';
const logger = createLogger({ service: 't', level: 'silent' });

/** [upstreamStart, downstreamStart, upstreamEnd] of each segment of a record. */
type Written = Array<[bigint, bigint, bigint]>;

/** A producer whose sends wait until the test settles them, in order. */
function heldProducer() {
  const written: Written[] = [];
  const waiting: Array<{ segments: Written; settle: (error?: Error) => void }> = [];
  const producer: RecordSender = {
    send(topic, records) {
      expect(topic).toBe(TOPIC);
      expect(records).toHaveLength(1);
      expect(records[0].partition).toBe(0);
      const segments = decodeOffsetSegments(records[0].key!, records[0].value!).map((s): [bigint, bigint, bigint] => [s.upstreamStart, s.downstreamStart, s.upstreamEnd]);
      return new Promise((resolve, reject) => {
        waiting.push({
          segments,
          settle: (error) => {
            if (error) return reject(error);
            written.push(segments);
            resolve(new Map([[0, 0n]]));
          },
        });
      });
    },
  };
  /** Settles the oldest send in flight (with `error`: fails it) and lets the emitter react. */
  const settleNext = async (error?: Error) => {
    const next = waiting.shift();
    if (!next) throw new Error('nothing in flight');
    next.settle(error);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { producer, written, waiting, settleNext };
}

function emitterWith(producer: RecordSender, extra: Partial<OffsetSegmentEmitterOptions> = {}) {
  const clock = { now: 1000 };
  const written: number[] = [];
  const failures: Error[] = [];
  const emitter = new OffsetSegmentEmitter({
    producer,
    topic: async () => TOPIC,
    partition: { topic: 'orders', partition: 3 },
    logger,
    minGapMs: 200,
    now: () => clock.now,
    onWritten: (n) => written.push(n),
    onFailed: (e) => failures.push(e),
    ...extra,
  });
  /** Records with upstream offsets `from..from+count-1` acked at `downstreamFrom..`. */
  const ack = (from: bigint, count: number, downstreamFrom: bigint) =>
    emitter.recordsAcked(count, (i) => from + BigInt(i), (i) => downstreamFrom + BigInt(i));
  return { emitter, clock, ack, written, failures };
}

/** Lets the emitter's promise chain reach the producer. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** The timer fires, and the record it sends is acknowledged. */
async function flushAndAck(emitter: OffsetSegmentEmitter, fake: ReturnType<typeof heldProducer>): Promise<void> {
  emitter.flush();
  await tick();
  await fake.settleNext();
}

describe('OffsetSegmentEmitter', () => {
  it('writes a new segment at once, keeps one record in flight, and puts what changed meanwhile into the next one', async () => {
    const fake = heldProducer();
    const { ack, clock } = emitterWith(fake.producer);
    ack(0n, 10, 100n); // the first records of a start: a new segment, written at once
    await tick();
    expect(fake.waiting.map((w) => w.segments)).toEqual([[[0n, 100n, 10n]]]);

    ack(10n, 5, 110n); // grows it
    ack(20n, 5, 115n); // a hole in the source (offsets 15..19): a new segment, but one record is in flight
    clock.now += 1000;
    await tick();
    expect(fake.waiting).toHaveLength(1);

    await fake.settleNext(); // the next record goes out right after, with both changes
    expect(fake.waiting.map((w) => w.segments)).toEqual([
      [
        [0n, 100n, 15n],
        [20n, 115n, 25n],
      ],
    ]);
    await fake.settleNext();
    expect(fake.written).toEqual([
      [[0n, 100n, 10n]],
      [
        [0n, 100n, 15n],
        [20n, 115n, 25n],
      ],
    ]);
  });

  it('writes growth only on flush, and a new segment that follows a record too closely with the next flush', async () => {
    const fake = heldProducer();
    const { emitter, ack, clock } = emitterWith(fake.producer);
    ack(0n, 1, 0n);
    await tick();
    await fake.settleNext();

    ack(1n, 4, 1n); // growth: waits for the timer
    await tick();
    expect(fake.waiting).toHaveLength(0);
    clock.now += 100;
    ack(5n, 1, 7n); // a new segment (a marker on the target), 100 ms after the last record: waits too
    await tick();
    expect(fake.waiting).toHaveLength(0);

    await flushAndAck(emitter, fake);
    expect(fake.written[1]).toEqual([
      [0n, 0n, 5n],
      [5n, 7n, 6n],
    ]);
    emitter.flush(); // nothing changed: nothing written
    await tick();
    expect(fake.waiting).toHaveLength(0);
  });

  it('keeps the segments of a failed record, with what grew since, for the next flush; no prompt writes while failing', async () => {
    const fake = heldProducer();
    const { emitter, ack, clock, failures, written } = emitterWith(fake.producer);
    ack(0n, 3, 10n);
    await tick();
    ack(3n, 2, 13n); // grows while in flight
    await fake.settleNext(new Error('broker down'));
    expect(failures.map((e) => e.message)).toEqual(['broker down']);
    expect(emitter.unwrittenCount).toBe(1);

    clock.now += 1000;
    ack(5n, 1, 20n); // a new segment: not written at once while the topic refuses records
    await tick();
    expect(fake.waiting).toHaveLength(0);

    await flushAndAck(emitter, fake);
    expect(fake.written).toEqual([
      [
        [0n, 10n, 5n],
        [5n, 20n, 6n],
      ],
    ]);
    expect(written).toEqual([2]);
    expect(emitter.unwrittenCount).toBe(0);
  });

  it('drops the oldest unwritten segments beyond the bound, never the newest', async () => {
    const fake = heldProducer();
    const dropped: number[] = [];
    const { emitter, ack, clock } = emitterWith(fake.producer, { maxUnwritten: 3, onDropped: (n) => dropped.push(n) });
    ack(0n, 1, 0n);
    await tick();
    await fake.settleNext(new Error('refused'));
    for (let i = 1n; i <= 4n; i++) ack(i * 10n, 1, i * 100n); // four more segments, none written
    expect(dropped).toEqual([1, 1]);
    clock.now += 1000;
    await flushAndAck(emitter, fake);
    expect(fake.written).toEqual([
      [
        [20n, 200n, 21n],
        [30n, 300n, 31n],
        [40n, 400n, 41n],
      ],
    ]);
  });

  it('writes what is left when the unit stops, and says how much could not be written', async () => {
    const fake = heldProducer();
    const { emitter, ack } = emitterWith(fake.producer);
    ack(0n, 1, 0n);
    await tick();
    ack(1n, 9, 1n); // grows while the first record is in flight
    const finished = emitter.finish(10_000);
    await fake.settleNext(); // the record in flight
    await fake.settleNext(); // the rest
    await expect(finished).resolves.toBe(0);
    expect(fake.written).toEqual([[[0n, 0n, 1n]], [[0n, 0n, 10n]]]);

    const failing = heldProducer();
    const stopping = emitterWith(failing.producer);
    stopping.ack(0n, 1, 0n);
    await tick();
    const left = stopping.emitter.finish(10_000);
    await failing.settleNext(new Error('gone'));
    await failing.settleNext(new Error('gone')); // tried once more, then given up
    await expect(left).resolves.toBe(1);
    expect(failing.waiting).toHaveLength(0);
  });

  it('says up to which source offset the mapping is on the topic, which holds back the stored position', async () => {
    const fake = heldProducer();
    const { emitter, ack, clock } = emitterWith(fake.producer);
    expect(emitter.writtenUpTo).toBeUndefined();
    ack(0n, 10, 100n);
    await tick();
    expect(emitter.writtenUpTo).toBeUndefined(); // sent, not acknowledged
    await fake.settleNext();
    expect(emitter.writtenUpTo).toBe(10n);
    ack(10n, 5, 110n);
    clock.now += 1000;
    emitter.flush();
    await tick();
    await fake.settleNext(new Error('topic unavailable'));
    expect({ upTo: emitter.writtenUpTo, failing: emitter.isFailing }).toEqual({ upTo: 10n, failing: true });
    emitter.flush();
    await tick();
    await fake.settleNext();
    expect({ upTo: emitter.writtenUpTo, failing: emitter.isFailing }).toEqual({ upTo: 15n, failing: false });
  });
});
