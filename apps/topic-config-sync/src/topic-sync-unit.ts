import { isKafkaError, type ConfigEntry, type KafkaAdmin } from '@mirrormaker/kafka';
import type { Logger } from '@mirrormaker/observability';
import { creationConfigs } from '@mirrormaker/replication-policy';
import { Backoff, isUnitFailureError, nextDelayMs, PeriodicUnit, UnitFailureError, type BackoffOptions } from '@mirrormaker/service-kit';
import { configUpdate } from './config-update';
import type { FlowRules } from './flow-rules';
import type { InternalTopicSpec } from './internal-topics';
import { describeFailure, type TopicSyncAction, type TopicSyncCause, type TopicSyncFailure as Failure } from './topic-sync-failures';
import type { TopicSyncMetrics, TopicSyncOperation, TopicSyncTask } from './topic-sync-metrics';
import { planTopics, type TopicCreation, type TopicPair } from './topic-plan';

/** The admin calls this unit makes (KafkaAdmin in production, an in-memory fake in unit tests). */
export type TopicAdmin = Pick<
  KafkaAdmin,
  'listTopics' | 'describeTopics' | 'createTopics' | 'createPartitions' | 'describeTopicConfigs' | 'alterTopicConfigs' | 'close'
>;

export interface ClusterHandle {
  readonly alias: string;
  /** As the brokers see it, for error messages. */
  readonly principal?: string;
  readonly admin: TopicAdmin;
}

export interface TopicSyncSettings {
  /** `replication.factor` of created remote topics (-1: broker default). */
  readonly replicationFactor: number;
  /** Between topic refreshes; null runs the refresh once (until it succeeds), as refresh.topics.enabled=false. */
  readonly refreshTopicsIntervalMs: number | null;
  /** Between config syncs; null turns config sync off, as sync.topic.configs.enabled=false. */
  readonly syncConfigsIntervalMs: number | null;
}

export interface TopicSyncUnitOptions {
  readonly unitId: string;
  readonly flow: string;
  readonly rules: FlowRules;
  readonly internalTopics: readonly InternalTopicSpec[];
  readonly settings: TopicSyncSettings;
  readonly source: ClusterHandle;
  readonly target: ClusterHandle;
  readonly metrics: TopicSyncMetrics;
  readonly logger: Logger;
  /** Retry timing after failed runs. @default { initialMs: 1000, maxMs: 60000 } */
  readonly backoff?: BackoffOptions;
  /** How long stop() waits for a run in progress. @default 3000 */
  readonly stopTimeoutMs?: number;
  readonly now?: () => number;
}

/** Longest sleep of the loop, so a disabled task never needs an infinite timer. */
const MAX_SLEEP_MS = 60_000;
/** Retry delay of a disabled refresh that still has failures to clear. */
const DISABLED_RETRY_MS = 60_000;
/** Topics per DescribeConfigs request. */
const CONFIG_BATCH = 50;

/**
 * The work of one `topics/<flow>` unit: keeps the target's remote topics in step with the
 * replicated source topics (MM2's MirrorSourceConnector topic and config duties, mm2.md §7).
 *
 * - topics task (at start, then every refresh interval): creates missing remote topics with the
 *   source's partition count, the flow's replication factor and the source configs the filter
 *   lets through; grows remote topics whose source gained partitions; creates missing internal
 *   topics. Never deletes a topic or removes partitions.
 * - configs task (every config sync interval, after the first refresh): brings the remote topics
 *   known at the last refresh in line with MM2's incremental rules, writing the full override set
 *   so that target-only overrides MM2 would not touch survive.
 *
 * A failure on one topic is reported and the others go on; a cluster that does not answer ends the
 * run, which is retried with backoff. Every mutation checks first that the unit was not stopped.
 */
/** Kafka's limit on topic names (`Topic.MAX_NAME_LENGTH`). */
const MAX_TOPIC_NAME_LENGTH = 249;

export class TopicSyncUnit extends PeriodicUnit<TopicSyncCause, TopicSyncAction> {
  private readonly backoffs: Record<TopicSyncTask, Backoff>;
  private nextRun: Record<TopicSyncTask, number> = { topics: 0, configs: 0 };
  /** Pairs whose remote topic exists, as of the last successful topic refresh. */
  private known: readonly TopicPair[] | undefined;

  constructor(private readonly options: TopicSyncUnitOptions) {
    super({ ...options, work: 'topic sync', metrics: options.metrics.units });
    const backoff = options.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    this.backoffs = { topics: new Backoff(backoff), configs: new Backoff(backoff) };
  }

  protected override startFields(): Record<string, unknown> {
    return { replicationFactor: this.options.settings.replicationFactor, internalTopics: this.options.internalTopics.map((t) => t.name) };
  }

  protected override async closeClients(): Promise<void> {
    await Promise.all([this.options.source.admin.close(), this.options.target.admin.close()]);
  }

  protected override async step(signal: AbortSignal): Promise<number> {
    const { refreshTopicsIntervalMs, syncConfigsIntervalMs } = this.options.settings;
    if (this.now() >= this.nextRun.topics) {
      this.nextRun.topics = await this.runTaskOnce('topics', refreshTopicsIntervalMs, signal, (failures) => this.syncTopics(failures, signal));
    }
    if (signal.aborted) return 0;
    if (syncConfigsIntervalMs === null || this.known === undefined) {
      this.nextRun.configs = Number.POSITIVE_INFINITY;
    } else if (this.now() >= this.nextRun.configs) {
      this.nextRun.configs = await this.runTaskOnce('configs', syncConfigsIntervalMs, signal, (failures) => this.syncConfigs(failures, signal));
    }
    const wake = Math.min(this.nextRun.topics, this.nextRun.configs);
    return Math.min(MAX_SLEEP_MS, Math.max(0, wake - this.now()));
  }

  /** Runs one task and returns when it is due next. */
  private async runTaskOnce(task: TopicSyncTask, intervalMs: number | null, signal: AbortSignal, work: (failures: Failure[]) => Promise<void>): Promise<number> {
    const delay = await this.runTask(task, signal, work, ({ fatal, failures }) =>
      intervalMs === null
        ? fatal
          ? nextDelayMs({ ok: false, retriable: fatal.retriable }, DISABLED_RETRY_MS, this.backoffs[task])
          : failures.length > 0
            ? DISABLED_RETRY_MS
            : Number.POSITIVE_INFINITY
        : nextDelayMs(fatal ? { ok: false, retriable: fatal.retriable } : { ok: true }, intervalMs, this.backoffs[task]),
    );
    return delay === undefined ? Number.POSITIVE_INFINITY : this.now() + delay;
  }

  private async syncTopics(failures: Failure[], signal: AbortSignal): Promise<void> {
    const { source, target, rules } = this.options;
    const sourceNames = await this.call(source, 'list topics', undefined, () => source.admin.listTopics());
    const replicated = sourceNames.filter((t) => rules.replicates(t));
    const described = await this.call(source, 'describe topics', undefined, () => source.admin.describeTopics(replicated));
    const sourcePartitions = new Map([...described].map(([name, d]) => [name, d.partitions]));
    const targetNames = new Set(await this.call(target, 'list topics', undefined, () => target.admin.listTopics()));
    const remoteNames = [...sourcePartitions.keys()].map((t) => rules.remoteTopic(t)).filter((t) => targetNames.has(t));
    const remoteDescribed = await this.call(target, 'describe topics', undefined, () => target.admin.describeTopics(remoteNames));
    const plan = planTopics(sourcePartitions, new Map([...remoteDescribed].map(([name, d]) => [name, d.partitions])), rules.remoteTopic);
    this.options.metrics.replicatedTopics.set({ flow: this.options.flow }, sourcePartitions.size);

    await this.ensureInternalTopics(new Set(sourceNames), targetNames, failures, signal);
    const created = await this.createRemoteTopics(plan.create, failures, signal);
    for (const g of plan.grow) {
      if (signal.aborted) return;
      await this.perTopic(failures, async () => {
        const grown = await this.call(target, 'create partitions', g.remote, async () => {
          try {
            await target.admin.createPartitions(g.remote, g.to);
            return true;
          } catch (err) {
            // Someone grew it meanwhile (or it has more already): as MM2, nothing to do.
            if (isKafkaError(err, 'INVALID_PARTITIONS')) return false;
            throw err;
          }
        });
        if (!grown) return;
        this.counted('partitions_added', g.to - g.from);
        this.log.info({ topic: g.remote, source: g.source, from: g.from, to: g.to }, 'added partitions to remote topic');
      });
    }
    this.known = [...plan.existing, ...created];
  }

  private async ensureInternalTopics(sourceNames: ReadonlySet<string>, targetNames: ReadonlySet<string>, failures: Failure[], signal: AbortSignal): Promise<void> {
    for (const spec of this.options.internalTopics) {
      const existing = spec.cluster === 'source' ? sourceNames : targetNames;
      if (existing.has(spec.name) || signal.aborted) continue;
      const cluster = this.options[spec.cluster];
      await this.perTopic(failures, async () => {
        await this.call(cluster, 'create topic', spec.name, () =>
          cluster.admin.createTopics([{ name: spec.name, partitions: spec.partitions, replicationFactor: spec.replicationFactor, configs: { ...spec.configs } }]),
        );
        this.counted('internal_topic_created');
        this.log.info(
          { topic: spec.name, cluster: cluster.alias, role: spec.role, partitions: spec.partitions, replicationFactor: spec.replicationFactor },
          'created internal topic',
        );
      });
    }
  }

  private async createRemoteTopics(creations: readonly TopicCreation[], failures: Failure[], signal: AbortSignal): Promise<TopicPair[]> {
    const created: TopicPair[] = [];
    if (creations.length === 0) return created;
    const { source, target, rules, settings } = this.options;
    const configs = await this.describeConfigs(source, creations.map((c) => c.source), failures);
    for (const c of creations) {
      const entries = configs.get(c.source);
      if (entries === undefined || signal.aborted) continue;
      if (c.remote.length > MAX_TOPIC_NAME_LENGTH) {
        // The broker would answer with a generic INVALID_TOPIC_EXCEPTION: say which name and what to do.
        failures.push({
          action: 'create topic',
          topic: c.remote,
          cause: 'INVALID_CONFIG',
          message:
            `remote topic name for source topic '${c.source}' would be ${c.remote.length} characters, more than the ${MAX_TOPIC_NAME_LENGTH} Kafka allows; ` +
            `rename the source topic, use a shorter source alias than '${source.alias}', or leave the topic out with topics.exclude`,
          retriable: false,
          clusterWide: false,
        });
        continue;
      }
      await this.perTopic(failures, async () => {
        const topicConfigs = creationConfigs(entries, rules.configFilter);
        await this.call(target, 'create topic', c.remote, () =>
          target.admin.createTopics([{ name: c.remote, partitions: c.partitions, replicationFactor: settings.replicationFactor, configs: topicConfigs }]),
        );
        created.push({ source: c.source, remote: c.remote });
        this.counted('topic_created');
        this.log.info(
          { topic: c.remote, source: c.source, partitions: c.partitions, replicationFactor: settings.replicationFactor, configs: topicConfigs },
          'created remote topic',
        );
      });
    }
    return created;
  }

  private async syncConfigs(failures: Failure[], signal: AbortSignal): Promise<void> {
    const { source, target, rules } = this.options;
    const pairs = this.known ?? [];
    for (let i = 0; i < pairs.length; i += CONFIG_BATCH) {
      const chunk = pairs.slice(i, i + CONFIG_BATCH);
      const sourceConfigs = await this.describeConfigs(source, chunk.map((p) => p.source), failures);
      const targetConfigs = await this.describeConfigs(target, chunk.map((p) => p.remote), failures);
      for (const pair of chunk) {
        const sourceEntries = sourceConfigs.get(pair.source);
        const targetEntries = targetConfigs.get(pair.remote);
        if (sourceEntries === undefined || targetEntries === undefined) continue;
        if (signal.aborted) return;
        await this.perTopic(failures, async () => {
          let update;
          try {
            update = configUpdate(sourceEntries, targetEntries, rules.configFilter);
          } catch (err) {
            throw this.failure(err, target, 'alter topic configs', pair.remote);
          }
          if (update === null) return;
          const fullSet = update.fullSet;
          await this.call(target, 'alter topic configs', pair.remote, () => target.admin.alterTopicConfigs(pair.remote, fullSet));
          this.counted('topic_configs_altered');
          this.counted('config_set', update.set.length);
          this.counted('config_deleted', update.deleted.length);
          this.log.info({ topic: pair.remote, source: pair.source, set: update.set, deleted: update.deleted }, 'synced topic configs');
        });
      }
    }
  }

  /**
   * Config entries of the named topics. A topic that vanished since it was listed is left out; a
   * topic whose configs cannot be read is reported and left out.
   */
  private async describeConfigs(cluster: ClusterHandle, topics: readonly string[], failures: Failure[]): Promise<Map<string, ConfigEntry[]>> {
    if (topics.length === 0) return new Map();
    const single = topics.length === 1 ? topics[0] : undefined;
    try {
      return await this.call(cluster, 'describe topic configs', single, () => cluster.admin.describeTopicConfigs(topics));
    } catch (err) {
      const failure = (err as UnitFailureError<TopicSyncCause, TopicSyncAction>).failure;
      if (failure.clusterWide) throw err;
      if (single === undefined) {
        // One bad topic fails the whole request: ask topic by topic.
        const result = new Map<string, ConfigEntry[]>();
        for (const topic of topics) {
          for (const [name, entries] of await this.describeConfigs(cluster, [topic], failures)) result.set(name, entries);
        }
        return result;
      }
      if (failure.cause !== 'TOPIC_NOT_FOUND') failures.push(failure);
      return new Map();
    }
  }

  /** Runs one topic's work; its failure is recorded unless it concerns the whole cluster. */
  private async perTopic(failures: Failure[], work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (isUnitFailureError<TopicSyncCause, TopicSyncAction>(err) && !err.failure.clusterWide) failures.push(err.failure);
      else throw err;
    }
  }

  private async call<T>(cluster: ClusterHandle, action: TopicSyncAction, topic: string | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.failure(err, cluster, action, topic);
    }
  }

  private failure(err: unknown, cluster: ClusterHandle, action: TopicSyncAction, topic: string | undefined): UnitFailureError<TopicSyncCause, TopicSyncAction> {
    if (isUnitFailureError<TopicSyncCause, TopicSyncAction>(err)) return err;
    return new UnitFailureError(
      describeFailure(err, { action, cluster: cluster.alias, ...(cluster.principal ? { principal: cluster.principal } : {}), ...(topic ? { topic } : {}) }),
    );
  }

  private counted(operation: TopicSyncOperation, n = 1): void {
    if (n <= 0) return;
    this.options.metrics.operations.inc({ flow: this.options.flow, operation }, n);
    this.status.count(operation, n);
  }
}
