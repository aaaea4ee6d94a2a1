import { listOffsetsRequestV2, type ListOffsetsTopic } from './list-offsets-request';

// kafkajs's own ListOffsets v2 request (loaded inside the test, after this lib's patches).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kafkajsListOffsetsV2 = require('kafkajs/src/protocol/requests/listOffsets/v2/request') as (args: {
  replicaId: number;
  isolationLevel: number;
  topics: readonly ListOffsetsTopic[];
}) => { apiKey: number; apiVersion: number; encode(): Promise<{ buffer: Buffer }> };

describe('listOffsetsRequestV2', () => {
  const cases: Array<[string, number, ListOffsetsTopic[]]> = [
    ['no topic', 1, []],
    ['earliest of one partition, read_uncommitted', 0, [{ topic: 'orders', partitions: [{ partition: 0, timestamp: '-2' }] }]],
    [
      'latest and a time of many topics and partitions, names in UTF-8',
      1,
      Array.from({ length: 300 }, (_, t) => ({
        topic: t % 7 === 0 ? `bestellungen-ü-${t}` : `west.orders-${t}.heartbeats`,
        partitions: Array.from({ length: (t % 5) + 1 }, (_, p) => ({ partition: p * 3, timestamp: p % 2 === 0 ? '-1' : 1_733_600_000_123 + p })),
      })),
    ],
  ];

  it.each(cases)('writes exactly the bytes kafkajs writes: %s', async (_, isolationLevel, topics) => {
    const ours = listOffsetsRequestV2(isolationLevel, topics);
    const theirs = kafkajsListOffsetsV2({ replicaId: -1, isolationLevel, topics });
    expect([ours.apiKey, ours.apiVersion]).toEqual([theirs.apiKey, theirs.apiVersion]);
    expect(Buffer.compare((await ours.encode()).buffer, (await theirs.encode()).buffer)).toBe(0);
  });
});
