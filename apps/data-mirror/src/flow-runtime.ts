import type { ClientKind, MirrorConfig } from '@mirrormaker/config';
import {
  createKafkaClient,
  isKafkaError,
  KafkaAdmin,
  KafkaProducer,
  PipelinedBatchProducer,
  TopicOffsetsReader,
  type FetchBuffer,
  type KafkaClient,
  type KafkaError,
  type PartitionOffsets,
} from '@mirrormaker/kafka';
import { skippedRecordReporter, type Logger } from '@mirrormaker/observability';
import { kafkaConnectionFor } from '@mirrormaker/service-kit';
import type { BatchCopyProducer } from './batch-copier';
import { CoalescingSender } from './coalescing-sender';
import { ensureTopic } from './ensure-topic';
import { FlowConsumer, flowConsumerSettings } from './flow-consumer';
import type { FlowPlan, TopicSpec } from './flow-plan';
import type { MirrorMetrics } from './mirror-metrics';
import { PositionStore } from './position-store';
import { PositionWriter } from './position-writer';
import type { Reachability } from './reachability';
import { RemoteTopics } from './remote-topics';
import { SourceOffsets } from './source-offsets';
import type { DataMirrorTimings } from './timings';

/** Told, every refresh, about the source topic a unit copies. */
export interface SourceWatcher {
  /** The topic's log range per partition (also after it was missing: it was created again). */
  endOffsets(offsets: ReadonlyMap<number, PartitionOffsets>): void;
  /** The topic was not found twice in a row (and at every refresh after): it was deleted. */
  topicMissing(): void;
}

export interface FlowRuntimeOptions {
  config: MirrorConfig;
  plan: FlowPlan;
  instanceId: string;
  logger: Logger;
  metrics: MirrorMetrics;
  reachability: Reachability;
  timings: DataMirrorTimings;
  /** Shared by the source fetchers of every flow of the process. */
  fetchBuffer: FetchBuffer;
}

const CONNECTIVITY_CODES = new Set(['UNREACHABLE', 'TIMEOUT', 'AUTHENTICATION_FAILED']);

/**
 * What the units of one flow share on this instance, each created on first use: the clients of the
 * source and the target, the plain target producer (records in at-least-once mode, positions,
 * heartbeats), the offset-syncs producer (offset syncs and offset segments), the positions store,
 * the remote-topic cache, the source consumer, and a timer that reads the end offsets of the source
 * topics being copied.
 */
export class FlowRuntime {
  readonly plan: FlowPlan;
  readonly logger: Logger;
  private clients = new Map<string, KafkaClient>();
  private admins = new Map<'source' | 'target', KafkaAdmin>();
  private plainProducer: KafkaProducer | undefined;
  private pipelinedProducer: PipelinedBatchProducer | undefined;
  private syncProducer: KafkaProducer | undefined;
  private syncSender: CoalescingSender | undefined;
  private positions: PositionStore | undefined;
  private positionWriterOfFlow: PositionWriter | undefined;
  private remote: RemoteTopics | undefined;
  private sourceConsumer: FlowConsumer | undefined;
  private offsetsReader: TopicOffsetsReader | undefined;
  private readonly offsets: SourceOffsets;
  /** Internal topics by name: created (or found) once; a failure is answered for a while, then tried again. */
  private readonly ensured = new Map<string, Promise<string>>();
  private readonly transactional = new Set<KafkaProducer>();
  private readonly watchers = new Map<string, Set<SourceWatcher>>();
  private readonly missingCount = new Map<string, number>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly options: FlowRuntimeOptions) {
    this.plan = options.plan;
    this.logger = options.logger.child({ flow: options.plan.name });
    for (const warning of options.plan.warnings) this.logger.warn(warning);
    this.offsets = new SourceOffsets({
      read: (topics) => {
        this.offsetsReader ??= new TopicOffsetsReader(this.client('source', 'admin'));
        return this.offsetsReader.read(topics);
      },
      onRead: (err) => (err === undefined ? this.noteSuccess('source') : this.noteFailure('source', err)),
    });
  }

  /**
   * The client one kind of client on one side connects with: the flow's `<kind>` properties may give
   * it its own security keys (`A.consumer.sasl.jaas.config`); kinds with the same keys share a client.
   */
  client(side: 'source' | 'target', kind: ClientKind = side === 'source' ? 'consumer' : 'producer'): KafkaClient {
    const alias = side === 'source' ? this.plan.source : this.plan.target;
    const cluster = this.options.config.clusters[alias];
    if (!cluster) throw new Error(`cluster ${alias} of flow ${this.plan.name} is not declared in the configuration`);
    const settings = side === 'source' ? this.plan.consumer : this.plan.producer;
    const clientId = settings.clientId || `mirrormaker-data-mirror-${this.plan.name}-${side}`;
    const connection = {
      ...kafkaConnectionFor(cluster, clientId, this.plan.flow.clients[side][kind], kind),
      requestTimeoutMs: settings.requestTimeoutMs,
    };
    const key = `${side} ${JSON.stringify(connection)}`;
    let client = this.clients.get(key);
    if (!client) {
      client = createKafkaClient(connection, this.logger.child({ side }));
      this.clients.set(key, client);
    }
    return client;
  }

  admin(side: 'source' | 'target'): KafkaAdmin {
    let admin = this.admins.get(side);
    if (!admin) {
      admin = new KafkaAdmin(this.client(side, 'admin'));
      this.admins.set(side, admin);
    }
    return admin;
  }

  /** Plain, acks=all producer on the target. */
  producer(): KafkaProducer {
    this.plainProducer ??= new KafkaProducer(this.client('target'), { compression: this.plan.producer.compressionType, metadataMaxAgeMs: 5000 });
    return this.plainProducer;
  }

  /**
   * What copies fetched batches as they are, at least once: pipelined and idempotent with acks all;
   * the plain producer, one batch after another, with acks 1 (idempotence needs acks all).
   */
  batchProducer(): BatchCopyProducer {
    if (this.plan.producer.acks !== 'all') return this.producer();
    this.pipelinedProducer ??= new PipelinedBatchProducer(this.client('target'), {
      maxInFlight: this.plan.producer.maxInFlight,
      timeoutMs: this.plan.producer.requestTimeoutMs,
      onRetry: () => this.options.metrics.produceRetried(this.plan.name),
    });
    return this.pipelinedProducer;
  }

  /** A transactional producer on the target for one unit; give it back with `closeTransactional`. */
  transactionalProducer(transactionalId: string): KafkaProducer {
    const producer = new KafkaProducer(this.client('target'), { transactionalId, compression: this.plan.producer.compressionType, metadataMaxAgeMs: 5000 });
    this.transactional.add(producer);
    return producer;
  }

  async closeTransactional(producer: KafkaProducer): Promise<void> {
    this.transactional.delete(producer);
    await producer.close();
  }

  positionStore(): PositionStore {
    this.positions ??= new PositionStore({
      client: this.client('target'),
      admin: this.admin('target'),
      topic: this.plan.positionsTopic,
      logger: this.logger,
      skipped: skippedRecordReporter(this.options.metrics.internalRecordsSkipped, this.logger),
    });
    return this.positions;
  }

  /** At-least-once positions, written together off the copy path. */
  positionWriter(): PositionWriter {
    this.positionWriterOfFlow ??= new PositionWriter({
      producer: () => this.producer(),
      topic: () => this.positionStore().topic,
      logger: this.logger,
      flushIntervalMs: this.plan.positionFlushIntervalMs,
    });
    return this.positionWriterOfFlow;
  }

  remoteTopics(): RemoteTopics {
    this.remote ??= new RemoteTopics(this.admin('target'), { missingRecheckMs: this.options.timings.remoteTopicRecheckMs });
    return this.remote;
  }

  consumer(): FlowConsumer {
    this.sourceConsumer ??= new FlowConsumer({
      client: this.client('source'),
      isolationLevel: this.plan.isolationLevel,
      offsetReset: this.plan.offsetReset,
      logger: this.logger,
      ...flowConsumerSettings(this.plan.consumer),
      handlerRetryBackoffMs: this.options.timings.batchRetryMs,
      onBatches: (path, count) => this.options.metrics.batches(this.plan.name, path, count),
      onFetch: (bytes) => this.options.metrics.fetched(this.plan.name, bytes),
      buffer: this.options.fetchBuffer,
      onConsumerFailure: (error) => {
        this.options.metrics.error(this.plan.name, 'FETCH_FAILED');
        this.noteFailure('source', error);
      },
    });
    return this.sourceConsumer;
  }

  /**
   * Writes offset syncs (and offset segments) on whichever cluster holds the offset-syncs topic:
   * one request in flight per topic, with the records of every partition of the flow queued
   * behind it (CoalescingSender).
   */
  offsetSyncSender(): CoalescingSender {
    this.syncProducer ??= new KafkaProducer(this.client(this.plan.offsetSyncs.cluster, 'producer'));
    this.syncSender ??= new CoalescingSender(this.syncProducer);
    return this.syncSender;
  }

  /** The offset-syncs topic, created on first use if missing. */
  offsetSyncsTopic(): Promise<string> {
    return this.ensure(this.plan.offsetSyncs.cluster, this.plan.offsetSyncs.topic, 0);
  }

  /**
   * The offset-segments topic (on the offset-syncs cluster), created on first use if missing. Every
   * partition unit flushes segments each second, so a failure (a compacting topic, a denied ACL) is
   * answered from memory for a few flushes instead of asking the cluster for each of them.
   */
  offsetSegmentsTopic(): Promise<string> {
    return this.ensure(this.plan.offsetSegments.cluster, this.plan.offsetSegments.topic, this.options.timings.offsetSegmentsFlushMs * 5);
  }

  /** The target's heartbeats topic, created on first use if missing. */
  heartbeatsTopic(): Promise<string> {
    return this.ensure('target', this.plan.heartbeatsTopic, 0);
  }

  /** Earliest and latest offsets of every partition of a source topic (read with those other units ask for at the same time). */
  sourceOffsets(topic: string): Promise<Map<number, PartitionOffsets>> {
    return this.offsets.of(topic);
  }

  /** Follows a source topic's end offsets until the returned function is called. */
  watchSource(topic: string, watcher: SourceWatcher): () => void {
    let set = this.watchers.get(topic);
    if (!set) this.watchers.set(topic, (set = new Set()));
    set.add(watcher);
    this.refreshTimer ??= setInterval(() => void this.refreshSources(), this.options.timings.sourceRefreshMs);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(topic) === set) {
        this.watchers.delete(topic);
        this.missingCount.delete(topic);
      }
    };
  }

  /** Whether the last look at the source found the topic missing (it may have been deleted). */
  sourceMissing(topic: string): boolean {
    return (this.missingCount.get(topic) ?? 0) > 0;
  }

  noteSuccess(side: 'source' | 'target'): void {
    this.options.reachability.success(side === 'source' ? this.plan.source : this.plan.target);
  }

  noteFailure(side: 'source' | 'target', err: unknown): void {
    if (isKafkaError(err) && CONNECTIVITY_CODES.has(err.code)) {
      this.options.reachability.failure(side === 'source' ? this.plan.source : this.plan.target, (err as KafkaError).message, Date.now());
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.refreshTimer);
    await this.refreshing;
    const closing: Array<Promise<unknown>> = [];
    if (this.sourceConsumer) closing.push(this.sourceConsumer.close());
    if (this.positionWriterOfFlow) closing.push(this.positionWriterOfFlow.close());
    if (this.positions) closing.push(this.positions.close());
    await Promise.allSettled(closing);
    await Promise.allSettled([
      this.plainProducer?.close(),
      this.pipelinedProducer?.close(),
      this.syncProducer?.close(),
      ...[...this.transactional].map((p) => p.close()),
      ...[...this.admins.values()].map((a) => a.close()),
      this.offsetsReader?.close(),
    ]);
  }

  private ensure(side: 'source' | 'target', spec: TopicSpec, holdFailureMs: number): Promise<string> {
    let ensured = this.ensured.get(spec.name);
    if (!ensured) {
      ensured = ensureTopic(this.admin(side), spec, this.logger).then(
        () => spec.name,
        (err: unknown) => {
          const forget = () => {
            if (this.ensured.get(spec.name) === ensured) this.ensured.delete(spec.name);
          };
          if (holdFailureMs > 0) setTimeout(forget, holdFailureMs).unref();
          else forget();
          throw err;
        },
      );
      this.ensured.set(spec.name, ensured);
    }
    return ensured;
  }

  /** One read of every watched topic's offsets (one request per source broker, however many topics). */
  private refreshSources(): void {
    if (this.refreshing || this.closed) return;
    this.refreshing = (async () => {
      let answers;
      try {
        answers = await this.offsets.all([...this.watchers.keys()]);
      } catch (err) {
        this.logger.debug({ err: (err as Error).message }, 'could not read source end offsets');
        return;
      }
      for (const [topic, answer] of answers) {
        const set = this.watchers.get(topic);
        if (!set) continue;
        if (answer instanceof Map) {
          this.missingCount.delete(topic);
          for (const w of [...set]) w.endOffsets(answer);
        } else if (isKafkaError(answer, 'TOPIC_NOT_FOUND')) {
          const seen = (this.missingCount.get(topic) ?? 0) + 1;
          this.missingCount.set(topic, seen);
          if (seen >= 2) for (const w of [...set]) w.topicMissing();
        } else {
          this.logger.debug({ topic, err: (answer as KafkaError).message }, 'could not read source end offsets');
        }
      }
    })().finally(() => {
      this.refreshing = undefined;
    });
  }
}
