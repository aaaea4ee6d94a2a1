import { findFlow, loadMirrorConfigOrThrow } from '@mirrormaker/config';
import { KafkaError, type ConsumedBatch, type PartitionOffsets, type ProducerRecord } from '@mirrormaker/kafka';
import { createLogger, createMetricsRegistry, type Registry } from '@mirrormaker/observability';
import { eventually } from '@mirrormaker/testing';
import type { ConsumerRoute } from './flow-consumer';
import { planFlow } from './flow-plan';
import type { FlowRuntime, SourceWatcher } from './flow-runtime';
import { MirrorMetrics } from './mirror-metrics';
import { PartitionUnit } from './partition-unit';
import { PositionWriter } from './position-writer';
import { DEFAULT_TIMINGS } from './timings';

const logger = createLogger({ service: 'test', level: 'silent' });
const tick = () => new Promise((r) => setImmediate(r));

/**
 * The parts of a FlowRuntime a partition unit uses, in memory: the source log range, the stored
 * position, a target that acknowledges every record, the source watcher and the consumer (driven by
 * the test), and a real PositionWriter whose flush interval the test drives and whose writes it counts.
 */
function fakeFlow(options: { stored?: bigint; log: PartitionOffsets; reset?: 'earliest' | 'latest'; unanswered?: number }) {
  const config = loadMirrorConfigOrThrow(
    [
      'clusters = A, B',
      'A.bootstrap.servers = a:9092',
      'B.bootstrap.servers = b:9092',
      'A->B.enabled = true',
      'A->B.emit.offset-syncs.enabled = false',
      `A->B.consumer.auto.offset.reset = ${options.reset ?? 'earliest'}`,
    ].join('\n'),
  );
  const plan = planFlow(config, findFlow(config, 'A->B')!);
  let log = options.log;
  let topicExists = true;
  /** Source offset requests that never get an answer, before the next ones do. */
  let unanswered = options.unanswered ?? 0;
  let targetEnd = 0n;
  const positions: bigint[] = [];
  let flushInterval: () => void = () => undefined;
  const writer = new PositionWriter({
    producer: () => ({
      send: async (_topic: string, records: readonly ProducerRecord[]) => {
        for (const r of records) positions.push(BigInt(JSON.parse(r.value!.toString()).offset));
        return new Map<number, bigint>();
      },
    }),
    topic: () => plan.positionsTopic.name,
    logger,
    flushIntervalMs: plan.positionFlushIntervalMs,
    every: (_ms, flush) => {
      flushInterval = flush;
      return () => undefined;
    },
  });
  const routes: ConsumerRoute[] = [];
  let watcher: SourceWatcher | undefined;
  const flow = {
    plan,
    logger,
    positionStore: () => ({
      topic: plan.positionsTopic.name,
      readToEnd: async () => undefined,
      get: () => options.stored,
      recordFor: (_p: unknown, last: bigint): ProducerRecord => ({ partition: 0, key: Buffer.from('k'), value: Buffer.from(JSON.stringify({ offset: Number(last) })) }),
    }),
    positionWriter: () => writer,
    sourceOffsets: async () => {
      if (unanswered > 0) {
        unanswered -= 1;
        return new Promise<never>(() => undefined);
      }
      if (!topicExists) throw new KafkaError('TOPIC_NOT_FOUND', 'no such topic');
      return new Map([[0, log]]);
    },
    sourceMissing: () => !topicExists,
    watchSource: (_topic: string, w: SourceWatcher) => {
      watcher = w;
      return () => (watcher = undefined);
    },
    consumer: () => ({
      attach: (route: ConsumerRoute) => routes.push(route),
      detach: (route: ConsumerRoute) => routes.splice(routes.indexOf(route), 1),
    }),
    remoteTopics: () => ({ partitions: async () => 1, invalidate: () => undefined }),
    producer: () => ({
      send: async (_topic: string, records: readonly ProducerRecord[]) => {
        const base = targetEnd;
        targetEnd += BigInt(records.length);
        return new Map([[0, base]]);
      },
    }),
    noteSuccess: () => undefined,
    noteFailure: () => undefined,
  };
  return {
    flow: flow as unknown as FlowRuntime,
    positions,
    routes,
    /** One `offset.flush.interval.ms` going by. */
    flushInterval: async () => {
      flushInterval();
      await tick();
    },
    watcher: () => watcher!,
    setLog: (next: PartitionOffsets) => (log = next),
    deleteTopic: () => (topicExists = false),
    recreateTopic: (next: PartitionOffsets) => {
      topicExists = true;
      log = next;
    },
  };
}

const batch = (from: number, count: number, positionReset?: { from: bigint; to: bigint }): ConsumedBatch => ({
  topic: 't',
  partition: 0,
  highWatermark: BigInt(from + count),
  records: Array.from({ length: count }, (_, i) => ({ offset: BigInt(from + i), key: null, value: Buffer.from('v'), headers: [], timestamp: 0n, sizeBytes: 10 })),
  ...(positionReset ? { positionReset } : {}),
});

async function counter(registry: Registry, name: string): Promise<number> {
  return (await registry.getSingleMetric(name)!.get()).values.reduce((sum, v) => sum + v.value, 0);
}

async function started(options: Parameters<typeof fakeFlow>[0]) {
  const fake = fakeFlow(options);
  const registry = createMetricsRegistry({ service: 'data-mirror', version: 'test' });
  const unit = new PartitionUnit({ unitId: 'partition/A->B/t/0', epoch: 1n, topic: 't', partition: 0, flow: fake.flow, metrics: new MirrorMetrics(registry), timings: DEFAULT_TIMINGS });
  unit.start();
  for (let i = 0; i < 100 && fake.routes.length === 0; i++) await tick();
  expect(fake.routes).toEqual([unit]);
  return { ...fake, unit, registry, causes: () => unit.errorReports().map((e) => e.cause) };
}

describe('PartitionUnit start', () => {
  it('reports a start step that never gets an answer, and starts with the next attempt', async () => {
    const fake = fakeFlow({ log: { earliest: 0n, latest: 10n }, unanswered: 1 });
    const registry = createMetricsRegistry({ service: 'data-mirror', version: 'test' });
    const timings = { ...DEFAULT_TIMINGS, startStepTimeoutMs: 20 };
    const unit = new PartitionUnit({ unitId: 'partition/A->B/t/0', epoch: 1n, topic: 't', partition: 0, flow: fake.flow, metrics: new MirrorMetrics(registry), timings });
    unit.start();
    const report = await eventually('the start to be reported as failed', () => unit.errorReports().find((e) => e.cause === 'START_FAILED'));
    expect(report.message).toContain('still reading the source offsets after 20 ms');
    // The retry (after the unit's start backoff) gets its answer and the unit copies.
    await eventually('the unit to copy', () => fake.routes.includes(unit), 10_000);
    expect(unit.errorReports()).toEqual([]);
    await unit.stop('revoked');
  });
});

describe('PartitionUnit, at least once', () => {
  it('stores its position at most once per flush interval while copying without pause, and once more when it stops', async () => {
    const { unit, positions, flushInterval } = await started({ log: { earliest: 0n, latest: 1000n } });
    for (let round = 0; round < 25; round++) await unit.handle(batch(round * 10, 10)); // 25 copy rounds
    expect(positions).toEqual([]);
    await flushInterval();
    for (let round = 25; round < 60; round++) await unit.handle(batch(round * 10, 10));
    await flushInterval();
    await flushInterval(); // nothing copied since: nothing written
    await unit.handle(batch(600, 5));
    expect(positions).toEqual([249n, 599n]);
    await unit.stop('revoked');
    expect(positions).toEqual([249n, 599n, 604n]);
  });

  it('reports a stored position below the log start as records lost, and starts at the log start', async () => {
    const { unit, positions, registry, causes, flushInterval } = await started({ stored: 9n, log: { earliest: 35n, latest: 50n } });
    expect(unit.resumeOffset()).toBe(35n);
    expect(causes()).toEqual(['SOURCE_TRUNCATED']);
    expect(unit.errorReports()[0]!.message).toContain('offsets 10 to 34');
    expect(await counter(registry, 'mirrormaker_records_lost_to_retention_total')).toBe(25);
    expect(unit.progress().stalledReason).toBe(''); // recorded, not stalling
    await flushInterval();
    expect(positions).toEqual([34n]); // the next holder starts past the loss instead of counting it again
    await unit.stop('revoked');
  });

  it('reports the replication latency of what it copied lately with its progress', async () => {
    const { unit } = await started({ log: { earliest: 0n, latest: 100n } });
    expect(unit.progress()).toMatchObject({ latencySamples: 0n, latencyP50Ms: 0, latencyP99Ms: 0 });
    const written = Date.now();
    const records = batch(0, 100);
    // 98 records written a minute ago, the two newest ten minutes ago (a producer that lagged)
    records.records = records.records.map((r, i) => ({ ...r, timestamp: BigInt(written - (i < 98 ? 60_000 : 600_000)) }));
    await unit.handle(records);
    const { latencyP50Ms, latencyP99Ms, latencySamples } = unit.progress();
    expect(latencySamples).toBe(100n);
    expect(latencyP50Ms).toBeGreaterThanOrEqual(60_000 * 0.95);
    expect(latencyP50Ms).toBeLessThanOrEqual(60_000 * 1.06);
    expect(latencyP99Ms).toBeGreaterThanOrEqual(600_000 * 0.95);
    expect(latencyP99Ms).toBeLessThanOrEqual(600_000 * 1.01);
    await unit.stop('revoked');
  });

  it('counts records deleted under it once, however often the batch after the reset is delivered', async () => {
    const { unit, registry, causes, setLog } = await started({ log: { earliest: 0n, latest: 10n } });
    await unit.handle(batch(0, 5));
    setLog({ earliest: 30n, latest: 40n });
    await unit.handle(batch(30, 3, { from: 5n, to: 30n }));
    await unit.handle(batch(30, 3, { from: 5n, to: 30n })); // delivered again
    expect(causes()).toEqual(['SOURCE_TRUNCATED']);
    expect(await counter(registry, 'mirrormaker_records_lost_to_retention_total')).toBe(25);
    expect(unit.progress().position).toBe(32n);
    await unit.stop('revoked');
  });

  it('tells records a latest reset passed over from records deleted', async () => {
    const { unit, registry, setLog } = await started({ log: { earliest: 0n, latest: 10n }, reset: 'latest' });
    await unit.handle(batch(0, 5));
    setLog({ earliest: 20n, latest: 40n });
    await unit.handle(batch(40, 1, { from: 5n, to: 40n }));
    expect(unit.errorReports()[0]!.message).toMatch(/offsets 5 to 19.*skips the 20 after them/);
    expect(await counter(registry, 'mirrormaker_records_lost_to_retention_total')).toBe(15);
    await unit.stop('revoked');
  });

  it('starts over on a log that now ends below its position: a new topic under the same name', async () => {
    const { unit, positions, registry, causes, flushInterval } = await started({ log: { earliest: 0n, latest: 100n } });
    await unit.handle(batch(0, 100));
    await flushInterval();
    await unit.handle(batch(0, 4, { from: 100n, to: 0n }));
    expect(causes()).toEqual(['SOURCE_RECREATED']);
    expect(await counter(registry, 'mirrormaker_source_partition_recreations_total')).toBe(1);
    expect(unit.progress().position).toBe(3n);
    await flushInterval();
    expect(positions).toEqual([99n, 3n]); // lower than before: a new log
    await unit.stop('revoked');
  });

  it('waits while its source topic is gone, stores no position, and copies a topic created again from its start', async () => {
    const { unit, positions, routes, registry, causes, flushInterval, watcher, deleteTopic, recreateTopic } = await started({ log: { earliest: 0n, latest: 50n } });
    await unit.handle(batch(0, 50));
    await flushInterval();
    deleteTopic();
    watcher().topicMissing();
    expect(routes).toEqual([]); // no longer read
    expect(unit.progress().stalledReason).toMatch(/^SOURCE_TOPIC_DELETED: source topic t was deleted/);
    await flushInterval();
    expect(positions).toEqual([49n, -1n]);

    recreateTopic({ earliest: 0n, latest: 3n });
    watcher().endOffsets(new Map([[0, { earliest: 0n, latest: 3n }]]));
    expect(routes).toEqual([unit]);
    expect(unit.resumeOffset()).toBe(0n);
    expect(causes()).toEqual(['SOURCE_RECREATED']);
    expect(unit.progress().stalledReason).toBe('');
    expect(await counter(registry, 'mirrormaker_source_partition_recreations_total')).toBe(1);
    await unit.handle(batch(0, 3));
    await unit.stop('revoked');
    expect(positions).toEqual([49n, -1n, 2n]);
  });

  it('stores no position when it stops while the last look found its source topic missing', async () => {
    const { unit, positions, deleteTopic } = await started({ log: { earliest: 0n, latest: 50n } });
    await unit.handle(batch(0, 50));
    deleteTopic();
    await unit.stop('revoked');
    expect(positions).toEqual([-1n]);
  });
});
