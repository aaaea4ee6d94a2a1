/**
 * Whether the Kafka clusters this instance works with answer. A cluster counts as unreachable from
 * the first failed call after the last successful one; the service reports itself unhealthy once
 * any cluster has been unreachable for longer than `unhealthyAfterMs`, so an orchestrator restarts
 * (or stops routing to) an instance that has been cut off for long, not one that saw a blip.
 */
export class Reachability {
  private readonly failingSince = new Map<string, { since: number; lastError: string }>();

  constructor(private readonly unhealthyAfterMs: number) {}

  success(cluster: string): void {
    this.failingSince.delete(cluster);
  }

  failure(cluster: string, error: string, now: number): void {
    const current = this.failingSince.get(cluster);
    this.failingSince.set(cluster, { since: current?.since ?? now, lastError: error });
  }

  /** Forget a cluster nothing uses any more. */
  forget(cluster: string): void {
    this.failingSince.delete(cluster);
  }

  report(now: number): { healthy: boolean; unreachable: Record<string, { forMs: number; lastError: string }> } {
    const unreachable: Record<string, { forMs: number; lastError: string }> = {};
    let healthy = true;
    for (const [cluster, { since, lastError }] of this.failingSince) {
      const forMs = now - since;
      unreachable[cluster] = { forMs, lastError };
      if (forMs > this.unhealthyAfterMs) healthy = false;
    }
    return { healthy, unreachable };
  }
}
