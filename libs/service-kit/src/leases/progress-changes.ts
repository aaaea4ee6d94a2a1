import type { UnitProgress } from '@mirrormaker/proto';

/**
 * What of a worker's unit progress the coordinator has not seen yet on this session. The
 * coordinator keeps each held unit's last report, so a renewal carries only the units whose
 * progress changed: an idle unit is reported once, not twice a second.
 */
export class ProgressChanges {
  private readonly sent = new Map<string, UnitProgress>();

  /**
   * The entries of `progress` that differ from what was last taken for their unit. The coordinator
   * keeps only the progress of units listed as held with it, so only theirs counts as sent: the
   * others go out every time, and a unit held again has its progress sent again.
   */
  take(progress: readonly UnitProgress[], held: ReadonlySet<string>): UnitProgress[] {
    for (const unitId of this.sent.keys()) if (!held.has(unitId)) this.sent.delete(unitId);
    const changed: UnitProgress[] = [];
    for (const p of progress) {
      const before = this.sent.get(p.unitId);
      if (before && sameProgress(before, p)) continue;
      if (held.has(p.unitId)) this.sent.set(p.unitId, p);
      changed.push(p);
    }
    return changed;
  }

  /** A new session (perhaps with another coordinator replica): everything goes out again. */
  reset(): void {
    this.sent.clear();
  }
}

function sameProgress(a: UnitProgress, b: UnitProgress): boolean {
  return (
    a.position === b.position &&
    a.sourceEndOffset === b.sourceEndOffset &&
    a.recordsPerSecond === b.recordsPerSecond &&
    a.bytesPerSecond === b.bytesPerSecond &&
    a.stalledReason === b.stalledReason &&
    a.latencyP50Ms === b.latencyP50Ms &&
    a.latencyP99Ms === b.latencyP99Ms &&
    a.latencySamples === b.latencySamples &&
    a.checkpoints.length === b.checkpoints.length &&
    a.checkpoints.every((c, i) => c.group === b.checkpoints[i].group && c.ageMs === b.checkpoints[i].ageMs)
  );
}
