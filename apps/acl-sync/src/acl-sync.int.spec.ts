import { KafkaProducer, PartitionConsumer, isKafkaError, type AclBindingFilter } from '@mirrormaker/kafka';
import type { AclBinding } from '@mirrormaker/replication-policy';
import { startWithUnits, superAdmin, superClient, userClient, type RunningTestService } from '@mirrormaker/service-kit/testing';
import { eventually, testClusters, uniqueName } from '@mirrormaker/testing';
import { aclSyncService } from './acl-sync-service';

jest.setTimeout(90_000);

function acl(resourceName: string, operation: AclBinding['operation'], more: Partial<AclBinding> = {}): AclBinding {
  return { resourceType: 'TOPIC', resourceName, patternType: 'LITERAL', principal: 'User:alice', host: '*', operation, permissionType: 'ALLOW', ...more };
}

const sortKey = (b: AclBinding) => JSON.stringify([b.resourceType, b.resourceName, b.patternType, b.principal, b.operation, b.permissionType]);
const sorted = (bindings: AclBinding[]) => [...bindings].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));

describe('acl-sync against real clusters', () => {
  const S = uniqueName('aclS');
  const T = uniqueName('aclT');
  const topic = uniqueName('acl-t');
  const group = uniqueName('acl-g');
  const remote = `${S}.${topic}`;
  const source = superAdmin('source');
  const target = superAdmin('target');
  const onResource = (resourceType: 'TOPIC' | 'GROUP', resourceName: string): AclBindingFilter => ({
    resourceType,
    resourceName,
    patternType: 'ANY',
    operation: 'ANY',
    permissionType: 'ANY',
  });
  let service: RunningTestService;

  beforeAll(async () => {
    await source.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    await source.createAcls([
      acl(topic, 'READ'),
      acl(topic, 'ALL'),
      acl(topic, 'WRITE'),
      acl(topic, 'READ', { patternType: 'PREFIXED' }),
      acl(topic, 'READ', { principal: 'User:bob', permissionType: 'DENY' }),
      acl(group, 'READ', { resourceType: 'GROUP' }),
    ]);
    await target.createTopics([{ name: remote, partitions: 1, replicationFactor: 1 }]);
    const producer = new KafkaProducer(superClient('target'));
    await producer.send(remote, ['a', 'b', 'c'].map((v) => ({ partition: 0, key: null, value: Buffer.from(v) })));
    await producer.close();

    const { source: src, target: tgt } = testClusters();
    const properties = [
      `clusters = ${S}, ${T}`,
      `${S}.bootstrap.servers = ${src.bootstrap}`,
      `${T}.bootstrap.servers = ${tgt.bootstrap}`,
      `${S}->${T}.enabled = true`,
      `${S}->${T}.topics = ${topic}`,
      `${S}->${T}.groups = ${group}`,
      `${S}->${T}.sync.group.acls.enabled = true`,
      'sync.topic.acls.interval.seconds = 1',
    ].join('\n');
    service = await startWithUnits(aclSyncService, [`acls/${S}->${T}`], properties);
  });

  afterAll(async () => {
    await service?.stop();
    await source.deleteAcls([onResource('TOPIC', topic), onResource('GROUP', group)]).catch(() => undefined);
    await target.deleteAcls([onResource('TOPIC', remote), onResource('GROUP', group)]).catch(() => undefined);
    await source.deleteTopics([topic]).catch(() => undefined);
    await target.deleteTopics([remote]).catch(() => undefined);
    await source.close();
    await target.close();
  });

  it("copies topic ACLs by MM2's rules: READ and ALL become one READ, WRITE and PREFIXED stay behind, DENY is copied", async () => {
    const copied = await eventually('the copied topic ACLs', async () => {
      const found = await target.describeAcls(onResource('TOPIC', remote));
      return found.length >= 2 ? found : undefined;
    });
    expect(sorted(copied)).toEqual(sorted([acl(remote, 'READ'), acl(remote, 'READ', { principal: 'User:bob', permissionType: 'DENY' })]));
    const groupAcls = await eventually('the copied group ACL', async () => {
      const found = await target.describeAcls(onResource('GROUP', group));
      return found.length > 0 ? found : undefined;
    });
    expect(groupAcls).toEqual([acl(group, 'READ', { resourceType: 'GROUP' })]);
  });

  it('lets alice consume the remote topic on the target and refuses her writes', async () => {
    const alice = userClient('target', 'alice');
    const values: string[] = [];
    const consumer = new PartitionConsumer(alice, {
      groupId: group,
      handler: async (batch) => {
        for (const r of batch.records) values.push(r.value?.toString() ?? '');
      },
      maxWaitTimeMs: 100,
      retry: { retries: 1, initialRetryTimeMs: 100, maxRetryTimeMs: 500 },
    });
    const producer = new KafkaProducer(alice, { retry: { retries: 0 } });
    try {
      await eventually('alice reading', async () => {
        await consumer.addPartitions([{ topic: remote, partition: 0, offset: 'earliest' }]);
        return true;
      });
      await eventually('the records', async () => values.length >= 3);
      expect(values).toEqual(['a', 'b', 'c']);
      const denied = await producer.send(remote, [{ partition: 0, key: null, value: Buffer.from('x') }]).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isKafkaError(denied, 'AUTHORIZATION_FAILED')).toBe(true);
    } finally {
      await consumer.close();
      await producer.close();
    }
  });

  it('creates each binding once: later runs find them on the target and add nothing', async () => {
    const base = `http://127.0.0.1:${service.handle.metricsPort}`;
    const runs = async () => Number(/mirrormaker_unit_run_duration_seconds_count\{[^}]*task="acls"\} (\d+)/.exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? 0);
    const created = async (operation: string) =>
      Number(new RegExp(`mirrormaker_acl_sync_operations_total\\{flow="${S}->${T}",operation="${operation}"\\} (\\d+)`).exec(await (await fetch(`${base}/metrics`)).text())?.[1] ?? -1);
    // Once the copies are on the target (the first test waited for them), runs create nothing more.
    const topicBefore = await created('topic_acl_created');
    const groupBefore = await created('group_acl_created');
    expect(topicBefore).toBeGreaterThanOrEqual(2);
    expect(groupBefore).toBe(1);
    const before = await runs();
    await eventually('two more runs', async () => (await runs()) >= before + 2);
    expect(await created('topic_acl_created')).toBe(topicBefore);
    expect(await created('group_acl_created')).toBe(groupBefore);
    expect(await target.describeAcls(onResource('TOPIC', remote))).toHaveLength(2);
    const health = (await (await fetch(`${base}/healthz`)).json()) as { details: { units: Record<string, { state: string }> } };
    expect(health.details.units[`acls/${S}->${T}`]).toMatchObject({ state: 'in-sync' });
  });
});
