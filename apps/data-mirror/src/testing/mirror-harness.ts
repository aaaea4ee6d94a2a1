/**
 * What the data mirror's integration tests share: an mm2.properties for the two test clusters, the
 * service started in-process (as main.ts would, minus the servers), and helpers to write source
 * records and read the target back.
 */
import { createKafkaClient, KafkaAdmin, KafkaProducer, type Compression, type KafkaClient, type ProducerRecord } from '@mirrormaker/kafka';
import { createLogger, createMetricsRegistry, type Logger, type Registry } from '@mirrormaker/observability';
import { plaintextClient, type RunningService, type ServiceFlags } from '@mirrormaker/service-kit';
import type { TestCoordinator } from '@mirrormaker/service-kit/testing';
import { testClusters } from '@mirrormaker/testing';
import { createDataMirrorService } from '../data-mirror-service';
import type { DataMirrorTimings } from '../timings';

export { readUntil } from '@mirrormaker/service-kit/testing';

export const SOURCE_ALIAS = 'A';
export const TARGET_ALIAS = 'B';
export const FLOW = `${SOURCE_ALIAS}->${TARGET_ALIAS}`;

/** Quiet unless MM_TEST_LOG_LEVEL asks for more. */
export const testLogger: Logger = createLogger({ service: 'data-mirror-test', level: process.env.MM_TEST_LOG_LEVEL ?? 'silent' });

/** Short timings, so waits in tests are short. */
export const FAST_TIMINGS: Partial<DataMirrorTimings> = {
  offsetSyncFlushMs: 500,
  sourceRefreshMs: 500,
  remoteTopicRecheckMs: 200,
  batchRetryMs: 300,
  stalledRetryMs: 1000,
};

export function mm2Properties(extra: string[] = []): string {
  const { source, target } = testClusters();
  return flowProperties({ alias: SOURCE_ALIAS, bootstrap: source.bootstrap }, { alias: TARGET_ALIAS, bootstrap: target.bootstrap }, extra);
}

/** One enabled flow between two clusters, with single-broker replication factors. */
export function flowProperties(source: { alias: string; bootstrap: string }, target: { alias: string; bootstrap: string }, extra: string[] = []): string {
  return [
    `clusters = ${source.alias}, ${target.alias}`,
    `${source.alias}.bootstrap.servers = ${source.bootstrap}`,
    `${target.alias}.bootstrap.servers = ${target.bootstrap}`,
    `${source.alias}->${target.alias}.enabled = true`,
    // Short fetch waits, so waits in tests are short.
    `${source.alias}->${target.alias}.consumer.fetch.max.wait.ms = 100`,
    'replication.factor = 1',
    'offset-syncs.topic.replication.factor = 1',
    'checkpoints.topic.replication.factor = 1',
    'heartbeats.topic.replication.factor = 1',
    ...extra,
    '',
  ].join('\n');
}

export function clientFor(role: 'source' | 'target'): KafkaClient {
  const info = testClusters()[role];
  return createKafkaClient({ clusterAlias: role, brokers: [info.bootstrap], clientId: `data-mirror-int-${role}`, retry: { retries: 3, initialRetryTimeMs: 100, maxRetryTimeMs: 1000 } }, testLogger);
}

export interface InProcessMirror {
  readonly instanceId: string;
  readonly registry: Registry;
  readonly service: RunningService;
  /** Its last log lines at info and above (JSON), for the message of a failed wait. */
  recentLogs(): string[];
  stop(): Promise<void>;
}

/** How many log lines an in-process mirror keeps. */
const KEPT_LOG_LINES = 60;

/** Starts the service as `runService` would, without its gRPC and HTTP servers. */
export async function startMirror(options: { coordinator: string; configText: string; instanceId: string; timings?: Partial<DataMirrorTimings> }): Promise<InProcessMirror> {
  const spec = createDataMirrorService({ timings: { ...FAST_TIMINGS, ...options.timings } });
  const registry = createMetricsRegistry({ service: 'data-mirror', version: 'test' });
  const flags: ServiceFlags = {
    coordinator: options.coordinator,
    configProviderDirs: [],
    host: '127.0.0.1',
    grpcPort: 0,
    metricsPort: 0,
    instanceId: options.instanceId,
    logLevel: 'silent',
    shutdownTimeoutMs: 10_000,
    whenCoordinatorsUnreachable: 'stop',
    security: { insecurePlaintext: true, tlsClientAuth: 'none' },
    help: false,
    switches: {},
    numbers: {},
  };
  const kept: string[] = [];
  const logger = createLogger({
    service: 'data-mirror-test',
    level: process.env.MM_TEST_LOG_LEVEL ?? 'info',
    destination: {
      write(line: string) {
        if (process.env.MM_TEST_LOG_LEVEL) process.stdout.write(line);
        kept.push(line.trimEnd());
        if (kept.length > KEPT_LOG_LINES) kept.shift();
      },
    },
  }).child({ instance: options.instanceId });
  const service = await spec.start({ flags, configText: options.configText, logger, metrics: registry, grpcClient: plaintextClient() });
  let stopped: Promise<void> | undefined;
  return { instanceId: options.instanceId, registry, service, recentLogs: () => [...kept], stop: () => (stopped ??= service.stop()) };
}

/** The coordinator and the mirror one test starts; `afterEach(() => run.stop())` stops them. */
export class TestRun {
  coordinator: TestCoordinator | undefined;
  mirror: InProcessMirror | undefined;

  async stop(): Promise<void> {
    await this.mirror?.stop();
    await this.coordinator?.stop();
    this.mirror = undefined;
    this.coordinator = undefined;
  }
}

/** Source/target admin and producers for a test file; `close()` in afterAll. */
export class Clusters {
  readonly source = clientFor('source');
  readonly target = clientFor('target');
  readonly sourceAdmin = new KafkaAdmin(this.source);
  readonly targetAdmin = new KafkaAdmin(this.target);
  private readonly producers = new Map<string, KafkaProducer>();

  producer(role: 'source' | 'target', compression: Compression = 'none'): KafkaProducer {
    const key = `${role}/${compression}`;
    let p = this.producers.get(key);
    if (!p) this.producers.set(key, (p = new KafkaProducer(role === 'source' ? this.source : this.target, { idempotent: true, compression })));
    return p;
  }

  async createTopic(role: 'source' | 'target', name: string, partitions: number, configs: Record<string, string> = {}): Promise<void> {
    await (role === 'source' ? this.sourceAdmin : this.targetAdmin).createTopics([{ name, partitions, replicationFactor: 1, configs }]);
  }

  async produce(role: 'source' | 'target', topic: string, records: ProducerRecord[], compression: Compression = 'none'): Promise<void> {
    for (let i = 0; i < records.length; i += 200) await this.producer(role, compression).send(topic, records.slice(i, i + 200));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.producers.values()].map((p) => p.close()));
    await Promise.allSettled([this.sourceAdmin.close(), this.targetAdmin.close()]);
  }
}

/** Comparable form of a record: key, value, headers (in order) and timestamp. */
export function plain(r: { key: Buffer | null; value: Buffer | null; headers?: ReadonlyArray<{ key: string; value: Buffer | null }>; timestamp?: bigint | number }) {
  return {
    key: r.key?.toString('utf8') ?? null,
    value: r.value?.toString('utf8') ?? null,
    headers: (r.headers ?? []).map((h) => [h.key, h.value?.toString('utf8') ?? null]),
    timestamp: r.timestamp === undefined ? undefined : String(r.timestamp),
  };
}
