/**
 * An ACL binding as Kafka names its parts: a resource pattern (type, name, LITERAL or PREFIXED)
 * and an access control entry (principal, host, operation, ALLOW or DENY). The one model of an
 * ACL: MM2's mapping rules here, the admin client in libs/kafka and acl-sync all use it.
 *
 * The lists hold only what a binding can be. Kafka's ANY and MATCH select bindings and belong to
 * filters (libs/kafka's AclBindingFilter); its UNKNOWN stands for a value the client has no name
 * for, and such bindings are skipped when read.
 */

export const ACL_RESOURCE_TYPES = ['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID', 'DELEGATION_TOKEN', 'USER'] as const;
export type AclResourceType = (typeof ACL_RESOURCE_TYPES)[number];

export const ACL_PATTERN_TYPES = ['LITERAL', 'PREFIXED'] as const;
export type AclPatternType = (typeof ACL_PATTERN_TYPES)[number];

export const ACL_OPERATIONS = [
  'ALL',
  'READ',
  'WRITE',
  'CREATE',
  'DELETE',
  'ALTER',
  'DESCRIBE',
  'CLUSTER_ACTION',
  'DESCRIBE_CONFIGS',
  'ALTER_CONFIGS',
  'IDEMPOTENT_WRITE',
  'CREATE_TOKENS',
  'DESCRIBE_TOKENS',
] as const;
export type AclOperation = (typeof ACL_OPERATIONS)[number];

export const ACL_PERMISSION_TYPES = ['ALLOW', 'DENY'] as const;
export type AclPermissionType = (typeof ACL_PERMISSION_TYPES)[number];

export interface AclBinding {
  readonly resourceType: AclResourceType;
  readonly resourceName: string;
  readonly patternType: AclPatternType;
  /** e.g. 'User:alice'. */
  readonly principal: string;
  /** '*' for any host. */
  readonly host: string;
  readonly operation: AclOperation;
  readonly permissionType: AclPermissionType;
}
