import type { ClientKind, MirrorConfig } from '@mirrormaker/config';
import { createKafkaClient, isKafkaError, KafkaAdmin, KafkaProducer, type KafkaClient, type KafkaConnection } from '@mirrormaker/kafka';
import { skippedRecordReporter, type Logger, type SkippedRecordReporter } from '@mirrormaker/observability';
import { decodeOffsetSync } from '@mirrormaker/mm2-formats';
import { CheckpointStore, decodeOffsetSegments, ExactTranslator, OffsetSegmentStore, OffsetSyncStore } from '@mirrormaker/offset-translation';
import { UnitProgress, type ErrorReport, type SourcePosition, type TargetPosition } from '@mirrormaker/proto';
import { Backoff, kafkaConnectionFor, PeriodicLoop, UnitStatus, type HeldUnit } from '@mirrormaker/service-kit';
import { setTimeout as sleep } from 'node:timers/promises';
import { CheckpointEmitter } from './checkpoint-emitter';
import { CheckpointAges } from './checkpoint-ages';
import { loadCheckpoints } from './checkpoint-loader';
import { committedByPartition } from './committed-offsets';
import { GroupDiscovery } from './group-discovery';
import type { GroupsUnitCause, GroupsUnitPhase } from './groups-unit-causes';
import type { GroupsUnitPlan } from './groups-unit-plan';
import { NotReadyError } from './not-ready-error';
import { idleGroupOffsetWriter, type GroupOffsetWriter } from './idle-group-offset-writer';
import type { FlowLabels, OffsetSyncMetrics } from './offset-sync-metrics';
import { InternalTopicReader } from './internal-topic-reader';
import { TargetGroupsRound } from './target-groups-round';
import { translateGroupOffsets, type TranslatedPosition } from './translated-offsets';

export interface GroupsUnitOptions {
  readonly plan: GroupsUnitPlan;
  readonly config: MirrorConfig;
  readonly metrics: OffsetSyncMetrics;
  readonly logger: Logger;
  /** Commits offsets of idle target groups. @default the kafkajs-based writer */
  readonly writerFor?: (connection: KafkaConnection, logger: Logger) => GroupOffsetWriter;
}

const STOP_BOUND_MS = 5_000;

/**
 * The work of one `groups/<flow>/0` unit, MM2's checkpoint task as a service:
 *
 *  1. create `<source>.checkpoints.internal` on the target if missing (1 partition, compact);
 *  2. read it once into the checkpoint store, so no checkpoint is ever emitted behind an earlier
 *     one (if it cannot be read, translation is limited to syncs read after start-up instead);
 *  3. read the offset-syncs topic and our offset-segments topic from their start and follow them;
 *     nothing is translated before the first read to their end (a missing segments topic counts
 *     as read, and is looked for again every round);
 *  4. every `emit.checkpoints.interval.seconds`: checkpoints for the selected source groups;
 *  5. every `sync.group.offsets.interval.seconds` (or the checkpoint interval when sync is off):
 *     lag of those groups on the target and, with sync on, their offsets on idle target groups.
 */
export class GroupsUnit implements HeldUnit {
  readonly status: UnitStatus<GroupsUnitCause, GroupsUnitPhase>;
  private readonly abort = new AbortController();
  private readonly log: Logger;
  private readonly labels: FlowLabels;
  /** Reading the internal topics (offset syncs, checkpoints) is a consumer's work. */
  private readonly readers: Readonly<Record<'source' | 'target', KafkaClient>>;
  private readonly sourceAdmin: KafkaAdmin;
  private readonly targetAdmin: KafkaAdmin;
  private readonly producer: KafkaProducer;
  private readonly writer: GroupOffsetWriter | undefined;
  private readonly checkpointStore = new CheckpointStore();
  private readonly checkpointAges = new CheckpointAges();
  private readonly emitter: CheckpointEmitter;
  private readonly targetRound: TargetGroupsRound;
  private translator: ExactTranslator | undefined;
  private segmentStore: OffsetSegmentStore | undefined;
  private syncsReader: InternalTopicReader | undefined;
  private segmentsReader: InternalTopicReader | undefined;
  /** retention.ms of the segments topic; the segment store forgets what the topic dropped. */
  private segmentsRetentionMs: number | undefined;
  private readonly loops: PeriodicLoop[] = [];
  private readonly skipped: SkippedRecordReporter;
  private running: Promise<void> | undefined;

  constructor(private readonly options: GroupsUnitOptions) {
    const { plan, config, metrics } = options;
    const { flow } = plan;
    this.log = options.logger.child({ unit: plan.unitId, flow: flow.name });
    this.labels = { source: flow.source, target: flow.target };
    this.status = new UnitStatus({ unitId: plan.unitId, metrics: metrics.units });
    this.skipped = skippedRecordReporter(metrics.internalRecordsSkipped, this.log);
    // Each kind of client connects with the flow's keys for it (MM2 lets `<alias>.admin.*` differ).
    const connection = (side: 'source' | 'target', kind: ClientKind): KafkaConnection => ({
      ...kafkaConnectionFor(config.clusters[flow[side]]!, `${flow.name}|offset-sync|${side}`, flow.clients[side][kind], kind),
      requestTimeoutMs: Math.min(flow.adminTimeoutMs, 30_000),
      retry: { retries: 3, initialRetryTimeMs: 200, maxRetryTimeMs: 2_000 },
    });
    this.readers = {
      source: createKafkaClient(connection('source', 'consumer'), this.log),
      target: createKafkaClient(connection('target', 'consumer'), this.log),
    };
    this.sourceAdmin = new KafkaAdmin(createKafkaClient(connection('source', 'admin'), this.log));
    this.targetAdmin = new KafkaAdmin(createKafkaClient(connection('target', 'admin'), this.log));
    this.producer = new KafkaProducer(createKafkaClient(connection('target', 'producer'), this.log));
    this.writer = plan.groupSyncIntervalMs === null ? undefined : (options.writerFor ?? idleGroupOffsetWriter)(connection('target', 'admin'), this.log);
    this.emitter = new CheckpointEmitter({
      plan,
      sourceAdmin: this.sourceAdmin,
      producer: this.producer,
      discovery: new GroupDiscovery(
        () => this.sourceAdmin.listGroups(),
        plan.rules.groupFilter,
        flow.refreshGroupsEnabled ? flow.refreshGroupsIntervalSeconds * 1000 : null,
      ),
      translator: () => this.translator,
      checkpointStore: this.checkpointStore,
      onWritten: (group, timestamp) => this.checkpointAges.written(group, timestamp),
      metrics,
      logger: this.log,
    });
    this.targetRound = new TargetGroupsRound({
      plan,
      targetAdmin: this.targetAdmin,
      checkpointStore: this.checkpointStore,
      writer: this.writer,
      metrics,
      logger: this.log,
    });
  }

  get unitId(): string {
    return this.options.plan.unitId;
  }

  get flowName(): string {
    return this.options.plan.flow.name;
  }

  /** Starts the unit's work in the background; problems show in `status`. */
  start(): void {
    this.options.metrics.offsetSyncStoreReady.set(this.labels, 0);
    this.running ??= this.run().catch((err: unknown) => {
      if (this.abort.signal.aborted) return;
      this.status.report({ cause: 'UNEXPECTED', message: (err as Error).message, retriable: false });
      this.log.error({ err: (err as Error).message }, 'groups unit stopped working');
    });
  }

  /** The group's committed source offsets translated to the target, right now. */
  async translate(group: string): Promise<TranslatedPosition[]> {
    const translator = this.translator;
    if (translator === undefined || !translator.initialLoadComplete) {
      throw new NotReadyError(`flow ${this.flowName}: the offset syncs and segments have not been read to the end yet (${this.status.phase}); try again shortly`);
    }
    const committed = await this.sourceAdmin.fetchCommittedOffsets(group);
    const { rules, renameTopic } = this.options.plan;
    return translateGroupOffsets({
      committed: committedByPartition(committed),
      shouldTranslateTopic: (topic) => rules.topicFilter.shouldReplicateTopic(topic),
      translator,
      renameTopic,
    });
  }

  /**
   * For offsets on this flow's remote topics (target), the source offsets of the same records,
   * from the offset segments (failing groups back). A position the segments cannot place, or on a
   * topic that is not a remote topic of this flow, comes back untranslated with the reason.
   */
  translateToSource(positions: readonly TargetPosition[]): SourcePosition[] {
    const store = this.segmentStore;
    if (store === undefined || !store.initialLoadComplete) {
      throw new NotReadyError(`flow ${this.flowName}: the offset segments have not been read to the end yet (${this.status.phase}); try again shortly`);
    }
    const { flow, rules } = this.options.plan;
    return positions.map((p) => {
      const base = { topic: p.topic, partition: p.partition, downstreamOffset: p.offset, sourceTopic: '', upstreamOffset: -1n, recordsReread: 0n };
      const sourceTopic = rules.policy.topicSource(p.topic) === flow.source ? rules.policy.upstreamTopic(p.topic) : null;
      if (sourceTopic === null) return { ...base, translated: false, reason: `${p.topic} is not a remote topic of ${flow.source} on ${flow.target}` };
      const found = store.translateToSource({ topic: sourceTopic, partition: p.partition }, p.offset);
      if (found === undefined) return { ...base, sourceTopic, translated: false, reason: `no offset segment of ${flow.name} covers offset ${p.offset}` };
      return { ...base, sourceTopic, upstreamOffset: found.upstream, recordsReread: found.recordsReread, translated: true, reason: '' };
    });
  }

  /** Sent with each lease renewal: the age of every group's newest checkpoint (no offsets: groups units copy none). */
  progress(): UnitProgress {
    return UnitProgress.fromPartial({ unitId: this.unitId, position: -1n, sourceEndOffset: -1n, stalledReason: this.status.problemSummary(), checkpoints: this.checkpointAges.ages(Date.now()) });
  }

  errorReports(): ErrorReport[] {
    return this.status.errorReports();
  }

  async stop(reason: string): Promise<void> {
    if (this.abort.signal.aborted) return;
    const began = Date.now();
    this.abort.abort();
    await Promise.all(this.loops.map((loop) => loop.stop(STOP_BOUND_MS)));
    await Promise.all([this.syncsReader?.close(), this.segmentsReader?.close()]);
    const bound = new AbortController();
    await Promise.race([this.running, sleep(STOP_BOUND_MS, undefined, { signal: bound.signal }).catch(() => undefined)]);
    bound.abort();
    await Promise.allSettled([this.producer.close(), this.sourceAdmin.close(), this.targetAdmin.close(), this.writer?.close()]);
    this.targetRound.forgetSeries();
    this.options.metrics.offsetSyncStoreReady.remove(this.labels);
    this.status.setStopped(reason);
    this.log.info({ reason, ms: Date.now() - began }, 'groups unit stopped');
  }

  private async run(): Promise<void> {
    const { plan } = this.options;
    const { signal } = this.abort;
    await this.retrying('CHECKPOINTS_TOPIC', 'creating-checkpoints-topic', () => this.ensureCheckpointsTopic());
    await this.retrying('CHECKPOINTS_LOAD', 'loading-checkpoints', () => this.loadCheckpoints());
    if (signal.aborted) return;

    const syncStore = new OffsetSyncStore({ initializationMustReadToEnd: this.checkpointStore.initializationMustReadToEnd });
    const segmentStore = new OffsetSegmentStore();
    this.segmentStore = segmentStore;
    this.translator = new ExactTranslator(segmentStore, syncStore);
    const clientFor = (placement: { cluster: 'source' | 'target' }) => this.readers[placement.cluster];
    const offsetSyncsClient = clientFor(plan.offsetSyncs);
    const { metrics } = this.options;
    const syncsReader = new InternalTopicReader({
      client: offsetSyncsClient,
      topic: plan.offsetSyncs.topic,
      apply: (record) => syncStore.applySync(decodeOffsetSync(record.key, record.value)),
      onLoaded: () => syncStore.completeInitialLoad(),
      logger: this.log,
      skipped: this.skipped,
      onApplied: (count) => metrics.offsetSyncsRead.inc(this.labels, count),
    });
    this.syncsReader = syncsReader;
    this.segmentsReader = new InternalTopicReader({
      client: clientFor(plan.offsetSegments),
      topic: plan.offsetSegments.topic,
      apply: (record) => {
        for (const segment of decodeOffsetSegments(record.key, record.value)) segmentStore.apply(segment, Number(record.timestamp));
      },
      onLoaded: () => segmentStore.completeInitialLoad(),
      logger: this.log,
      skipped: this.skipped,
      onApplied: (count) => metrics.offsetSegmentRecordsRead.inc(this.labels, count),
    });
    this.startLoops();
    await this.retrying('OFFSET_SYNCS_TOPIC', 'waiting-for-offset-syncs', () => syncsReader.start(), (err) =>
      isKafkaError(err, 'TOPIC_NOT_FOUND')
        ? `${plan.offsetSyncs.topic} does not exist on ${offsetSyncsClient.clusterAlias} yet (the data mirror creates it)`
        : undefined,
    );
    if (signal.aborted) return;
    await this.startSegmentsReader();
    this.status.setPhase('reading-offset-syncs', `${plan.offsetSyncs.topic} and ${plan.offsetSegments.topic} on ${offsetSyncsClient.clusterAlias}`);
    const aborted = new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    await Promise.race([Promise.all([syncsReader.caughtUp, this.segmentsReader.caughtUp]), aborted]);
    if (signal.aborted) return;
    metrics.offsetSyncStoreReady.set(this.labels, 1);
    this.status.setPhase('running');
  }

  /**
   * Starts following the offset-segments topic. Without it (a data mirror that does not write it
   * yet, or positions Apache MM2 reached) translation falls back to MM2's rule; every round looks
   * for it again. A topic that cannot be read for another reason is retried the same way.
   */
  private async startSegmentsReader(): Promise<void> {
    const reader = this.segmentsReader;
    const store = this.segmentStore;
    if (reader === undefined || store === undefined || reader.started || this.abort.signal.aborted) return;
    const { plan } = this.options;
    try {
      await reader.start();
      this.status.resolve('OFFSET_SEGMENTS_TOPIC');
      await this.readSegmentsRetention();
    } catch (err) {
      if (!store.initialLoadComplete) {
        store.completeInitialLoad();
        this.log.info({ topic: plan.offsetSegments.topic, err: (err as Error).message }, 'offset segments cannot be read; translating by the offset syncs alone until they can');
      }
      if (!isKafkaError(err, 'TOPIC_NOT_FOUND')) {
        this.status.report({
          cause: 'OFFSET_SEGMENTS_TOPIC',
          message: `cannot read ${plan.offsetSegments.topic}: ${(err as Error).message}; translating by MM2's rule (groups may read records again after failing over)`,
          retriable: true,
          blocking: false,
        });
      }
    }
  }

  /** The segments topic's retention.ms, after which the store forgets segments too (kept all when unknown). */
  private async readSegmentsRetention(): Promise<void> {
    const { plan } = this.options;
    const admin = plan.offsetSegments.cluster === 'source' ? this.sourceAdmin : this.targetAdmin;
    try {
      const configs = await admin.describeTopicConfigs([plan.offsetSegments.topic]);
      const retention = Number(configs.get(plan.offsetSegments.topic)?.find((e) => e.name === 'retention.ms')?.value);
      this.segmentsRetentionMs = Number.isFinite(retention) && retention > 0 ? retention : undefined;
    } catch (err) {
      this.log.warn({ topic: plan.offsetSegments.topic, err: (err as Error).message }, "cannot read the offset-segments topic's retention; keeping every segment read");
    }
  }

  private startLoops(): void {
    const { plan } = this.options;
    const guarded = (cause: GroupsUnitCause, round: (signal: AbortSignal) => Promise<void>) => async (signal: AbortSignal) => {
      await round(signal);
      this.status.resolve(cause);
    };
    const onError = (cause: GroupsUnitCause, what: string) => (err: unknown) => {
      this.status.report({ cause, message: `${what}: ${(err as Error).message}`, retriable: true });
      this.log.warn({ err: (err as Error).message }, `${what} failed; trying again next round`);
    };
    this.loops.push(
      PeriodicLoop.fixedRate(
        plan.checkpointIntervalMs,
        guarded('CHECKPOINT_ROUND', async (signal) => {
          await this.keepSegmentsCurrent();
          await this.emitter.round(signal);
        }),
        onError('CHECKPOINT_ROUND', 'checkpoint round'),
      ),
      PeriodicLoop.fixedRate(
        plan.targetIntervalMs,
        guarded('TARGET_GROUPS_ROUND', (signal) => this.targetRound.round(signal)),
        onError('TARGET_GROUPS_ROUND', plan.groupSyncIntervalMs === null ? 'target group lag' : 'group offset sync'),
      ),
    );
    for (const loop of this.loops) loop.start();
  }

  /** Starts the segments reader once its topic exists, and prunes segments past its retention. */
  private async keepSegmentsCurrent(): Promise<void> {
    if (this.abort.signal.aborted) return;
    await this.startSegmentsReader();
    const store = this.segmentStore;
    if (store === undefined) return;
    if (this.segmentsRetentionMs !== undefined) store.prune(Date.now() - this.segmentsRetentionMs);
    this.options.metrics.offsetSegments.set(this.labels, store.size);
  }

  private async ensureCheckpointsTopic(): Promise<void> {
    const { plan } = this.options;
    try {
      await this.targetAdmin.createTopics([
        {
          name: plan.checkpointsTopic,
          partitions: 1,
          replicationFactor: plan.checkpointsTopicReplicationFactor,
          configs: { 'cleanup.policy': 'compact' },
        },
      ]);
    } catch (err) {
      // As MM2: without the right to create topics, assume someone else created it.
      if (!isKafkaError(err, 'AUTHORIZATION_FAILED')) throw err;
      this.log.warn({ topic: plan.checkpointsTopic }, 'not allowed to create the checkpoints topic; assuming it exists');
    }
  }

  private async loadCheckpoints(): Promise<void> {
    const { plan } = this.options;
    try {
      const result = await loadCheckpoints({
        client: this.readers.target,
        topic: plan.checkpointsTopic,
        store: this.checkpointStore,
        keepGroup: (group) => plan.rules.groupFilter.shouldReplicateGroup(group),
        onCheckpoint: (group, timestamp) => this.checkpointAges.written(group, timestamp),
        logger: this.log,
        skipped: this.skipped,
        signal: this.abort.signal,
      });
      this.checkpointStore.finishLoad({ succeeded: true });
      this.log.info({ topic: plan.checkpointsTopic, ...result, groups: this.checkpointStore.snapshot().size }, 'earlier checkpoints loaded');
    } catch (err) {
      if (this.abort.signal.aborted) throw err;
      if (!isKafkaError(err, 'AUTHORIZATION_FAILED') && !isKafkaError(err, 'TOPIC_NOT_FOUND')) throw err;
      // MM2 carries on without earlier checkpoints; the offset-sync store then keeps only syncs
      // read after start-up, so no new checkpoint can land behind a forgotten one.
      this.checkpointStore.finishLoad({ succeeded: false });
      this.status.report({ cause: 'CHECKPOINTS_UNREADABLE', message: `earlier checkpoints could not be read: ${(err as Error).message}`, retriable: false, blocking: false });
      this.log.warn({ err: (err as Error).message }, 'earlier checkpoints could not be read; translating only from offset syncs written after start-up');
    }
  }

  /** Runs `step` until it succeeds or the unit stops, with backoff between attempts. */
  private async retrying(cause: GroupsUnitCause, phase: GroupsUnitPhase, step: () => Promise<void>, explain?: (err: unknown) => string | undefined): Promise<void> {
    const backoff = new Backoff({ initialMs: 500, maxMs: 10_000 });
    const { signal } = this.abort;
    this.status.setPhase(phase);
    while (!signal.aborted) {
      try {
        await step();
        this.status.resolve(cause);
        return;
      } catch (err) {
        if (signal.aborted) return;
        const message = explain?.(err) ?? (err as Error).message;
        this.status.report({ cause, message, retriable: true });
        this.status.setPhase(phase, message);
        const delay = backoff.next();
        this.log.warn({ err: (err as Error).message, retryInMs: delay }, `${phase}: ${message}`);
        await sleep(delay, undefined, { signal }).catch(() => undefined);
      }
    }
  }
}
