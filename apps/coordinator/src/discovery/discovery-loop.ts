import type { FlowConfig } from '@mirrormaker/config';
import type { KafkaAdmin } from '@mirrormaker/kafka';
import type { Logger, Registry } from '@mirrormaker/observability';
import { Backoff } from '@mirrormaker/service-kit';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { FlowDiscovery } from './flow-discovery-result';
import { discoverFlow } from './source-discovery';

interface FlowLoop {
  flow: FlowConfig;
  timer?: NodeJS.Timeout;
  running?: Promise<void>;
  backoff: Backoff;
}

export interface DiscoveryLoopOptions {
  /** The admin client of a cluster alias. */
  adminFor(alias: string): KafkaAdmin;
  logger: Logger;
  metrics: Registry;
  /** Called after a pass that changed what a flow replicates. */
  onChange(flow: string): void;
  now?: () => number;
}

/**
 * Re-discovers each enabled flow every `refresh.topics.interval.seconds` (and on demand). A failed
 * pass keeps the previous result, so existing leases keep running, records the error for status,
 * and retries with backoff no later than the next interval.
 */
export class DiscoveryLoop {
  private readonly loops = new Map<string, FlowLoop>();
  private readonly results = new Map<string, FlowDiscovery>();
  private readonly log: Logger;
  private readonly now: () => number;
  private stopped = false;
  private readonly runs: Counter<string>;
  private readonly duration: Histogram<string>;

  constructor(private readonly options: DiscoveryLoopOptions) {
    this.log = options.logger.child({ component: 'discovery' });
    this.now = options.now ?? Date.now;
    const registers = [options.metrics];
    this.runs = new Counter({ name: 'mirrormaker_discovery_runs_total', help: 'Discovery passes by flow and outcome.', labelNames: ['flow', 'outcome'], registers });
    this.duration = new Histogram({ name: 'mirrormaker_discovery_duration_seconds', help: 'Time a discovery pass takes.', labelNames: ['flow'], registers });
    const results = this.results;
    new Gauge({
      name: 'mirrormaker_discovered_partitions',
      help: 'Source partitions a flow replicates, as last discovered.',
      labelNames: ['flow'],
      registers,
      collect() {
        for (const r of results.values()) this.set({ flow: r.flow }, r.topics.reduce((n, t) => n + t.partitions, 0));
      },
    });
  }

  /** Follows a new config: starts loops for new flows, stops those of flows no longer enabled. */
  setFlows(flows: readonly FlowConfig[]): void {
    const wanted = new Map(flows.filter((f) => f.enabled).map((f) => [f.name, f]));
    for (const [name, loop] of this.loops) {
      if (!wanted.has(name)) {
        clearTimeout(loop.timer);
        this.loops.delete(name);
        this.results.delete(name);
      }
    }
    for (const [name, flow] of wanted) {
      const existing = this.loops.get(name);
      if (existing) {
        existing.flow = flow;
        continue;
      }
      const loop: FlowLoop = { flow, backoff: new Backoff({ initialMs: 500, maxMs: 30_000 }) };
      this.loops.set(name, loop);
      this.results.set(name, { flow: name, topics: [], groups: [] });
      this.schedule(loop, 0);
    }
  }

  /** Discovers the given flows (all when empty) now, and resolves when those passes are done. */
  async refresh(flows: readonly string[] = []): Promise<void> {
    const targets = flows.length > 0 ? flows.map((f) => this.loops.get(f)).filter((l): l is FlowLoop => !!l) : [...this.loops.values()];
    await Promise.all(targets.map((loop) => this.runNow(loop)));
  }

  result(flow: string): FlowDiscovery | undefined {
    return this.results.get(flow);
  }

  all(): ReadonlyMap<string, FlowDiscovery> {
    return this.results;
  }

  stop(): void {
    this.stopped = true;
    for (const loop of this.loops.values()) clearTimeout(loop.timer);
  }

  private schedule(loop: FlowLoop, delayMs: number): void {
    clearTimeout(loop.timer);
    if (this.stopped) return;
    loop.timer = setTimeout(() => void this.runNow(loop), delayMs);
  }

  private runNow(loop: FlowLoop): Promise<void> {
    loop.running ??= this.pass(loop).finally(() => {
      loop.running = undefined;
    });
    return loop.running;
  }

  private async pass(loop: FlowLoop): Promise<void> {
    const { flow } = loop;
    const intervalMs = flow.refreshTopicsIntervalSeconds * 1000;
    const stopTimer = this.duration.startTimer({ flow: flow.name });
    const previous = this.results.get(flow.name);
    try {
      const found = await discoverFlow(this.options.adminFor(flow.source), flow);
      stopTimer();
      this.runs.inc({ flow: flow.name, outcome: 'ok' });
      loop.backoff.reset();
      const changed = JSON.stringify(found.topics) !== JSON.stringify(previous?.topics ?? []);
      this.results.set(flow.name, { flow: flow.name, ...found, lastSuccessAt: this.now() });
      if (changed) {
        this.log.info({ flow: flow.name, topics: found.topics.length, partitions: found.topics.reduce((n, t) => n + t.partitions, 0) }, 'discovered topics changed');
        this.options.onChange(flow.name);
      }
      if (this.loops.get(flow.name) === loop && flow.refreshTopicsEnabled) this.schedule(loop, intervalMs);
    } catch (err) {
      stopTimer();
      this.runs.inc({ flow: flow.name, outcome: 'error' });
      const message = `cannot discover topics of flow ${flow.name} on cluster ${flow.source}: ${(err as Error).message}`;
      this.results.set(flow.name, { ...(previous ?? { flow: flow.name, topics: [], groups: [] }), error: { message, at: this.now() } });
      const retryMs = Math.min(loop.backoff.next(), intervalMs);
      this.log.warn({ flow: flow.name, retryInMs: retryMs }, message);
      if (this.loops.get(flow.name) === loop) this.schedule(loop, retryMs);
    }
  }
}
