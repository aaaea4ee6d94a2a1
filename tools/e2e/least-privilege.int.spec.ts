// Every service as its own process with its own Kafka principal (SCRAM-SHA-512 users made through
// the admin API) holding only the ACLs docs/security.md lists for it: records are mirrored, topic
// configs synced, group offsets checkpointed and synced, and topic ACLs copied all the same. Once
// copying at least once, once exactly once (transactions on the target need their own ACL).
import { createKafkaClient, IdleGroupOffsets, KafkaAdmin, KafkaProducer } from '@mirrormaker/kafka';
import { createLogger } from '@mirrormaker/observability';
import { readUntil } from '@mirrormaker/service-kit/testing';
import { eventually, testClusters, uniqueName, upsertScramUsers } from '@mirrormaker/testing';
import { patiently, rpc, startSystem, testClusterDefaults, uniqueAlias, type RunningSystem } from './running-system';
import { bindingsOf, serviceAcls, type Service } from './service-acls';

jest.setTimeout(240_000);

const logger = createLogger({ service: 'e2e', level: 'silent' });
const SCRAM_LOGIN = 'org.apache.kafka.common.security.scram.ScramLoginModule';

function hostPort(bootstrap: string): [string, number] {
  const i = bootstrap.lastIndexOf(':');
  return [bootstrap.slice(0, i), Number(bootstrap.slice(i + 1))];
}

describe.each([
  { mode: 'at least once', exactlyOnce: false },
  { mode: 'exactly once', exactlyOnce: true },
])('services with least-privilege Kafka principals, copying $mode', ({ exactlyOnce }) => {
  const { source, target } = testClusters();
  const [a, b] = [uniqueAlias('lpsrc'), uniqueAlias('lptgt')];
  const topic = uniqueName('lp-orders');
  const remote = `${a}.${topic}`;
  const group = uniqueName('lp-billing');
  const configTopic = `${uniqueName('mm-config')}.internal`;
  const services: Service[] = ['coordinator', 'data-mirror', 'offset-sync', 'topic-config-sync', 'acl-sync'];
  const users = Object.fromEntries(services.map((s) => [s, { username: uniqueName(`lp-${s}`), password: `${s}-secret` }])) as Record<
    Service,
    { username: string; password: string }
  >;
  const reader = uniqueName('lp-reader');
  const sourceClient = createKafkaClient({ clusterAlias: 'source', brokers: [source.bootstrap], clientId: 'lp-source' }, logger);
  const sourceAdmin = new KafkaAdmin(sourceClient);
  const targetClient = createKafkaClient({ clusterAlias: 'target', brokers: [target.bootstrap], clientId: 'lp-target' }, logger);
  const targetAdmin = new KafkaAdmin(targetClient);
  let system: RunningSystem;

  const jaasOf = (service: Service): string => `${SCRAM_LOGIN} required username="${users[service].username}" password="${users[service].password}";`;
  const envOf = (service: Service): Record<string, string> => ({ MM_KAFKA_JAAS: jaasOf(service) });

  beforeAll(async () => {
    const scram = services.map((s) => ({ ...users[s], mechanism: 'SCRAM-SHA-512' as const }));
    for (const cluster of [source, target]) {
      const [host, port] = hostPort(cluster.bootstrap);
      await upsertScramUsers(host, port, scram);
    }
    const acls = serviceAcls({ a, b, topics: [topic], groups: [group], configTopic, exactlyOnce });
    for (const service of services) {
      const principal = `User:${users[service].username}`;
      await sourceAdmin.createAcls(bindingsOf(acls.filter((e) => e.service === service && e.side === 'source'), principal));
      await targetAdmin.createAcls(bindingsOf(acls.filter((e) => e.service === service && e.side === 'target'), principal));
    }
    await sourceAdmin.createTopics([{ name: topic, partitions: 2, replicationFactor: 1, configs: { 'retention.ms': '7200000' } }]);
    await sourceAdmin.createAcls([
      { resourceType: 'TOPIC', resourceName: topic, patternType: 'LITERAL', principal: `User:${reader}`, host: '*', operation: 'READ', permissionType: 'ALLOW' },
    ]);

    // One config for all; each process fills in its own principal from its environment.
    const credentials = (alias: string, cluster: typeof source): string[] => [
      `${alias}.bootstrap.servers = ${cluster.saslBootstrap}`,
      `${alias}.security.protocol = SASL_PLAINTEXT`,
      `${alias}.sasl.mechanism = SCRAM-SHA-512`,
      `${alias}.sasl.jaas.config = \${env:MM_KAFKA_JAAS}`,
    ];
    system = await startSystem(
      [
        'config.providers = env',
        'config.providers.env.class = org.apache.kafka.common.config.provider.EnvVarConfigProvider',
        `clusters = ${a}, ${b}`,
        ...credentials(a, source),
        ...credentials(b, target),
        `${a}->${b}.enabled = true`,
        `${a}->${b}.exactly.once.enabled = ${exactlyOnce}`,
        `${a}->${b}.topics = ${topic}`,
        `${a}->${b}.groups = ${group}`,
        `${a}->${b}.sync.group.offsets.enabled = true`,
        `${a}->${b}.sync.group.offsets.interval.seconds = 1`,
        `${a}->${b}.emit.checkpoints.interval.seconds = 1`,
        `${a}->${b}.sync.topic.acls.enabled = true`,
        `${a}->${b}.sync.topic.acls.interval.seconds = 1`,
        `${a}->${b}.refresh.topics.interval.seconds = 2`,
        `${a}->${b}.refresh.groups.interval.seconds = 2`,
        ...testClusterDefaults().filter((line) => !line.startsWith('coordinator.config.topic')),
        `coordinator.config.topic = ${configTopic}`,
      ],
      [
        { app: 'data-mirror', env: envOf('data-mirror') },
        { app: 'offset-sync', env: envOf('offset-sync') },
        { app: 'topic-config-sync', env: envOf('topic-config-sync') },
        { app: 'acl-sync', env: envOf('acl-sync') },
      ],
      { coordinatorEnv: envOf('coordinator') },
    );
  }, 180_000);

  afterAll(async () => {
    const exits = await system?.stop();
    await Promise.allSettled([sourceAdmin.close(), targetAdmin.close()]);
    expect(exits).toEqual([0, 0, 0, 0, 0]);
  });

  it('mirrors records, syncs the topic config, checkpoints and syncs the group, and copies topic ACLs', async () => {
    const producer = new KafkaProducer(sourceClient);
    await producer.connect();
    await producer.send(
      topic,
      Array.from({ length: 200 }, (_, i) => ({ partition: i % 2, key: null, value: Buffer.from(`order ${i}`) })),
    );
    await producer.close();
    const commits = new IdleGroupOffsets(sourceClient);
    await commits.commit(group, [
      { topic, partition: 0, offset: 60n, metadata: '' },
      { topic, partition: 1, offset: 70n, metadata: '' },
    ]);
    await commits.close();

    // Exactly once leaves a commit marker after each transaction, so count records, not offsets.
    await eventually('the remote topic', async () => (await targetAdmin.listTopics()).includes(remote) || undefined, patiently);
    const copied = await readUntil(targetClient, remote, [0, 1], (m) => m.get(0)!.length + m.get(1)!.length >= 200, patiently.timeoutMs);
    const values = (p: number) => copied.get(p)!.map((r) => r.value!.toString());
    expect(values(0)).toEqual(Array.from({ length: 100 }, (_, k) => `order ${2 * k}`));
    expect(values(1)).toEqual(Array.from({ length: 100 }, (_, k) => `order ${2 * k + 1}`));

    const configs = (await targetAdmin.describeTopicConfigs([remote])).get(remote) ?? [];
    expect(configs.find((c) => c.name === 'retention.ms')?.value).toBe('7200000');

    const synced = await eventually('group offsets synced to the target', async () => {
      const parts = (await targetAdmin.fetchCommittedOffsets(group, [remote])).get(remote);
      return parts?.size === 2 ? parts : undefined;
    }, patiently);
    // A consumer of the target group resumes at the record the source group would have read next.
    const nextAt = (p: number, offset: bigint | undefined) => copied.get(p)!.find((r) => r.offset >= offset!)?.value?.toString();
    expect([nextAt(0, synced.get(0)?.offset), nextAt(1, synced.get(1)?.offset)]).toEqual(['order 120', 'order 141']);
    if (!exactlyOnce) expect([synced.get(0)?.offset, synced.get(1)?.offset]).toEqual([60n, 70n]);

    await eventually('the topic ACL copied to the remote topic', async () => {
      const bindings = await targetAdmin.describeAcls({ resourceType: 'TOPIC', resourceName: remote, patternType: 'LITERAL', principal: `User:${reader}`, operation: 'ANY', permissionType: 'ANY' });
      return bindings.some((acl) => acl.operation === 'READ') ? bindings : undefined;
    }, patiently);

    await eventually('the group in the flow status (coordinator discovery)', async () => {
      const status = await rpc<{ flows: { groups: string[] }[] }>(system.control, 'getStatus', { flows: [{ source: a, target: b }] });
      return status.flows[0]?.groups.includes(group) ? status : undefined;
    }, patiently);

    // Nothing else was refused either (heartbeats, internal topics, checkpoints, discovery).
    const refused = system.services.flatMap((s) => s.logs).filter((l) => /not authorized|AUTHORIZATION_FAILED|lacks [A-Z_]+ on/.test(JSON.stringify(l)));
    expect(refused.map((l) => `${String(l.service)}: ${String(l.msg)}${l.topic ? ` (${String(l.topic)})` : ''}`)).toEqual([]);
  });
});
