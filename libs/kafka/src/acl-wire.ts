/**
 * ACL bindings (the model of libs/replication-policy) and filters by name, and their mapping to the
 * protocol's numeric codes (Kafka's ResourceType, PatternType, AclOperation and AclPermissionType
 * ids, which kafkajs passes through).
 */
import type { AclBinding, AclOperation, AclPatternType, AclPermissionType, AclResourceType } from '@mirrormaker/replication-policy';
import { KafkaError } from './errors';

/**
 * Matches bindings; 'ANY' (or an omitted name/principal/host) matches everything, 'MATCH' as
 * pattern type matches every binding that would apply to `resourceName` (literal, wildcard and
 * prefixed), as in Kafka's AclBindingFilter.
 */
export interface AclBindingFilter {
  resourceType: AclResourceType | 'ANY';
  resourceName?: string;
  patternType: AclPatternType | 'ANY' | 'MATCH';
  principal?: string;
  host?: string;
  operation: AclOperation | 'ANY';
  permissionType: AclPermissionType | 'ANY';
}

const RESOURCE_TYPE_IDS: Record<AclResourceType | 'ANY', number> = {
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
};
const PATTERN_TYPE_IDS: Record<AclPatternType | 'ANY' | 'MATCH', number> = { ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 };
const OPERATION_IDS: Record<AclOperation | 'ANY', number> = {
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
};
const PERMISSION_TYPE_IDS: Record<AclPermissionType | 'ANY', number> = { ANY: 1, DENY: 2, ALLOW: 3 };

/** kafkajs 2.2.4 validates ACL requests against its own tables, which stop before these. */
const NOT_SENDABLE_RESOURCE_TYPES: ReadonlySet<string> = new Set(['USER']);
const NOT_SENDABLE_OPERATIONS: ReadonlySet<string> = new Set(['CREATE_TOKENS', 'DESCRIBE_TOKENS']);

function invert<K extends string>(table: Record<K, number>): Map<number, K> {
  return new Map(Object.entries(table).map(([k, v]) => [v as number, k as K]));
}
const RESOURCE_TYPE_NAMES = invert(RESOURCE_TYPE_IDS);
const PATTERN_TYPE_NAMES = invert(PATTERN_TYPE_IDS);
const OPERATION_NAMES = invert(OPERATION_IDS);
const PERMISSION_TYPE_NAMES = invert(PERMISSION_TYPE_IDS);

/** The wire form kafkajs's createAcls/describeAcls/deleteAcls take and return. */
export interface WireAcl {
  resourceType: number;
  resourceName?: string;
  resourcePatternType: number;
  principal?: string;
  host?: string;
  operation: number;
  permissionType: number;
}

function idOf<K extends string>(table: Record<K, number>, value: K, field: string): number {
  const id = table[value];
  if (id === undefined) throw new KafkaError('INVALID_CONFIG', `ACL ${field} '${String(value)}' is not one of ${Object.keys(table).join(', ')}`);
  return id;
}

function checkSendable(resourceType: string, operation: string): void {
  if (NOT_SENDABLE_RESOURCE_TYPES.has(resourceType) || NOT_SENDABLE_OPERATIONS.has(operation)) {
    throw new KafkaError(
      'INVALID_CONFIG',
      `ACL resource type ${resourceType} / operation ${operation}: this client (kafkajs 2.2.4) cannot send ACL requests for USER resources or token operations; use the Kafka CLI for those`,
    );
  }
}

export function aclBindingToWire(binding: AclBinding): WireAcl & { resourceName: string; principal: string; host: string } {
  checkSendable(binding.resourceType, binding.operation);
  return {
    resourceType: idOf(RESOURCE_TYPE_IDS, binding.resourceType, 'resource type'),
    resourceName: binding.resourceName,
    resourcePatternType: idOf(PATTERN_TYPE_IDS, binding.patternType, 'pattern type'),
    principal: binding.principal,
    host: binding.host,
    operation: idOf(OPERATION_IDS, binding.operation, 'operation'),
    permissionType: idOf(PERMISSION_TYPE_IDS, binding.permissionType, 'permission type'),
  };
}

export function aclFilterToWire(filter: AclBindingFilter): WireAcl {
  checkSendable(filter.resourceType, filter.operation);
  const wire: WireAcl = {
    resourceType: idOf(RESOURCE_TYPE_IDS, filter.resourceType, 'resource type'),
    resourcePatternType: idOf(PATTERN_TYPE_IDS, filter.patternType, 'pattern type'),
    operation: idOf(OPERATION_IDS, filter.operation, 'operation'),
    permissionType: idOf(PERMISSION_TYPE_IDS, filter.permissionType, 'permission type'),
  };
  if (filter.resourceName !== undefined) wire.resourceName = filter.resourceName;
  if (filter.principal !== undefined) wire.principal = filter.principal;
  if (filter.host !== undefined) wire.host = filter.host;
  return wire;
}

/**
 * A binding from the broker's answer, or undefined when it uses a code this lib has no name for
 * (a newer Kafka's resource type or operation).
 */
export function aclBindingFromWire(wire: WireAcl): AclBinding | undefined {
  const resourceType = RESOURCE_TYPE_NAMES.get(wire.resourceType);
  const patternType = PATTERN_TYPE_NAMES.get(wire.resourcePatternType);
  const operation = OPERATION_NAMES.get(wire.operation);
  const permissionType = PERMISSION_TYPE_NAMES.get(wire.permissionType);
  if (
    !resourceType ||
    resourceType === 'ANY' ||
    (patternType !== 'LITERAL' && patternType !== 'PREFIXED') ||
    !operation ||
    operation === 'ANY' ||
    !permissionType ||
    permissionType === 'ANY'
  ) {
    return undefined;
  }
  return {
    resourceType,
    resourceName: wire.resourceName ?? '',
    patternType,
    principal: wire.principal ?? '',
    host: wire.host ?? '',
    operation,
    permissionType,
  };
}
