import pino from 'pino';
import { KafkaAdmin } from './admin-port';
import { createKafkaClient, kafkaJsOf } from './connection';

/** A stand-in for one kafkajs admin client: listTopics waits for the test while `hold` is set. */
class FakeAdmin {
  disconnected = false;
  hold = false;
  readonly waiting: Array<{ resolve: (topics: string[]) => void }> = [];
  constructor(readonly topics: string[]) {}
  connect = async () => undefined;
  disconnect = async () => {
    this.disconnected = true;
  };
  listTopics = () => {
    if (this.disconnected) return Promise.reject(new Error('write after end'));
    if (!this.hold) return Promise.resolve(this.topics);
    return new Promise<string[]>((resolve) => this.waiting.push({ resolve }));
  };
  fetchTopicMetadata = async () => {
    throw Object.assign(new Error('This server does not host this topic-partition'), { name: 'KafkaJSProtocolError', type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true });
  };
}

function adminWithFakes() {
  const client = createKafkaClient({ clusterAlias: 'A', brokers: ['127.0.0.1:9'], clientId: 'admin-port-spec' }, pino({ level: 'silent' }));
  const made: FakeAdmin[] = [];
  (kafkaJsOf(client) as unknown as { admin: () => FakeAdmin }).admin = () => {
    const fake = new FakeAdmin([`t${made.length + 1}`]);
    fake.hold = made.length === 0;
    made.push(fake);
    return fake;
  };
  return { admin: new KafkaAdmin(client), made };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('KafkaAdmin client replacement', () => {
  it('moves later calls to a fresh client after a missing topic, and disconnects the old one only after its running calls', async () => {
    const { admin, made } = adminWithFakes();
    const running = admin.listTopics();
    await settle();
    expect(made).toHaveLength(1);
    // A topic that does not exist (yet): kafkajs would keep asking for it, so the client is replaced...
    expect(await admin.describeTopics(['missing'])).toEqual(new Map());
    // ...but the call still running on it is not cut off.
    expect(made[0].disconnected).toBe(false);
    made[0].waiting[0].resolve(['t1']);
    expect(await running).toEqual(['t1']);
    await settle();
    expect(made[0].disconnected).toBe(true);
    // Later calls run on a new client.
    expect(await admin.listTopics()).toEqual(['t2']);
    expect(made[1].disconnected).toBe(false);
    await admin.close();
    expect(made.every((m) => m.disconnected)).toBe(true);
  });

  it('disconnects every client it made when closed, even with a call still running', async () => {
    const { admin, made } = adminWithFakes();
    void admin.listTopics().catch(() => undefined);
    await settle();
    expect(made[0].waiting).toHaveLength(1);
    await admin.close();
    expect(made.map((m) => m.disconnected)).toEqual([true]);
  });
});

describe('KafkaAdmin.listOffsets', () => {
  /** kafkajs's fetchTopicOffsets when its cached metadata lacks the topic (another refresh replaced it). */
  const metadataRace = () => {
    const { partitions } = ([] as Array<{ partitions: unknown }>).pop() as { partitions: unknown };
    return partitions;
  };

  function adminAnswering(failures: number) {
    const client = createKafkaClient({ clusterAlias: 'A', brokers: ['127.0.0.1:9'], clientId: 'admin-port-spec' }, pino({ level: 'silent' }));
    const calls = { offsets: 0, clients: 0 };
    (kafkaJsOf(client) as unknown as { admin: () => object }).admin = () => {
      calls.clients += 1;
      return {
        connect: async () => undefined,
        disconnect: async () => undefined,
        fetchTopicMetadata: async () => ({ topics: [{ name: 't', partitions: [{ partitionId: 0 }] }] }),
        fetchTopicOffsets: async () => {
          calls.offsets += 1;
          if (calls.offsets <= failures) metadataRace();
          return [{ partition: 0, offset: '7', high: '7', low: '2' }];
        },
      };
    };
    return { admin: new KafkaAdmin(client), calls };
  }

  it('asks again, on the same client, when kafkajs lost the topic from its metadata meanwhile', async () => {
    const { admin, calls } = adminAnswering(2);
    expect(await admin.listOffsets('t')).toEqual(new Map([[0, { earliest: 2n, latest: 7n }]]));
    expect(calls).toEqual({ offsets: 3, clients: 1 });
    await admin.close();
  });

  it('names the topic and the cause when the metadata never holds it', async () => {
    const { admin } = adminAnswering(Infinity);
    await expect(admin.listOffsets('t')).rejects.toThrow("list offsets, topic 't' on cluster 'A': its partitions were missing from the cluster metadata at each of 8 attempts");
    await admin.close();
  });
});
