import { KafkaError, type PartitionOffsets, type TopicOffsets } from '@mirrormaker/kafka';
import { SourceOffsets } from './source-offsets';

const range = (earliest: bigint, latest: bigint): Map<number, PartitionOffsets> => new Map([[0, { earliest, latest }]]);
const leaderless = () => new KafkaError('PARTITION_NOT_FOUND', 'partition(s) 0 have no leader', { retriable: true, protocolError: 'LEADER_NOT_AVAILABLE' });

/** A source whose answers the test sets per topic; records the topics of every read. */
function source(answers: Record<string, Array<TopicOffsets>>) {
  const reads: string[][] = [];
  const heard: unknown[] = [];
  const offsets = new SourceOffsets({
    read: async (topics) => {
      reads.push([...topics]);
      return new Map(topics.filter((t) => answers[t]).map((t) => [t, answers[t].length > 1 ? answers[t].shift()! : answers[t][0]]));
    },
    onRead: (err) => heard.push(err),
    delayMs: () => 0,
  });
  return { offsets, reads, heard };
}

describe('SourceOffsets', () => {
  it('reads the topics that units ask for at the same time in one read, and answers each with its own', async () => {
    const { offsets, reads } = source({ a: [range(0n, 5n)], b: [range(3n, 9n)], gone: [new KafkaError('TOPIC_NOT_FOUND', "topic 'gone' does not exist")] });
    const [a, b, gone, again] = await Promise.allSettled([offsets.of('a'), offsets.of('b'), offsets.of('gone'), offsets.of('a')]);
    expect(reads).toEqual([['a', 'b', 'gone']]);
    expect(a).toEqual({ status: 'fulfilled', value: range(0n, 5n) });
    expect(again).toEqual(a);
    expect(b).toEqual({ status: 'fulfilled', value: range(3n, 9n) });
    expect(gone).toEqual({ status: 'rejected', reason: expect.objectContaining({ code: 'TOPIC_NOT_FOUND' }) });
  });

  it('looks again at a topic whose partition has no leader yet, and passes the error on after the last attempt', async () => {
    const { offsets, reads } = source({ electing: [leaderless(), leaderless(), range(0n, 1n)], stuck: [leaderless()] });
    await expect(offsets.of('electing')).resolves.toEqual(range(0n, 1n));
    expect(reads).toEqual([['electing'], ['electing'], ['electing']]);
    await expect(offsets.of('stuck')).rejects.toMatchObject({ code: 'PARTITION_NOT_FOUND' });
    expect(reads.filter((r) => r[0] === 'stuck')).toHaveLength(8);
  });

  it('rejects every caller of a read that failed as a whole, and says so to onRead', async () => {
    const down = new KafkaError('UNREACHABLE', 'no broker answered');
    const heard: unknown[] = [];
    const offsets = new SourceOffsets({ read: () => Promise.reject(down), onRead: (err) => heard.push(err) });
    const results = await Promise.allSettled([offsets.of('a'), offsets.of('b')]);
    expect(results).toEqual([
      { status: 'rejected', reason: down },
      { status: 'rejected', reason: down },
    ]);
    expect(heard).toEqual([down]);
    await expect(offsets.all(['a'])).rejects.toBe(down);
    expect(heard).toEqual([down, down]);
  });
});
