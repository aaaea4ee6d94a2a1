import { isKafkaError, type ConsumedBatch, type ConsumedRecord, type KafkaError, type KafkaProducer, type PartitionOffsets } from '@mirrormaker/kafka';
import type { MirrorSourcePartition } from '@mirrormaker/mm2-formats';
import type { Logger } from '@mirrormaker/observability';
import type { ErrorReport, UnitProgress } from '@mirrormaker/proto';
import { Backoff, UnitStatus, type UnitMetrics, type UnitProblem } from '@mirrormaker/service-kit';
import { copyAtLeastOnce, copyExactlyOnce, type CopyFailure, type CopyOutcome, type CopyTarget } from './batch-copier';
import type { ConsumerRoute } from './flow-consumer';
import { remoteTopicOf, transactionalIdOf } from './flow-plan';
import type { FlowRuntime } from './flow-runtime';
import type { MirrorMetrics, PartitionMetrics } from './mirror-metrics';
import type { MirrorUnit } from './mirror-unit';
import { isRetriableCause, type MirrorUnitCause } from './mirror-unit-causes';
import { OffsetSegmentEmitter } from './offset-segment-emitter';
import { OffsetSyncEmitter } from './offset-sync-emitter';
import type { PositionListener } from './position-writer';
import { RateMeter } from './rate-meter';
import { startPosition } from './start-position';
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

/** Thrown from a batch handler to have the same records delivered again later. */
class RetryLater extends Error {
  override readonly name = 'RetryLater';
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
 * deliver the remaining records again later; nothing is ever skipped.
 *
 * Invariants:
 * - `lastCopied` only grows, and every record up to it is on the target.
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
  /** First source offset of this start. */
  private startedAt = 0n;
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
    if (this.status.phase !== 'running' || this.stopping) return;
    const run = this.copy(batch);
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
    // The consumer retries by itself; if the topic was deleted, the source watcher stops the unit.
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
    this.status.setStopped(reason);
    // Segments first: the last position may only pass copies whose mapping is written.
    this.syncs?.flush();
    const [, unwritten] = await Promise.all([this.syncs?.settle(1000), this.segments?.finish(1000)]);
    if (unwritten) {
      this.logger.warn({ segments: unwritten }, 'offset segments were not written before the unit stopped; the next holder maps its copies from its own start');
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
    const { recordsPerSecond, bytesPerSecond } = this.rate.rates(Date.now());
    return {
      unitId: this.unitId,
      position: this.lastCopied,
      sourceEndOffset: this.sourceEnd ?? -1n,
      recordsPerSecond,
      bytesPerSecond,
      stalledReason: this.status.phase === 'starting' && this.status.problems.length === 0 ? 'STARTING: reading the stored position' : this.copyProblemSummary(),
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
        this.problem('START_FAILED', `${(err as Error).message} (retrying in ${delay} ms)`, 'warn');
        await this.sleep(delay);
      }
    }
  }

  private async open(): Promise<void> {
    const plan = this.flow.plan;
    let range: PartitionOffsets | undefined;
    try {
      range = (await this.flow.sourceOffsets(this.topic)).get(this.partition);
    } catch (err) {
      if (isKafkaError(err, 'TOPIC_NOT_FOUND')) return this.sourceGone(`source topic ${this.topic} does not exist`);
      throw err;
    }
    if (!range) return this.sourceGone(`source topic ${this.topic} has no partition ${this.partition}`);
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
    await store.readToEnd();
    if (this.stopping) return;
    const stored = store.get(this.sourcePartition);
    const start = startPosition(stored, plan.offsetReset, range);
    this.lastCopied = start.offset - 1n;
    this.startedAt = start.offset;
    this.polledUpTo = this.lastCopied;
    this.sourceEnd = range.latest;
    const logFields = { stored: stored?.toString(), start: start.offset.toString(), reason: start.reason, remoteTopic: this.remoteTopic };
    if (start.reason === 'reset-before-log-start' || start.reason === 'reset-after-log-end') {
      this.logger.warn({ ...logFields, logStart: range.earliest.toString(), logEnd: range.latest.toString() }, 'stored position is outside the source log; starting by the reset policy');
    } else {
      this.logger.info(logFields, 'partition unit starting');
    }

    clearInterval(this.syncTimer); // from an earlier attempt that failed after this point
    clearInterval(this.segmentTimer);
    this.unwatch?.();
    if (plan.offsetSyncs.enabled) {
      this.syncs = new OffsetSyncEmitter({
        producer: this.flow.offsetSyncProducer(),
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
        if (o) this.sourceEnd = o.latest;
        this.partitionMetrics.position(this.lastCopied, this.sourceEnd);
      },
      topicMissing: () => this.sourceGone(`source topic ${this.topic} was deleted`),
    });
    if (this.stopping) return;
    this.partitionMetrics.position(this.lastCopied, this.sourceEnd);
    this.status.resolve('START_FAILED');
    this.status.setPhase('running');
    this.attached = true;
    this.flow.consumer().attach(this);
  }

  private startSegments(): void {
    const plan = this.flow.plan;
    const where = `${plan.offsetSegments.topic.name} on ${plan.offsetSegments.cluster === 'source' ? plan.source : plan.target}`;
    this.segments = new OffsetSegmentEmitter({
      producer: this.flow.offsetSyncProducer(),
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

  // ---- copy -----------------------------------------------------------------------------------

  private async copy(batch: ConsumedBatch): Promise<void> {
    if (batch.highWatermark > (this.sourceEnd ?? -1n)) this.sourceEnd = batch.highWatermark;
    const records = batch.records.filter((r) => r.offset > this.lastCopied);
    if (records.length === 0) {
      void this.storePosition();
      return;
    }
    const now = Date.now();
    if (now < this.retryAfter) throw new RetryLater(this.copyProblemSummary());
    this.countPolled(records, now);

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

    const target: CopyTarget = {
      remoteTopic: this.remoteTopic,
      partition: this.partition,
      maxChunkBytes: this.flow.plan.producer.batchSize,
      acks: this.flow.plan.producer.acks,
      shouldStop: () => this.stopping,
    };
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
    void this.storePosition();
    if (outcome.failure) return this.copyFailed(outcome.failure);
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
    this.partitionMetrics.copied(records, now);
    this.partitionMetrics.position(this.lastCopied, this.sourceEnd);
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
    const record = this.flow.positionStore().recordFor(this.sourcePartition, upTo);
    return this.flow.positionWriter().write(this.positionKey, upTo, record, this.positionListener, { now: releasing });
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

  // ---- lifecycle helpers ----------------------------------------------------------------------

  private sourceGone(message: string): void {
    if (this.status.phase === 'stopped') return;
    this.metrics.error(this.flow.plan.name, 'SOURCE_TOPIC_DELETED');
    this.problem('SOURCE_TOPIC_DELETED', `${message}; the unit stopped`, 'warn');
    this.stopCopying();
  }

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

  /** The problems of copying (the default task): those that stall the partition. */
  private copyProblems(): Array<UnitProblem<MirrorUnitCause>> {
    return this.status.problems.filter((p) => p.task !== SEGMENTS_TASK);
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

  private problem(cause: MirrorUnitCause, message: string, level: 'warn' | 'error'): void {
    const isNew = this.status.report({ cause, message, retriable: isRetriableCause(cause) });
    this.partitionMetrics.stalled(true);
    if (isNew) this.logger[level]({ cause }, message);
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
