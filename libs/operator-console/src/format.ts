/** How the console writes numbers, rates and ages: short, and the same everywhere. */

/** 1234567 → "1,234,567". */
export function formatCount(n: bigint | number): string {
  return n.toLocaleString('en-US');
}

/** Records per second: "0", "8.5", "1,234". */
export function formatRate(perSecond: number): string {
  if (perSecond <= 0) return '0';
  return perSecond < 100 ? perSecond.toFixed(1) : formatCount(Math.round(perSecond));
}

/** Bytes per second: "0 B", "512 B", "1.5 KiB", "12 MiB". */
export function formatBytes(perSecond: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = Math.max(0, perSecond);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** Time since `at`: "4 s", "12 min", "3 h"; "-" when unknown. */
export function formatAge(at: Date | undefined, now: Date): string {
  if (!at) return '-';
  return formatSeconds(Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000)));
}

/** A duration in ms, for latencies and checkpoint ages: "850 ms", "4.2 s", "37 s", "12 min", "3 h". */
export function formatDuration(ms: number): string {
  const value = Math.max(0, ms);
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 10_000) return `${(value / 1000).toFixed(1)} s`;
  return formatSeconds(Math.round(value / 1000));
}

/** Replication latency as "p50 / p99"; "-" when nothing was copied lately (no samples). */
export function formatLatency(p50Ms: number, p99Ms: number, samples: bigint): string {
  return samples > 0n ? `${formatDuration(p50Ms)} / ${formatDuration(p99Ms)}` : '-';
}

/** A checkpoint's age as the status carries it: "4.2 s ago", or "none yet" for -1. */
export function formatCheckpointAge(ageMs: bigint): string {
  return ageMs < 0n ? 'none yet' : `${formatDuration(Number(ageMs))} ago`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
