import type { KafkaProducer, ProducerRecord } from '@mirrormaker/kafka';
import { CoalescingSender } from './coalescing-sender';

/** A producer whose requests are answered by the test, in the order they were sent. */
function heldProducer() {
  const requests: Array<{ topic: string; values: string[]; acks: unknown; answer: (error?: Error) => void }> = [];
  const producer: Pick<KafkaProducer, 'send'> = {
    send: (topic, records, options) =>
      new Promise((resolve, reject) => {
        requests.push({
          topic,
          values: records.map((r) => String(r.value)),
          acks: options?.acks,
          answer: (error) => (error ? reject(error) : resolve(new Map())),
        });
      }),
  };
  return { producer, requests };
}

const record = (value: string): ProducerRecord => ({ partition: 0, key: null, value: Buffer.from(value) });
const settled = () => new Promise((r) => setImmediate(r));

describe('CoalescingSender', () => {
  it('sends what was queued behind a request in flight as one next request, in order, with acks all', async () => {
    const { producer, requests } = heldProducer();
    const sender = new CoalescingSender(producer);
    const done: string[] = [];
    const send = (v: string) => sender.send('syncs', [record(v)]).then(() => void done.push(v));

    const first = send('a');
    const rest = [send('b'), send('c'), send('d')];
    expect(requests.map((r) => r.values)).toEqual([['a']]);

    requests[0].answer();
    await first;
    await settled();
    expect(done).toEqual(['a']);
    expect(requests.map((r) => r.values)).toEqual([['a'], ['b', 'c', 'd']]);
    expect(requests.map((r) => r.acks)).toEqual(['all', 'all']);

    requests[1].answer();
    await Promise.all(rest);
    expect(done).toEqual(['a', 'b', 'c', 'd']);
  });

  it('fails every send of a failed request and goes on with the next', async () => {
    const { producer, requests } = heldProducer();
    const sender = new CoalescingSender(producer);
    const first = sender.send('syncs', [record('a')]);
    const second = sender.send('syncs', [record('b')]);
    const third = sender.send('syncs', [record('c')]);
    requests[0].answer();
    await first;
    await settled();
    requests[1].answer(new Error('NOT_LEADER_OR_FOLLOWER'));
    await expect(second).rejects.toThrow('NOT_LEADER_OR_FOLLOWER');
    await expect(third).rejects.toThrow('NOT_LEADER_OR_FOLLOWER');

    const fourth = sender.send('syncs', [record('d')]);
    await settled();
    expect(requests.map((r) => r.values)).toEqual([['a'], ['b', 'c'], ['d']]);
    requests[2].answer();
    await expect(fourth).resolves.toBeUndefined();
  });

  it('puts at most maxRecords records in one request, never splitting a send', async () => {
    const { producer, requests } = heldProducer();
    const sender = new CoalescingSender(producer, 3);
    const sends = [sender.send('syncs', [record('a')]), sender.send('syncs', [record('b'), record('c')]), sender.send('syncs', [record('d'), record('e')]), sender.send('syncs', [record('f')])];
    for (let i = 0; i < 3; i++) {
      await settled();
      requests[i]?.answer();
    }
    await Promise.all(sends);
    expect(requests.map((r) => r.values)).toEqual([['a'], ['b', 'c'], ['d', 'e', 'f']]);
  });

  it('does not hold one topic behind a request to another', async () => {
    const { producer, requests } = heldProducer();
    const sender = new CoalescingSender(producer);
    void sender.send('syncs', [record('a')]);
    const segment = sender.send('segments', [record('s')]);
    expect(requests.map((r) => [r.topic, r.values])).toEqual([
      ['syncs', ['a']],
      ['segments', ['s']],
    ]);
    requests[1].answer();
    await expect(segment).resolves.toBeUndefined();
  });
});
