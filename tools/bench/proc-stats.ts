/**
 * CPU time and resident memory of a group of processes, read from Linux /proc every ~200 ms:
 * `/proc/<pid>/stat` (utime + stime, all threads) and `/proc/<pid>/status` (VmRSS, VmHWM).
 * A process that has exited keeps its last reading in the sums, so the CPU total never drops.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcReading {
  /** utime + stime in seconds. */
  cpuSeconds: number;
  /** Current resident set size in bytes. */
  rssBytes: number;
  /** Highest resident set size the kernel saw for the process, in bytes. */
  hwmBytes: number;
}

let ticksPerSecond: number | undefined;

/** Clock ticks per second used by /proc/<pid>/stat (`getconf CLK_TCK`, normally 100). */
export function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const n = Number(out.stdout?.trim());
    ticksPerSecond = Number.isInteger(n) && n > 0 ? n : 100;
  }
  return ticksPerSecond;
}

/** utime + stime (clock ticks) from the text of /proc/<pid>/stat. */
export function parseStatCpuTicks(stat: string): number {
  // The command name (field 2) may hold spaces and parentheses: fields restart after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`unexpected /proc stat line: ${stat.slice(0, 120)}`);
  return utime + stime;
}

/** A `Vm...:   1234 kB` value of /proc/<pid>/status in bytes (0 when absent). */
export function parseStatusKb(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** One reading of a process, or undefined when it is gone (or /proc is not there). */
export function readProcess(pid: number): ProcReading | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      cpuSeconds: parseStatCpuTicks(stat) / clockTicks(),
      rssBytes: parseStatusKb(status, 'VmRSS'),
      hwmBytes: parseStatusKb(status, 'VmHWM'),
    };
  } catch {
    return undefined;
  }
}

export interface GroupSample {
  /** Date.now() of the reading. */
  t: number;
  /** CPU seconds summed over the group since each process started. */
  cpuSeconds: number;
  /** RSS summed over the group's live processes. */
  rssBytes: number;
}

/** CPU seconds used between two times, interpolated between the samples around them. */
export function cpuBetween(samples: readonly GroupSample[], from: number, to: number): number {
  return cpuAt(samples, to) - cpuAt(samples, from);
}

function cpuAt(samples: readonly GroupSample[], t: number): number {
  if (samples.length === 0) return 0;
  const first = samples[0] as GroupSample;
  if (t <= first.t) return first.cpuSeconds;
  for (let i = 1; i < samples.length; i++) {
    const b = samples[i] as GroupSample;
    if (t <= b.t) {
      const a = samples[i - 1] as GroupSample;
      const f = b.t === a.t ? 1 : (t - a.t) / (b.t - a.t);
      return a.cpuSeconds + f * (b.cpuSeconds - a.cpuSeconds);
    }
  }
  return (samples[samples.length - 1] as GroupSample).cpuSeconds;
}

/** Highest summed RSS among the samples taken in [from, to]. */
export function peakRssBetween(samples: readonly GroupSample[], from = -Infinity, to = Infinity): number {
  let peak = 0;
  for (const s of samples) if (s.t >= from && s.t <= to && s.rssBytes > peak) peak = s.rssBytes;
  return peak;
}

/** Samples a changing group of processes until stopped. */
export class ProcessGroupSampler {
  readonly samples: GroupSample[] = [];
  private readonly pids = new Set<number>();
  private readonly last = new Map<number, ProcReading>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 200) {}

  /** Adds a process to the group (and takes a sample at once). */
  add(pid: number): void {
    this.pids.add(pid);
    this.sample();
  }

  start(): void {
    if (this.timer) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  /** Takes a last sample and stops. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
  }

  /** Takes one sample now (also useful right before and after a measured window). */
  sample(): GroupSample {
    let cpu = 0;
    let rss = 0;
    for (const pid of this.pids) {
      const reading = readProcess(pid);
      if (reading) {
        this.last.set(pid, reading);
        rss += reading.rssBytes;
      }
      cpu += (reading ?? this.last.get(pid))?.cpuSeconds ?? 0;
    }
    const s = { t: Date.now(), cpuSeconds: cpu, rssBytes: rss };
    this.samples.push(s);
    return s;
  }

  /** The last reading of each process (VmHWM is its own peak RSS). */
  perProcess(): Map<number, ProcReading> {
    return new Map(this.last);
  }
}
