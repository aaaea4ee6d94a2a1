/**
 * The benchmark: preloads a backlog per workload on the source, then in alternating order measures
 * the physical limit (Kafka's perf tools), Apache MM2 (dedicated mode) and mirrormaker copying it
 * from earliest until the target's end offsets equal the source's; optionally the end-to-end
 * latency of both mirrors at a fixed rate, and the checkpoint lag (source group commit to the
 * checkpoint on the target). `--coordinator-chaos` and `--failover-fidelity` run on their own
 * (coordinator-chaos.ts, failover-fidelity.ts). Every process it starts is stopped at the end.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { isKafkaError, type KafkaAdmin, type PartitionConsumer } from '@mirrormaker/kafka';
import { findJava, startTwoClusters } from '@mirrormaker/testing';
import {
  FULL_WORKLOADS,
  KAFKA_RUN_CLASS_JVM,
  MM2_HEAP,
  producerTuning,
  SMOKE_WORKLOADS,
  STEADY_PRODUCER_PROPS,
  apacheMm2Properties,
  checkpointContenders,
  commitSchedule,
  commitsFor,
  contenderOrder,
  mirrormakerProperties,
  newTag,
  runNames,
  scaleWorkloads,
  warmUpContender,
  workloadBytes,
  type CheckpointContender,
  type CheckpointPhase,
  type CheckpointSettings,
  type RunNames,
  type Workload,
} from './bench-config';
import { allAnswered, lagSamples, summarizeLag, type GroupCommit } from './checkpoint-lag';
import { CheckpointWatcher, GroupCommitter } from './checkpoint-probe';
import { coordinatorChaos, type ChaosSettings } from './coordinator-chaos';
import { startDelayProxy } from './delay-proxy';
import { failoverFidelity, fidelityCheckpoints, type FidelitySettings } from './failover-fidelity';
import { consumePerf, ensureDistributions, producePerf, startApacheMm2, startSteadyProducer, type Distributions } from './java-tools';
import { benchAdmin, benchClient, benchConsumer, endOffsets, sumOffsets, waitCaughtUp } from './kafka-helpers';
import { buildOurApps, bundleDirOf, bundleOurApps, COPY_APPS, OUR_APPS, startOurMirror, type ServiceMode } from './our-services';
import { checkNotAborted, exitedProcess, onCleanup, waitUntil, type Started } from './processes';
import { cpuBetween, peakRssBetween, ProcessGroupSampler } from './proc-stats';
import { mbPerSec, percentile, summarize, type BenchResult, type CheckpointLagRun, type Contender, type LatencyRun, type ThroughputRun } from './report';

export interface BenchOptions {
  mode: 'full' | 'smoke';
  /** Multiplies the workloads' record counts. */
  scale: number;
  /** Repetitions of every workload (contender order alternates). */
  repeat: number;
  /** Workload names to run (default all of the mode). */
  workloads?: string[];
  contenders: Contender[];
  throughput: boolean;
  latency: boolean;
  /** Produce rate of the latency runs; default half of mirrormaker's measured 100 B rate. */
  latencyRate?: number;
  latencySeconds: number;
  /** Records sent in the first seconds of a latency run are left out of the percentiles. */
  latencyWarmupSeconds: number;
  /** Measure the checkpoint lag (after the copies and latency runs). */
  checkpoints: boolean;
  checkpointPhase: CheckpointPhase;
  /** `--coordinator-chaos`: only the coordinator failover run, with these sizes. */
  chaos?: ChaosSettings;
  /** `--failover-fidelity`: only the failover-fidelity run of the chosen mirrors, with these sizes. */
  fidelity?: FidelitySettings;
  /**
   * `--wan`: after each workload's runs, MM2 and mirrormaker copy the same backlog again through a
   * TCP proxy that delays each direction by `delayMs` (the source's PROXIED listener advertises the
   * proxy, so every connection of the mirrors to the source goes through it). Needs the bench's
   * own clusters.
   */
  wan?: { delayMs: number };
  /** PLAINTEXT bootstraps of running clusters; without them the bench starts its own (full JIT). */
  clusters?: { source: string; target: string };
  services: ServiceMode;
  build: boolean;
  /** Partitions of the throughput workloads (default 8; MM2 gets tasks.max = partitions). */
  partitions?: number;
  /** Run data-mirror under the V8 CPU profiler (profiles written into each run's directory). */
  profile?: boolean;
  /**
   * Run the contenders of a repetition at the same time (and measure latency on the mirrors still
   * running afterwards). Only for checking the harness quickly (--smoke): they compete for CPU.
   */
  parallel: boolean;
  /** Per contender run: give up after this long, when no record arrived after startTimeoutMs, or after stallMs without progress. */
  timeoutMs: number;
  startTimeoutMs: number;
  stallMs: number;
  workDir: string;
  command: string;
  log: (message: string) => void;
}

interface Context {
  o: BenchOptions;
  dists: Distributions;
  source: string;
  target: string;
  /** The source's PROXIED listener (its real port, and the port the proxy is to listen on). */
  proxied?: { port: number; advertisedPort: number };
  /** Set during the WAN runs: the mirrors' bootstrap of the source (the proxy). */
  mirrorSource?: string;
  tag: string;
  run: number;
}

function machineInfo(): BenchResult['machine'] {
  let java = '';
  try {
    java = findJava().versionText.split('\n')[0] ?? '';
  } catch {
    java = 'not found';
  }
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAvgStart: loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
    java,
    os: `${type()} ${release()}`,
  };
}

function selectWorkloads(o: BenchOptions): Workload[] {
  const base = o.mode === 'smoke' ? SMOKE_WORKLOADS : FULL_WORKLOADS;
  const chosen = o.workloads?.length ? base.filter((w) => o.workloads?.includes(w.name)) : [...base];
  if (chosen.length === 0) throw new Error(`no workload named ${o.workloads?.join(', ')} (have: ${base.map((w) => w.name).join(', ')})`);
  const scaled = scaleWorkloads(chosen, o.scale);
  return o.partitions ? scaled.map((w) => ({ ...w, partitions: o.partitions! })) : scaled;
}

/**
 * A short-lived admin client per use: a kafkajs client that once looked at a topic keeps asking
 * for its metadata and fails after the topic is deleted, so clients are not reused across deletes.
 */
async function withAdmin<T>(alias: string, bootstrap: string, fn: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const admin = benchAdmin(alias, bootstrap);
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

/** Deletes the topics that exist (best effort: frees disk between runs). */
async function dropTopics(alias: string, bootstrap: string, names: string[]): Promise<void> {
  await withAdmin(alias, bootstrap, async (admin) => {
    const existing = new Set(await admin.listTopics());
    const present = names.filter((n) => existing.has(n));
    if (present.length) await admin.deleteTopics(present);
  }).catch(() => undefined);
}

/**
 * Creates a topic and waits until it is described with all its partitions. Right after a create,
 * a busy KRaft broker can still answer UNKNOWN_TOPIC_OR_PARTITION to the metadata request the
 * client uses to wait for leaders; that answer alone is not a failure.
 */
async function createTopic(alias: string, bootstrap: string, name: string, partitions: number): Promise<void> {
  await withAdmin(alias, bootstrap, async (admin) => {
    try {
      await admin.createTopics([{ name, partitions, replicationFactor: 1 }]);
    } catch (err) {
      if (!isKafkaError(err) || err.code !== 'TOPIC_NOT_FOUND') throw err;
    }
    const deadline = Date.now() + 30_000;
    for (;;) {
      const described = await admin.describeTopics([name]).catch(() => undefined);
      if (described?.get(name)?.partitions === partitions) return;
      if (Date.now() > deadline) throw new Error(`topic ${name} on ${alias} was not ready with ${partitions} partitions within 30 s`);
      await sleep(200);
    }
  });
}

/** A started mirror: its processes (sampled together) and how to stop it. */
interface MirrorHandle {
  processes: Started[];
  stop(): Promise<void>;
}

async function startMirror(
  ctx: Context,
  contender: 'mm2' | 'mirrormaker',
  names: RunNames,
  dir: string,
  sampler: ProcessGroupSampler,
  checkpoints?: CheckpointSettings,
): Promise<MirrorHandle> {
  const input = { names, sourceBootstrap: ctx.mirrorSource ?? ctx.source, targetBootstrap: ctx.target, tasks: ctx.o.partitions ?? 8, checkpoints };
  if (contender === 'mm2') {
    const p = startApacheMm2(ctx.dists, dir, apacheMm2Properties(input), names.targetAlias);
    sampler.add(p.pid);
    return { processes: [p], stop: () => p.stop(20_000) };
  }
  return startOurMirror(dir, mirrormakerProperties(input), ctx.o.services, bundleDirOf(ctx.o.workDir), (p) => sampler.add(p.pid), {
    profile: ctx.o.profile === true,
    apps: checkpoints ? OUR_APPS : COPY_APPS,
  });
}

async function measureLimit(ctx: Context, w: Workload, rep: number, topic: string): Promise<ThroughputRun> {
  const k = ++ctx.run;
  const base: ThroughputRun = { workload: w.name, rep, contender: 'limit', records: w.records, bytes: workloadBytes(w), caughtUp: false };
  ctx.o.log(`  physical limit: ConsumerPerformance on the source, ProducerPerformance on the target ...`);
  const targetTopic = `bench-limit-${w.name}-${ctx.tag}-${k}`;
  try {
    const consume = await consumePerf(ctx.dists.broker, { bootstrap: ctx.source, topic, records: w.records, group: `bench-limit-${ctx.tag}-${k}`, timeoutMs: ctx.o.timeoutMs });
    await createTopic('target', ctx.target, targetTopic, w.partitions);
    const produce = await producePerf(ctx.dists.broker, { bootstrap: ctx.target, topic: targetTopic, records: w.records, recordBytes: w.recordBytes, timeoutMs: ctx.o.timeoutMs });
    const run: ThroughputRun = {
      ...base,
      caughtUp: true,
      consume: { recordsPerSec: consume.fetchRecordsPerSec, mbPerSec: consume.fetchMbPerSec, seconds: consume.fetchMs / 1000 },
      produce: { recordsPerSec: produce.recordsPerSec, mbPerSec: produce.mbPerSec, p99Ms: produce.p99Ms },
    };
    ctx.o.log(`    consume ${Math.round(consume.fetchRecordsPerSec).toLocaleString('en-US')} rec/s, produce ${Math.round(produce.recordsPerSec).toLocaleString('en-US')} rec/s`);
    return run;
  } catch (err) {
    ctx.o.log(`    failed: ${(err as Error).message}`);
    return { ...base, note: (err as Error).message.split('\n')[0] };
  } finally {
    await dropTopics('target', ctx.target, [targetTopic]);
  }
}

/** Copies the backlog once and forgets the result (`warmUpContender`). (Running the limit's tools instead did not warm the brokers for a mirror: 60,000 rec/s, then 138,000.) */
async function warmUpRun(ctx: Context, contender: 'mm2' | 'mirrormaker', w: Workload, topic: string, expected: Map<number, bigint>): Promise<void> {
  ctx.o.log(`  warm-up (no physical-limit run first): ${contender} copies the backlog once, not measured ...`);
  const { run } = await copyRun(ctx, contender, w, 0, topic, expected, false);
  if (!run.caughtUp) ctx.o.log(`    warm-up did not catch up (${run.note ?? 'no reason given'}); measuring anyway`);
}

/** A mirror that has been started for one run, with what measures it. */
interface RunningMirror {
  contender: 'mm2' | 'mirrormaker';
  names: RunNames;
  dir: string;
  sampler: ProcessGroupSampler;
  /** Polls the remote topic; closed by stop(). */
  targetAdmin: KafkaAdmin;
  processes: Started[];
  t0: number;
  /** Stops the processes and the sampler, closes the admin, deletes the remote topic. */
  stop(): Promise<void>;
}

async function launchMirror(ctx: Context, contender: 'mm2' | 'mirrormaker', topic: string, label: string, checkpoints?: CheckpointSettings): Promise<RunningMirror> {
  const k = ++ctx.run;
  const names = runNames(ctx.tag, k, topic);
  const dir = join(ctx.o.workDir, `run${k}-${label}-${contender}`);
  mkdirSync(dir, { recursive: true });
  const sampler = new ProcessGroupSampler(200);
  sampler.start();
  const targetAdmin = benchAdmin('target', ctx.target);
  const t0 = Date.now();
  let handle: MirrorHandle | undefined;
  const stop = async () => {
    await handle?.stop();
    sampler.stop();
    await targetAdmin.close();
    await dropTopics('target', ctx.target, checkpoints ? [names.remoteTopic, names.checkpointsTopic] : [names.remoteTopic]);
  };
  try {
    handle = await startMirror(ctx, contender, names, dir, sampler, checkpoints);
  } catch (err) {
    await stop();
    throw err;
  }
  return { contender, names, dir, sampler, targetAdmin, processes: handle.processes, t0, stop };
}

/** Waits until the running mirror has copied the backlog and measures the copy. */
async function measureCopy(ctx: Context, m: RunningMirror, w: Workload, rep: number, expected: Map<number, bigint>): Promise<ThroughputRun> {
  const base: ThroughputRun = { workload: w.name, rep, contender: m.contender, records: w.records, bytes: workloadBytes(w), caughtUp: false };
  let lastLog = Date.now();
  const res = await waitCaughtUp({
    target: m.targetAdmin,
    remoteTopic: m.names.remoteTopic,
    expected,
    timeoutMs: ctx.o.timeoutMs,
    startTimeoutMs: ctx.o.startTimeoutMs,
    stallMs: ctx.o.stallMs,
    failure: () => exitedProcess(m.processes),
    onProgress: (c) => {
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        ctx.o.log(`    ${m.contender}: ${c.toLocaleString('en-US')} of ${w.records.toLocaleString('en-US')} records on the target`);
      }
    },
  });
  m.sampler.sample();
  const t0 = m.t0;
  const end = res.caughtUpAt ?? Date.now();
  const pidNames = new Map(m.processes.map((p) => [p.pid, p.name]));
  const run: ThroughputRun = {
    ...base,
    caughtUp: res.caughtUp,
    note: res.reason,
    peakRssBytes: peakRssBetween(m.sampler.samples, t0, end),
    processes: [...m.sampler.perProcess()].map(([pid, r]) => ({ name: pidNames.get(pid) ?? String(pid), pid, hwmBytes: r.hwmBytes, cpuSeconds: r.cpuSeconds })),
    startupSeconds: res.firstSeenAt !== undefined ? (res.firstSeenAt - t0) / 1000 : undefined,
  };
  if (res.caughtUp && res.caughtUpAt !== undefined && res.firstSeenAt !== undefined) {
    // The copy window: from the first poll that saw records to the poll that saw all of them.
    let windowMs = res.caughtUpAt - res.firstSeenAt;
    let windowRecords = w.records - res.firstSeenCount;
    if (windowMs <= 0 || windowRecords <= 0) {
      windowMs = res.caughtUpAt - t0;
      windowRecords = w.records;
    }
    run.recordsPerSec = (windowRecords * 1000) / windowMs;
    run.mbPerSec = mbPerSec(windowRecords, w.recordBytes, windowMs / 1000);
    run.cpuSeconds = cpuBetween(m.sampler.samples, res.caughtUpAt - windowMs, res.caughtUpAt);
    run.cpuPerMillion = (run.cpuSeconds / windowRecords) * 1e6;
    run.cpuSecondsTotal = cpuBetween(m.sampler.samples, t0, res.caughtUpAt);
    run.totalSeconds = (res.caughtUpAt - t0) / 1000;
    ctx.o.log(
      `    ${m.contender} caught up: ${Math.round(run.recordsPerSec).toLocaleString('en-US')} rec/s, ${run.mbPerSec.toFixed(1)} MB/s, ` +
        `CPU ${run.cpuSeconds.toFixed(1)} s, peak RSS ${Math.round((run.peakRssBytes ?? 0) / 2 ** 20)} MiB, first record after ${run.startupSeconds?.toFixed(1)} s`,
    );
  } else {
    ctx.o.log(`    ${m.contender}: ${res.reason}`);
  }
  return run;
}

/** Starts a mirror on the backlog, measures the copy, optionally keeps it running. */
async function copyRun(ctx: Context, contender: 'mm2' | 'mirrormaker', w: Workload, rep: number, topic: string, expected: Map<number, bigint>, keep: boolean): Promise<{ run: ThroughputRun; mirror?: RunningMirror }> {
  ctx.o.log(`  ${contender}: starting, copying ${topic} from earliest ...`);
  let m: RunningMirror | undefined;
  try {
    m = await launchMirror(ctx, contender, topic, w.name);
    ctx.o.log(`    ${contender}: remote topic ${m.names.remoteTopic}, logs in ${m.dir}`);
    const run = await measureCopy(ctx, m, w, rep, expected);
    if (keep && run.caughtUp) return { run, mirror: m };
    await m.stop();
    return { run };
  } catch (err) {
    ctx.o.log(`    ${contender} failed: ${(err as Error).message}`);
    await m?.stop();
    return { run: { workload: w.name, rep, contender, records: w.records, bytes: workloadBytes(w), caughtUp: false, note: `not caught up: ${(err as Error).message.split('\n')[0]}` } };
  }
}

/** One latency consumer on a mirror's remote topic: now − CreateTime of every record it gets. */
class LatencyProbe {
  received = 0;
  private measuring = false;
  private from = 0;
  private n = 0;
  readonly stamps: Float64Array;
  readonly latencies: Float64Array;
  readonly consumer: PartitionConsumer;

  constructor(
    readonly mirror: RunningMirror,
    target: string,
    capacity: number,
    private readonly partitions: number,
  ) {
    this.stamps = new Float64Array(capacity);
    this.latencies = new Float64Array(capacity);
    this.consumer = benchConsumer(
      benchClient(`${mirror.names.targetAlias}-latency`, target),
      async (batch) => {
        const now = Date.now();
        for (const r of batch.records) {
          this.received++;
          const ts = Number(r.timestamp);
          if (this.measuring && ts >= this.from && this.n < capacity) {
            this.stamps[this.n] = ts;
            this.latencies[this.n] = now - ts;
            this.n++;
          }
        }
      },
      partitions,
    );
  }

  async attach(): Promise<void> {
    const topic = this.mirror.names.remoteTopic;
    await this.consumer.addPartitions(Array.from({ length: this.partitions }, (_, p) => ({ topic, partition: p, offset: 'latest' as const })));
  }

  /** Records created from now on count. */
  startMeasuring(from: number): void {
    this.from = from;
    this.measuring = true;
  }

  get measured(): number {
    return this.n;
  }

  async close(): Promise<void> {
    await this.consumer.close().catch(() => undefined);
  }
}

/**
 * Latency of running, caught-up mirrors of `topic`: consumers attach to each remote topic, a probe
 * batch checks they receive, then ProducerPerformance sends `rate` records/s for latencySeconds.
 */
async function measureLatencyOn(ctx: Context, mirrors: RunningMirror[], topic: string, rate: number): Promise<LatencyRun[]> {
  const o = ctx.o;
  const recordBytes = 100;
  const partitions = 8;
  const produced = Math.max(1, Math.round(rate * o.latencySeconds));
  const probes = mirrors.map((m) => new LatencyProbe(m, ctx.target, produced, partitions));
  const base = (m: RunningMirror): LatencyRun => ({ contender: m.contender, ratePerSec: rate, recordBytes, produced, received: 0, warmupSkipped: 0, complete: false });
  try {
    await Promise.all(probes.map((p) => p.attach()));
    // A probe batch: every consumer must see records arrive before the measured ones are sent.
    const probeRecords = 200;
    await producePerf(ctx.dists.broker, { bootstrap: ctx.source, topic, records: probeRecords, recordBytes, timeoutMs: o.timeoutMs });
    const probeDeadline = Date.now() + o.stallMs;
    while (probes.some((p) => p.received < probeRecords) && Date.now() < probeDeadline) await sleep(100);
    const deaf = probes.filter((p) => p.received < probeRecords);
    if (deaf.length) throw new Error(`latency consumers did not receive the probe records (${deaf.map((p) => p.mirror.contender).join(', ')})`);
    const producing = Date.now();
    for (const p of probes) p.startMeasuring(producing);
    o.log(`  producing ${produced.toLocaleString('en-US')} records of ${recordBytes} B at ${rate.toLocaleString('en-US')} rec/s for ${mirrors.map((m) => m.contender).join(' and ')} ...`);
    const perf = await producePerf(ctx.dists.broker, {
      bootstrap: ctx.source,
      topic,
      records: produced,
      recordBytes,
      throughput: rate,
      producerProps: { 'linger.ms': '5' },
      timeoutMs: o.timeoutMs + o.latencySeconds * 1000,
    });
    const producedAt = Date.now();
    o.log(`    the producer achieved ${Math.round(perf.recordsPerSec).toLocaleString('en-US')} rec/s`);
    const deadline = producedAt + o.stallMs;
    while (probes.some((p) => p.measured < produced && !exitedProcess(p.mirror.processes)) && Date.now() < deadline) await sleep(100);
    return probes.map((p) => {
      p.mirror.sampler.sample();
      const n = p.measured;
      let first = Infinity;
      for (let i = 0; i < n; i++) first = Math.min(first, p.stamps[i] as number);
      const measureFrom = first + o.latencyWarmupSeconds * 1000;
      const kept: number[] = [];
      for (let i = 0; i < n; i++) if ((p.stamps[i] as number) >= measureFrom) kept.push(p.latencies[i] as number);
      const sorted = Float64Array.from(kept).sort();
      const cpuFrom = Math.max(producing, measureFrom);
      const complete = n >= produced;
      const run: LatencyRun = {
        ...base(p.mirror),
        received: n,
        warmupSkipped: n - kept.length,
        complete,
        note: complete ? undefined : `only ${n} of ${produced} records arrived within ${Math.round(o.stallMs / 1000)} s after the producer finished`,
        p50Ms: sorted.length ? percentile(sorted, 50) : undefined,
        p99Ms: sorted.length ? percentile(sorted, 99) : undefined,
        maxMs: sorted.length ? (sorted[sorted.length - 1] as number) : undefined,
        cpuPerSec: producedAt > cpuFrom ? cpuBetween(p.mirror.sampler.samples, cpuFrom, producedAt) / ((producedAt - cpuFrom) / 1000) : undefined,
      };
      o.log(`    ${p.mirror.contender}: p50 ${run.p50Ms ?? '—'} ms, p99 ${run.p99Ms ?? '—'} ms, max ${run.maxMs ?? '—'} ms (${n} of ${produced} records)`);
      return run;
    });
  } catch (err) {
    o.log(`    latency failed: ${(err as Error).message}`);
    return mirrors.map((m, i) => ({ ...base(m), received: probes[i]?.measured ?? 0, note: (err as Error).message.split('\n')[0] }));
  } finally {
    await Promise.all(probes.map((p) => p.close()));
  }
}

/** Sequential mode: a fresh topic and a fresh mirror for one latency run. */
async function latencyRun(ctx: Context, contender: 'mm2' | 'mirrormaker', rate: number): Promise<LatencyRun> {
  const o = ctx.o;
  const topic = `bench-latency-${ctx.tag}-${ctx.run + 1}`;
  let m: RunningMirror | undefined;
  try {
    await createTopic('source', ctx.source, topic, 8);
    // Some records first, so that the remote topic exists and the mirror is copying before measuring.
    await producePerf(ctx.dists.broker, { bootstrap: ctx.source, topic, records: 1000, recordBytes: 100, timeoutMs: o.timeoutMs });
    const expected = await withAdmin('source', ctx.source, (admin) => endOffsets(admin, topic));
    o.log(`  ${contender}: starting on ${topic} ...`);
    m = await launchMirror(ctx, contender, topic, 'latency');
    const processes = m.processes;
    const warm = await waitCaughtUp({
      target: m.targetAdmin,
      remoteTopic: m.names.remoteTopic,
      expected,
      timeoutMs: o.timeoutMs,
      startTimeoutMs: o.startTimeoutMs,
      stallMs: o.stallMs,
      failure: () => exitedProcess(processes),
    });
    if (!warm.caughtUp) return { contender, ratePerSec: rate, recordBytes: 100, produced: 0, received: 0, warmupSkipped: 0, complete: false, note: warm.reason };
    const [run] = await measureLatencyOn(ctx, [m], topic, rate);
    return run as LatencyRun;
  } catch (err) {
    o.log(`    ${contender} failed: ${(err as Error).message}`);
    return { contender, ratePerSec: rate, recordBytes: 100, produced: 0, received: 0, warmupSkipped: 0, complete: false, note: (err as Error).message.split('\n')[0] };
  } finally {
    await m?.stop();
    await dropTopics('source', ctx.source, [topic]);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const jsonBigint = (_key: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Map ? Object.fromEntries(v) : v);

const checkpointGroupOf = (ctx: Context, c: CheckpointContender) => `bench-group-${ctx.tag}-${c.id}`;

function checkpointSettingsOf(ctx: Context, c: CheckpointContender): CheckpointSettings {
  return { group: checkpointGroupOf(ctx, c), intervalSeconds: c.intervalSetting, refreshGroupsSeconds: ctx.o.checkpointPhase.refreshGroupsSeconds };
}

/**
 * One contender's checkpoint lag on `topic` (records are flowing into it): commit the group once,
 * start the mirror, wait for the group's first checkpoint on the target (and the warm-up), then
 * commit at the topic's end offsets every few seconds and wait for the checkpoints that answer
 * the commits (one checkpoint interval plus 15 s after the last commit at most).
 */
async function checkpointLagOf(ctx: Context, c: CheckpointContender, topic: string, producer: Started): Promise<CheckpointLagRun> {
  const o = ctx.o;
  const phase = o.checkpointPhase;
  const run: CheckpointLagRun = { contender: c.id, intervalSeconds: c.intervalSeconds, complete: false, commits: 0, samples: 0, checkpointed: 0, exact: 0 };
  const settings = checkpointSettingsOf(ctx, c);
  const committer = new GroupCommitter(ctx.source, settings.group, topic);
  let m: RunningMirror | undefined;
  let watcher: CheckpointWatcher | undefined;
  try {
    // The group exists, with an offset on the topic, before the mirror starts: both mirrors list
    // the groups at start-up and then only every refresh.groups.interval.seconds.
    const baseline = await committer.commitAtEnd();
    o.log(`  ${c.id}: group ${settings.group} committed; starting ${c.mirror} (checkpoints every ${c.intervalSeconds} s) ...`);
    m = await launchMirror(ctx, c.mirror, topic, `checkpoints-${c.id}`, settings);
    const mirror = m;
    const failure = () => exitedProcess(mirror.processes) ?? (producer.hasExited() ? 'the steady producer exited (see steady-producer.log)' : undefined);
    const w = new CheckpointWatcher(ctx.target, m.names.checkpointsTopic, settings.group, m.names.remoteTopic);
    watcher = w;
    await w.attach(o.startTimeoutMs, failure);
    // The first checkpoint shows that the mirror found the group and has read the offset syncs.
    await waitUntil(() => w.seen.length > 0, o.startTimeoutMs + c.intervalSeconds * 1000, failure, `no checkpoint of ${settings.group} arrived on the target`);
    run.firstCheckpointSeconds = ((w.seen[0]?.arrivedAt ?? Date.now()) - m.t0) / 1000;
    const commitCount = commitsFor(phase, c.intervalSeconds);
    o.log(`    ${c.id}: first checkpoint ${run.firstCheckpointSeconds.toFixed(1)} s after start; ${commitCount} commits every ${phase.commitEverySeconds} s after ${phase.warmupSeconds} s ...`);
    await sleep(phase.warmupSeconds * 1000);
    // After the measured commits the group goes on committing, as a consuming group does, until
    // they are answered: MM2 translates whatever the group has committed when it polls, and an
    // offset left alone for most of a minute can fall between the sparse old offset syncs it keeps,
    // so that no checkpoint would come for it at all.
    const drainMs = c.intervalSeconds * 1000 + 15_000;
    const schedule = commitSchedule(phase, commitCount + Math.ceil(drainMs / (phase.commitEverySeconds * 1000)) + 1);
    const commits: GroupCommit[] = [];
    const later: GroupCommit[] = [];
    const first = Date.now();
    for (const at of schedule.slice(0, commitCount)) {
      await sleep(first + at - Date.now());
      checkNotAborted();
      const why = failure();
      if (why) throw new Error(why);
      commits.push(await committer.commitAtEnd());
    }
    run.commits = commits.length;
    const drainUntil = Date.now() + drainMs;
    while (!allAnswered(lagSamples(baseline.offsets, commits, w.seen)) && Date.now() < drainUntil && !failure()) {
      checkNotAborted();
      const next = schedule[commitCount + later.length];
      if (next !== undefined && Date.now() >= first + next) later.push(await committer.commitAtEnd());
      await sleep(100);
    }
    const samples = lagSamples(baseline.offsets, commits, w.seen);
    Object.assign(run, summarizeLag(samples), { complete: true, lagSamples: samples });
    const notes: string[] = [];
    const why = failure();
    if (why) notes.push(why);
    else if (run.checkpointed < run.samples) notes.push(`${run.samples - run.checkpointed} committed positions got no checkpoint within ${drainMs / 1000} s of the last commit`);
    if (w.undecodable > 0) notes.push(`${w.undecodable} records of ${m.names.checkpointsTopic} were not checkpoints`);
    // A reader behind the topic's end would make the mirror look slower than it is.
    const end = (await endOffsets(m.targetAdmin, m.names.checkpointsTopic).catch(() => new Map<number, bigint>())).get(0);
    if (end !== undefined && w.position < end) notes.push(`the checkpoint reader was ${end - w.position} records behind the end of ${m.names.checkpointsTopic}`);
    if (notes.length) run.note = notes.join('; ');
    writeFileSync(join(m.dir, 'checkpoint-lag.json'), JSON.stringify({ baseline, commits, later, seen: w.seen, readerPosition: w.position, topicEnd: end }, jsonBigint, 1) + '\n');
    const sec = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
    o.log(
      `    ${c.id}: ${run.checkpointed} of ${run.samples} positions checkpointed: p50 ${sec(run.p50Ms)}, p99 ${sec(run.p99Ms)}, max ${sec(run.maxMs)}; ` +
        `${run.exact} with their exact offset: p50 ${sec(run.exactP50Ms)}, p99 ${sec(run.exactP99Ms)}`,
    );
    return run;
  } catch (err) {
    o.log(`    ${c.id} failed: ${(err as Error).message}`);
    return { ...run, note: (err as Error).message.split('\n')[0] };
  } finally {
    await watcher?.close();
    await committer.close();
    await m?.stop();
  }
}

/**
 * Checkpoint lag of `contenders` (all at once when several, each with its own group and mirror): a
 * fresh topic gets records at a steady rate from ProducerPerformance for the whole run, so that
 * the mirrors keep emitting offset syncs, which translating the commits needs.
 */
async function checkpointLagRun(ctx: Context, contenders: readonly CheckpointContender[]): Promise<CheckpointLagRun[]> {
  const o = ctx.o;
  const phase = o.checkpointPhase;
  const topic = `bench-ckpt-${ctx.tag}-${ctx.run + 1}`;
  const dir = join(o.workDir, `${topic}-producer`);
  mkdirSync(dir, { recursive: true });
  let producer: Started | undefined;
  try {
    await createTopic('source', ctx.source, topic, phase.partitions);
    o.log(`checkpoint lag: ${contenders.map((c) => c.id).join(', ')}${contenders.length > 1 ? ' (at the same time)' : ''} on ${topic}, ${phase.ratePerSec.toLocaleString('en-US')} rec/s ...`);
    const p = startSteadyProducer(ctx.dists.broker, {
      bootstrap: ctx.source,
      topic,
      ratePerSec: phase.ratePerSec,
      recordBytes: phase.recordBytes,
      maxSeconds: 3600,
      producerProps: STEADY_PRODUCER_PROPS,
      logFile: join(dir, 'steady-producer.log'),
    });
    producer = p;
    await withAdmin('source', ctx.source, async (admin) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const ends = await endOffsets(admin, topic).catch(() => new Map<number, bigint>());
        if (ends.size === phase.partitions && [...ends.values()].every((e) => e > 0n)) return;
        checkNotAborted();
        if (p.hasExited()) throw new Error(`the steady producer exited (see ${dir}/steady-producer.log)`);
        if (Date.now() > deadline) throw new Error(`records did not reach every partition of ${topic} within 60 s`);
        await sleep(250);
      }
    });
    return await Promise.all(contenders.map((c) => checkpointLagOf(ctx, c, topic, p)));
  } catch (err) {
    o.log(`  checkpoint lag failed: ${(err as Error).message}`);
    const note = (err as Error).message.split('\n')[0];
    return contenders.map((c) => ({ contender: c.id, intervalSeconds: c.intervalSeconds, complete: false, commits: 0, samples: 0, checkpointed: 0, exact: 0, note }));
  } finally {
    await producer?.stop(5000);
    await dropTopics('source', ctx.source, [topic]);
  }
}

function latencyRateFrom(result: BenchResult, o: BenchOptions): { rate: number; basis: string } | undefined {
  if (o.latencyRate) return { rate: o.latencyRate, basis: 'given with --latency-rate' };
  const summaries = summarize(result);
  const pick = (c: Contender) => summaries.find((s) => s.contender === c && s.workload === '100b' && s.recordsPerSec !== undefined);
  const ours = pick('mirrormaker');
  if (ours?.recordsPerSec) return { rate: Math.max(1, Math.round(ours.recordsPerSec / 2)), basis: "half of mirrormaker's measured 100 B copy rate" };
  const mm2 = pick('mm2');
  if (mm2?.recordsPerSec) return { rate: Math.max(1, Math.round(mm2.recordsPerSec / 2)), basis: "half of Apache MM2's measured 100 B copy rate (mirrormaker had no complete run)" };
  return undefined;
}

/** Runs the benchmark. Stops every process it started before returning or throwing. */
export async function runBench(o: BenchOptions): Promise<BenchResult> {
  mkdirSync(o.workDir, { recursive: true });
  const workloads = selectWorkloads(o);
  const wanWorkloads = o.wan && o.throughput ? workloads.map(wanWorkload) : [];
  const warmUp = warmUpOf(o);
  const result: BenchResult = {
    startedAt: new Date().toISOString(),
    command: o.command,
    mode: o.mode,
    scale: o.scale,
    repeat: o.repeat,
    machine: machineInfo(),
    settings: {
      partitions: o.partitions ?? 8,
      producerTuning: producerTuning,
      mm2: { jvm: [...MM2_HEAP, ...KAFKA_RUN_CLASS_JVM], tasksMax: o.partitions ?? 8, producer: producerTuning(), consumer: 'defaults', mode: 'dedicated (org.apache.kafka.connect.mirror.MirrorMaker --clusters <target>)' },
      mirrormaker: { processes: [...COPY_APPS], services: o.services },
      limit: { consumer: 'ConsumerPerformance defaults (fetch.* rates: group join excluded)', producer: { acks: 'all', ...producerTuning() } },
      ...(warmUp ? { warmUp: `${warmUp} copies the first backlog once, unmeasured, before the measured runs (no limit run warms the brokers)` } : {}),
      timeoutMs: o.timeoutMs,
      stallMs: o.stallMs,
      latency: { seconds: o.latencySeconds, warmupSeconds: o.latencyWarmupSeconds, recordBytes: 100, producer: { acks: 'all', ...producerTuning(), 'linger.ms': '5' } },
      ...(o.checkpoints ? { checkpointLag: checkpointLagSettings(o) } : {}),
      ...(o.chaos ? { coordinatorFailover: { ...o.chaos, processes: '3 coordinator replicas, data-mirrors; remote topic created beforehand', producer: 'ProducerPerformance --payload-monotonic, acks=all, batch.size=2048, linger.ms=5' } } : {}),
      ...(o.fidelity ? { failoverFidelity: describeFidelity(o.fidelity) } : {}),
      ...(wanWorkloads.length
        ? { wan: { delayMsEachWay: o.wan?.delayMs, proxy: 'tools/bench/delay-proxy.ts between both mirrors and the source (its PROXIED listener advertises the proxy); target, loaders and limit tools direct', workloads: wanWorkloads.map((w) => w.name) } }
        : {}),
    },
    workloads: [...workloads, ...wanWorkloads],
    throughput: [],
    latency: [],
    checkpointLag: [],
    notDone: [],
  };
  o.log(`settings: ${JSON.stringify(result.settings)}`);

  const dists = await ensureDistributions(o.log);
  if (o.contenders.includes('mirrormaker') && o.services === 'dist' && o.build) buildOurApps(o.log);
  if (o.contenders.includes('mirrormaker') && o.services === 'bundle') await bundleOurApps(bundleDirOf(o.workDir), o.log);

  let source = o.clusters?.source;
  let target = o.clusters?.target;
  if (!source || !target) {
    o.log('starting two Kafka clusters (full JIT, free ports) ...');
    const clusters = await startTwoClusters({ baseDir: join(o.workDir, 'kafka'), ports: 'free', jvm: 'full-jit', log: o.log, proxiedSource: o.wan !== undefined });
    const unregister = onCleanup(async () => clusters.stopAll());
    source = clusters.source.bootstrap;
    target = clusters.target.bootstrap;
    result.settings.clusters = { source, target, jvm: 'full-jit', brokers: 'one KRaft node each, Apache Kafka 4.3.1' };
    try {
      const { proxied, proxiedAdvertised } = clusters.source.ports;
      const proxiedPorts = proxied !== undefined && proxiedAdvertised !== undefined ? { port: proxied, advertisedPort: proxiedAdvertised } : undefined;
      return await runAll({ o, dists, source, target, proxied: proxiedPorts, tag: newTag(), run: 0 }, result, workloads);
    } finally {
      o.log('stopping the clusters ...');
      const stopped = await clusters.stopAll().then(
        () => true,
        (err: Error) => (o.log(`stopping the clusters: ${err.message}`), false),
      );
      unregister();
      // The brokers' logs stay; their data (GBs for the full workloads) goes.
      if (stopped) for (const c of [clusters.source, clusters.target]) rmSync(c.dataDir, { recursive: true, force: true });
    }
  }
  result.settings.clusters = { source, target, jvm: 'given' };
  return runAll({ o, dists, source, target, tag: newTag(), run: 0 }, result, workloads);
}

/** The WAN variant of a workload: the same backlog, copied through the delay proxy. */
export function wanWorkload(w: Workload): Workload {
  return { ...w, name: `${w.name}-wan` };
}

/** MM2 and mirrormaker copy the workload's backlog again, reaching the source through the delay proxy. */
async function wanRuns(ctx: Context, result: BenchResult, w: Workload, topic: string, expected: Map<number, bigint>, wi: number): Promise<void> {
  const o = ctx.o;
  const mirrors = mirrorsOf(o);
  if (mirrors.length === 0) return;
  if (!ctx.proxied) {
    result.notDone.push(`${wanWorkload(w).name}: the WAN runs need the bench's own clusters (a source with a PROXIED listener), not --source/--target`);
    return;
  }
  const proxy = await startDelayProxy({ listenPort: ctx.proxied.advertisedPort, targetPort: ctx.proxied.port, delayMs: o.wan?.delayMs ?? 25 });
  const unregister = onCleanup(() => proxy.stop());
  const wanW = wanWorkload(w);
  ctx.mirrorSource = `127.0.0.1:${proxy.port}`;
  try {
    for (let rep = 1; rep <= o.repeat; rep++) {
      const order = contenderOrder<Contender>(undefined, mirrors, wi + rep - 1);
      o.log(`workload ${wanW.name} (${o.wan?.delayMs} ms each way through the proxy on ${ctx.mirrorSource}), repetition ${rep}/${o.repeat}: ${order.join(', ')}`);
      for (const c of order) {
        checkNotAborted();
        result.throughput.push((await copyRun(ctx, c as 'mm2' | 'mirrormaker', wanW, rep, topic, expected, false)).run);
      }
    }
  } finally {
    ctx.mirrorSource = undefined;
    const f = proxy.forwarded();
    o.log(`  proxy: ${proxy.connections()} connections, ${Math.round(f.toTarget / 2 ** 20)} MiB to the source, ${Math.round(f.toClient / 2 ** 20)} MiB back, ${proxy.errors()} connection errors`);
    await proxy.stop();
    unregister();
  }
}

const mirrorsOf = (o: BenchOptions) => (['mm2', 'mirrormaker'] as const).filter((c) => o.contenders.includes(c));

/** What the printed settings say about the checkpoint-lag phase. */
function checkpointLagSettings(o: BenchOptions): Record<string, unknown> {
  const p = o.checkpointPhase;
  return {
    contenders: checkpointContenders(mirrorsOf(o), o.mode === 'smoke').map((c) => ({
      id: c.id,
      'emit.checkpoints.interval.seconds': c.intervalSetting ?? `default (${c.intervalSeconds})`,
      commits: commitsFor(p, c.intervalSeconds),
    })),
    order: o.parallel ? 'at the same time, one topic' : 'one after the other, a fresh topic each',
    ratePerSec: p.ratePerSec,
    recordBytes: p.recordBytes,
    partitions: p.partitions,
    producer: { acks: 'all', ...producerTuning(), ...STEADY_PRODUCER_PROPS },
    commitEverySeconds: p.commitEverySeconds,
    warmupSeconds: p.warmupSeconds,
    mm2Properties: { 'emit.checkpoints.enabled': true, groups: 'the bench group only', 'refresh.groups.interval.seconds': p.refreshGroupsSeconds, 'sync.group.offsets.enabled': false },
    mirrormakerProcesses: [...OUR_APPS],
    lag: 'per committed partition: commit answered -> first checkpoint with upstreamOffset >= the committed offset arrives at a consumer on the target',
  };
}

/** What the printed settings say about the failover-fidelity run. */
function describeFidelity(f: FidelitySettings): Record<string, unknown> {
  const c = fidelityCheckpoints('bench-fidelity-<tag>-<mirror>', f);
  return {
    ...f,
    producer: 'our idempotent producer, round-robin over the partitions, one send at a time; each value names its source partition and offset (100 B)',
    group: `reads from the end of the topic at most ratePerSec records/s, commits every ${f.commitEveryMs} ms without joining the group (IdleGroupOffsets), one fresh group per failover`,
    mirrorProperties: {
      'emit.checkpoints.enabled': true,
      'emit.checkpoints.interval.seconds': c.intervalSeconds,
      'sync.group.offsets.enabled': true,
      'sync.group.offsets.interval.seconds': c.syncGroupOffsetsSeconds,
      'refresh.groups.interval.seconds': c.refreshGroupsSeconds,
      groups: c.group,
      'offset.lag.max': 'default (100)',
    },
    mirrormakerProcesses: [...OUR_APPS],
    consumerOnTarget: "starts at the group's committed offsets on the target (at the end where it has none), reads to the end of the copy",
  };
}

function warmUpOf(o: BenchOptions): 'mm2' | 'mirrormaker' | undefined {
  return warmUpContender({ throughput: o.throughput, parallel: o.parallel, limit: o.contenders.includes('limit') }, mirrorsOf(o));
}

async function runAll(ctx: Context, result: BenchResult, workloads: Workload[]): Promise<BenchResult> {
  const o = ctx.o;
  const mirrors = mirrorsOf(o);
  const warmUp = warmUpOf(o);
  let latencyDone = false;
  const chooseRate = (): number | undefined => {
    const chosen = latencyRateFrom(result, o);
    if (!chosen) {
      result.notDone.push('latency: no produce rate (no complete 100 B copy run and no --latency-rate)');
      o.log('latency: skipped (no measured 100 B rate; pass --latency-rate)');
      return undefined;
    }
    result.settings.latencyRate = chosen;
    o.log(`latency: ${chosen.rate.toLocaleString('en-US')} rec/s (${chosen.basis}) for ${o.latencySeconds} s ...`);
    return chosen.rate;
  };
  if (o.throughput) {
    for (const [wi, w] of workloads.entries()) {
      checkNotAborted();
      const topic = `bench-${w.name}-${ctx.tag}`;
      o.log(`workload ${w.name}: preloading ${w.records.toLocaleString('en-US')} records of ${w.recordBytes} B into ${w.partitions} partitions ...`);
      await createTopic('source', ctx.source, topic, w.partitions);
      const pre = await producePerf(ctx.dists.broker, { bootstrap: ctx.source, topic, records: w.records, recordBytes: w.recordBytes, timeoutMs: o.timeoutMs * 2 });
      o.log(`  preloaded at ${Math.round(pre.recordsPerSec).toLocaleString('en-US')} rec/s (${pre.mbPerSec.toFixed(1)} MB/s)`);
      const expected = await withAdmin('source', ctx.source, (admin) => endOffsets(admin, topic));
      if (sumOffsets(expected) !== w.records) throw new Error(`the source topic holds ${sumOffsets(expected)} records, expected ${w.records}`);
      if (wi === 0 && warmUp) await warmUpRun(ctx, warmUp, w, topic, expected);
      for (let rep = 1; rep <= o.repeat; rep++) {
        const order = contenderOrder<Contender>(o.contenders.includes('limit') ? 'limit' : undefined, mirrors, wi + rep - 1);
        o.log(`workload ${w.name}, repetition ${rep}/${o.repeat}: ${order.join(', ')}${o.parallel ? ' (at the same time)' : ''}`);
        if (!o.parallel) {
          for (const c of order) {
          checkNotAborted();
          result.throughput.push(c === 'limit' ? await measureLimit(ctx, w, rep, topic) : (await copyRun(ctx, c, w, rep, topic, expected, false)).run);
        }
          continue;
        }
        // Parallel (smoke) mode: everything at once; the mirrors stay up for the latency check.
        const keep = o.latency && !latencyDone && w.recordBytes === 100;
        const done = await Promise.all(order.map((c) => (c === 'limit' ? measureLimit(ctx, w, rep, topic).then((run) => ({ run, mirror: undefined })) : copyRun(ctx, c, w, rep, topic, expected, keep))));
        result.throughput.push(...done.map((d) => d.run));
        const running = done.map((d) => d.mirror).filter((m): m is RunningMirror => m !== undefined);
        try {
          if (keep) {
            latencyDone = true;
            const rate = chooseRate();
            if (rate !== undefined && running.length) result.latency.push(...(await measureLatencyOn(ctx, running, topic, rate)));
          }
        } finally {
          await Promise.allSettled(running.map((m) => m.stop()));
        }
      }
      if (o.wan) await wanRuns(ctx, result, w, topic, expected, wi);
      await dropTopics('source', ctx.source, [topic]);
    }
  }
  if (o.latency && !latencyDone && mirrors.length > 0) {
    const rate = chooseRate();
    if (rate !== undefined) {
      for (const c of contenderOrder(undefined, mirrors, workloads.length * o.repeat)) {
        checkNotAborted();
        result.latency.push(await latencyRun(ctx, c, rate));
      }
    }
  }
  if (o.checkpoints && mirrors.length > 0) {
    const contenders = checkpointContenders(mirrors, o.mode === 'smoke');
    if (o.parallel) result.checkpointLag.push(...(await checkpointLagRun(ctx, contenders)));
    else {
      for (const c of contenders) {
        checkNotAborted();
        result.checkpointLag.push(...(await checkpointLagRun(ctx, [c])));
      }
    }
  }
  if (o.fidelity && mirrors.length === 0) result.notDone.push('failover fidelity: --only names no mirror (mm2, mirrormaker)');
  if (o.fidelity && mirrors.length > 0) {
    result.failoverFidelity = await failoverFidelity(
      {
        source: ctx.source,
        target: ctx.target,
        tag: ctx.tag,
        startTimeoutMs: o.startTimeoutMs,
        log: o.log,
        createSourceTopic: (name, partitions) => createTopic('source', ctx.source, name, partitions),
        dropSourceTopic: (name) => dropTopics('source', ctx.source, [name]),
        launch: (contender, topic, checkpoints) => launchMirror(ctx, contender, topic, 'fidelity', checkpoints),
      },
      o.fidelity,
      mirrors,
    );
  }
  if (o.chaos) {
    result.coordinatorFailover = await coordinatorChaos(
      { dists: ctx.dists, source: ctx.source, target: ctx.target, tag: ctx.tag, run: ctx.run, services: o.services, bundleDir: bundleDirOf(o.workDir), workDir: o.workDir, startTimeoutMs: o.startTimeoutMs, log: o.log },
      o.chaos,
    );
  }
  result.finishedAt = new Date().toISOString();
  result.machine.loadAvgEnd = loadavg().map((l) => Number(l.toFixed(2)));
  return result;
}
