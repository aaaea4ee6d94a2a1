import { uniqueName } from '@mirrormaker/testing';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaAdmin } from './admin-port';
import type { KafkaClient } from './connection';
import { clientFor, clusterInfo } from './integration-helpers';
import { KafkaProducer } from './producer-port';

jest.setTimeout(60_000);

/**
 * Commits an offset for a group the way an application's consumer would: join, commit, leave.
 * A fresh cluster's group coordinator may still be loading; kafkajs then crashes the consumer,
 * so this tries again (without kafkajs's own restart, which can outlive disconnect()).
 */
async function commitAsConsumerGroup(groupId: string, topic: string, partition: number, offset: string): Promise<void> {
  const kafka = new Kafka({ brokers: [clusterInfo('target').bootstrap], logLevel: logLevel.NOTHING });
  for (let attempt = 1; ; attempt++) {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, retry: { restartOnFailure: async () => false } });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      const fetching = new Promise<void>((resolve, reject) => {
        consumer.on(consumer.events.FETCH_START, () => resolve());
        consumer.on(consumer.events.CRASH, (event) => reject(event.payload.error));
      });
      await consumer.run({ autoCommit: false, eachBatch: async () => undefined });
      await fetching;
      await consumer.commitOffsets([{ topic, partition, offset }]);
      return;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await consumer.disconnect();
    }
  }
}

describe('KafkaAdmin against a real cluster', () => {
  let client: KafkaClient;
  let admin: KafkaAdmin;

  beforeAll(async () => {
    client = clientFor('target');
    admin = new KafkaAdmin(client);
    await admin.connect();
    await admin.connect(); // idempotent
  });

  afterAll(async () => {
    await admin.close();
    await admin.close(); // idempotent
  });

  it('creates a topic with configs and reads them back as dynamic topic overrides, everything else not', async () => {
    const topic = uniqueName('adm-configs');
    await admin.createTopics([
      { name: topic, partitions: 3, replicationFactor: 1, configs: { 'retention.ms': '3600000', 'cleanup.policy': 'compact' } },
    ]);
    expect(await admin.describeTopics([topic])).toEqual(new Map([[topic, { partitions: 3 }]]));

    const configs = (await admin.describeTopicConfigs([topic])).get(topic) ?? [];
    const byName = new Map(configs.map((c) => [c.name, c]));
    expect(byName.get('retention.ms')).toMatchObject({ value: '3600000', source: 'DYNAMIC_TOPIC_CONFIG', isDefault: false, isReadOnly: false });
    expect(byName.get('cleanup.policy')).toMatchObject({ value: 'compact', source: 'DYNAMIC_TOPIC_CONFIG', isDefault: false });
    expect(byName.get('retention.ms')?.synonyms[0]).toMatchObject({ name: 'retention.ms', value: '3600000', source: 'DYNAMIC_TOPIC_CONFIG' });
    const overridden = configs.filter((c) => c.source === 'DYNAMIC_TOPIC_CONFIG').map((c) => c.name);
    expect(overridden.sort()).toEqual(['cleanup.policy', 'retention.ms']);
    expect(byName.get('segment.ms')).toMatchObject({ source: 'DEFAULT_CONFIG', isDefault: true });
    expect(configs.length).toBeGreaterThan(20);
  });

  it('replaces the whole override set with alterTopicConfigs (non-incremental)', async () => {
    const topic = uniqueName('adm-alter');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1, configs: { 'retention.ms': '3600000', 'cleanup.policy': 'compact' } }]);
    await admin.alterTopicConfigs(topic, { 'retention.ms': '7200000', 'max.message.bytes': '50000' });
    const configs = (await admin.describeTopicConfigs([topic])).get(topic) ?? [];
    const overrides = Object.fromEntries(configs.filter((c) => c.source === 'DYNAMIC_TOPIC_CONFIG').map((c) => [c.name, c.value]));
    expect(overrides).toEqual({ 'retention.ms': '7200000', 'max.message.bytes': '50000' }); // cleanup.policy went back to its default
  });

  it('skips topics that already exist, creates the rest, and reports real failures by topic', async () => {
    const existing = uniqueName('adm-exists');
    const fresh = uniqueName('adm-fresh');
    await admin.createTopics([{ name: existing, partitions: 2, replicationFactor: 1 }]);
    await admin.createTopics([
      { name: existing, partitions: 5, replicationFactor: 1 },
      { name: fresh, partitions: 1, replicationFactor: -1 },
    ]);
    expect(await admin.describeTopics([existing, fresh, 'no-such-topic-here'])).toEqual(
      new Map([
        [existing, { partitions: 2 }],
        [fresh, { partitions: 1 }],
      ]),
    );
    const bad = uniqueName('adm-bad');
    await expect(admin.createTopics([{ name: bad, partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'shred' } }])).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      message: expect.stringContaining(bad),
    });
    await expect(admin.createTopics([{ name: bad, partitions: 1, replicationFactor: 7 }])).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });

  it('adds partitions, refuses to shrink, lists offsets and deletes topics', async () => {
    const topic = uniqueName('adm-parts');
    await admin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    await admin.createPartitions(topic, 3);
    expect((await admin.describeTopics([topic])).get(topic)).toEqual({ partitions: 3 });
    await expect(admin.createPartitions(topic, 2)).rejects.toMatchObject({ code: 'INVALID_PARTITIONS' });

    const producer = new KafkaProducer(client);
    try {
      await producer.send(topic, [
        { partition: 0, key: null, value: Buffer.from('a') },
        { partition: 0, key: null, value: Buffer.from('b') },
        { partition: 2, key: null, value: Buffer.from('c') },
      ]);
    } finally {
      await producer.close();
    }
    expect(await admin.listOffsets(topic)).toEqual(
      new Map([
        [0, { earliest: 0n, latest: 2n }],
        [1, { earliest: 0n, latest: 0n }],
        [2, { earliest: 0n, latest: 1n }],
      ]),
    );
    expect(await admin.listTopics()).toContain(topic);
    await admin.deleteTopics([topic]);
    await expect(admin.listOffsets(topic)).rejects.toMatchObject({ code: 'TOPIC_NOT_FOUND' });
    // kafkajs would keep asking for the deleted topic's metadata; later calls must still work
    expect(await admin.listTopics()).not.toContain(topic);
    expect((await admin.describeTopics([topic])).size).toBe(0);
  });

  it('lists and describes consumer groups and reads their committed offsets as bigint', async () => {
    const topic = uniqueName('adm-groups');
    const group = uniqueName('adm-group');
    await admin.createTopics([{ name: topic, partitions: 2, replicationFactor: 1 }]);
    const producer = new KafkaProducer(client, { idempotent: true });
    try {
      // The committed offset must lie inside the log, or kafkajs's consumer resets (and commits) it.
      await producer.send(topic, Array.from({ length: 6 }, () => ({ partition: 0, key: null, value: Buffer.from('x') })));
    } finally {
      await producer.close();
    }
    await commitAsConsumerGroup(group, topic, 0, '5');

    expect((await admin.listGroups()).find((g) => g.groupId === group)).toBeDefined();
    expect((await admin.describeGroups([group])).get(group)).toMatchObject({ state: 'EMPTY', members: 0 });
    const committed = await admin.fetchCommittedOffsets(group, [topic]);
    expect(committed).toEqual(new Map([[topic, new Map([[0, { offset: 5n, metadata: null }]])]]));
    const all = await admin.fetchCommittedOffsets(group);
    expect(all.get(topic)?.get(0)?.offset).toBe(5n);
    expect(all.get(topic)?.has(1)).toBe(false);
  });

  it('fails clearly when the cluster cannot be reached', async () => {
    const { createKafkaClient } = await import('./connection');
    const { testLogger } = await import('./integration-helpers');
    const nowhere = new KafkaAdmin(
      createKafkaClient(
        { clusterAlias: 'nowhere', brokers: ['127.0.0.1:1'], clientId: 'x', connectionTimeoutMs: 200, retry: { retries: 0 } },
        testLogger,
      ),
    );
    await expect(nowhere.listTopics()).rejects.toMatchObject({ code: 'UNREACHABLE', message: expect.stringContaining("cluster 'nowhere'") });
    await nowhere.close();
    await expect(nowhere.listTopics()).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
