import type { AclBindingFilter, KafkaAdmin } from '@mirrormaker/kafka';
import { isKafkaError } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';
import type { ErrorReport } from '@mirrormaker/proto';
import type { AclBinding } from '@mirrormaker/replication-policy';
import { Backoff, nextDelayMs, PeriodicLoop, SyncStatus, type BackoffOptions } from '@mirrormaker/service-kit';
import { planAcls } from './acl-plan';
import type { AclRules } from './acl-rules';
import type { AclSyncMetrics } from './acl-sync-metrics';
import { describeFailure, isSyncFailure, SyncFailure, type Failure, type SyncAction } from './failure';

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
export class AclSyncUnit {
  readonly status: SyncStatus;
  private readonly loop: PeriodicLoop;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private readonly now: () => number;
  private sourceSecurityDisabled = false;

  constructor(private readonly options: AclSyncUnitOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.logger.child({ unit: options.unitId, flow: options.flow });
    this.status = new SyncStatus(this.log, this.now);
    this.backoff = new Backoff(options.backoff ?? { initialMs: 1000, maxMs: 60_000 });
    this.loop = new PeriodicLoop(
      (signal) => this.run(signal),
      (err) => this.log.error({ err }, 'unexpected error in the ACL sync loop'),
    );
  }

  start(): void {
    this.log.info({ groupAcls: this.options.rules.groupFilter !== null, intervalMs: this.options.intervalMs }, 'ACL sync started');
    this.loop.start();
  }

  /** Stops the loop (waking it if it waits), closes the admin clients; safe to call twice. */
  async stop(reason: string): Promise<void> {
    if (this.loop.stopped) return;
    const began = this.now();
    const stopping = this.loop.stop(this.options.stopTimeoutMs ?? 3000);
    await Promise.all([this.options.source.admin.close(), this.options.target.admin.close()]);
    const inTime = await stopping;
    this.status.setStopped();
    this.log.info({ reason, durationMs: this.now() - began, inTime }, 'ACL sync stopped');
  }

  errorReports(): ErrorReport[] {
    return this.status.errorReports(this.options.unitId);
  }

  /** One run; returns the wait before the next. */
  private async run(signal: AbortSignal): Promise<number> {
    const { metrics, flow, intervalMs } = this.options;
    const began = this.now();
    let fatal: Failure | undefined;
    let skipped = false;
    try {
      skipped = !(await this.syncOnce(signal));
    } catch (err) {
      fatal = isSyncFailure(err)
        ? err.failure
        : { cause: 'INTERNAL', message: `ACL sync failed unexpectedly: ${(err as Error)?.message ?? String(err)}`, retriable: false, clusterWide: true, action: 'run' };
    }
    if (signal.aborted) return 0;
    const finished = this.now();
    const delay = nextDelayMs(fatal ? { ok: false, retriable: fatal.retriable } : { ok: true }, intervalMs, this.backoff);
    metrics.runDuration.observe({ flow }, (finished - began) / 1000);
    metrics.lastRun.set({ flow }, finished / 1000);
    if (fatal) {
      metrics.errors.inc({ flow, cause: fatal.cause });
      fatal = { ...fatal, message: `${fatal.message}; retrying in ${Math.round(delay / 100) / 10} s` };
      this.status.recordRun(TASK, { durationMs: finished - began, failures: [], fatal: { failure: fatal, retryInMs: delay } });
    } else if (skipped) {
      this.status.recordRun(TASK, { durationMs: finished - began, failures: [] });
      this.status.setIdle(`source cluster '${this.options.source.alias}' has no authorizer, so there are no ACLs to copy`);
    } else {
      metrics.lastSuccess.set({ flow }, finished / 1000);
      this.status.recordRun(TASK, { durationMs: finished - began, failures: [] });
    }
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
      if (isSyncFailure(err) && err.code === 'SECURITY_DISABLED') {
        const message = `source cluster '${source.alias}' has no authorizer (SECURITY_DISABLED): skipping ACL sync`;
        if (this.sourceSecurityDisabled) this.log.debug(message);
        else this.log.info(message);
        this.sourceSecurityDisabled = true;
        return false;
      }
      throw err;
    }
    if (this.sourceSecurityDisabled) this.log.info(`source cluster '${source.alias}' has an authorizer now: syncing ACLs`);
    this.sourceSecurityDisabled = false;
    const targetBindings = await this.describe(target, [{ resourceType: 'TOPIC', ...ANY_LITERAL }, ...(groups ? [{ resourceType: 'GROUP', ...ANY_LITERAL } as const] : [])]);
    const plan = planAcls(sourceBindings, targetBindings, rules);
    metrics.bindings.set({ flow, state: 'ignored' }, plan.ignored);
    metrics.bindings.set({ flow, state: 'mirrored' }, plan.present);
    if (plan.create.length === 0 || signal.aborted) return true;
    await this.call(target, 'create ACLs', () => target.admin.createAcls(plan.create));
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

  private async call<T>(cluster: ClusterHandle, action: SyncAction, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      const failure = describeFailure(err, { action, cluster: cluster.alias, ...(cluster.principal ? { principal: cluster.principal } : {}) });
      throw new SyncFailure(failure, isKafkaError(err) ? err.code : undefined);
    }
  }

  private counted(operation: 'topic_acl_created' | 'group_acl_created', n: number): void {
    if (n <= 0) return;
    this.options.metrics.operations.inc({ flow: this.options.flow, operation }, n);
    this.status.count(operation, n);
  }
}
