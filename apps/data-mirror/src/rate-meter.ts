/**
 * Records and bytes per second over a sliding window, for the progress a unit reports with each
 * lease renewal. Counts are kept in one-second buckets; the rate is the sum over the window
 * divided by the window length (or by the time since the meter started, if shorter).
 */
export class RateMeter {
  private readonly buckets = new Map<number, { records: number; bytes: number }>();

  constructor(
    private readonly startedAt: number,
    private readonly windowMs = 10_000,
  ) {}

  add(records: number, bytes: number, now: number): void {
    const second = Math.floor(now / 1000);
    const bucket = this.buckets.get(second) ?? { records: 0, bytes: 0 };
    bucket.records += records;
    bucket.bytes += bytes;
    this.buckets.set(second, bucket);
    this.prune(now);
  }

  rates(now: number): { recordsPerSecond: number; bytesPerSecond: number } {
    this.prune(now);
    let records = 0;
    let bytes = 0;
    for (const b of this.buckets.values()) {
      records += b.records;
      bytes += b.bytes;
    }
    const seconds = Math.max(1, Math.min(this.windowMs, now - this.startedAt)) / 1000;
    return { recordsPerSecond: records / seconds, bytesPerSecond: bytes / seconds };
  }

  private prune(now: number): void {
    const oldest = Math.floor((now - this.windowMs) / 1000);
    for (const second of this.buckets.keys()) if (second <= oldest) this.buckets.delete(second);
  }
}
