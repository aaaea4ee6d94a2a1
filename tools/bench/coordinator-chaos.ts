/**
 * Coordinator failover under load (`npm run bench -- --coordinator-chaos`): three coordinator
 * replicas and data-mirrors as processes, ProducerPerformance writing numbered records at a steady
 * rate, and the leading replica killed (kill -9, then started again) and paused (SIGSTOP, SIGCONT
 * after a while), alternately. Measured: records lost and duplicated, the longest gap in arrivals
 * on the target after each leader change, the election time, and, from the processes' logs, any
 * moment with two leaders or two holders of one unit.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { PartitionConsumer } from '@mirrormaker/kafka';
import { ControlServiceClient } from '@mirrormaker/proto';
import { freePorts } from '@mirrormaker/testing';
import { STEADY_PRODUCER_PROPS, mirrormakerProperties, runNames, type RunNames } from './bench-config';
import { holderIntervals, leaderIntervals, overlaps, parseLogLines, type Interval, type LogEvent, type Overlap, type ProcessAction } from './failover-ledger';
import { longestGap, SequenceTally } from './failover-measures';
import { startSteadyProducer, type Distributions } from './java-tools';
import { benchAdmin, benchClient, endOffsets, sumOffsets } from './kafka-helpers';
import { launchOurService, waitHealthy, type ServiceMode } from './our-services';
import { checkNotAborted, waitUntil, type Started } from './processes';
import { percentile } from './report';

export type DeliveryMode = 'at-least-once' | 'exactly-once';

export interface ChaosSettings {
  /** kill -9 of the leader, each followed by a restart of the killed replica. */
  kills: number;
  /** SIGSTOP of the leader for `pauseSeconds`, then SIGCONT. */
  pauses: number;
  pauseSeconds: number;
  /** Records/s from ProducerPerformance for the whole run. */
  ratePerSec: number;
  /** Mirroring undisturbed before the first action and after each one (after the new leader). */
  settleSeconds: number;
  partitions: number;
  dataMirrors: number;
  modes: DeliveryMode[];
  /** Give up waiting for a new leader (or for the last records) after this long. */
  waitSeconds: number;
}

export const FULL_CHAOS: ChaosSettings = {
  kills: 5,
  pauses: 5,
  pauseSeconds: 30,
  ratePerSec: 20_000,
  settleSeconds: 10,
  partitions: 8,
  dataMirrors: 2,
  modes: ['at-least-once', 'exactly-once'],
  waitSeconds: 60,
};

export const SMOKE_CHAOS: ChaosSettings = { ...FULL_CHAOS, kills: 1, pauses: 1, pauseSeconds: 5, ratePerSec: 500, settleSeconds: 3, modes: ['at-least-once'], waitSeconds: 30 };

/** One kill or pause of the leader. */
export interface ChaosAction {
  kind: 'kill' | 'pause';
  /** The leader acted on. */
  replica: string;
  /** Epoch ms of the kill / SIGSTOP. */
  at: number;
  /** Epoch ms when another replica first reported leading (GetStatus, polled every 100 ms). */
  newLeaderAt?: number;
  newLeader?: string;
  electionMs?: number;
  /** Longest time without an arrival on any partition of the target, from `at` to the next action. */
  longestGapMs?: number;
  gapPartition?: number;
}

export interface CoordinatorFailoverRun {
  mode: DeliveryMode;
  ratePerSec: number;
  partitions: number;
  dataMirrors: number;
  pauseSeconds: number;
  complete: boolean;
  note?: string;
  /** Records ProducerPerformance wrote to the source (its end offsets). */
  produced: number;
  /** Distinct record numbers that arrived on the target. */
  arrived: number;
  lost: number;
  duplicates: number;
  /** Values that were not a record number of this run. */
  unexpected: number;
  actions: ChaosAction[];
  electionP50Ms?: number;
  electionMaxMs?: number;
  /** Longest gap after any kill / any pause. */
  longestGapAfterKillMs?: number;
  longestGapAfterPauseMs?: number;
  /** The longest gap in the undisturbed stretch before the first action, for comparison. */
  baselineGapMs?: number;
  /** Moments with two leaders acting, and with two holders of one unit. */
  leaderOverlaps: Overlap[];
  holderOverlaps: Overlap[];
  leaderIntervals: number;
  holderIntervals: number;
  /** Sum of mirrormaker_leases_fenced_total over the data-mirrors (units stopped for want of a renewal). */
  leasesFenced?: number;
  dir: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Replica {
  id: string;
  address: string;
  grpcPort: number;
  metricsPort: number;
  logFile: string;
  proc: Started;
  control: ControlServiceClient;
  paused: boolean;
}

interface ChaosContext {
  dists: Distributions;
  source: string;
  target: string;
  tag: string;
  run: number;
  services: ServiceMode;
  bundleDir: string;
  workDir: string;
  startTimeoutMs: number;
  log: (m: string) => void;
}

function leaderAddressOf(r: Replica): Promise<string | undefined> {
  return new Promise((resolve) => {
    r.control.getStatus({ flows: [] }, new grpc.Metadata(), { deadline: Date.now() + 500 }, (err, res) => resolve(err ? undefined : res?.leaderAddress));
  });
}

/** The replicas (not paused, running) that report leading themselves, and whether every live replica names that one. */
async function selfLeaders(replicas: readonly Replica[]): Promise<{ leaders: Replica[]; agreed: boolean }> {
  const live = replicas.filter((r) => !r.paused && !r.proc.hasExited());
  const named = await Promise.all(live.map((r) => leaderAddressOf(r)));
  const leaders = live.filter((r, i) => named[i] === r.address);
  return { leaders, agreed: leaders.length === 1 && named.every((n) => n === leaders[0]?.address) };
}

/**
 * The first poll in which one replica other than `except` reports leading itself; with `agreed`,
 * also every live replica must name it (before acting: while two replicas claim to lead, the one
 * to act on is not known yet).
 */
async function waitForLeader(replicas: readonly Replica[], except: string | undefined, timeoutMs: number, agreed = false): Promise<{ leader: Replica; at: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    checkNotAborted();
    const view = await selfLeaders(replicas);
    const leaders = view.leaders.filter((r) => r.id !== except);
    if (leaders.length === 1 && (!agreed || view.agreed)) return { leader: leaders[0] as Replica, at: Date.now() };
    if (Date.now() > deadline) throw new Error(`no replica other than ${except ?? '-'} reported leading within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

async function metricSum(metricsPort: number, name: string): Promise<number | undefined> {
  const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
    (r) => r.text(),
    () => undefined,
  );
  if (text === undefined) return undefined;
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

/** Alternates kills and pauses, starting with a kill, until both counts are used up. */
export function actionOrder(kills: number, pauses: number): ChaosAction['kind'][] {
  const order: ChaosAction['kind'][] = [];
  for (let i = 0; i < Math.max(kills, pauses); i++) {
    if (i < kills) order.push('kill');
    if (i < pauses) order.push('pause');
  }
  return order;
}

/** Runs the failover measurement once per delivery mode. */
export async function coordinatorChaos(ctx: ChaosContext, s: ChaosSettings): Promise<CoordinatorFailoverRun[]> {
  const runs: CoordinatorFailoverRun[] = [];
  for (const mode of s.modes) {
    checkNotAborted();
    runs.push(await chaosRun(ctx, s, mode));
  }
  return runs;
}

async function createTopicOn(alias: string, bootstrap: string, name: string, partitions: number): Promise<void> {
  const admin = benchAdmin(alias, bootstrap);
  try {
    await admin.createTopics([{ name, partitions, replicationFactor: 1 }]);
    const deadline = Date.now() + 30_000;
    while ((await admin.describeTopics([name]).catch(() => undefined))?.get(name)?.partitions !== partitions) {
      if (Date.now() > deadline) throw new Error(`topic ${name} was not ready within 30 s`);
      await sleep(200);
    }
  } finally {
    await admin.close();
  }
}

async function dropTopic(alias: string, bootstrap: string, name: string): Promise<void> {
  const admin = benchAdmin(alias, bootstrap);
  await admin
    .deleteTopics([name])
    .catch(() => undefined)
    .finally(() => admin.close());
}

function chaosProperties(names: RunNames, ctx: ChaosContext, mode: DeliveryMode): string {
  const base = mirrormakerProperties({ names, sourceBootstrap: ctx.source, targetBootstrap: ctx.target, tasks: 1 });
  const flow = `${names.sourceAlias}->${names.targetAlias}`;
  return [
    base.trimEnd(),
    '# Coordinator failover run: the remote topic is created beforehand (no topic-config-sync).',
    `${flow}.emit.heartbeats.enabled = false`,
    ...(mode === 'exactly-once' ? [`${flow}.exactly.once.enabled = true`] : []),
    '',
  ].join('\n');
}

async function chaosRun(ctx: ChaosContext, s: ChaosSettings, mode: DeliveryMode): Promise<CoordinatorFailoverRun> {
  const k = ++ctx.run;
  const topic = `bench-failover-${ctx.tag}-${k}`;
  const names = runNames(ctx.tag, k, topic);
  const dir = join(ctx.workDir, `run${k}-failover-${mode}`);
  mkdirSync(dir, { recursive: true });
  const log = ctx.log;
  const run: CoordinatorFailoverRun = {
    mode,
    ratePerSec: s.ratePerSec,
    partitions: s.partitions,
    dataMirrors: s.dataMirrors,
    pauseSeconds: s.pauseSeconds,
    complete: false,
    produced: 0,
    arrived: 0,
    lost: 0,
    duplicates: 0,
    unexpected: 0,
    actions: [],
    leaderOverlaps: [],
    holderOverlaps: [],
    leaderIntervals: 0,
    holderIntervals: 0,
    dir,
  };
  const order = actionOrder(s.kills, s.pauses);
  // The producer must outlast the actions: each takes an election plus the settle time (plus the pause).
  const plannedSeconds = s.settleSeconds * (order.length + 2) + order.length * 15 + s.pauses * s.pauseSeconds + 60;
  const tally = new SequenceTally(Math.ceil(s.ratePerSec * plannedSeconds));
  const arrivals: number[][] = Array.from({ length: s.partitions }, () => []);
  const replicas: Replica[] = [];
  const mirrors: { id: string; proc: Started; metricsPort: number; logFile: string }[] = [];
  const actions: ProcessAction[] = [];
  const exitedAt = new Map<Started, number>();
  const track = (p: Started) => void p.exited.then(() => exitedAt.set(p, Date.now()));
  let producer: Started | undefined;
  let consumer: PartitionConsumer | undefined;
  try {
    await createTopicOn('source', ctx.source, topic, s.partitions);
    await createTopicOn('target', ctx.target, names.remoteTopic, s.partitions);
    const configPath = join(dir, 'mm2.properties');
    writeFileSync(configPath, chaosProperties(names, ctx, mode));
    const ports = await freePorts(6 + 2 * s.dataMirrors);
    const startReplica = (id: string, i: number): Replica => {
      const grpcPort = ports[2 * i] as number;
      const metricsPort = ports[2 * i + 1] as number;
      const logFile = join(dir, `${id}.log`);
      const proc = launchOurService(ctx.services, ctx.bundleDir, { app: 'coordinator', name: id, configPath, grpcPort, metricsPort, instanceId: id, logFile });
      track(proc);
      const address = `127.0.0.1:${grpcPort}`;
      return { id, address, grpcPort, metricsPort, logFile, proc, control: new ControlServiceClient(address, grpc.credentials.createInsecure()), paused: false };
    };
    for (const [i, id] of ['coord-a', 'coord-b', 'coord-c'].entries()) replicas.push(startReplica(id, i));
    await Promise.all(replicas.map((r) => waitHealthy(r.id, r.proc, r.metricsPort, ctx.startTimeoutMs, r.logFile)));
    const addresses = replicas.map((r) => r.address).join(',');
    for (let m = 0; m < s.dataMirrors; m++) {
      const id = `dm-${m + 1}`;
      const metricsPort = ports[6 + 2 * m + 1] as number;
      const logFile = join(dir, `${id}.log`);
      const proc = launchOurService(ctx.services, ctx.bundleDir, { app: 'data-mirror', name: id, configPath, grpcPort: ports[6 + 2 * m] as number, metricsPort, instanceId: id, coordinator: addresses, logFile });
      track(proc);
      mirrors.push({ id, proc, metricsPort, logFile });
    }
    await Promise.all(mirrors.map((m) => waitHealthy(m.id, m.proc, m.metricsPort, ctx.startTimeoutMs, m.logFile)));
    let { leader } = await waitForLeader(replicas, undefined, s.waitSeconds * 1000);
    log(`  ${mode}: 3 coordinator replicas (${leader.id} leads), ${s.dataMirrors} data-mirrors; logs in ${dir}`);

    consumer = new PartitionConsumer(benchClient(`${names.targetAlias}-failover`, ctx.target), {
      handler: async (batch) => {
        const now = Date.now();
        const list = arrivals[batch.partition];
        if (list && batch.records.length) list.push(now);
        for (const r of batch.records) tally.add(r.value);
      },
      concurrency: s.partitions,
      isolationLevel: mode === 'exactly-once' ? 'read_committed' : 'read_uncommitted',
      maxWaitTimeMs: 100,
    });
    await consumer.addPartitions(Array.from({ length: s.partitions }, (_, partition) => ({ topic: names.remoteTopic, partition, offset: 'earliest' as const })));

    // Small batches: the sticky partitioner moves on after batch.size bytes, so every partition gets records often.
    producer = startSteadyProducer(ctx.dists.broker, {
      bootstrap: ctx.source,
      topic,
      ratePerSec: s.ratePerSec,
      recordBytes: 'monotonic',
      maxSeconds: plannedSeconds,
      producerProps: { ...STEADY_PRODUCER_PROPS, 'batch.size': '2048' },
      logFile: join(dir, 'producer.log'),
    });
    const producing = producer;
    const failure = () => (producing.hasExited() ? 'the producer exited before the actions were done (see producer.log)' : (mirrors.some((m) => m.proc.hasExited()) ? `${mirrors.find((m) => m.proc.hasExited())?.id} exited (see its log)` : undefined));
    await waitUntil(() => tally.received > 0, s.waitSeconds * 1000, failure, 'no record arrived on the target');
    const firstArrival = Date.now();
    log(`    records arrive on the target; ${s.settleSeconds} s undisturbed, then ${order.join(', ')} ...`);
    await sleep(s.settleSeconds * 1000);

    for (const kind of order) {
      checkNotAborted();
      const why = failure();
      if (why) throw new Error(why);
      // The leader every replica names now (the last election may have left two claiming it for a moment).
      leader = (await waitForLeader(replicas, undefined, s.waitSeconds * 1000, true)).leader;
      const victim = leader;
      const action: ChaosAction = { kind, replica: victim.id, at: Date.now() };
      run.actions.push(action);
      if (kind === 'kill') {
        victim.proc.child.kill('SIGKILL');
        actions.push({ replica: victim.id, kind: 'kill', at: action.at });
      } else {
        victim.proc.child.kill('SIGSTOP');
        victim.paused = true;
        actions.push({ replica: victim.id, kind: 'stop', at: action.at });
      }
      const next = await waitForLeader(replicas, victim.id, s.waitSeconds * 1000);
      Object.assign(action, { newLeader: next.leader.id, newLeaderAt: next.at, electionMs: next.at - action.at });
      leader = next.leader;
      if (kind === 'kill') {
        await victim.proc.exited;
        const i = replicas.indexOf(victim);
        const again = startReplica(victim.id, i);
        actions.push({ replica: victim.id, kind: 'start', at: Date.now() });
        replicas[i] = again;
        victim.control.close();
        await waitHealthy(again.id, again.proc, again.metricsPort, ctx.startTimeoutMs, again.logFile);
      } else {
        await sleep(action.at + s.pauseSeconds * 1000 - Date.now());
        victim.proc.child.kill('SIGCONT');
        victim.paused = false;
        actions.push({ replica: victim.id, kind: 'cont', at: Date.now() });
      }
      log(`    ${kind} of ${victim.id}: ${leader.id} leads after ${((action.electionMs ?? 0) / 1000).toFixed(2)} s`);
      await sleep(s.settleSeconds * 1000);
    }
    const doneAt = Date.now();
    await producing.stop(5000);
    const sourceAdmin = benchAdmin('source', ctx.source);
    run.produced = sumOffsets(await endOffsets(sourceAdmin, topic).finally(() => sourceAdmin.close()));
    if (run.produced > tally.size) throw new Error(`the producer wrote ${run.produced} records, more than the ${tally.size} expected`);
    // The last records: until every record written arrived, or nothing more came for a while.
    let seen = -1;
    let progressAt = Date.now();
    while (distinct(tally, run.produced) < run.produced && Date.now() - progressAt < s.waitSeconds * 1000) {
      if (tally.received !== seen) {
        seen = tally.received;
        progressAt = Date.now();
      }
      await sleep(200);
    }
    await sleep(1000); // late duplicates, if any
    const summary = tally.summary(run.produced);
    Object.assign(run, { lost: summary.lost, duplicates: summary.duplicates, unexpected: tally.unexpected, arrived: run.produced - summary.lost, complete: true });
    if (summary.firstLost !== undefined) run.note = `record ${summary.firstLost} (and ${summary.lost - 1} more) never arrived`;

    // Gaps: from each action to the next one (the last: to the end of the actions).
    run.actions.forEach((a, i) => {
      const gap = longestGap(arrivals, a.at, run.actions[i + 1]?.at ?? doneAt);
      a.longestGapMs = gap.ms;
      a.gapPartition = gap.partition;
    });
    const first = run.actions[0]?.at ?? doneAt;
    run.baselineGapMs = longestGap(arrivals, firstArrival + 1000, first).ms;
    const maxOf = (kind: ChaosAction['kind']) => {
      const gaps = run.actions.filter((a) => a.kind === kind && a.longestGapMs !== undefined).map((a) => a.longestGapMs as number);
      return gaps.length ? Math.max(...gaps) : undefined;
    };
    run.longestGapAfterKillMs = maxOf('kill');
    run.longestGapAfterPauseMs = maxOf('pause');
    const elections = Float64Array.from(run.actions.filter((a) => a.electionMs !== undefined).map((a) => a.electionMs as number)).sort();
    if (elections.length) {
      run.electionP50Ms = percentile(elections, 50);
      run.electionMaxMs = elections[elections.length - 1];
    }
    const fenced = await Promise.all(mirrors.map((m) => metricSum(m.metricsPort, 'mirrormaker_leases_fenced_total')));
    run.leasesFenced = fenced.every((f) => f !== undefined) ? fenced.reduce((a = 0, b = 0) => a + b, 0) : undefined;
  } catch (err) {
    log(`    ${mode} failed: ${(err as Error).message}`);
    run.note = (err as Error).message.split('\n')[0];
  } finally {
    await producer?.stop(5000);
    await consumer?.close().catch(() => undefined);
    for (const r of replicas) if (r.paused) r.proc.child.kill('SIGCONT');
    await Promise.allSettled(mirrors.map((m) => m.proc.stop()));
    await Promise.allSettled(replicas.map((r) => r.proc.stop()));
    for (const r of replicas) r.control.close();
  }
  // The ledger, from the logs of every process (killed ones included: their lines are in the same file).
  const endAt = Date.now();
  const replicaLogs = new Map<string, LogEvent[]>();
  for (const id of ['coord-a', 'coord-b', 'coord-c']) replicaLogs.set(id, readEvents(join(dir, `${id}.log`)));
  const leaders = leaderIntervals(replicaLogs, actions, endAt);
  const holders: Interval[] = mirrors.flatMap((m) => holderIntervals(m.id, readEvents(m.logFile), exitedAt.get(m.proc) ?? endAt));
  run.leaderIntervals = leaders.length;
  run.holderIntervals = holders.length;
  run.leaderOverlaps = overlaps(leaders);
  run.holderOverlaps = overlaps(holders);
  log(
    `    ${mode}: ${run.produced} produced, ${run.lost} lost, ${run.duplicates} duplicates; elections p50 ${sec(run.electionP50Ms)}, max ${sec(run.electionMaxMs)}; ` +
      `longest gap after a kill ${sec(run.longestGapAfterKillMs)}, after a pause ${sec(run.longestGapAfterPauseMs)} (before any: ${sec(run.baselineGapMs)}); ` +
      `two leaders ${run.leaderOverlaps.length}× (of ${leaders.length} intervals), two holders ${run.holderOverlaps.length}× (of ${holders.length})`,
  );
  await dropTopic('source', ctx.source, topic);
  await dropTopic('target', ctx.target, names.remoteTopic);
  return run;
}

const sec = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);

function distinct(t: SequenceTally, produced: number): number {
  return produced - t.summary(produced).lost;
}

function readEvents(file: string): LogEvent[] {
  return existsSync(file) ? parseLogLines(readFileSync(file, 'utf8')) : [];
}
