import { uniqueName } from '@mirrormaker/testing';
import { KafkaAdmin } from './admin-port';
import { clientFor } from './integration-helpers';
import { KafkaProducer } from './producer-port';
import { TopicOffsetsReader } from './topic-offsets-reader';

jest.setTimeout(60_000);

describe('TopicOffsetsReader against a real cluster', () => {
  const client = clientFor('source');
  const admin = new KafkaAdmin(client);
  const reader = new TopicOffsetsReader(client);
  const [one, two, missing] = [uniqueName('offsets-one'), uniqueName('offsets-two'), uniqueName('offsets-missing')];

  beforeAll(async () => {
    await admin.createTopics([
      { name: one, partitions: 1, replicationFactor: 1 },
      { name: two, partitions: 3, replicationFactor: 1 },
    ]);
    const producer = new KafkaProducer(client);
    await producer.connect();
    const record = (partition: number) => ({ partition, key: null, value: Buffer.from('v') });
    await producer.send(one, Array.from({ length: 5 }, () => record(0)));
    await producer.send(two, [record(0), record(2), record(2)]);
    await producer.close();
    await admin.deleteRecords(one, new Map([[0, 2n]]));
  });

  afterAll(async () => {
    await reader.close();
    await admin.deleteTopics([one, two]).catch(() => undefined);
    await admin.close();
  });

  it('answers every topic in one read: the offsets of all its partitions, or that it does not exist', async () => {
    const answers = await reader.read([one, two, missing]);
    expect(answers.get(one)).toEqual(new Map([[0, { earliest: 2n, latest: 5n }]]));
    expect(answers.get(two)).toEqual(
      new Map([
        [0, { earliest: 0n, latest: 1n }],
        [1, { earliest: 0n, latest: 0n }],
        [2, { earliest: 0n, latest: 2n }],
      ]),
    );
    expect(answers.get(missing)).toMatchObject({ code: 'TOPIC_NOT_FOUND', message: expect.stringContaining(`'${missing}'`) });
  });

  it('gives the same offsets as the admin client reads one topic at a time', async () => {
    const answers = await reader.read([two]);
    expect(answers.get(two)).toEqual(await admin.listOffsets(two));
  });
});
