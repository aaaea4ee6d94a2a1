import type { AclBinding } from './acl-binding';
import { mapAclBinding, mapGroupAclBinding, type AclMappingContext } from './acl-mapping';
import { DefaultReplicationPolicy } from './default-replication-policy';
import { DefaultGroupFilter } from './group-filter';
import { DefaultTopicFilter } from './topic-filter';
import { shouldReplicateTopic } from './topic-replication';

const policy = new DefaultReplicationPolicy();
const rule = { policy, topicFilter: new DefaultTopicFilter(), targetClusterAlias: 'B' };
const ctx: AclMappingContext = {
  policy,
  sourceClusterAlias: 'A',
  shouldReplicateTopic: (topic) => shouldReplicateTopic(rule, topic),
};

function acl(overrides: Partial<AclBinding>): AclBinding {
  return {
    resourceType: 'TOPIC',
    resourceName: 't',
    patternType: 'LITERAL',
    principal: 'User:alice',
    host: '*',
    operation: 'READ',
    permissionType: 'ALLOW',
    ...overrides,
  };
}

describe('mapAclBinding', () => {
  it('renames the topic and keeps principal, host and permission', () => {
    expect(mapAclBinding(acl({ operation: 'DESCRIBE', host: '10.0.0.1' }), ctx)).toEqual(
      acl({ resourceName: 'A.t', operation: 'DESCRIBE', host: '10.0.0.1' }),
    );
  });

  it('narrows ALLOW ALL to ALLOW READ', () => {
    expect(mapAclBinding(acl({ operation: 'ALL' }), ctx)).toEqual(acl({ resourceName: 'A.t', operation: 'READ' }));
  });

  it('drops ALLOW WRITE', () => {
    expect(mapAclBinding(acl({ operation: 'WRITE' }), ctx)).toBeNull();
  });

  it('copies DENY bindings unchanged, ALL and WRITE included', () => {
    for (const operation of ['ALL', 'WRITE', 'READ'] as const) {
      expect(mapAclBinding(acl({ operation, permissionType: 'DENY' }), ctx)).toEqual(
        acl({ resourceName: 'A.t', operation, permissionType: 'DENY' }),
      );
    }
  });

  it('ignores PREFIXED patterns and non-topic resources', () => {
    expect(mapAclBinding(acl({ patternType: 'PREFIXED' }), ctx)).toBeNull();
    expect(mapAclBinding(acl({ resourceType: 'GROUP' }), ctx)).toBeNull();
    expect(mapAclBinding(acl({ resourceType: 'CLUSTER', resourceName: 'kafka-cluster' }), ctx)).toBeNull();
  });

  it('only maps topics the flow replicates', () => {
    expect(mapAclBinding(acl({ resourceName: 'B.t' }), ctx)).toBeNull();
    expect(mapAclBinding(acl({ resourceName: '__consumer_offsets' }), ctx)).toBeNull();
    expect(mapAclBinding(acl({ resourceName: 'C.t' }), ctx)?.resourceName).toBe('A.C.t');
  });

  it('turns a literal wildcard into a prefixed name, as MM2 does', () => {
    expect(mapAclBinding(acl({ resourceName: '*' }), ctx)?.resourceName).toBe('A.*');
  });
});

describe('mapGroupAclBinding', () => {
  const groups = new DefaultGroupFilter();
  const groupAcl = (overrides: Partial<AclBinding>) => acl({ resourceType: 'GROUP', resourceName: 'billing', ...overrides });

  it('copies literal READ and DESCRIBE group ACLs unchanged', () => {
    expect(mapGroupAclBinding(groupAcl({}), groups)).toEqual(groupAcl({}));
    expect(mapGroupAclBinding(groupAcl({ operation: 'DESCRIBE', permissionType: 'DENY' }), groups)).toEqual(
      groupAcl({ operation: 'DESCRIBE', permissionType: 'DENY' }),
    );
  });

  it('skips other operations, prefixed patterns, topic ACLs and filtered groups', () => {
    expect(mapGroupAclBinding(groupAcl({ operation: 'ALL' }), groups)).toBeNull();
    expect(mapGroupAclBinding(groupAcl({ operation: 'DELETE' }), groups)).toBeNull();
    expect(mapGroupAclBinding(groupAcl({ patternType: 'PREFIXED' }), groups)).toBeNull();
    expect(mapGroupAclBinding(acl({}), groups)).toBeNull();
    expect(mapGroupAclBinding(groupAcl({ resourceName: 'console-consumer-1' }), groups)).toBeNull();
  });
});
