import { encodeHeartbeat } from '@mirrormaker/mm2-formats';
import type { Logger } from '@mirrormaker/observability';
import { UnitProgress, type ErrorReport } from '@mirrormaker/proto';
import { UnitStatus, type UnitMetrics } from '@mirrormaker/service-kit';
import type { FlowRuntime } from './flow-runtime';
import type { MirrorMetrics } from './mirror-metrics';
import type { MirrorUnit } from './mirror-unit';
import type { MirrorUnitCause } from './mirror-unit-causes';

export interface HeartbeatUnitOptions {
  unitId: string;
  epoch: bigint;
  flow: FlowRuntime;
  metrics: MirrorMetrics;
  unitMetrics?: UnitMetrics;
  now?: () => number;
}

/**
 * MM2's heartbeat connector for one flow: every `emit.heartbeats.interval.seconds` a Heartbeat
 * (source alias, target alias, now) goes to partition 0 of the target's `heartbeats` topic, the
 * record timestamped with the same instant. The topic is created when missing (1 partition,
 * compacted). A flow with `emit.heartbeats.enabled=false` writes nothing.
 */
export class HeartbeatUnit implements MirrorUnit {
  readonly unitId: string;
  private readonly flow: FlowRuntime;
  private readonly logger: Logger;
  readonly status: UnitStatus<MirrorUnitCause>;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private stopped = false;
  private sent = 0n;

  constructor(private readonly options: HeartbeatUnitOptions) {
    this.unitId = options.unitId;
    this.flow = options.flow;
    this.now = options.now ?? Date.now;
    this.logger = options.flow.logger.child({ unit: options.unitId, epoch: options.epoch.toString() });
    this.status = new UnitStatus({ unitId: options.unitId, now: this.now, ...(options.unitMetrics ? { metrics: options.unitMetrics } : {}) });
  }

  start(): void {
    const plan = this.flow.plan;
    if (!plan.emitHeartbeats) {
      this.logger.info('emit.heartbeats.enabled=false for this flow; writing no heartbeats');
      this.status.setIdle('emit.heartbeats.enabled=false for this flow');
      return;
    }
    this.status.setPhase('running');
    this.logger.info({ topic: plan.heartbeatsTopic.name, intervalMs: plan.heartbeatIntervalMs }, 'heartbeat unit started');
    this.timer = setInterval(() => {
      if (!this.sending) this.sending = this.beat().finally(() => (this.sending = undefined));
    }, plan.heartbeatIntervalMs);
    this.sending = this.beat().finally(() => (this.sending = undefined));
  }

  async stop(reason: string): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.sending;
    this.status.setStopped(reason);
    this.logger.info({ reason, sent: this.sent.toString() }, 'heartbeat unit stopped');
  }

  progress(): UnitProgress {
    return UnitProgress.fromPartial({ unitId: this.unitId, position: this.sent - 1n, sourceEndOffset: -1n, stalledReason: this.status.problemSummary() });
  }

  errorReports(): ErrorReport[] {
    return this.status.errorReports();
  }

  private async beat(): Promise<void> {
    if (this.stopped) return;
    const plan = this.flow.plan;
    const timestamp = BigInt(this.now());
    try {
      const topic = await this.flow.heartbeatsTopic();
      if (this.stopped) return;
      const { key, value } = encodeHeartbeat({ sourceClusterAlias: plan.source, targetClusterAlias: plan.target, timestamp });
      await this.flow.producer().send(topic, [{ partition: 0, key, value, timestamp }], { acks: 'all' });
      this.sent += 1n;
      this.options.metrics.heartbeatSent(plan.name, plan.source, plan.target);
      this.flow.noteSuccess('target');
      if (this.status.resolve().length > 0) this.logger.info('heartbeats written again');
    } catch (err) {
      this.options.metrics.error(plan.name, 'HEARTBEAT_FAILED');
      this.flow.noteFailure('target', err);
      const message = `cannot write a heartbeat to ${plan.heartbeatsTopic.name} on ${plan.target}: ${(err as Error).message}`;
      if (this.status.report({ cause: 'HEARTBEAT_FAILED', message, retriable: true })) this.logger.warn(message);
    }
  }
}
