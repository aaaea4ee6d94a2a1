import type { AclBinding } from './acl-binding';
import type { GroupFilter } from './group-filter';
import type { ReplicationPolicy } from './replication-policy';

export interface AclMappingContext {
  readonly policy: ReplicationPolicy;
  readonly sourceClusterAlias: string;
  /** The flow's full topic rule (filter, heartbeats, internal, cycle), see `shouldReplicateTopic`. */
  readonly shouldReplicateTopic: (topic: string) => boolean;
}

/**
 * The target-cluster copy of a source topic ACL, or null when MM2 does not copy it. Only literal
 * topic ACLs are copied, never ALLOW WRITE (only MM2 should write remote topics), and ALLOW ALL is
 * narrowed to ALLOW READ for the same reason. DENY bindings are copied unchanged.
 */
export function mapAclBinding(binding: AclBinding, ctx: AclMappingContext): AclBinding | null {
  if (binding.resourceType !== 'TOPIC' || binding.patternType !== 'LITERAL') {
    return null;
  }
  const allow = binding.permissionType === 'ALLOW';
  if (allow && binding.operation === 'WRITE') {
    return null;
  }
  if (!ctx.shouldReplicateTopic(binding.resourceName)) {
    return null;
  }
  return {
    ...binding,
    resourceName: ctx.policy.formatRemoteTopic(ctx.sourceClusterAlias, binding.resourceName),
    operation: allow && binding.operation === 'ALL' ? 'READ' : binding.operation,
  };
}

/**
 * Not part of MM2, and callers should keep it off unless asked for: copies literal consumer-group
 * READ and DESCRIBE ACLs for groups that pass the group filter, so consumers that fail over to the
 * target may use their group there. Group names are the same on both clusters.
 */
export function mapGroupAclBinding(binding: AclBinding, groupFilter: GroupFilter): AclBinding | null {
  if (binding.resourceType !== 'GROUP' || binding.patternType !== 'LITERAL') {
    return null;
  }
  if (binding.operation !== 'READ' && binding.operation !== 'DESCRIBE') {
    return null;
  }
  if (binding.permissionType !== 'ALLOW' && binding.permissionType !== 'DENY') {
    return null;
  }
  return groupFilter.shouldReplicateGroup(binding.resourceName) ? { ...binding } : null;
}
