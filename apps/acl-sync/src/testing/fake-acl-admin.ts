import type { AclBindingFilter } from '@mirrormaker/kafka';
import type { AclBinding } from '@mirrormaker/replication-policy';
import type { AclAdmin } from '../acl-sync-unit';

const matches = (f: AclBindingFilter, b: AclBinding): boolean =>
  (f.resourceType === 'ANY' || f.resourceType === b.resourceType) &&
  (f.patternType === 'ANY' || f.patternType === b.patternType) &&
  (f.operation === 'ANY' || f.operation === b.operation) &&
  (f.permissionType === 'ANY' || f.permissionType === b.permissionType) &&
  (f.resourceName === undefined || f.resourceName === b.resourceName) &&
  (f.principal === undefined || f.principal === b.principal);

/** ACLs of an in-memory cluster, with an injectable failure, for unit tests. */
export class FakeAclAdmin implements AclAdmin {
  bindings: AclBinding[] = [];
  readonly calls: Array<{ method: keyof AclAdmin; args: unknown[] }> = [];
  /** When each call came (Date.now()), in the order of `calls`. */
  readonly callTimes: number[] = [];
  /** Thrown by every call while set. */
  failure: Error | undefined;
  closed = false;

  count(method: keyof AclAdmin): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  async describeAcls(filter: AclBindingFilter): Promise<AclBinding[]> {
    this.enter('describeAcls', [filter]);
    return this.bindings.filter((b) => matches(filter, b));
  }

  async createAcls(bindings: readonly AclBinding[]): Promise<void> {
    this.enter('createAcls', [bindings]);
    for (const b of bindings) if (!this.bindings.some((x) => JSON.stringify(x) === JSON.stringify(b))) this.bindings.push({ ...b });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private enter(method: keyof AclAdmin, args: unknown[]): void {
    this.calls.push({ method, args });
    this.callTimes.push(Date.now());
    if (this.failure) throw this.failure;
  }
}
