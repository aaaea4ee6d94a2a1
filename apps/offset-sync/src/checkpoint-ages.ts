import type { CheckpointAge } from '@mirrormaker/proto';

/**
 * Per group, when its newest checkpoint was written (the record's timestamp), for the ages a
 * groups unit reports with its lease renewals. Fed by the checkpoints loaded at start (written by
 * an earlier holder or by MM2) and by every checkpoint this unit writes once it is acknowledged,
 * so a group whose offsets do not move shows a growing age rather than none.
 */
export class CheckpointAges {
  private readonly newest = new Map<string, number>();

  /** A checkpoint of `group` with record timestamp `timestamp` (ms); one without a timestamp (< 0) tells nothing. */
  written(group: string, timestamp: number): void {
    if (!(timestamp >= 0)) return;
    const known = this.newest.get(group);
    if (known === undefined || timestamp > known) this.newest.set(group, timestamp);
  }

  /** Per group with a checkpoint, by name: now − its newest checkpoint's timestamp, never negative. */
  ages(now: number): CheckpointAge[] {
    return [...this.newest]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([group, at]) => ({ group, ageMs: BigInt(Math.max(0, Math.round(now - at))) }));
  }
}
