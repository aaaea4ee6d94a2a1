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

describe('PositionWriter', () => {
  it('sends one request at a time, with the newest position of every partition asked for meanwhile', async () => {
    const { requests, producer } = manualProducer();
    const writer = new PositionWriter({ producer: () => producer, topic: () => 'mm2-offsets.A.internal', logger });
    const a = recorder();
    const first = writer.write('a', 1n, record('a', 1n), a);
    await tick();
    expect(requests.map((r) => r.records)).toEqual([['a=1']]);
    let secondDone = false;
    const second = writer.write('a', 5n, record('a', 5n), a).then(() => (secondDone = true));
    void writer.write('b', 2n, record('b', 2n), recorder());
    void writer.write('a', 3n, record('a', 3n), a); // older than 5: never sent after it
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
    const writer = new PositionWriter({ producer: () => producer, topic: () => 't', logger, retry: { initialMs: 20, maxMs: 20 } });
    const a = recorder();
    const done = writer.write('a', 7n, record('a', 7n), a);
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

  it('resolves at once when the position is already stored, and lets waiters go on close', async () => {
    const { requests, producer } = manualProducer();
    const writer = new PositionWriter({ producer: () => producer, topic: () => 't', logger });
    const a = recorder();
    const stored = writer.write('a', 2n, record('a', 2n), a);
    await tick();
    requests[0]!.finish();
    await stored;
    await writer.write('a', 2n, record('a', 2n), a); // nothing new: no request
    expect(requests).toHaveLength(1);
    const waiting = writer.write('b', 1n, record('b', 1n), recorder());
    await tick();
    const closing = writer.close();
    requests[1]!.finish();
    await closing;
    await waiting;
    void writer.write('c', 1n, record('c', 1n), recorder());
    await tick();
    expect(requests).toHaveLength(2);
  });
});
