import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { ACL_OPERATIONS, ACL_PATTERN_TYPES, ACL_PERMISSION_TYPES, ACL_RESOURCE_TYPES, type AclBinding } from '@mirrormaker/replication-policy';
import { aclBindingFromWire, aclBindingToWire, aclFilterToWire } from './acl-wire';

const binding: AclBinding = {
  resourceType: 'TOPIC',
  resourceName: 'orders',
  patternType: 'LITERAL',
  principal: 'User:alice',
  host: '*',
  operation: 'WRITE',
  permissionType: 'ALLOW',
};

describe('ACL binding mapping', () => {
  it('uses the protocol ids kafkajs knows', () => {
    expect(aclBindingToWire(binding)).toEqual({
      resourceType: AclResourceTypes.TOPIC,
      resourceName: 'orders',
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: 'User:alice',
      host: '*',
      operation: AclOperationTypes.WRITE,
      permissionType: AclPermissionTypes.ALLOW,
    });
    for (const t of ACL_RESOURCE_TYPES.filter((t) => t !== 'USER')) {
      expect(aclBindingToWire({ ...binding, resourceType: t }).resourceType).toBe((AclResourceTypes as unknown as Record<string, number>)[t]);
    }
    for (const op of ACL_OPERATIONS.filter((o) => !o.endsWith('_TOKENS'))) {
      expect(aclBindingToWire({ ...binding, operation: op }).operation).toBe((AclOperationTypes as unknown as Record<string, number>)[op]);
    }
    for (const p of ACL_PATTERN_TYPES) {
      expect(aclBindingToWire({ ...binding, patternType: p }).resourcePatternType).toBe((ResourcePatternTypes as unknown as Record<string, number>)[p]);
    }
    for (const p of ACL_PERMISSION_TYPES) {
      expect(aclBindingToWire({ ...binding, permissionType: p }).permissionType).toBe((AclPermissionTypes as unknown as Record<string, number>)[p]);
    }
  });

  it('round-trips every binding value', () => {
    for (const resourceType of ACL_RESOURCE_TYPES) {
      for (const operation of ACL_OPERATIONS) {
        for (const patternType of ACL_PATTERN_TYPES) {
          for (const permissionType of ACL_PERMISSION_TYPES) {
            const b: AclBinding = { ...binding, resourceType, operation, patternType, permissionType };
            const sendable = resourceType !== 'USER' && !operation.endsWith('_TOKENS');
            if (sendable) expect(aclBindingFromWire(aclBindingToWire(b))).toEqual(b);
            else expect(() => aclBindingToWire(b)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
          }
        }
      }
    }
  });

  it('reads USER resources and token operations from the broker even though kafkajs cannot send them', () => {
    expect(
      aclBindingFromWire({ resourceType: 7, resourceName: 'bob', resourcePatternType: 3, principal: 'User:alice', host: '*', operation: 14, permissionType: 3 }),
    ).toMatchObject({ resourceType: 'USER', operation: 'DESCRIBE_TOKENS' });
  });

  it('skips bindings with codes it does not know', () => {
    expect(aclBindingFromWire({ resourceType: 99, resourcePatternType: 3, operation: 3, permissionType: 3 })).toBeUndefined();
    expect(aclBindingFromWire({ resourceType: 2, resourcePatternType: 3, operation: 42, permissionType: 3 })).toBeUndefined();
  });

  it('maps filters with ANY and MATCH, leaving unset fields out', () => {
    expect(aclFilterToWire({ resourceType: 'ANY', patternType: 'MATCH', resourceName: 'orders', operation: 'ANY', permissionType: 'ANY' })).toEqual({
      resourceType: AclResourceTypes.ANY,
      resourceName: 'orders',
      resourcePatternType: ResourcePatternTypes.MATCH,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
  });

  it('rejects names outside the lists', () => {
    expect(() => aclBindingToWire({ ...binding, operation: 'FLY' as never })).toThrow(/operation 'FLY'/);
  });
});
