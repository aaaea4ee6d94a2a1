import { isKafkaError, valueBytesOf, type BatchCodec, type ConsumedBatch, type ConsumedRecord, type FetchedBatches, type KafkaError, type KafkaProducer, type PartitionOffsets, type RawRecordBatch } from '@mirrormaker/kafka';
import type { MirrorSourcePartition } from '@mirrormaker/mm2-formats';
import { SlidingQuantiles, type Logger } from '@mirrormaker/observability';
import type { ErrorReport, UnitProgress } from '@mirrormaker/proto';
import { Backoff, UnitStatus, type UnitMetrics, type UnitProblem } from '@mirrormaker/service-kit';
import { copyAtLeastOnce, copyBatchesAtLeastOnce, copyBatchesExactlyOnce, copyExactlyOnce, type BatchCopyOutcome, type CopyFailure, type CopyOutcome, type CopyTarget } from './batch-copier';
import type { ConsumerRoute } from './flow-consumer';
import { remoteTopicOf, transactionalIdOf } from './flow-plan';
import type { FlowRuntime } from './flow-runtime';
import type { MirrorMetrics, PartitionMetrics, TimedRecord } from './mirror-metrics';
import type { MirrorUnit } from './mirror-unit';
import { isRetriableCause, type MirrorUnitCause } from './mirror-unit-causes';
import { OffsetSegmentEmitter } from './offset-segment-emitter';
import { OffsetSyncEmitter } from './offset-sync-emitter';
import type { PositionListener } from './position-writer';
import { RateMeter } from './rate-meter';
import { startPosition, type StartPosition } from './start-position';
import type { DataMirrorTimings } from './timings';

export interface PartitionUnitOptions {
  unitId: string;
  epoch: bigint;
  topic: string;
  partition: number;
  flow: FlowRuntime;
  metrics: MirrorMetrics;
  /** Given when the flow has per-partition series (metrics.partition.label.enabled). */
  unitMetrics?: UnitMetrics;
  timings: DataMirrorTimings;
}

/** Status task of the offset segments' problems, kept apart from the copy's (the default task). */
const SEGMENTS_TASK = 'offset-segments';

/** What happened to the source, each recorded under a status task of its own. */
type SourceEvent = 'SOURCE_TRUNCATED' | 'SOURCE_RECREATED';
const SOURCE_EVENT_TASK: Record<SourceEvent, string> = { SOURCE_TRUNCATED: 'source-truncated', SOURCE_RECREATED: 'source-recreated' };

/** Thrown from a batch handler to have the same records delivered again later. */
class RetryLater extends Error {
  override readonly name = 'RetryLater';
}

/** The source topic, or the partition, is not there at start. */
class SourceMissing extends Error {
  override readonly name = 'SourceMissing';
}

/**
 * Copies one leased source partition to the same partition of its remote topic.
 *
 * Start: (exactly-once: fence the previous holder through the unit's transactional id) → read the
 * stored positions to their end → resume at stored + 1, or at the reset policy's offset → attach to
 * the flow's source consumer. Every step is retried with backoff until it succeeds or the unit stops.
 *
 * Each batch: skip records at or below `lastCopied` (already written by this holder) → check the
 * remote topic exists → write (at-least-once: requests awaited, then the position handed to the
 * flow's PositionWriter, which stores it with its next flush; exactly-once: records and position in
 * one transaction) → feed offset syncs and offset segments → metrics. A failure makes the consumer
 * deliver the remaining records again later; nothing is ever skipped by the mirror.
 *
 * What the source does is never silent:
 * - Records deleted (retention, DeleteRecords) before they were copied: a stored position below the
 *   log start, or, while copying, the consumer's position reset forward by the broker
 *   (OFFSET_OUT_OF_RANGE). Reported as SOURCE_TRUNCATED (an error log, a problem that does not stall
 *   the partition and stays while the lease is held) and counted in
 *   mirrormaker_records_lost_to_retention_total; copying goes on where auto.offset.reset puts it.
 * - A new log under the same topic name: the topic was found missing and is back, or the consumer's
 *   position reset backward because the log now ends below it. Reported as SOURCE_RECREATED (a
 *   warning, a problem that does not stall, mirrormaker_source_partition_recreations_total);
 *   copying, the offset segments and the stored position start over by auto.offset.reset.
 * - The topic missing (two looks in a row): SOURCE_TOPIC_DELETED; the unit stops reading and waits
 *   for it to come back or for the lease to go. At least once, it stores no position (-1, which MM2
 *   reads as none too), so a topic created later under the name starts like a new one whoever
 *   holds it then. MM2 itself would resume it at the old position.
 *
 * Invariants:
 * - Within one log of the partition `lastCopied` only grows, and every record up to it is on the
 *   target (a new log starts it over).
 * - The stored position never exceeds `lastCopied`.
 * - After `stop()` resolves no produce request for this partition is started; one already sent is
 *   awaited up to `stopWaitMs`, and so is the last position.
 * - The offset segments of a start begin with its first copied record (a fresh emitter per start);
 *   their failures are reported under their own task and never stall the partition.
 */
export class PartitionUnit implements MirrorUnit, ConsumerRoute {
  readonly unitId: string;
  readonly topic: string;
  readonly partition: number;
  private readonly flow: FlowRuntime;
  private readonly timings: DataMirrorTimings;
  private readonly metrics: MirrorMetrics;
  private readonly logger: Logger;
  private readonly remoteTopic: string;
  private readonly sourcePartition: MirrorSourcePartition;
  /** Phase `starting` until attached to the consumer, `running`, then `stopped` (stop() or for good while held). */
  readonly status: UnitStatus<MirrorUnitCause>;
  private readonly rate = new RateMeter(Date.now());
  private readonly valueBytesOfBatch = new WeakMap<RawRecordBatch, number>();
  /** Replication latency of the records copied lately, for the progress reported with renewals. */
  private readonly latency = new SlidingQuantiles();
  private readonly partitionMetrics: PartitionMetrics;
  private stopping = false;
  private closed = false;
  private attached = false;
  /** Last upstream offset on the target (-1 before anything). */
  private lastCopied = -1n;
  /** True once records were copied whose position was not handed to the position writer yet. */
  private positionDirty = false;
  /** At-least-once: a position was handed to the flow's position writer. */
  private positionHandedOver = false;
  /** At-least-once: the position handed over is behind `lastCopied`, waiting for offset segments. */
  private positionBehind = false;
  /** First source offset of this start (or of the new log the partition turned into). */
  private startedAt = 0n;
  /** The source topic was found missing: reading stopped until it is back (a new log) or the lease goes. */
  private awaitingTopic = false;
  /** At-least-once: the next position handed over starts a new log, so it may be below the last one. */
  private positionRestarts = false;
  /** `from` of the last position reset handled (the reset comes again with a batch delivered again). */
  private resetHandledFrom: bigint | undefined;
  /** Offsets lost to retention while this instance holds the partition (for the status message). */
  private lostThisLease = 0n;
  private polledUpTo = -1n;
  private sourceEnd: bigint | undefined;
  private retryAfter = 0;
  private inFlight: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private transactional: KafkaProducer | undefined;
  private syncs: OffsetSyncEmitter | undefined;
  private syncTimer: NodeJS.Timeout | undefined;
  private segments: OffsetSegmentEmitter | undefined;
  private segmentTimer: NodeJS.Timeout | undefined;
  /** Emitters of earlier logs of this start still writing what they hold. */
  private segmentsFinishing: Promise<unknown> = Promise.resolve();
  private readonly positionKey: string;
  private readonly positionListener: PositionListener;
  private unwatch: (() => void) | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: PartitionUnitOptions) {
    this.unitId = options.unitId;
    this.status = new UnitStatus({ unitId: options.unitId, ...(options.unitMetrics ? { metrics: options.unitMetrics } : {}) });
    this.topic = options.topic;
    this.partition = options.partition;
    this.flow = options.flow;
    this.timings = options.timings;
    this.metrics = options.metrics;
    const plan = options.flow.plan;
    this.remoteTopic = remoteTopicOf(plan, options.topic);
    this.sourcePartition = { cluster: plan.source, topic: options.topic, partition: options.partition };
    this.positionKey = `${options.partition}\u0000${options.topic}`;
    this.positionListener = {
      stored: () => {
        this.status.resolve('POSITION_FAILED');
      },
      failed: (upTo, err) => {
        this.metrics.error(plan.name, 'POSITION_FAILED');
        this.flow.noteFailure('target', err);
        this.problem('POSITION_FAILED', `cannot store position ${upTo} in ${plan.positionsTopic.name}: ${err.message} (retried; copying goes on)`, 'warn');
      },
    };
    this.logger = options.flow.logger.child({ unit: options.unitId, epoch: options.epoch.toString() });
    this.partitionMetrics = options.metrics.forPartition({
      flow: plan.name,
      source: plan.source,
      target: plan.target,
      topic: this.remoteTopic,
      partition: String(options.partition),
    }, plan.flow.metricsPartitionLabelEnabled);
  }

  /** Begins the start sequence in the background; progress shows in the unit's status. */
  start(): void {
    this.starting = this.startWithRetries();
  }

  resumeOffset(): bigint {
    return this.lastCopied + 1n;
  }

  async handle(batch: ConsumedBatch): Promise<void> {
    return this.copying(() => this.copy(batch));
  }

  /** Runs one copy while the unit runs, as the one in flight that a stop waits for. */
  private async copying(copy: () => Promise<void>): Promise<void> {
    if (this.status.phase !== 'running' || this.stopping) return;
    const run = copy();
    this.inFlight = run;
    try {
      await run;
    } finally {
      if (this.inFlight === run) this.inFlight = undefined;
      this.partitionMetrics.stalled(this.copyProblems().length > 0);
    }
  }

  attachFailed(error: KafkaError): void {
    if (this.stopping) return;
    this.problem('START_FAILED', `cannot read source partition ${this.topic}-${this.partition}: ${error.message}`, 'warn');
    // The consumer retries by itself; if the topic was deleted, the source watcher notices.
  }

  async stop(reason: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopping = true;
    this.wake?.();
    clearInterval(this.syncTimer);
    clearInterval(this.segmentTimer);
    this.unwatch?.();
    const began = Date.now();
    if (!(await within(Promise.allSettled([this.inFlight]), this.timings.stopWaitMs))) {
      this.logger.warn({ waitedMs: this.timings.stopWaitMs }, 'a produce request was still in flight when the unit stopped');
    }
    // A start still in progress sees `stopping` after its current step and attaches nothing.
    await within(Promise.allSettled([this.starting]), Math.min(2000, this.timings.stopWaitMs));
    this.detach();
    const wasRunning = this.status.phase === 'running';
    this.status.setStopped(reason);
    // Segments first: the last position may only pass copies whose mapping is written.
    this.syncs?.flush();
    const [, unwritten] = await Promise.all([this.syncs?.settle(1000), this.segments?.finish(1000), this.segmentsFinishing]);
    if (unwritten) {
      this.logger.warn({ segments: unwritten }, 'offset segments were not written before the unit stopped; the next holder maps its copies from its own start');
    }
    if (wasRunning && !this.transactional && !this.awaitingTopic && this.flow.sourceMissing(this.topic)) {
      // The lease may go because the topic was deleted before two looks found it missing: a topic
      // created later under this name must not resume at this one's position.
      this.logger.warn({ position: this.lastCopied.toString() }, 'source topic missing at the last look; storing no position for the partition');
      this.forgetLog();
    }
    // The last position on the target, so the next holder starts right after what this one copied.
    if (this.positionHandedOver || this.positionDirty) {
      if (!(await within(this.storePosition(true), this.timings.stopWaitMs))) {
        this.logger.warn({ position: this.lastCopied.toString() }, 'the last position was not stored in time; the next holder copies some records again');
      }
      this.flow.positionWriter().forget(this.positionKey);
    }
    if (this.transactional) await this.flow.closeTransactional(this.transactional);
    this.partitionMetrics.remove();
    this.logger.info({ reason, position: this.lastCopied.toString(), ms: Date.now() - began }, 'partition unit stopped');
  }

  progress(): UnitProgress {
    const now = Date.now();
    const { recordsPerSecond, bytesPerSecond } = this.rate.rates(now);
    const latency = this.latency.snapshot(now);
    return {
      unitId: this.unitId,
      position: this.lastCopied,
      sourceEndOffset: this.sourceEnd ?? -1n,
      recordsPerSecond,
      bytesPerSecond,
      stalledReason: this.status.phase === 'starting' && this.status.problems.length === 0 ? 'STARTING: reading the stored position' : this.copyProblemSummary(),
      latencyP50Ms: latency.count === 0 ? 0 : latency.quantile(0.5),
      latencyP99Ms: latency.count === 0 ? 0 : latency.quantile(0.99),
      latencySamples: BigInt(latency.count),
      checkpoints: [],
    };
  }

  errorReports(): ErrorReport[] {
    return this.status.errorReports();
  }

  // ---- start ----------------------------------------------------------------------------------

  private async startWithRetries(): Promise<void> {
    const backoff = new Backoff({ initialMs: 1000, maxMs: 30_000 });
    while (!this.stopping) {
      try {
        await this.open();
        return;
      } catch (err) {
        if (this.stopping) return;
        const delay = backoff.next();
        if (err instanceof SourceMissing) {
          const message = `${err.message} (deleted, or not visible yet); looking again in ${delay} ms, until the coordinator revokes the unit`;
          if (this.problem('SOURCE_TOPIC_DELETED', message, 'warn')) this.metrics.error(this.flow.plan.name, 'SOURCE_TOPIC_DELETED');
        } else {
          this.problem('START_FAILED', `${(err as Error).message} (retrying in ${delay} ms)`, 'warn');
        }
        await this.sleep(delay);
      }
    }
  }

  private async open(): Promise<void> {
    const plan = this.flow.plan;
    let range: PartitionOffsets | undefined;
    try {
      range = (await this.startStep('reading the source offsets', () => this.flow.sourceOffsets(this.topic))).get(this.partition);
    } catch (err) {
      if (isKafkaError(err, 'TOPIC_NOT_FOUND')) throw new SourceMissing(`source topic ${this.topic} does not exist`);
      throw err;
    }
    if (!range) throw new SourceMissing(`source topic ${this.topic} has no partition ${this.partition}`);
    if (this.stopping) return;

    if (plan.exactlyOnce && !this.transactional) {
      const id = transactionalIdOf(plan, this.topic, this.partition);
      const producer = this.flow.transactionalProducer(id);
      this.transactional = producer;
      // Registering the transactional id bumps its epoch: a previous holder still writing is fenced,
      // and its open transaction is aborted before we read the stored position below.
      await producer.beginTransaction();
      await producer.abortTransaction();
      this.logger.info({ transactionalId: id }, 'transactional id registered; any previous holder is fenced');
    }

    const store = this.flow.positionStore();
    await this.startStep('reading the stored positions', () => store.readToEnd());
    if (this.stopping) return;
    const stored = store.get(this.sourcePartition);
    const start = startPosition(stored, plan.offsetReset, range);
    this.lastCopied = start.offset - 1n;
    this.startedAt = start.offset;
    this.polledUpTo = this.lastCopied;
    this.sourceEnd = range.latest;
    this.logStart(stored, start, range);

    clearInterval(this.syncTimer); // from an earlier attempt that failed after this point
    clearInterval(this.segmentTimer);
    this.unwatch?.();
    if (plan.offsetSyncs.enabled) {
      this.syncs = new OffsetSyncEmitter({
        producer: this.flow.offsetSyncSender(),
        topic: () => this.flow.offsetSyncsTopic(),
        maxOffsetLag: plan.offsetLagMax,
        logger: this.logger,
        onSent: () => this.metrics.offsetSyncSent(plan.name),
        onFailed: () => this.metrics.error(plan.name, 'OFFSET_SYNC_FAILED'),
      });
      this.syncTimer = setInterval(() => this.syncs?.flush(), this.timings.offsetSyncFlushMs);
    }
    if (plan.offsetSegments.enabled) this.startSegments();
    this.unwatch = this.flow.watchSource(this.topic, {
      endOffsets: (offsets) => {
        const o = offsets.get(this.partition);
        if (this.awaitingTopic) {
          if (o) this.topicBack(o);
          return;
        }
        if (o) this.sourceEnd = o.latest;
        this.partitionMetrics.position(this.lastCopied, this.sourceEnd);
      },
      topicMissing: () => this.topicDeleted(),
    });
    if (this.stopping) return;
    this.partitionMetrics.position(this.lastCopied, this.sourceEnd);
    this.status.resolve('START_FAILED');
    this.status.resolve('SOURCE_TOPIC_DELETED');
    this.status.setPhase('running');
    this.attached = true;
    this.flow.consumer().attach(this);
    // Past records lost at start: stored now, so whoever holds the partition next does not count them again.
    if (start.reason === 'reset-before-log-start') {
      this.positionDirty = true;
      void this.storePosition();
    }
  }

  private logStart(stored: bigint | undefined, start: StartPosition, range: PartitionOffsets): void {
    const fields = {
      stored: stored?.toString(),
      start: start.offset.toString(),
      reason: start.reason,
      remoteTopic: this.remoteTopic,
      logStart: range.earliest.toString(),
      logEnd: range.latest.toString(),
    };
    if (start.reason === 'reset-before-log-start') {
      this.lostToRetention(range.earliest - start.lost, start.lost, start.offset);
    } else if (start.reason === 'stored-past-log-end') {
      this.logger.warn(fields, 'stored position is past the source log end as listed; reading from it (if those records are gone, the source resets the position and copying starts over on the new log)');
    } else {
      this.logger.info(fields, 'partition unit starting');
    }
  }

  /** A fresh emitter for this start (or new log); what the previous one still holds is written. */
  private startSegments(): void {
    this.stopSegments();
    const plan = this.flow.plan;
    const where = `${plan.offsetSegments.topic.name} on ${plan.offsetSegments.cluster === 'source' ? plan.source : plan.target}`;
    this.segments = new OffsetSegmentEmitter({
      producer: this.flow.offsetSyncSender(),
      topic: () => this.flow.offsetSegmentsTopic(),
      partition: { topic: this.topic, partition: this.partition },
      logger: this.logger,
      minGapMs: this.timings.offsetSegmentsMinGapMs,
      onWritten: (segments) => {
        this.metrics.offsetSegmentsWritten(plan.name, segments);
        this.status.resolve('OFFSET_SEGMENTS_FAILED');
        // A position held back for the mapping can move on now.
        if (this.positionBehind) {
          this.positionDirty = true;
          void this.storePosition();
        }
      },
      onFailed: (err) => {
        this.metrics.error(plan.name, 'OFFSET_SEGMENTS_FAILED');
        const retriable = (err as { retriable?: boolean }).retriable !== false;
        const message = `cannot write the offset segments of ${this.topic}-${this.partition} to ${where}: ${err.message}${retriable ? ' (kept and retried; copying goes on)' : ''}`;
        this.status.report({ cause: 'OFFSET_SEGMENTS_FAILED', message, retriable, blocking: false }, SEGMENTS_TASK);
      },
      onDropped: (segments) => this.metrics.offsetSegmentsDropped(plan.name, segments),
    });
    this.segmentTimer = setInterval(() => this.segments?.flush(), this.timings.offsetSegmentsFlushMs);
  }

  /** Lets the current emitter write what it holds (facts about copies on the target) and drops it. */
  private stopSegments(): void {
    clearInterval(this.segmentTimer);
    const previous = this.segments;
    this.segments = undefined;
    if (previous) this.segmentsFinishing = Promise.all([this.segmentsFinishing, previous.finish(1000)]);
  }

  // ---- copy -----------------------------------------------------------------------------------

  private async copy(batch: ConsumedBatch): Promise<void> {
    if (this.awaitingTopic) return; // fetched before the deletion was seen
    if (batch.positionReset && batch.positionReset.from !== this.resetHandledFrom) await this.positionReset(batch.positionReset);
    if (batch.highWatermark > (this.sourceEnd ?? -1n)) this.sourceEnd = batch.highWatermark;
    const records = batch.records.filter((r) => r.offset > this.lastCopied);
    if (records.length === 0) {
      void this.storePosition();
      return;
    }
    const now = Date.now();
    if (now < this.retryAfter) throw new RetryLater(this.copyProblemSummary());
    this.countPolled(records, now);
    const target = await this.copyTarget();
    let outcome: CopyOutcome;
    if (this.transactional) {
      const store = this.flow.positionStore();
      outcome = await copyExactlyOnce(this.transactional, target, records, (last) => ({
        topic: store.topic,
        record: store.recordFor(this.sourcePartition, last),
      }));
    } else {
      outcome = await copyAtLeastOnce(this.flow.producer(), target, records);
    }

    if (outcome.written.length > 0) {
      this.written(outcome.written, outcome.downstream);
      if (this.transactional) this.positionDirty = false;
    }
    this.copied(outcome.failure);
  }

  /** What a batch copied as it is needs from this unit: the largest request and the codec the flow's producer is told to use. */
  passthroughLimits(): { maxBatchBytes: number; codec?: BatchCodec } {
    const producer = this.flow.plan.producer;
    // compression.type 'none' (the default) keeps each batch's own codec; another codec re-encodes
    // the batches written in any other one.
    return { maxBatchBytes: producer.maxRequestSize, ...(producer.compressionType === 'none' ? {} : { codec: producer.compressionType }) };
  }

  /**
   * Copies whole batches as they are: each one request, its records landing at consecutive offsets
   * from the base the target answers (at-least-once: each acknowledged batch counts; exactly-once:
   * all of them and the position record in one transaction). A batch the target refuses goes the
   * record path, which finds the refused record.
   */
  async handleBatches(batches: FetchedBatches, decode: (batches: FetchedBatches) => Promise<ConsumedBatch | undefined>): Promise<void> {
    return this.copying(() => this.copyBatches(batches, decode));
  }

  private async copyBatches(fetched: FetchedBatches, decode: (batches: FetchedBatches) => Promise<ConsumedBatch | undefined>): Promise<void> {
    if (this.awaitingTopic) return;
    if (fetched.positionReset && fetched.positionReset.from !== this.resetHandledFrom) await this.positionReset(fetched.positionReset);
    if (fetched.highWatermark > (this.sourceEnd ?? -1n)) this.sourceEnd = fetched.highWatermark;
    const fresh = fetched.batches.filter((b) => b.lastOffset > this.lastCopied);
    if (fresh.length === 0) {
      void this.storePosition();
      return;
    }
    if (fresh[0].baseOffset <= this.lastCopied) {
      // Partly copied already (by a record-path round): its records from lastCopied + 1 go that way.
      const partly = await decode({ ...fetched, batches: [fresh[0]], fromOffset: this.lastCopied + 1n });
      if (partly) await this.copy(partly);
      fresh.shift();
      if (fresh.length === 0) return;
    }
    const now = Date.now();
    if (now < this.retryAfter) throw new RetryLater(this.copyProblemSummary());
    for (const b of fresh) this.countPolledBatch(b, now);
    const target = await this.copyTarget();
    let outcome: BatchCopyOutcome;
    if (this.transactional) {
      const store = this.flow.positionStore();
      outcome = await copyBatchesExactlyOnce(this.transactional, target, fresh, (last) => ({ topic: store.topic, record: store.recordFor(this.sourcePartition, last) }));
    } else {
      outcome = await copyBatchesAtLeastOnce(this.flow.batchProducer(), target, fresh);
    }
    for (let i = 0; i < outcome.bases.length; i++) this.writtenBatch(fresh[i], outcome.bases[i]);
    if (this.transactional && outcome.bases.length > 0) this.positionDirty = false;
    if (outcome.refused !== undefined) {
      // The target refused a batch as a whole: its records go the record path, one by one if need be.
      const rest = await decode({ ...fetched, batches: fresh.slice(outcome.bases.length), fromOffset: this.lastCopied + 1n });
      if (rest) await this.copy(rest);
      return;
    }
    this.copied(outcome.failure);
  }

  /** Checks the remote partition exists (throws RetryLater while it does not) and says where copies go. */
  private async copyTarget(): Promise<CopyTarget> {
    let partitions: number | undefined;
    try {
      partitions = await this.flow.remoteTopics().partitions(this.remoteTopic, this.partition);
    } catch (err) {
      this.metrics.error(this.flow.plan.name, 'PRODUCE_FAILED');
      this.flow.noteFailure('target', err);
      this.problem('PRODUCE_FAILED', `cannot look up remote topic ${this.remoteTopic} on ${this.flow.plan.target}: ${(err as Error).message}`, 'warn');
      throw new RetryLater(this.copyProblemSummary());
    }
    if (partitions === undefined || this.partition >= partitions) {
      this.waitForRemoteTopic(partitions);
      throw new RetryLater(this.copyProblemSummary());
    }
    if (this.status.resolve('REMOTE_TOPIC_MISSING').length > 0) {
      this.logger.info({ remoteTopic: this.remoteTopic }, 'remote topic exists now; copying');
    }
    return {
      remoteTopic: this.remoteTopic,
      partition: this.partition,
      maxChunkBytes: this.flow.plan.producer.batchSize,
      acks: this.flow.plan.producer.acks,
      shouldStop: () => this.stopping,
    };
  }

  /** After a copy: store the position, and report the failure or the recovery. */
  private copied(failure: CopyFailure | undefined): void {
    void this.storePosition();
    if (failure) return this.copyFailed(failure);
    if (this.stopping) return;
    this.flow.noteSuccess('target');
    const [cleared] = this.resolveCopyProblems();
    if (cleared) this.logger.info({ was: cleared.cause }, 'partition copying again');
  }

  private countPolled(records: readonly ConsumedRecord[], now: number): void {
    let first = 0;
    while (first < records.length && records[first].offset <= this.polledUpTo) first++;
    if (first === records.length) return;
    const fresh = first === 0 ? records : records.slice(first);
    let bytes = 0;
    for (const r of fresh) bytes += r.value?.length ?? 0;
    this.partitionMetrics.polled(bytes, fresh, now);
    this.polledUpTo = fresh[fresh.length - 1].offset;
  }

  private written(records: readonly ConsumedRecord[], downstream: readonly bigint[]): void {
    if (this.awaitingTopic) return; // copies of a log the unit has let go of: they no longer move its position
    const now = Date.now();
    const tp = { topic: this.topic, partition: this.partition };
    // As MM2's commitRecord, record by record: a due sync is sent before the next record can
    // replace it in the pending map.
    const upstreamAt = (i: number) => records[i].offset;
    const downstreamAt = (i: number) => downstream[i];
    this.syncs?.recordsAcked(tp, records.length, upstreamAt, downstreamAt);
    this.segments?.recordsAcked(records.length, upstreamAt, downstreamAt);
    this.lastCopied = records[records.length - 1].offset;
    this.positionDirty = true;
    let bytes = 0;
    for (const r of records) bytes += r.value?.length ?? 0;
    this.rate.add(records.length, bytes, now);
    for (const r of records) this.latency.record(latencyOf(r, now), now);
    this.partitionMetrics.copied(records, now);
    this.partitionMetrics.position(this.lastCopied, this.sourceEnd);
  }

  /** A batch copied as it is: its record i went from batch.baseOffset + i to base + i. */
  private writtenBatch(batch: RawRecordBatch, base: bigint): void {
    if (this.awaitingTopic) return;
    const now = Date.now();
    const tp = { topic: this.topic, partition: this.partition };
    const upstreamAt = (i: number) => batch.baseOffset + BigInt(i);
    const downstreamAt = (i: number) => base + BigInt(i);
    this.syncs?.contiguousRecordsAcked(tp, batch.recordCount, batch.baseOffset, base);
    this.segments?.recordsAcked(batch.recordCount, upstreamAt, downstreamAt);
    this.lastCopied = batch.lastOffset;
    this.positionDirty = true;
    this.rate.add(batch.recordCount, this.valueBytesOf(batch), now);
    this.latency.record(latencyOf({ timestamp: batch.maxTimestamp }, now), now, batch.recordCount);
    this.partitionMetrics.copied(timedRecordsOf(batch), now);
    this.partitionMetrics.position(this.lastCopied, this.sourceEnd);
  }

  /** Counted when the batch is polled and again when it is written: each batch's records are read once. */
  private valueBytesOf(batch: RawRecordBatch): number {
    let bytes = this.valueBytesOfBatch.get(batch);
    if (bytes === undefined) {
      bytes = valueBytesOf(batch);
      this.valueBytesOfBatch.set(batch, bytes);
    }
    return bytes;
  }

  private countPolledBatch(batch: RawRecordBatch, now: number): void {
    if (batch.lastOffset <= this.polledUpTo) return;
    this.partitionMetrics.polled(this.valueBytesOf(batch), timedRecordsOf(batch), now);
    this.polledUpTo = batch.lastOffset;
  }

  /**
   * At-least-once: hands `lastCopied` (acknowledged) to the flow's position writer, which stores it
   * with the other partitions' positions at its next flush (`offset.flush.interval.ms`); copying
   * does not wait for it. `releasing` (the unit stops) has the position written at once, even if
   * it was handed over before. Resolves once stored (at once when there is nothing new).
   */
  private storePosition(releasing = false): Promise<void> {
    if (this.transactional || !(this.positionDirty || releasing)) return Promise.resolve();
    this.positionDirty = false;
    this.positionHandedOver = true;
    const upTo = this.storablePosition();
    this.positionBehind = upTo < this.lastCopied;
    const restart = this.positionRestarts;
    this.positionRestarts = false;
    const record = this.flow.positionStore().recordFor(this.sourcePartition, upTo);
    return this.flow.positionWriter().write(this.positionKey, upTo, record, this.positionListener, { now: releasing, restart });
  }

  /**
   * At-least-once: the stored position does not pass the copies whose offset segments are on the
   * topic, so after a crash the next holder sends again every copy whose mapping was lost, and
   * groups keep translating exactly. While the segments topic refuses writes the position goes on
   * alone (copying must not wait for the mapping; translations there are then less exact).
   */
  private storablePosition(): bigint {
    const segments = this.segments;
    if (segments === undefined || segments.isFailing) return this.lastCopied;
    const mapped = (segments.writtenUpTo ?? this.startedAt) - 1n;
    return mapped < this.lastCopied ? mapped : this.lastCopied;
  }

  private copyFailed(failure: CopyFailure): never | void {
    const plan = this.flow.plan;
    const where = `${this.remoteTopic}-${this.partition} (source ${this.topic}-${this.partition} offset ${failure.record.offset})`;
    switch (failure.kind) {
      case 'remote-topic-missing':
        this.flow.remoteTopics().invalidate(this.remoteTopic);
        this.waitForRemoteTopic(undefined);
        throw new RetryLater(this.copyProblemSummary());
      case 'rejected':
        this.metrics.error(plan.name, 'RECORD_REJECTED');
        this.retryAfter = Date.now() + this.timings.stalledRetryMs;
        this.problem(
          'RECORD_REJECTED',
          `the target refused the record at ${where}: ${failure.error.message} The partition stays at this record (retried every ${Math.round(this.timings.stalledRetryMs / 1000)} s); other partitions continue.`,
          'error',
        );
        throw new RetryLater(this.copyProblemSummary());
      case 'fenced':
        this.metrics.error(plan.name, 'FENCED');
        this.problem(
          'FENCED',
          `another holder took over transactional id ${transactionalIdOf(plan, this.topic, this.partition)} while this instance held lease epoch ${this.options.epoch}; the unit stopped copying`,
          'error',
        );
        this.stopCopying();
        return;
      case 'transient':
        this.metrics.error(plan.name, 'PRODUCE_FAILED');
        this.flow.noteFailure('target', failure.error);
        this.problem('PRODUCE_FAILED', `producing to ${where} failed: ${failure.error.message}`, 'warn');
        throw new RetryLater(this.copyProblemSummary());
    }
  }

  private waitForRemoteTopic(partitions: number | undefined): void {
    this.metrics.error(this.flow.plan.name, 'REMOTE_TOPIC_MISSING');
    const message =
      partitions === undefined
        ? `waiting for remote topic ${this.remoteTopic} on ${this.flow.plan.target}`
        : `waiting for partition ${this.partition} of remote topic ${this.remoteTopic} on ${this.flow.plan.target} (it has ${partitions})`;
    this.problem('REMOTE_TOPIC_MISSING', message, 'warn');
  }

  // ---- what the source did -------------------------------------------------------------------

  /**
   * The consumer's position `from` was outside the source log and the broker had it reset to `to`
   * by auto.offset.reset. Forward: records were deleted before they were copied. Backward: the log
   * now ends below what this unit had reached, so it is a new log.
   */
  private async positionReset(reset: { from: bigint; to: bigint }): Promise<void> {
    const { from, to } = reset;
    if (to < from) {
      this.sourceEnd = undefined; // the old log's; the batch tells the new one's
      this.newLog(
        `the source log of ${this.topic}-${this.partition} now ends below offset ${from}, which this unit had reached: the topic was deleted and created again ` +
          `(or the source lost records in an unclean leader election). Copying starts over at offset ${to} (auto.offset.reset=${this.flow.plan.offsetReset})`,
        to,
      );
    } else {
      let range: PartitionOffsets | undefined;
      try {
        range = (await this.flow.sourceOffsets(this.topic)).get(this.partition);
      } catch (err) {
        this.logger.warn({ err: (err as Error).message, from: from.toString(), to: to.toString() }, 'cannot read the source log start after an offset reset; trying again');
        throw new RetryLater(`source log start of ${this.topic}-${this.partition} unknown after an offset reset`);
      }
      // What lies below `to` was skipped either way; below the log start it was deleted.
      const logStart = range === undefined || range.earliest > to ? to : range.earliest;
      if (logStart > from) this.lostToRetention(from, logStart - from, to);
    }
    this.resetHandledFrom = from;
  }

  /** `count` offsets from `from` were deleted before they were copied; copying goes on at `resumeAt`. */
  private lostToRetention(from: bigint, count: bigint, resumeAt: bigint): void {
    this.lostThisLease += count;
    this.partitionMetrics.lostToRetention(count);
    this.metrics.error(this.flow.plan.name, 'SOURCE_TRUNCATED');
    const skipped = resumeAt - (from + count);
    this.note(
      'SOURCE_TRUNCATED',
      `up to ${count} record(s) of ${this.topic}-${this.partition} (offsets ${from} to ${from + count - 1n}) were deleted from the source (retention or DeleteRecords) before they were copied; ` +
        `copying continues at offset ${resumeAt}${skipped > 0n ? ` (auto.offset.reset=latest skips the ${skipped} after them too)` : ''}. ` +
        `Lost while this instance holds the partition: ${this.lostThisLease}`,
      'error',
    );
  }

  /** The partition is a new log from `startAt` on: copying, its offset segments and the stored position start over there. */
  private newLog(message: string, startAt: bigint): void {
    this.metrics.error(this.flow.plan.name, 'SOURCE_RECREATED');
    this.partitionMetrics.recreated();
    this.note('SOURCE_RECREATED', message, 'warn');
    this.lastCopied = startAt - 1n;
    this.startedAt = startAt;
    this.polledUpTo = this.lastCopied;
    if (this.flow.plan.offsetSegments.enabled) this.startSegments();
    this.positionRestarts = true;
    this.positionDirty = true;
    void this.storePosition();
    this.partitionMetrics.position(this.lastCopied, this.sourceEnd);
  }

  /** The source topic is gone (two looks in a row): stop reading and wait for it, or for the lease to go. */
  private topicDeleted(): void {
    if (this.awaitingTopic || this.stopping) return;
    this.awaitingTopic = true;
    this.detach();
    this.metrics.error(this.flow.plan.name, 'SOURCE_TOPIC_DELETED');
    const position = this.transactional ? '' : '; no position is stored for it any more, so a topic created again under this name starts like a new one';
    this.problem('SOURCE_TOPIC_DELETED', `source topic ${this.topic} was deleted${position}. Waiting for it to come back, or for the coordinator to revoke the unit`, 'warn');
    this.forgetLog();
  }

  /** Nothing of a log to come has been copied: the position becomes -1 (none, for MM2 too). */
  private forgetLog(): void {
    this.stopSegments();
    this.lastCopied = -1n;
    this.startedAt = 0n;
    this.polledUpTo = -1n;
    this.positionRestarts = true;
    this.positionDirty = true;
    void this.storePosition();
  }

  /** The topic exists again after it was found missing: a new topic under the same name. */
  private topicBack(range: PartitionOffsets): void {
    this.awaitingTopic = false;
    this.status.resolve('SOURCE_TOPIC_DELETED');
    this.sourceEnd = range.latest;
    const start = startPosition(undefined, this.flow.plan.offsetReset, range);
    this.newLog(
      `source topic ${this.topic} exists again after it was deleted: a new topic under the same name. Copying starts at offset ${start.offset} (auto.offset.reset=${this.flow.plan.offsetReset})`,
      start.offset,
    );
    this.partitionMetrics.stalled(this.copyProblems().length > 0);
    this.attached = true;
    this.flow.consumer().attach(this);
  }

  /** Something that happened to the source: under its own task, not stalling the partition, kept while the lease is held. */
  private note(cause: SourceEvent, message: string, level: 'warn' | 'error'): void {
    this.status.report({ cause, message, retriable: false, blocking: false }, SOURCE_EVENT_TASK[cause]);
    this.logger[level]({ cause }, message);
  }

  // ---- lifecycle helpers ----------------------------------------------------------------------

  /** Stops copying for good while the lease is still held (the coordinator drops the unit later). */
  private stopCopying(): void {
    this.stopping = true;
    this.status.setPhase('stopped', 'stopped copying for good; the lease is still held');
    clearInterval(this.syncTimer);
    clearInterval(this.segmentTimer);
    this.segments?.flush(); // what was copied until now is on the target: its mapping still counts
    this.unwatch?.();
    this.detach();
    this.partitionMetrics.stalled(true);
  }

  private detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.flow.consumer().detach(this);
  }

  /** The problems of copying: those that stall the partition (not the offset segments', not the source's events). */
  private copyProblems(): Array<UnitProblem<MirrorUnitCause>> {
    return this.status.problems.filter((p) => p.blocking);
  }

  /** `<CAUSE>: <message>` of the first problem of copying, empty without one (UnitProgress.stalled_reason). */
  private copyProblemSummary(): string {
    const first = this.copyProblems()[0];
    return first ? `${first.cause}: ${first.message}` : '';
  }

  /** Clears the problems of copying; a failing offset-segments topic is not fixed by a copied batch. */
  private resolveCopyProblems(): Array<UnitProblem<MirrorUnitCause>> {
    return [...new Set(this.copyProblems().map((p) => p.cause))].flatMap((cause) => this.status.resolve(cause));
  }

  /** Reports a problem that stalls the partition; true when it is new (not a repeat). */
  private problem(cause: MirrorUnitCause, message: string, level: 'warn' | 'error'): boolean {
    const isNew = this.status.report({ cause, message, retriable: isRetriableCause(cause) });
    this.partitionMetrics.stalled(true);
    if (isNew) this.logger[level]({ cause }, message);
    return isNew;
  }

  /** One awaited step of the start, bounded by `startStepTimeoutMs`: past it the start fails and is tried again. */
  private async startStep<T>(step: string, run: () => Promise<T>): Promise<T> {
    const work = run();
    if (!(await within(work, this.timings.startStepTimeoutMs))) {
      void work.catch(() => undefined); // its late answer (or failure) no longer matters
      throw new Error(`start of ${this.topic}-${this.partition} is still ${step} after ${this.timings.startStepTimeoutMs} ms`);
    }
    return work;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}

/** Resolves true if `work` settled within `ms`, false otherwise. */
async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([work.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return outcome;
}

/** now − the record's timestamp, as the latency histograms take it (never negative: producers' clocks drift). */
function latencyOf(record: TimedRecord, now: number): number {
  const ms = now - Number(record.timestamp);
  return ms > 0 ? ms : 0;
}

/**
 * A passed-through batch's records for the age and latency histograms, without decoding them: one
 * observation weighted by the record count, at the batch's newest timestamp.
 */
function timedRecordsOf(batch: RawRecordBatch): TimedRecord[] {
  return [{ timestamp: batch.maxTimestamp, count: batch.recordCount }];
}
