// `npm run bench`: Apache MirrorMaker 2 vs mirrormaker vs the physical limit on two local Kafka
// clusters. Prints markdown tables and writes tmp/bench/<timestamp>.json. See tools/bench/README.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runBench, type BenchOptions } from './bench';
import { FULL_CHECKPOINT_PHASE, setWorkloadCompression, SMOKE_CHECKPOINT_PHASE } from './bench-config';
import { FULL_CHAOS, SMOKE_CHAOS, type ChaosSettings, type DeliveryMode } from './coordinator-chaos';
import { FULL_FIDELITY, SMOKE_FIDELITY, type FidelitySettings } from './failover-fidelity';
import { repoRoot } from './our-services';
import { abortAll, cleanupEverything, Interrupted, killAllProcessesNow } from './processes';
import { CONTENDER_LABEL, checkpointLagTable, failoverTable, fidelityTable, latencyTable, runsTable, throughputTable, type BenchResult, type Contender } from './report';

const HELP = `usage: npm run bench -- [options]

  --smoke                 tiny backlog, one workload, contenders at the same time, short latency
                          check on the running mirrors, a few checkpoint commits (checks the
                          harness; numbers not comparable)
  --parallel / --sequential  override how contenders run (default: sequential; --smoke: parallel)
  --scale <x>             multiply the backlog sizes (e.g. 0.25); default 1
  --repeat <n>            repetitions per workload, contender order alternating; default 1
  --workload <name>       only this workload (100b or 1kb); repeatable
  --partitions <n>        partitions of the backlog topics (default 8); MM2 gets tasks.max = n
  --compression <codec>   codec of every writer of benchmark data: the preloading producer, the
                          physical limit's producer and MM2's producer (none, gzip, snappy, lz4,
                          zstd; default none). mirrormaker keeps each batch's own codec
  --only <list>           contenders, comma separated: limit,mm2,mirrormaker; default all
  --no-throughput         skip the backlog copies (then give --latency-rate)
  --wan                   after each workload's copies, MM2 and mirrormaker copy the same backlog
                          again with the source behind a TCP proxy that delays each direction
                          (rows '<workload>-wan'); needs the bench's own clusters
  --wan-delay-ms <n>      the proxy's delay each way (default 25: 50 ms round trip)
  --no-latency            skip the latency runs
  --latency-rate <n>      produce rate of the latency runs (default: half of mirrormaker's 100 B rate)
  --latency-seconds <n>   default 30 (smoke: 3)
  --no-checkpoints        skip the checkpoint-lag runs (Apache MM2 at its default interval and at
                          1 s, mirrormaker; each on its own group while records flow)
  --checkpoint-commits <n>  measured group commits per contender, one per 2 s slot at a random
                          point of its first half (default 25, smoke 3); at least two
                          checkpoint intervals' worth (MM2's 60 s default: 60)
  --checkpoint-rate <n>   records/s flowing during the checkpoint runs (default 2000, smoke 1000)
  --coordinator-chaos     only the coordinator failover run: 3 coordinator replicas, 2 data-mirrors,
                          numbered records at a steady rate, the leader killed (kill -9) and paused
                          (SIGSTOP/SIGCONT) in turn; prints lost and duplicated records, gaps,
                          election times and moments with two leaders or two holders of a unit
  --chaos-kills <n>       kills of the leader (default 5, smoke 1)
  --chaos-pauses <n>      pauses of the leader (default 5, smoke 1)
  --chaos-pause-seconds <n>  length of a pause (default 30, smoke 5)
  --chaos-rate <n>        records/s during the run (default 20000, smoke 500)
  --chaos-settle-seconds <n>  undisturbed time before the first action and after each (default 10, smoke 3)
  --chaos-modes <list>    at-least-once,exactly-once (default both; smoke at-least-once)
  --failover-fidelity     only the failover-fidelity run, for Apache MM2 and then mirrormaker (or the
                          mirrors of --only): a group reads on the source while the mirror copies, is
                          stopped at a random moment and read again on the target from its translated
                          offsets; prints re-reads and misses per failover
  --fidelity-failovers <n>  failovers per mirror, a fresh group each (default 20, smoke 2)
  --fidelity-rate <n>     records/s written, and the most the group reads (default 5000, smoke 1000)
  --source <host:port>    use running clusters instead of starting two (needs --target too)
  --target <host:port>
  --services <mode>       how mirrormaker runs: dist (dist/apps/<app>/main.js, built with nx first;
                          default), bundle (the same esbuild bundle in tmp/bench/build; --smoke's
                          default) or source (apps/<app>/src/main.ts through tsx)
  --no-build              do not run the nx build first
  --profile               run data-mirror with --cpu-prof; the .cpuprofile files (and a summary
                          of the functions that cost most) land in each run's directory
  --timeout <s>           per contender run; default 600 (smoke: 90)
  --start-timeout <s>     give up when no record arrived this long after a mirror's start; default 180 (smoke: 60)
  --stall <s>             give up after this long without progress; default 120 (smoke: 45)
  --out <file>            JSON result path; default tmp/bench/<timestamp>.json
`;

function num(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got '${raw}'`);
  return n;
}

function count(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number of at least 0, got '${raw}'`);
  return n;
}

function fidelitySettings(values: Record<string, string | boolean | string[] | undefined>, smoke: boolean): FidelitySettings {
  const base = smoke ? SMOKE_FIDELITY : FULL_FIDELITY;
  const str = (k: string) => values[k] as string | undefined;
  return {
    ...base,
    failovers: Math.round(num('fidelity-failovers', str('fidelity-failovers'), base.failovers)),
    ratePerSec: Math.round(num('fidelity-rate', str('fidelity-rate'), base.ratePerSec)),
  };
}

function chaosSettings(values: Record<string, string | boolean | string[] | undefined>, smoke: boolean): ChaosSettings {
  const base = smoke ? SMOKE_CHAOS : FULL_CHAOS;
  const str = (k: string) => values[k] as string | undefined;
  const modes = (str('chaos-modes')?.split(',').map((m) => m.trim()) ?? base.modes) as DeliveryMode[];
  for (const m of modes) if (m !== 'at-least-once' && m !== 'exactly-once') throw new Error(`--chaos-modes: unknown mode '${m}' (at-least-once, exactly-once)`);
  return {
    ...base,
    kills: count('chaos-kills', str('chaos-kills'), base.kills),
    pauses: count('chaos-pauses', str('chaos-pauses'), base.pauses),
    pauseSeconds: num('chaos-pause-seconds', str('chaos-pause-seconds'), base.pauseSeconds),
    ratePerSec: Math.round(num('chaos-rate', str('chaos-rate'), base.ratePerSec)),
    settleSeconds: num('chaos-settle-seconds', str('chaos-settle-seconds'), base.settleSeconds),
    modes,
  };
}

export function parseBenchArgs(argv: string[], log: (m: string) => void): BenchOptions & { out: string } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      smoke: { type: 'boolean' },
      parallel: { type: 'boolean' },
      sequential: { type: 'boolean' },
      scale: { type: 'string' },
      repeat: { type: 'string' },
      workload: { type: 'string', multiple: true },
      partitions: { type: 'string' },
      compression: { type: 'string' },
      only: { type: 'string' },
      'no-throughput': { type: 'boolean' },
      wan: { type: 'boolean' },
      'wan-delay-ms': { type: 'string' },
      'no-latency': { type: 'boolean' },
      'latency-rate': { type: 'string' },
      'latency-seconds': { type: 'string' },
      'no-checkpoints': { type: 'boolean' },
      'checkpoint-commits': { type: 'string' },
      'checkpoint-rate': { type: 'string' },
      'coordinator-chaos': { type: 'boolean' },
      'chaos-kills': { type: 'string' },
      'chaos-pauses': { type: 'string' },
      'chaos-pause-seconds': { type: 'string' },
      'chaos-rate': { type: 'string' },
      'chaos-settle-seconds': { type: 'string' },
      'chaos-modes': { type: 'string' },
      'failover-fidelity': { type: 'boolean' },
      'fidelity-failovers': { type: 'string' },
      'fidelity-rate': { type: 'string' },
      source: { type: 'string' },
      target: { type: 'string' },
      services: { type: 'string' },
      'no-build': { type: 'boolean' },
      profile: { type: 'boolean' },
      timeout: { type: 'string' },
      stall: { type: 'string' },
      'start-timeout': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const smoke = values.smoke === true;
  if (values.compression !== undefined) setWorkloadCompression(values.compression);
  const contenders = (values.only ?? 'limit,mm2,mirrormaker').split(',').map((s) => s.trim()) as Contender[];
  for (const c of contenders) if (!(c in CONTENDER_LABEL)) throw new Error(`--only: unknown contender '${c}' (limit, mm2, mirrormaker)`);
  if ((values.source === undefined) !== (values.target === undefined)) throw new Error('--source and --target go together');
  const services = values.services ?? (smoke ? 'bundle' : 'dist');
  if (services !== 'dist' && services !== 'bundle' && services !== 'source') throw new Error(`--services must be dist, bundle or source, got '${services}'`);
  const phase = smoke ? SMOKE_CHECKPOINT_PHASE : FULL_CHECKPOINT_PHASE;
  const chaos = values['coordinator-chaos'] ? chaosSettings(values, smoke) : undefined;
  const fidelity = values['failover-fidelity'] ? fidelitySettings(values, smoke) : undefined;
  if (chaos && fidelity) throw new Error('--coordinator-chaos and --failover-fidelity each run on their own: give one of them');
  const only = chaos !== undefined || fidelity !== undefined;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const workDir = join(repoRoot, 'tmp/bench', stamp);
  return {
    mode: smoke ? 'smoke' : 'full',
    scale: num('scale', values.scale, 1),
    repeat: Math.round(num('repeat', values.repeat, 1)),
    workloads: values.workload,
    partitions: values.partitions ? Math.round(num('partitions', values.partitions, 8)) : undefined,
    contenders: chaos ? ['mirrormaker'] : contenders,
    throughput: !only && !values['no-throughput'],
    wan: values.wan ? { delayMs: num('wan-delay-ms', values['wan-delay-ms'], 25) } : undefined,
    latency: !only && !values['no-latency'],
    latencyRate: values['latency-rate'] ? Math.round(num('latency-rate', values['latency-rate'], 1)) : undefined,
    latencySeconds: num('latency-seconds', values['latency-seconds'], smoke ? 3 : 30),
    latencyWarmupSeconds: smoke ? 0 : 5,
    checkpoints: !only && !values['no-checkpoints'],
    chaos,
    fidelity,
    checkpointPhase: {
      ...phase,
      commits: Math.round(num('checkpoint-commits', values['checkpoint-commits'], phase.commits)),
      ratePerSec: Math.round(num('checkpoint-rate', values['checkpoint-rate'], phase.ratePerSec)),
    },
    clusters: values.source && values.target ? { source: values.source, target: values.target } : undefined,
    services,
    build: !values['no-build'],
    profile: values.profile === true,
    parallel: values.sequential ? false : values.parallel === true || smoke,
    timeoutMs: num('timeout', values.timeout, smoke ? 90 : 600) * 1000,
    startTimeoutMs: num('start-timeout', values['start-timeout'], smoke ? 60 : 180) * 1000,
    stallMs: num('stall', values.stall, smoke ? 45 : 120) * 1000,
    workDir,
    out: values.out ?? join(repoRoot, 'tmp/bench', `${stamp}.json`),
    command: ['npm run bench', ...(argv.length ? ['--', ...argv] : [])].join(' '),
    log,
  };
}

/** The printed report: machine, settings, the summary table, latency and every run. */
export function formatReport(result: BenchResult): string {
  const m = result.machine;
  const copied = result.throughput.length > 0;
  return [
    `Command: \`${result.command}\``,
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ${m.java}; load average ${m.loadAvgStart.join(' / ')} at start, ${m.loadAvgEnd?.join(' / ') ?? '?'} at end`,
    '',
    ...(copied ? ['### Throughput (backlog copied from earliest until caught up; median of repetitions)', '', throughputTable(result), ''] : []),
    ...(result.latency.length ? ['### End-to-end latency (CreateTime on the source to arrival at a consumer on the target)', '', latencyTable(result.latency), ''] : []),
    ...(result.checkpointLag.length
      ? [
          '### Checkpoint lag (source group commit to the first checkpoint at or past it on the target, per committed partition)',
          '',
          checkpointLagTable(result.checkpointLag),
          '',
        ]
      : []),
    ...(result.failoverFidelity?.length
      ? [
          '### Failover fidelity (a group stopped on the source at a random moment, then read on the target from its translated offsets)',
          '',
          fidelityTable(result.failoverFidelity),
          '',
        ]
      : []),
    ...(result.coordinatorFailover?.length
      ? [
          '### Coordinator failover (3 replicas; the leader killed with kill -9 and paused with SIGSTOP, in turn, while records flow)',
          '',
          failoverTable(result.coordinatorFailover),
          '',
        ]
      : []),
    ...(copied ? ['### Every run', '', runsTable(result.throughput), ''] : []),
    ...(result.notDone.length ? ['Not measured: ' + result.notDone.join('; ')] : []),
  ].join('\n');
}

async function main(): Promise<void> {
  const log = (m: string) => process.stdout.write(`[bench] ${m}\n`);
  const options = parseBenchArgs(process.argv.slice(2), log);
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    abortAll();
    log(`${sig}: stopping every process the benchmark started ...`);
    process.exitCode = 130;
    void cleanupEverything(log).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killAllProcessesNow);
  try {
    const result = await runBench(options);
    mkdirSync(join(options.out, '..'), { recursive: true });
    writeFileSync(options.out, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(`\n${formatReport(result)}\n\nJSON: ${options.out}\n`);
  } finally {
    await cleanupEverything(log);
  }
}

if (require.main === module) {
  main().catch((err: Error) => {
    // After Ctrl-C the signal handler reports and exits; whatever failed meanwhile is a consequence.
    if (err instanceof Interrupted || process.exitCode === 130) return;
    process.stderr.write(`[bench] failed: ${err.stack ?? err.message}\n`);
    void cleanupEverything().finally(() => process.exit(1));
  });
}
