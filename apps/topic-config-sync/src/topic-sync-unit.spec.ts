import { findFlow, loadMirrorConfigOrThrow } from '@mirrormaker/config';
import { KafkaError } from '@mirrormaker/kafka';
import { createLogger } from '@mirrormaker/observability';
import { eventually } from '@mirrormaker/testing';
import { Registry } from 'prom-client';
import { flowRules } from './flow-rules';
import { internalTopicSpecs } from './internal-topics';
import { FakeTopicAdmin } from './testing/fake-topic-admin';
import { createTopicSyncMetrics } from './topic-sync-metrics';
import { TopicSyncUnit, type TopicSyncSettings } from './topic-sync-unit';

const PROPERTIES = [
  'clusters = A, B',
  'A.bootstrap.servers = a:9092',
  'B.bootstrap.servers = b:9092',
  'A->B.enabled = true',
  'replication.factor = 1',
  'offset.storage.replication.factor = 1',
].join('\n');

/** The fakes answer at once: poll them often. */
const quickly = { timeoutMs: 2_000, intervalMs: 5 };

function setUp(settings: Partial<TopicSyncSettings> = {}, properties = PROPERTIES) {
  const config = loadMirrorConfigOrThrow(properties);
  const flow = findFlow(config, 'A->B')!;
  const rules = flowRules(flow);
  const source = new FakeTopicAdmin();
  const target = new FakeTopicAdmin();
  const registry = new Registry();
  const unit = new TopicSyncUnit({
    unitId: 'topics/A->B',
    flow: 'A->B',
    rules,
    internalTopics: internalTopicSpecs(config, flow, rules.policy),
    settings: { replicationFactor: 1, refreshTopicsIntervalMs: 20, syncConfigsIntervalMs: 20, ...settings },
    source: { alias: 'A', principal: 'User:ANONYMOUS', admin: source },
    target: { alias: 'B', principal: 'User:bob', admin: target },
    metrics: createTopicSyncMetrics(registry),
    logger: createLogger({ service: 'test', level: 'silent' }),
    backoff: { initialMs: 10, maxMs: 40, jitter: 0 },
  });
  return { unit, source, target, registry };
}

describe('TopicSyncUnit', () => {
  let running: TopicSyncUnit | undefined;
  afterEach(async () => {
    await running?.stop('test over');
    running = undefined;
  });

  it('creates remote topics with the source partition count and filtered configs, plus the internal topics', async () => {
    const { unit, source, target, registry } = setUp();
    running = unit;
    source.addTopic('orders', 3, { 'retention.ms': '3600000', 'cleanup.policy': 'compact', 'min.insync.replicas': '1' });
    source.addTopic('__consumer_offsets', 50);
    source.addTopic('B.loop', 1);
    unit.start();
    await eventually('remote topic', () => target.topics.has('A.orders'), quickly);
    expect(target.topics.get('A.orders')).toEqual({ partitions: 3, replicationFactor: 1, overrides: { 'retention.ms': '3600000', 'cleanup.policy': 'compact' } });
    expect(target.topics.has('A.__consumer_offsets')).toBe(false);
    expect(target.topics.has('A.B.loop')).toBe(false);

    expect(target.topics.get('heartbeats')).toMatchObject({ partitions: 1, overrides: { 'cleanup.policy': 'compact' } });
    expect(target.topics.get('A.checkpoints.internal')).toMatchObject({ partitions: 1, overrides: { 'cleanup.policy': 'compact' } });
    expect(target.topics.get('mm2-offsets.A.internal')).toMatchObject({ partitions: 25, replicationFactor: 1, overrides: { 'cleanup.policy': 'compact' } });
    expect(target.topics.get('mirrormaker-config.internal')).toMatchObject({ partitions: 1, replicationFactor: -1 });
    expect(source.topics.get('mm2-offset-syncs.B.internal')).toMatchObject({ partitions: 1, replicationFactor: 3, overrides: { 'cleanup.policy': 'compact' } });
    expect(source.topics.get('mirrormaker-offset-segments.B.internal')).toMatchObject({
      partitions: 1,
      overrides: { 'cleanup.policy': 'delete', 'retention.ms': '604800000' },
    });

    await eventually('a few refreshes', () => target.count('listTopics') >= 3, quickly);
    expect(target.count('createTopics')).toBe(5); // each once, never again
    expect(source.count('createTopics')).toBe(2);
    expect(unit.status.total('topic_created')).toBe(1);
    expect(unit.status.total('internal_topic_created')).toBe(6);
    expect(unit.status.state).toBe('in-sync');
    const text = await registry.metrics();
    expect(text).toContain('mirrormaker_topic_sync_operations_total{flow="A->B",operation="topic_created"} 1');
    expect(text).toMatch(/mirrormaker_unit_last_success_timestamp_seconds\{unit="topics\/A->B",task="topics"\} \d/);
    expect(text).toContain('mirrormaker_unit_state{unit="topics/A->B",state="in-sync"} 1');
  });

  it('grows remote topics to the source partition count and never shrinks them', async () => {
    const { unit, source, target } = setUp();
    running = unit;
    source.addTopic('grows', 5);
    source.addTopic('shrank', 2);
    target.addTopic('A.grows', 3);
    target.addTopic('A.shrank', 4);
    unit.start();
    await eventually('growth', () => target.topics.get('A.grows')!.partitions === 5, quickly);
    await eventually('a few refreshes', () => target.count('listTopics') >= 3, quickly);
    expect(target.topics.get('A.shrank')!.partitions).toBe(4);
    expect(target.count('createPartitions')).toBe(1);
    expect(unit.status.total('partitions_added')).toBe(2);
  });

  it('syncs configs incrementally and keeps the target-only overrides MM2 would not touch', async () => {
    const { unit, source, target } = setUp();
    running = unit;
    source.addTopic('t', 1, { 'retention.ms': '1000', 'max.message.bytes': '2000' });
    target.addTopic('A.t', 1, { 'retention.ms': '1000', 'max.message.bytes': '2000', 'min.insync.replicas': '1' });
    unit.start();
    await eventually('first config run', () => target.count('describeTopicConfigs') >= 1, quickly);
    source.topics.get('t')!.overrides = { 'retention.ms': '5000', 'segment.bytes': '1000000' }; // changed, reset, added
    await eventually('configs follow', () => target.topics.get('A.t')!.overrides['retention.ms'] === '5000', quickly);
    expect(target.topics.get('A.t')!.overrides).toEqual({ 'retention.ms': '5000', 'segment.bytes': '1000000', 'min.insync.replicas': '1' });
    const writes = target.count('alterTopicConfigs');
    await eventually('more config runs', () => target.count('describeTopicConfigs') >= 6, quickly);
    expect(target.count('alterTopicConfigs')).toBe(writes); // in sync: no further writes
    expect(unit.status.total('config_set')).toBe(2);
    expect(unit.status.total('config_deleted')).toBe(1);
  });

  it('explains a missing ACL, keeps going with other topics, and does not retry faster than the interval', async () => {
    const { unit, source, target } = setUp({ refreshTopicsIntervalMs: 200 });
    running = unit;
    source.addTopic('denied', 1);
    source.addTopic('allowed', 1);
    const denied = (args: unknown[]) =>
      (args[0] as Array<{ name: string }>)[0]!.name === 'A.denied'
        ? new KafkaError('AUTHORIZATION_FAILED', 'not authorized', { protocolError: 'TOPIC_AUTHORIZATION_FAILED' })
        : undefined;
    for (let i = 0; i < 10; i++) target.failWhen('createTopics', denied);
    unit.start();
    await eventually('the other topic', () => target.topics.has('A.allowed'), quickly);
    await eventually('the failure in the status', () => unit.errorReports().length > 0, quickly);
    expect(unit.errorReports()).toEqual([
      expect.objectContaining({
        unitId: 'topics/A->B',
        cause: 'AUTHORIZATION_FAILED',
        message: "principal User:bob lacks CREATE on topic 'A.denied' of cluster 'B' (needed to create the topic); grant it with an ACL",
      }),
    ]);
    expect(unit.status.state).toBe('degraded');
    await new Promise((r) => setTimeout(r, 300));
    expect(target.calls.filter((c) => c.method === 'createTopics' && JSON.stringify(c.args).includes('A.denied')).length).toBeLessThanOrEqual(3);
  });

  it('names a source topic whose remote name would be too long for Kafka, and creates the others', async () => {
    const { unit, source, target } = setUp();
    running = unit;
    const long = 'x'.repeat(248); // a legal source topic; "A." makes its remote name 250 characters
    source.addTopic(long, 1);
    source.addTopic('orders', 1);
    unit.start();
    await eventually('the other topic', () => target.topics.has('A.orders'), quickly);
    await eventually('the failure in the status', () => unit.errorReports().length > 0, quickly);
    expect(unit.errorReports()).toEqual([
      expect.objectContaining({
        cause: 'INVALID_CONFIG',
        message: `remote topic name for source topic '${long}' would be 250 characters, more than the 249 Kafka allows; rename the source topic, use a shorter source alias than 'A', or leave the topic out with topics.exclude`,
      }),
    ]);
    expect(target.calls.filter((c) => c.method === 'createTopics' && JSON.stringify(c.args).includes(long))).toEqual([]);
  });

  it('retries with backoff while the target is down, shows it, and recovers', async () => {
    const { unit, source, target } = setUp({ refreshTopicsIntervalMs: 10_000 });
    running = unit;
    source.addTopic('t', 1);
    target.down = new KafkaError('UNREACHABLE', "list topics on cluster 'B': cannot reach the brokers (ECONNREFUSED)");
    unit.start();
    await eventually('several attempts', () => target.count('listTopics') >= 3, quickly);
    expect(unit.status.state).toBe('retrying');
    expect(unit.errorReports()[0]).toMatchObject({ cause: 'UNREACHABLE', message: expect.stringMatching(/cluster 'B' did not answer.*retrying in/) });
    target.down = undefined;
    await eventually('recovery', () => target.topics.has('A.t'), quickly);
    await eventually('status clears', () => unit.status.state === 'in-sync', quickly);
    expect(unit.errorReports()).toEqual([]);
  });

  it('stops at once while waiting, closes its clients and makes no more calls', async () => {
    const { unit, source, target } = setUp({ refreshTopicsIntervalMs: 60_000, syncConfigsIntervalMs: 60_000 });
    source.addTopic('t', 1);
    unit.start();
    await eventually('first run', () => target.topics.has('A.t') && target.count('describeTopicConfigs') >= 1, quickly);
    await unit.stop('revoked');
    expect(source.closed && target.closed).toBe(true);
    const calls = target.calls.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(target.calls.length).toBe(calls);
    expect(unit.status.state).toBe('stopped');
  });

  it('refreshes only once when refresh is off, and skips config sync when it is off', async () => {
    const { unit, source, target } = setUp({ refreshTopicsIntervalMs: null, syncConfigsIntervalMs: null });
    running = unit;
    source.addTopic('t', 1);
    unit.start();
    await eventually('first run', () => target.topics.has('A.t'), quickly);
    await new Promise((r) => setTimeout(r, 60));
    expect(source.count('listTopics')).toBe(1);
    expect(target.count('describeTopicConfigs')).toBe(0);
  });
});
