import { mapAclBinding, mapGroupAclBinding, type AclBinding } from '@mirrormaker/replication-policy';
import type { AclRules } from './acl-rules';

export interface AclPlan {
  /** Target bindings to create: copies of source bindings the target does not have yet. */
  readonly create: readonly AclBinding[];
  /** Copies the target has already. */
  readonly present: number;
  /** Source bindings the rules leave out (PREFIXED, ALLOW WRITE, topics not replicated, ...). */
  readonly ignored: number;
}

export const aclKey = (b: AclBinding): string => JSON.stringify([b.resourceType, b.resourceName, b.patternType, b.principal, b.host, b.operation, b.permissionType]);

/**
 * The ACLs to create on the target (mm2.md §8): each source binding mapped by MM2's rules (literal
 * topic ACLs of replicated topics, renamed to the remote topic, ALLOW WRITE dropped, ALLOW ALL
 * narrowed to ALLOW READ, DENY kept), plus group READ/DESCRIBE ACLs when the flow copies them;
 * duplicates (ALLOW ALL and ALLOW READ both become ALLOW READ) and bindings the target already
 * has are left out. Nothing is ever removed from the target. Bindings in `createdRecently` (by
 * `aclKey`) were created a moment ago and may not show in the target's answer yet (the brokers
 * apply ACL changes from the metadata log a little later): they count as present.
 */
export function planAcls(
  sourceBindings: readonly AclBinding[],
  targetBindings: readonly AclBinding[],
  rules: AclRules,
  createdRecently: ReadonlySet<string> = new Set(),
): AclPlan {
  const onTarget = new Set([...targetBindings.map(aclKey), ...createdRecently]);
  const wanted = new Map<string, AclBinding>();
  let ignored = 0;
  for (const binding of sourceBindings) {
    const copy =
      binding.resourceType === 'GROUP'
        ? rules.groupFilter
          ? mapGroupAclBinding(binding, rules.groupFilter)
          : null
        : mapAclBinding(binding, rules.mapping);
    if (copy === null) {
      ignored += 1;
      continue;
    }
    wanted.set(aclKey(copy), copy);
  }
  const create = [...wanted.values()].filter((b) => !onTarget.has(aclKey(b)));
  return { create, present: wanted.size - create.length, ignored };
}
