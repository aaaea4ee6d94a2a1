import { createKafkaClient, KafkaAdmin, KafkaProducer } from '@mirrormaker/kafka';
import { createLogger, createMetricsRegistry, type Registry } from '@mirrormaker/observability';
import { eventually, testClusters, uniqueName } from '@mirrormaker/testing';
import { electionTimings } from './election-rules';
import { LeaderElection } from './leader-election';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('leader election against a real cluster', () => {
  const { source } = testClusters();
  const topic = `${uniqueName('election')}.leader.internal`;
  const timings = electionTimings({ ttlMs: 2000, renewIntervalMs: 300 });
  const elections: LeaderElection[] = [];

  function replica(id: string, on = topic, metrics: Registry = createMetricsRegistry({ service: 'coordinator', version: 'test' })): { election: LeaderElection; follows: string[] } {
    const follows: string[] = [];
    const election = new LeaderElection({
      client: createKafkaClient({ clusterAlias: 'source', brokers: [source.bootstrap], clientId: `election-${id}` }, logger),
      topic: on,
      transactionalId: `mirrormaker-coordinator|${topic}`,
      instanceId: id,
      address: `${id}:7000`,
      timings,
      logger,
      metrics,
      configRevision: () => 1,
      onLead: () => undefined,
      onFollow: (reason) => follows.push(reason),
    });
    elections.push(election);
    return { election, follows };
  }

  afterAll(async () => {
    await Promise.all(elections.map((e) => e.stop()));
  });

  it('stops acting as soon as the leader stops, before its resignation lets the other replica lead', async () => {
    const a = replica('coord-a');
    await a.election.start();
    await eventually('coord-a leads', () => a.election.mayAct());
    const b = replica('coord-b');
    await b.election.start();
    await eventually('coord-b has read that coord-a leads', () => b.election.leader?.leaderId === 'coord-a');

    // The follower takes over as soon as it reads the resignation and acts a heartbeat later, while
    // coord-a's last confirmation would still be fresh: coord-a must not act from here on.
    const stopping = a.election.stop();
    expect(a.election.mayAct()).toBe(false);
    expect(a.follows).toEqual(['this coordinator replica is stopping']);
    await stopping;

    await eventually('coord-b leads', () => b.election.mayAct());
    expect(b.election.leader).toMatchObject({ leaderId: 'coord-b', term: 2 });
  });

  it('skips and counts corrupt records of the leader topic, and still elects a leader', async () => {
    const corrupt = `${uniqueName('election-corrupt')}.leader.internal`;
    const client = createKafkaClient({ clusterAlias: 'source', brokers: [source.bootstrap], clientId: 'election-garbage' }, logger);
    const admin = new KafkaAdmin(client);
    const producer = new KafkaProducer(client);
    try {
      await admin.createTopics([{ name: corrupt, partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } }]);
      await producer.connect();
      await producer.send(corrupt, [
        { partition: 0, key: Buffer.from('leader'), value: Buffer.from('{"term": "high"') },
        { partition: 0, key: Buffer.from('epochs'), value: Buffer.from([0xff, 0xfe]) },
        { partition: 0, key: Buffer.from('member/x'), value: Buffer.from('[]') },
        { partition: 0, key: Buffer.from('something else'), value: Buffer.from('{}') },
      ]);
    } finally {
      await Promise.allSettled([producer.close(), admin.close()]);
    }
    const metrics = createMetricsRegistry({ service: 'coordinator', version: 'test' });
    const c = replica('coord-c', corrupt, metrics);
    await c.election.start();
    await eventually('coord-c leads despite the corrupt records', () => c.election.mayAct());
    expect(c.election.leader).toMatchObject({ leaderId: 'coord-c', term: 1 });
    const text = await metrics.metrics();
    expect(text).toContain(`mirrormaker_internal_records_skipped_total{topic="${corrupt}",reason="undecodable"} 4`);
  });
});
