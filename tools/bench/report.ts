/** Result types of a benchmark invocation, summaries and the printed tables. Pure; unit tested. */
import { MIB, type CheckpointContender, type Workload } from './bench-config';
import type { CoordinatorFailoverRun } from './coordinator-chaos';
import type { FailoverFidelityRun } from './failover-fidelity';

export type Contender = 'limit' | 'mm2' | 'mirrormaker';

export const CONTENDER_LABEL: Record<Contender, string> = {
  limit: 'physical limit',
  mm2: 'Apache MM2 4.3.1',
  mirrormaker: 'mirrormaker',
};

/** One copy of a workload's backlog by one contender. */
export interface ThroughputRun {
  workload: string;
  rep: number;
  contender: Contender;
  records: number;
  bytes: number;
  caughtUp: boolean;
  /** Why the run is incomplete. */
  note?: string;
  /** Copy rate: records copied between the first poll that saw records on the target and catch-up. */
  recordsPerSec?: number;
  mbPerSec?: number;
  /** From the mirror's process start until the first record was seen on the target. */
  startupSeconds?: number;
  /** From the mirror's process start until caught up. */
  totalSeconds?: number;
  /** CPU seconds of the mirror's processes during the copy window. */
  cpuSeconds?: number;
  /** CPU seconds per million records copied in the copy window. */
  cpuPerMillion?: number;
  /** CPU seconds from process start until caught up (start-up included). */
  cpuSecondsTotal?: number;
  /** Highest sum of the processes' RSS, sampled every ~200 ms from start to caught up. */
  peakRssBytes?: number;
  /** Per process: name, pid, its own peak RSS (VmHWM), CPU seconds at the end. */
  processes?: { name: string; pid: number; hwmBytes: number; cpuSeconds: number }[];
  /** Physical limit only: ConsumerPerformance on the source and ProducerPerformance on the target. */
  consume?: { recordsPerSec: number; mbPerSec: number; seconds: number };
  produce?: { recordsPerSec: number; mbPerSec: number; p99Ms: number };
}

export interface LatencyRun {
  contender: Exclude<Contender, 'limit'>;
  ratePerSec: number;
  recordBytes: number;
  produced: number;
  received: number;
  /** Records left out of the percentiles (sent during the warm-up seconds). */
  warmupSkipped: number;
  complete: boolean;
  note?: string;
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  /** CPU seconds per second of the mirror's processes while the rate was applied. */
  cpuPerSec?: number;
}

export const CHECKPOINT_LABEL: Record<CheckpointContender['id'], string> = {
  'mm2-default': 'Apache MM2 4.3.1, default interval',
  'mm2-1s': 'Apache MM2 4.3.1, emit.checkpoints.interval.seconds=1',
  mirrormaker: 'mirrormaker, default interval',
};

/** One committed position of one partition and when a checkpoint reached it (see checkpoint-lag.ts). */
export interface CheckpointLagSample {
  /** Index of the measured commit. */
  commit: number;
  partition: number;
  /** The committed offset (decimal). */
  offset: string;
  /** Arrival of the first checkpoint at or past the offset minus the commit time; absent: none arrived. */
  lagMs?: number;
  /** That checkpoint carried exactly this offset (otherwise a later commit's). */
  exact: boolean;
}

/** Lag percentiles over the samples of one contender. */
export interface CheckpointLagSummary {
  /** Committed positions measured: (commit, partition) pairs whose offset moved since the commit before. */
  samples: number;
  /** Of those, how many a checkpoint reached. */
  checkpointed: number;
  /** Of those, how many got a checkpoint with exactly their offset. */
  exact: number;
  /** Over every checkpointed position (the first checkpoint at or past its offset). */
  p50Ms?: number;
  p99Ms?: number;
  maxMs?: number;
  /** Over the positions whose first checkpoint carried exactly their offset. */
  exactP50Ms?: number;
  exactP99Ms?: number;
  exactMaxMs?: number;
}

/** The checkpoint lag of one contender. */
export interface CheckpointLagRun extends CheckpointLagSummary {
  contender: CheckpointContender['id'];
  /** emit.checkpoints.interval.seconds in effect. */
  intervalSeconds: number;
  /** Commits were made and their checkpoints awaited. */
  complete: boolean;
  note?: string;
  commits: number;
  /** From the mirror's start to the first checkpoint of the group on the target. */
  firstCheckpointSeconds?: number;
  lagSamples?: CheckpointLagSample[];
}

export interface BenchResult {
  startedAt: string;
  finishedAt?: string;
  command: string;
  mode: 'full' | 'smoke';
  scale: number;
  repeat: number;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; loadAvgStart: number[]; loadAvgEnd?: number[]; node: string; java: string; os: string };
  settings: Record<string, unknown>;
  workloads: Workload[];
  throughput: ThroughputRun[];
  latency: LatencyRun[];
  checkpointLag: CheckpointLagRun[];
  /** `--coordinator-chaos`: one run per delivery mode. */
  coordinatorFailover?: CoordinatorFailoverRun[];
  /** `--failover-fidelity`: one run per mirror. */
  failoverFidelity?: FailoverFidelityRun[];
  notDone: string[];
}

/** Nearest-rank percentile of a sorted array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function mbPerSec(records: number, recordBytes: number, seconds: number): number {
  return (records * recordBytes) / MIB / seconds;
}

/** Median over repetitions of one contender on one workload (complete runs only). */
export interface Summary {
  workload: string;
  contender: Contender;
  runs: number;
  complete: number;
  recordsPerSec?: number;
  mbPerSec?: number;
  cpuSeconds?: number;
  /** CPU seconds per million records copied (copy window). */
  cpuPerMillion?: number;
  peakRssMiB?: number;
  startupSeconds?: number;
  consumeRecordsPerSec?: number;
  produceRecordsPerSec?: number;
  note?: string;
}

function med(runs: ThroughputRun[], pick: (r: ThroughputRun) => number | undefined): number | undefined {
  const values = runs.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
  return values.length ? median(values) : undefined;
}

export function summarize(result: Pick<BenchResult, 'workloads' | 'throughput'>): Summary[] {
  const out: Summary[] = [];
  for (const w of result.workloads) {
    for (const contender of ['limit', 'mm2', 'mirrormaker'] as Contender[]) {
      const runs = result.throughput.filter((r) => r.workload === w.name && r.contender === contender);
      if (runs.length === 0) continue;
      const ok = runs.filter((r) => r.caughtUp);
      out.push({
        workload: w.name,
        contender,
        runs: runs.length,
        complete: ok.length,
        recordsPerSec: med(ok, (r) => r.recordsPerSec),
        mbPerSec: med(ok, (r) => r.mbPerSec),
        cpuSeconds: med(ok, (r) => r.cpuSeconds),
        cpuPerMillion: med(ok, (r) => r.cpuPerMillion),
        peakRssMiB: med(ok, (r) => (r.peakRssBytes !== undefined ? r.peakRssBytes / MIB : undefined)),
        startupSeconds: med(ok, (r) => r.startupSeconds),
        consumeRecordsPerSec: med(ok, (r) => r.consume?.recordsPerSec),
        produceRecordsPerSec: med(ok, (r) => r.produce?.recordsPerSec),
        note: ok.length < runs.length ? runs.find((r) => !r.caughtUp)?.note : undefined,
      });
    }
  }
  return out;
}

const fmtInt = (n: number | undefined) => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));
const fmt1 = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(1));
const fmt2 = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(2));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '—' : `${(a / b).toFixed(2)}×`);

/** The physical limit of a workload: the slower of reading the source and writing the target. */
export function limitRate(s: Summary | undefined): number | undefined {
  if (!s || s.consumeRecordsPerSec === undefined || s.produceRecordsPerSec === undefined) return undefined;
  return Math.min(s.consumeRecordsPerSec, s.produceRecordsPerSec);
}

/** Markdown table of the throughput summaries (median of repetitions). */
export function throughputTable(result: Pick<BenchResult, 'workloads' | 'throughput'>): string {
  const summaries = summarize(result);
  const rows: string[] = [
    '| workload | contender | records/s | MB/s | CPU s (copy) | CPU s / M records | peak RSS MiB | start-up s | us / MM2 | us / limit |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|',
  ];
  for (const w of result.workloads) {
    const of = (c: Contender) => summaries.find((s) => s.workload === w.name && s.contender === c);
    const limit = of('limit');
    const mm2 = of('mm2');
    const us = of('mirrormaker');
    const label = `${w.name} (${fmtInt(w.records)} × ${w.recordBytes} B)`;
    if (limit) {
      rows.push(`| ${label} | limit: ConsumerPerformance (source) | ${fmtInt(limit.consumeRecordsPerSec)} | ${fmt1(limit.consumeRecordsPerSec !== undefined ? mbPerSec(limit.consumeRecordsPerSec, w.recordBytes, 1) : undefined)} | | | | | | |`);
      rows.push(`| ${label} | limit: ProducerPerformance (target) | ${fmtInt(limit.produceRecordsPerSec)} | ${fmt1(limit.produceRecordsPerSec !== undefined ? mbPerSec(limit.produceRecordsPerSec, w.recordBytes, 1) : undefined)} | | | | | | |`);
    }
    for (const [c, s] of [['mm2', mm2], ['mirrormaker', us]] as const) {
      if (!s) continue;
      const done = s.complete > 0;
      const rate = done ? fmtInt(s.recordsPerSec) : `not caught up (${s.complete}/${s.runs})`;
      const vsMm2 = c === 'mirrormaker' ? ratio(us?.recordsPerSec, mm2?.recordsPerSec) : '';
      const vsLimit = ratio(s.recordsPerSec, limitRate(limit));
      rows.push(
        `| ${label} | ${CONTENDER_LABEL[c]} | ${rate} | ${fmt1(s.mbPerSec)} | ${fmt1(s.cpuSeconds)} | ${fmt1(s.cpuPerMillion)} | ${fmtInt(s.peakRssMiB)} | ${fmt1(s.startupSeconds)} | ${vsMm2} | ${vsLimit} |`,
      );
    }
  }
  return rows.join('\n');
}

/** Markdown table of the latency runs. */
export function latencyTable(runs: readonly LatencyRun[]): string {
  if (runs.length === 0) return '';
  const rows = ['| contender | rate rec/s | records | p50 ms | p99 ms | max ms | CPU s/s | note |', '|---|--:|--:|--:|--:|--:|--:|---|'];
  for (const r of runs) {
    rows.push(
      `| ${CONTENDER_LABEL[r.contender]} | ${fmtInt(r.ratePerSec)} | ${fmtInt(r.received)} / ${fmtInt(r.produced)} | ${fmt1(r.p50Ms)} | ${fmt1(r.p99Ms)} | ${fmt1(r.maxMs)} | ${fmt2(r.cpuPerSec)} | ${r.note ?? ''} |`,
    );
  }
  return rows.join('\n');
}

const fmtSeconds = (ms: number | undefined) => (ms === undefined ? '—' : (ms / 1000).toFixed(2));

/** Markdown table of the checkpoint-lag runs. */
export function checkpointLagTable(runs: readonly CheckpointLagRun[]): string {
  if (runs.length === 0) return '';
  const rows = [
    '| contender | interval s | commits | checkpointed | p50 s | p99 s | max s | exact offset | exact p50 s | exact p99 s | exact max s | first checkpoint s | note |',
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const r of runs) {
    const all = `${fmtSeconds(r.p50Ms)} | ${fmtSeconds(r.p99Ms)} | ${fmtSeconds(r.maxMs)}`;
    const exact = `${fmtSeconds(r.exactP50Ms)} | ${fmtSeconds(r.exactP99Ms)} | ${fmtSeconds(r.exactMaxMs)}`;
    rows.push(
      `| ${CHECKPOINT_LABEL[r.contender]} | ${r.intervalSeconds} | ${r.commits} | ${r.checkpointed} / ${r.samples} | ${all} | ${r.exact} | ${exact} | ${fmt1(r.firstCheckpointSeconds)} | ${r.note ?? ''} |`,
    );
  }
  return rows.join('\n');
}

/** Every run, one line each (the repetitions behind the medians). */
export function runsTable(runs: readonly ThroughputRun[]): string {
  const rows = ['| workload | rep | contender | caught up | records/s | MB/s | CPU s | CPU s total | peak RSS MiB | start-up s | total s |', '|---|--:|---|---|--:|--:|--:|--:|--:|--:|--:|'];
  for (const r of runs) {
    const rate = r.contender === 'limit' ? `${fmtInt(r.consume?.recordsPerSec)} / ${fmtInt(r.produce?.recordsPerSec)}` : fmtInt(r.recordsPerSec);
    rows.push(
      `| ${r.workload} | ${r.rep} | ${CONTENDER_LABEL[r.contender]} | ${r.caughtUp ? 'yes' : `no: ${r.note ?? ''}`} | ${rate} | ${fmt1(r.mbPerSec)} | ${fmt1(r.cpuSeconds)} | ${fmt1(r.cpuSecondsTotal)} | ${fmtInt(r.peakRssBytes !== undefined ? r.peakRssBytes / MIB : undefined)} | ${fmt1(r.startupSeconds)} | ${fmt1(r.totalSeconds)} |`,
    );
  }
  return rows.join('\n');
}

const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);

/** A markdown table: the header line, its alignment line (e.g. `|---|--:|`) and one row per cell list. */
function markdownTable(header: string, alignment: string, rows: readonly string[][]): string {
  return [header, alignment, ...rows.map((cells) => `| ${cells.join(' | ')} |`)].join('\n');
}

/** The coordinator failover runs: one row per delivery mode. */
export function failoverTable(runs: readonly CoordinatorFailoverRun[]): string {
  const count = (r: CoordinatorFailoverRun, kind: 'kill' | 'pause') => r.actions.filter((a) => a.kind === kind).length;
  const rows = runs.map((r) =>
    [
      r.mode,
      `${r.ratePerSec.toLocaleString('en-US')} rec/s`,
      `${count(r, 'kill')} kills, ${count(r, 'pause')} pauses of ${r.pauseSeconds} s`,
      r.produced.toLocaleString('en-US'),
      r.complete ? String(r.lost) : '—',
      r.complete ? String(r.duplicates) : '—',
      `${seconds(r.longestGapAfterKillMs)} / ${seconds(r.longestGapAfterPauseMs)} (${seconds(r.baselineGapMs)})`,
      `${seconds(r.electionP50Ms)} / ${seconds(r.electionMaxMs)}`,
      String(r.leaderOverlaps.length),
      String(r.holderOverlaps.length),
      r.leasesFenced === undefined ? '—' : String(r.leasesFenced),
      r.note ?? '',
    ],
  );
  return markdownTable(
    '| delivery | rate | actions on the leader | records | lost | duplicates | longest gap after kill / pause (before any) | election p50 / max | two leaders | two holders of a unit | leases fenced | note |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    rows,
  );
}

/** The failover-fidelity runs: re-reads and misses per failover, one row per mirror. */
export function fidelityTable(runs: readonly FailoverFidelityRun[]): string {
  return markdownTable(
    '| mirror | group reads at | failovers measured | re-reads per failover p50 / max | re-reads total | misses total | failovers with 0 / 0 | target offsets final after p50 / max | note |',
    '|---|---|--:|--:|--:|--:|--:|--:|---|',
    runs.map((r) => [
      CONTENDER_LABEL[r.contender],
      `${r.ratePerSec.toLocaleString('en-US')} rec/s`,
      `${r.measured} / ${r.failovers.length}`,
      `${fmtInt(r.rereadsP50)} / ${fmtInt(r.rereadsMax)}`,
      fmtInt(r.rereadsTotal),
      fmtInt(r.missedTotal),
      `${r.exact} / ${r.measured}`,
      `${seconds(r.settledP50Ms)} / ${seconds(r.settledMaxMs)}`,
      r.note ?? '',
    ]),
  );
}
