import type { AclBindingFilter, KafkaAdmin } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';
import type { AclBinding } from '@mirrormaker/replication-policy';
import { Backoff, isUnitFailureError, nextDelayMs, PeriodicUnit, UnitFailureError, type BackoffOptions } from '@mirrormaker/service-kit';
import { aclKey, planAcls } from './acl-plan';
import type { AclRules } from './acl-rules';
import { describeFailure, type AclSyncAction, type AclSyncCause } from './acl-sync-failures';
import type { AclSyncMetrics, AclSyncOperation } from './acl-sync-metrics';

/** The admin calls this unit makes (KafkaAdmin in production, an in-memory fake in unit tests). */
export type AclAdmin = Pick<KafkaAdmin, 'describeAcls' | 'createAcls' | 'close'>;

export interface ClusterHandle {
  readonly alias: string;
  /** As the brokers see it, for error messages. */
  readonly principal?: string;
  readonly admin: AclAdmin;
}

export interface AclSyncUnitOptions {
  readonly unitId: string;
  readonly flow: string;
  readonly rules: AclRules;
  /** Between runs (`sync.topic.acls.interval.seconds`). */
  readonly intervalMs: number;
  readonly source: ClusterHandle;
  readonly target: ClusterHandle;
  readonly metrics: AclSyncMetrics;
  readonly logger: Logger;
  /** Retry timing after failed runs. @default { initialMs: 1000, maxMs: 60000 } */
  readonly backoff?: BackoffOptions;
  /** How long stop() waits for a run in progress. @default 3000 */
  readonly stopTimeoutMs?: number;
  readonly now?: () => number;
}

const TASK = 'acls';

const ANY_LITERAL = { patternType: 'LITERAL', operation: 'ANY', permissionType: 'ANY' } as const;

/**
 * The work of one `acls/<flow>` unit (MM2's ACL sync, mm2.md §8): right away and then every
 * interval, reads the source's topic ACLs (and group ACLs when the flow copies them), maps them by
 * MM2's rules, reads what the target has, and creates only the missing bindings. Never deletes.
 * A source without an authorizer has no ACLs to copy: the unit says so once and keeps checking.
 */
/** How long a created binding may take to show in the target's answers before it is created again. */
const CREATED_VISIBLE_WITHIN_MS = 30_000;

export class AclSyncUnit extends PeriodicUnit<AclSyncCause, AclSyncAction> {
  /** Bindings this unit created, by `aclKey`, until the target's answers show them. */
  private readonly createdAt = new Map<string, number>();
  private readonly backoff: Backoff;
  private sourceSecurityDisabled = false;

  constructor(private readonly options: AclSyncUnitOptions) {
    super({ ...options, work: 'ACL sync', metrics: options.metrics.units });
    this.backoff = new Backoff(options.backoff ?? { initialMs: 1000, maxMs: 60_000 });
  }

  protected override startFields(): Record<string, unknown> {
    return { groupAcls: this.options.rules.groupFilter !== null, intervalMs: this.options.intervalMs };
  }

  protected override async closeClients(): Promise<void> {
    await Promise.all([this.options.source.admin.close(), this.options.target.admin.close()]);
  }

  /** One run; returns the wait before the next. */
  protected override async step(signal: AbortSignal): Promise<number> {
    let skipped = false;
    const delay = await this.runTask(
      TASK,
      signal,
      async () => {
        skipped = !(await this.syncOnce(signal));
      },
      ({ fatal }) => nextDelayMs(fatal ? { ok: false, retriable: fatal.retriable } : { ok: true }, this.options.intervalMs, this.backoff),
    );
    if (delay === undefined) return 0;
    if (skipped) this.status.setIdle(`source cluster '${this.options.source.alias}' has no authorizer, so there are no ACLs to copy`);
    return delay;
  }

  /** Returns false when the source has no authorizer (nothing to do). */
  private async syncOnce(signal: AbortSignal): Promise<boolean> {
    const { source, target, rules, metrics, flow } = this.options;
    const groups = rules.groupFilter !== null;
    let sourceBindings: AclBinding[];
    try {
      sourceBindings = await this.describe(source, [
        { resourceType: 'TOPIC', patternType: 'ANY', operation: 'ANY', permissionType: 'ANY' },
        ...(groups ? [{ resourceType: 'GROUP', ...ANY_LITERAL } as const] : []),
      ]);
    } catch (err) {
      if (isUnitFailureError(err) && err.failure.cause === 'SECURITY_DISABLED') {
        // Said once per unit at warn: the default sync.topic.acls.enabled=true meets many clusters
        // without an authorizer, and that needs no human unless ACLs were expected there.
        if (this.sourceSecurityDisabled) this.log.debug(`source cluster '${source.alias}' still has no authorizer: no ACLs to sync`);
        else {
          this.log.warn(
            { cluster: source.alias, cause: 'SECURITY_DISABLED' },
            `source cluster '${source.alias}' has no authorizer, so ACL sync has nothing to do for flow ${flow}; checking again every ${this.options.intervalMs / 1000} s ` +
              `(set ${flow}.sync.topic.acls.enabled = false to stop checking)`,
          );
        }
        this.sourceSecurityDisabled = true;
        return false;
      }
      throw err;
    }
    if (this.sourceSecurityDisabled) this.log.info(`source cluster '${source.alias}' has an authorizer now: syncing ACLs`);
    this.sourceSecurityDisabled = false;
    const targetBindings = await this.describe(target, [{ resourceType: 'TOPIC', ...ANY_LITERAL }, ...(groups ? [{ resourceType: 'GROUP', ...ANY_LITERAL } as const] : [])]);
    const now = Date.now();
    for (const seen of targetBindings) this.createdAt.delete(aclKey(seen));
    for (const [k, at] of this.createdAt) if (now - at > CREATED_VISIBLE_WITHIN_MS) this.createdAt.delete(k);
    const plan = planAcls(sourceBindings, targetBindings, rules, new Set(this.createdAt.keys()));
    metrics.bindings.set({ flow, state: 'ignored' }, plan.ignored);
    metrics.bindings.set({ flow, state: 'mirrored' }, plan.present);
    if (plan.create.length === 0 || signal.aborted) return true;
    await this.call(target, 'create ACLs', () => target.admin.createAcls(plan.create));
    for (const b of plan.create) this.createdAt.set(aclKey(b), Date.now());
    metrics.bindings.set({ flow, state: 'mirrored' }, plan.present + plan.create.length);
    const topicAcls = plan.create.filter((b) => b.resourceType === 'TOPIC').length;
    this.counted('topic_acl_created', topicAcls);
    this.counted('group_acl_created', plan.create.length - topicAcls);
    for (const b of plan.create) {
      this.log.info(
        { resourceType: b.resourceType, resource: b.resourceName, principal: b.principal, host: b.host, operation: b.operation, permission: b.permissionType },
        'created ACL on the target',
      );
    }
    return true;
  }

  private async describe(cluster: ClusterHandle, filters: readonly AclBindingFilter[]): Promise<AclBinding[]> {
    const all: AclBinding[] = [];
    for (const filter of filters) all.push(...(await this.call(cluster, 'describe ACLs', () => cluster.admin.describeAcls(filter))));
    return all;
  }

  private async call<T>(cluster: ClusterHandle, action: AclSyncAction, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new UnitFailureError(describeFailure(err, { action, cluster: cluster.alias, ...(cluster.principal ? { principal: cluster.principal } : {}) }));
    }
  }

  private counted(operation: AclSyncOperation, n: number): void {
    if (n <= 0) return;
    this.options.metrics.operations.inc({ flow: this.options.flow, operation }, n);
    this.status.count(operation, n);
  }
}
