import { findFlow, type MirrorConfig } from '@mirrormaker/config';
import { FetchBuffer } from '@mirrormaker/kafka';
import { parseUnitId } from '@mirrormaker/lease';
import type { HealthReport, Logger, Registry } from '@mirrormaker/observability';
import { UnitProgress, type ErrorReport, type WorkUnit } from '@mirrormaker/proto';
import { idleUnit, unitMetrics, type UnitMetrics, type UnitWorker } from '@mirrormaker/service-kit';
import { planFlow } from './flow-plan';
import { FlowRuntime } from './flow-runtime';
import { HeartbeatUnit } from './heartbeat-unit';
import { MirrorMetrics } from './mirror-metrics';
import type { MirrorUnit } from './mirror-unit';
import { PartitionUnit } from './partition-unit';
import { Reachability } from './reachability';
import type { DataMirrorTimings } from './timings';

export interface DataMirrorOptions {
  /** The config in force at start; undefined until the coordinator sends one. */
  config: MirrorConfig | undefined;
  instanceId: string;
  logger: Logger;
  registry: Registry;
  timings: DataMirrorTimings;
  /** Bounds the bytes fetched and not yet copied, over every flow of the process. @default 16 MiB */
  fetchBuffer?: FetchBuffer;
}

/** What `--fetch-buffer-bytes` defaults to. */
export const DEFAULT_FETCH_BUFFER_BYTES = 16 * 1024 * 1024;

/**
 * The units this instance holds (`partition/<flow>/<topic>/<p>` and `heartbeat/<flow>`), and the
 * per-flow runtimes they share. Called by the LeaseClient: `startUnit` on a grant, the returned
 * worker's `stop` on revocation, expiry or shutdown.
 *
 * A unit granted again while its previous worker (same id, older epoch) is still stopping starts
 * only once that worker has stopped, so two workers never copy the same partition here.
 */
export class DataMirror {
  readonly metrics: MirrorMetrics;
  private readonly unitMetrics: UnitMetrics;
  private readonly reachability: Reachability;
  private readonly flows = new Map<string, FlowRuntime>();
  /** Runtimes of flows a config revision changed: closed once the last unit on them stopped. */
  private readonly retired = new Set<FlowRuntime>();
  private readonly runtimeOfUnit = new Map<string, FlowRuntime>();
  private config: MirrorConfig | undefined;
  private readonly units = new Map<string, MirrorUnit>();
  private readonly stopping = new Map<string, Promise<void>>();
  private readonly logger: Logger;

  private readonly fetchBuffer: FetchBuffer;

  constructor(private readonly options: DataMirrorOptions) {
    this.metrics = new MirrorMetrics(options.registry);
    this.unitMetrics = unitMetrics(options.registry);
    this.reachability = new Reachability(options.timings.unhealthyAfterMs);
    this.fetchBuffer = options.fetchBuffer ?? new FetchBuffer(DEFAULT_FETCH_BUFFER_BYTES);
    const buffer = this.fetchBuffer;
    this.metrics.watchFetchBuffer(() => buffer.usedBytes);
    this.logger = options.logger;
    this.config = options.config;
  }

  /**
   * A new config revision. Units of the `changed` flows are restarted by the lease client; they
   * come back on a new runtime (new clients, new plan), and the old runtime closes once its last
   * unit has stopped.
   */
  applyConfig(config: MirrorConfig, changed: ReadonlySet<string>): void {
    this.config = config;
    for (const name of changed) {
      const runtime = this.flows.get(name);
      if (!runtime) continue;
      this.flows.delete(name);
      this.retired.add(runtime);
      this.closeIfUnused(runtime);
    }
  }

  async startUnit(unit: WorkUnit, epoch: bigint): Promise<UnitWorker> {
    const id = unit.id;
    await this.stopping.get(id);
    await this.units.get(id)?.stop(`re-granted with epoch ${epoch}`);
    const ref = parseUnitId(id);
    let worker: MirrorUnit;
    const flow = this.flowRuntime(ref.flow);
    if (!flow) {
      const why = this.config ? `flow ${ref.flow} is not in this instance's configuration` : 'no config yet: waiting for the coordinator to send a revision';
      worker = unknownFlowUnit(id, why, this.logger, this.unitMetrics);
      this.logger.error({ unit: id }, `${why}; the unit does nothing`);
    } else if (ref.kind === 'partition') {
      const partitionUnit = new PartitionUnit({
        unitId: id,
        epoch,
        topic: ref.topic,
        partition: ref.partition,
        flow,
        metrics: this.metrics,
        ...(flow.plan.flow.metricsPartitionLabelEnabled ? { unitMetrics: this.unitMetrics } : {}),
        timings: this.options.timings,
      });
      partitionUnit.start();
      worker = partitionUnit;
    } else if (ref.kind === 'heartbeat') {
      const heartbeat = new HeartbeatUnit({ unitId: id, epoch, flow, metrics: this.metrics, unitMetrics: this.unitMetrics });
      heartbeat.start();
      worker = heartbeat;
    } else {
      throw new Error(`unit ${id} is not data-mirror work (kind ${ref.kind})`);
    }
    this.units.set(id, worker);
    if (flow) this.runtimeOfUnit.set(id, flow);
    return {
      stop: (reason: string) => {
        const done = worker.stop(reason).finally(() => {
          if (this.units.get(id) === worker) {
            this.units.delete(id);
            this.runtimeOfUnit.delete(id);
          }
          if (this.stopping.get(id) === done) this.stopping.delete(id);
          if (flow) this.closeIfUnused(flow);
        });
        this.stopping.set(id, done);
        return done;
      },
    };
  }

  /** Progress and problems of every held unit, asked for at each lease renewal (progress goes only when changed). */
  report(): { progress: UnitProgress[]; errors: ErrorReport[] } {
    const units = [...this.units.values()];
    return { progress: units.map((u) => u.progress()), errors: units.flatMap((u) => u.errorReports()) };
  }

  health(): HealthReport {
    const { healthy, unreachable } = this.reachability.report(Date.now());
    const stalled = [...this.units.values()].map((u) => u.progress()).filter((p) => p.stalledReason !== '');
    return {
      healthy,
      details: {
        units: this.units.size,
        stalled: stalled.length,
        ...(Object.keys(unreachable).length > 0 ? { unreachable } : {}),
      },
    };
  }

  /** Stops every unit still running (normally the LeaseClient did already) and closes the flows. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.units.values()].map((u) => u.stop('service stopping')));
    await Promise.allSettled([...this.stopping.values()]);
    await Promise.allSettled([...this.flows.values(), ...this.retired].map((f) => f.close()));
    this.flows.clear();
    this.retired.clear();
  }

  private closeIfUnused(runtime: FlowRuntime): void {
    if (!this.retired.has(runtime) || [...this.runtimeOfUnit.values()].includes(runtime)) return;
    this.retired.delete(runtime);
    runtime.close().catch((err: Error) => this.logger.warn({ err: err.message }, 'closing the clients of a replaced flow runtime failed'));
  }

  private flowRuntime(name: string): FlowRuntime | undefined {
    let runtime = this.flows.get(name);
    if (runtime) return runtime;
    const config = this.config;
    const flow = config && findFlow(config, name);
    if (!config || !flow) return undefined;
    runtime = new FlowRuntime({
      config,
      plan: planFlow(config, flow),
      instanceId: this.options.instanceId,
      logger: this.logger,
      metrics: this.metrics,
      reachability: this.reachability,
      timings: this.options.timings,
      fetchBuffer: this.fetchBuffer,
    });
    this.flows.set(name, runtime);
    return runtime;
  }
}

/** Holds a unit whose flow this instance cannot run, and says why in every report. */
function unknownFlowUnit(unitId: string, why: string, logger: Logger, metrics: UnitMetrics): MirrorUnit {
  const idle = idleUnit(unitId, logger, { note: why, problem: { cause: 'UNKNOWN_FLOW', message: why }, metrics });
  return {
    ...idle,
    progress: () => UnitProgress.fromPartial({ unitId, position: -1n, sourceEndOffset: -1n, stalledReason: idle.status.problemSummary() }),
  };
}
