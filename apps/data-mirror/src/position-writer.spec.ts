import type { ProducerRecord } from '@mirrormaker/kafka';
import { createLogger } from '@mirrormaker/observability';
import { PositionWriter, type PositionListener } from './position-writer';

const logger = createLogger({ service: 'test', level: 'silent' });
const record = (key: string, upTo: bigint): ProducerRecord => ({ partition: 0, key: Buffer.from(key), value: Buffer.from(upTo.toString()) });

/** A producer whose sends complete when the test says so. */
function manualProducer() {
  const requests: Array<{ records: string[]; finish: (err?: Error) => void }> = [];
  return {
    requests,
    producer: {
      send: (_topic: string, records: readonly ProducerRecord[]) =>
        new Promise<Map<number, bigint>>((resolve, reject) => {
          requests.push({ records: records.map((r) => `${r.key}=${r.value}`), finish: (err) => (err ? reject(err) : resolve(new Map())) });
        }),
    },
  };
}

function recorder(): PositionListener & { stored: jest.Mock; failed: jest.Mock } {
  return { stored: jest.fn(), failed: jest.fn() };
}

const tick = () => new Promise((r) => setImmediate(r));

/** The flush interval's timer, driven by the test: `elapse()` is one interval going by. */
function manualInterval() {
  let flush: (() => void) | undefined;
  let stopped = false;
  return {
    every: (_ms: number, fn: () => void) => {
      flush = fn;
      return () => (stopped = true);
    },
    elapse: () => flush?.(),
    get stopped() {
      return stopped;
    },
  };
}

function writerWith(producer: ReturnType<typeof manualProducer>['producer'], interval = manualInterval(), retry?: { initialMs: number; maxMs: number }) {
  return new PositionWriter({ producer: () => producer, topic: () => 'mm2-offsets.A.internal', logger, flushIntervalMs: 5000, every: interval.every, ...(retry ? { retry } : {}) });
}

describe('PositionWriter', () => {
  it('writes each partition at most once per flush interval however often positions are handed over', async () => {
    const { requests, producer } = manualProducer();
    const interval = manualInterval();
    const writer = writerWith(producer, interval);
    const a = recorder();
    const b = recorder();
    // Continuous copying: a position after every round, many rounds per interval.
    for (let round = 1n; round <= 50n; round++) void writer.write('a', round, record('a', round), a);
    for (let round = 1n; round <= 20n; round++) void writer.write('b', round * 10n, record('b', round * 10n), b);
    await tick();
    expect(requests).toHaveLength(0); // nothing before the interval is over
    interval.elapse();
    await tick();
    expect(requests.map((r) => r.records)).toEqual([['a=50', 'b=200']]);
    requests[0]!.finish();
    await tick();
    for (let round = 51n; round <= 90n; round++) void writer.write('a', round, record('a', round), a);
    await tick();
    expect(requests).toHaveLength(1);
    interval.elapse();
    await tick();
    expect(requests.map((r) => r.records)).toEqual([['a=50', 'b=200'], ['a=90']]); // b did not move: not written again
    requests[1]!.finish();
    await tick();
    interval.elapse(); // a quiet interval writes nothing
    await tick();
    expect(requests).toHaveLength(2);
    expect(a.stored).toHaveBeenLastCalledWith(90n);
  });

  it('writes a position asked for now (a partition being released) without waiting for the interval', async () => {
    const { requests, producer } = manualProducer();
    const writer = writerWith(producer);
    const a = recorder();
    void writer.write('a', 4n, record('a', 4n), a);
    void writer.write('b', 9n, record('b', 9n), recorder());
    const last = writer.write('a', 7n, record('a', 7n), a, { now: true });
    await tick();
    expect(requests.map((r) => r.records)).toEqual([['a=7']]); // b waits for the interval
    requests[0]!.finish();
    await last;
    expect(a.stored).toHaveBeenLastCalledWith(7n);
  });

  it('sends one request at a time: what is handed over meanwhile goes in the next one, never an older position after a newer', async () => {
    const { requests, producer } = manualProducer();
    const interval = manualInterval();
    const writer = writerWith(producer, interval);
    const a = recorder();
    const first = writer.write('a', 1n, record('a', 1n), a);
    interval.elapse();
    await tick();
    expect(requests.map((r) => r.records)).toEqual([['a=1']]);
    let secondDone = false;
    const second = writer.write('a', 5n, record('a', 5n), a).then(() => (secondDone = true));
    void writer.write('b', 2n, record('b', 2n), recorder());
    void writer.write('a', 3n, record('a', 3n), a); // older than 5: never sent after it
    interval.elapse();
    await tick();
    expect(requests).toHaveLength(1); // still one in flight
    requests[0]!.finish();
    await first;
    await tick();
    expect(requests.map((r) => r.records)).toEqual([['a=1'], ['a=5', 'b=2']]);
    expect(secondDone).toBe(false); // resolves only once stored
    requests[1]!.finish();
    await second;
    expect(a.stored).toHaveBeenLastCalledWith(5n);
    await tick();
    expect(requests).toHaveLength(2); // nothing left behind
  });

  it('tells the listener of a failure, tries again after a backoff and resolves once stored', async () => {
    const { requests, producer } = manualProducer();
    const writer = writerWith(producer, manualInterval(), { initialMs: 20, maxMs: 20 });
    const a = recorder();
    const done = writer.write('a', 7n, record('a', 7n), a, { now: true });
    await tick();
    requests[0]!.finish(new Error('NOT_ENOUGH_REPLICAS'));
    await tick();
    expect(a.failed).toHaveBeenCalledWith(7n, expect.objectContaining({ message: 'NOT_ENOUGH_REPLICAS' }));
    expect(requests).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(requests.map((r) => r.records)).toEqual([['a=7'], ['a=7']]);
    requests[1]!.finish();
    await done;
    expect(a.stored).toHaveBeenCalledWith(7n);
  });

  it('takes a lower position only when the partition’s log began again, even with the old one in flight', async () => {
    const { requests, producer } = manualProducer();
    const writer = writerWith(producer);
    const a = recorder();
    void writer.write('a', 900n, record('a', 900n), a, { now: true });
    await tick();
    const older = writer.write('a', 5n, record('a', 5n), a, { now: true }); // older, same log: covered by 900
    const restarted = writer.write('a', -1n, record('a', -1n), a, { now: true, restart: true });
    requests[0]!.finish();
    await older;
    await tick();
    expect(requests.map((r) => r.records)).toEqual([['a=900'], ['a=-1']]);
    requests[1]!.finish();
    await restarted;
    expect(a.stored).toHaveBeenLastCalledWith(-1n);
  });

  it('resolves at once when the position is already stored, lets waiters go on close and stops its timer', async () => {
    const { requests, producer } = manualProducer();
    const interval = manualInterval();
    const writer = writerWith(producer, interval);
    const a = recorder();
    const stored = writer.write('a', 2n, record('a', 2n), a, { now: true });
    await tick();
    requests[0]!.finish();
    await stored;
    await writer.write('a', 2n, record('a', 2n), a, { now: true }); // nothing new: no request
    expect(requests).toHaveLength(1);
    const waiting = writer.write('b', 1n, record('b', 1n), recorder(), { now: true });
    await tick();
    const closing = writer.close();
    requests[1]!.finish();
    await closing;
    await waiting;
    expect(interval.stopped).toBe(true);
    void writer.write('c', 1n, record('c', 1n), recorder(), { now: true });
    await tick();
    expect(requests).toHaveLength(2);
  });
});
