import type { AclBinding } from '@mirrormaker/replication-policy';
import { eventually, uniqueName } from '@mirrormaker/testing';
import { KafkaAdmin } from './admin-port';
import { isKafkaError } from './errors';
import { clientFor } from './integration-helpers';
import { KafkaProducer } from './producer-port';

jest.setTimeout(60_000);

describe('ACLs and authorization (source cluster, StandardAuthorizer)', () => {
  let superAdmin: KafkaAdmin;

  beforeAll(async () => {
    superAdmin = new KafkaAdmin(clientFor('source'));
    await superAdmin.connect();
  });

  afterAll(async () => {
    await superAdmin.close();
  });

  it('creates, describes and deletes ACL bindings', async () => {
    const topic = uniqueName('acl-crud');
    const principal = `User:${uniqueName('acl-user')}`;
    const bindings: AclBinding[] = [
      { resourceType: 'TOPIC', resourceName: topic, patternType: 'LITERAL', principal, host: '*', operation: 'READ', permissionType: 'ALLOW' },
      { resourceType: 'TOPIC', resourceName: `${topic}-`, patternType: 'PREFIXED', principal, host: '*', operation: 'WRITE', permissionType: 'DENY' },
      { resourceType: 'GROUP', resourceName: topic, patternType: 'LITERAL', principal, host: '10.0.0.1', operation: 'ALL', permissionType: 'ALLOW' },
    ];
    await superAdmin.createAcls(bindings);
    await superAdmin.createAcls(bindings.slice(0, 1)); // creating an existing binding again is fine

    const mine = await superAdmin.describeAcls({ resourceType: 'ANY', patternType: 'ANY', principal, operation: 'ANY', permissionType: 'ANY' });
    const key = (b: AclBinding) => JSON.stringify([b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permissionType]);
    expect(mine.map(key).sort()).toEqual(bindings.map(key).sort());

    const topicsOnly = await superAdmin.describeAcls({ resourceType: 'TOPIC', patternType: 'ANY', principal, operation: 'ANY', permissionType: 'ANY' });
    expect(topicsOnly).toHaveLength(2);
    const matching = await superAdmin.describeAcls({
      resourceType: 'TOPIC',
      resourceName: `${topic}-x`,
      patternType: 'MATCH',
      principal,
      operation: 'ANY',
      permissionType: 'ANY',
    });
    expect(matching.map((b) => b.patternType)).toEqual(['PREFIXED']);

    const deleted = await superAdmin.deleteAcls([{ resourceType: 'ANY', patternType: 'ANY', principal, operation: 'ANY', permissionType: 'ANY' }]);
    expect(deleted.map(key).sort()).toEqual(bindings.map(key).sort());
    expect(await superAdmin.describeAcls({ resourceType: 'ANY', patternType: 'ANY', principal, operation: 'ANY', permissionType: 'ANY' })).toEqual([]);
  });

  it('denies alice until an ACL allows her, with an error naming her and the topic', async () => {
    const topic = uniqueName('acl-alice');
    await superAdmin.createTopics([{ name: topic, partitions: 1, replicationFactor: 1 }]);
    const alice = clientFor('source', 'alice');
    const aliceAdmin = new KafkaAdmin(alice);
    const aliceProducer = new KafkaProducer(alice);
    const grants: AclBinding[] = ['WRITE' as const, 'DESCRIBE' as const].map((operation) => ({
      resourceType: 'TOPIC',
      resourceName: topic,
      patternType: 'LITERAL',
      principal: 'User:alice',
      host: '*',
      operation,
      permissionType: 'ALLOW',
    }));
    try {
      const describeError = await aliceAdmin.describeTopics([topic]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isKafkaError(describeError, 'AUTHORIZATION_FAILED')).toBe(true);
      expect(describeError).toMatchObject({ protocolError: 'TOPIC_AUTHORIZATION_FAILED' });
      expect((describeError as Error).message).toContain('User:alice');
      expect((describeError as Error).message).toContain(topic);

      const produceError = await aliceProducer.send(topic, [{ partition: 0, key: null, value: Buffer.from('hi') }]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isKafkaError(produceError, 'AUTHORIZATION_FAILED')).toBe(true);
      expect((produceError as Error).message).toMatch(new RegExp(`not authorized as User:alice.*TOPIC '${topic}'`, 's'));

      await superAdmin.createAcls(grants);
      // The authorizer learns new ACLs through the metadata log: allow it a moment.
      expect(await eventually('alice describing the topic', () => aliceAdmin.describeTopics([topic]), 10_000)).toEqual(new Map([[topic, { partitions: 1 }]]));
      expect(await eventually('alice writing to the topic', () => aliceProducer.send(topic, [{ partition: 0, key: null, value: Buffer.from('hi') }]), 10_000)).toEqual(new Map([[0, 0n]]));
    } finally {
      await aliceProducer.close();
      await aliceAdmin.close();
      await superAdmin.deleteAcls(grants);
    }
  });

  it('rejects wrong SASL credentials as AUTHENTICATION_FAILED', async () => {
    const { createKafkaClient } = await import('./connection');
    const { clusterInfo, testLogger } = await import('./integration-helpers');
    const admin = new KafkaAdmin(
      createKafkaClient(
        {
          clusterAlias: 'source',
          brokers: [clusterInfo('source').saslBootstrap],
          clientId: 'bad-password',
          security: { protocol: 'SASL_PLAINTEXT', sasl: { mechanism: 'plain', username: 'alice', password: 'wrong' } },
          retry: { retries: 0 },
        },
        testLogger,
      ),
    );
    try {
      await expect(admin.listTopics()).rejects.toMatchObject({ code: 'AUTHENTICATION_FAILED' });
    } finally {
      await admin.close();
    }
  });

  it('lets a non-super user without cluster rights fail ACL management clearly', async () => {
    const bobAdmin = new KafkaAdmin(clientFor('source', 'bob'));
    try {
      await expect(bobAdmin.describeAcls({ resourceType: 'ANY', patternType: 'ANY', operation: 'ANY', permissionType: 'ANY' })).rejects.toMatchObject({
        code: 'AUTHORIZATION_FAILED',
        message: expect.stringContaining('User:bob'),
      });
    } finally {
      await bobAdmin.close();
    }
  });
});
