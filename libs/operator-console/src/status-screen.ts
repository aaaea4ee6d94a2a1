/**
 * What `mirrorctl status` and the live view show of a GetStatus reply: the coordinator and config
 * in force, per flow the age of its checkpoints and a line per topic (offsets mirrored, lag,
 * records and bytes per second, replication latency p50/p99, holders, a progress bar while a
 * backlog is caught up), stalled partitions and reported errors, and the instances with their
 * leases and applied config revision. Pure: the same reply and clock give the same lines.
 *
 * "Mirrored" is the sum over a topic's partitions of the next source offset to copy (position + 1),
 * i.e. how far into the source log the copy has come; it equals the record count while the source
 * keeps every record from offset 0.
 */
import { ServiceKind, type FlowStatus, type GetStatusResponse, type InstanceStatus, type TopicStatus } from '@mirrormaker/proto';
import { formatAge, formatBytes, formatCheckpointAge, formatCount, formatDuration, formatLatency, formatRate } from './format';
import { progressBar } from './progress-bar';
import { renderTable } from './text-table';

export interface StatusScreenOptions {
  /** A row per partition (holder, epoch, position, lag, latency) and per group (checkpoint age) under each flow. @default false */
  partitions?: boolean;
}

const KIND_NAMES: Record<number, string> = {
  [ServiceKind.SERVICE_KIND_DATA_MIRROR]: 'data-mirror',
  [ServiceKind.SERVICE_KIND_OFFSET_SYNC]: 'offset-sync',
  [ServiceKind.SERVICE_KIND_TOPIC_CONFIG_SYNC]: 'topic-config-sync',
  [ServiceKind.SERVICE_KIND_ACL_SYNC]: 'acl-sync',
};

export function kindName(kind: ServiceKind): string {
  return KIND_NAMES[kind] ?? 'unknown';
}

const flowName = (f: FlowStatus) => `${f.flow?.source ?? '?'}->${f.flow?.target ?? '?'}`;

/** Totals of one topic over its partitions; lag is undefined while no partition reported an end offset. */
export interface TopicTotals {
  mirrored: bigint;
  lag: bigint | undefined;
  recordsPerSecond: number;
  bytesPerSecond: number;
  holders: string[];
  unassigned: number;
  stalled: number;
}

export function topicTotals(topic: TopicStatus): TopicTotals {
  let mirrored = 0n;
  let lag: bigint | undefined;
  let recordsPerSecond = 0;
  let bytesPerSecond = 0;
  let unassigned = 0;
  let stalled = 0;
  const holders = new Set<string>();
  for (const p of topic.partitions) {
    if (p.position >= 0n) mirrored += p.position + 1n;
    if (p.lag >= 0n) lag = (lag ?? 0n) + p.lag;
    recordsPerSecond += p.recordsPerSecond;
    bytesPerSecond += p.bytesPerSecond;
    if (p.holder) holders.add(p.holder);
    else unassigned++;
    if (p.stalledReason) stalled++;
  }
  return { mirrored, lag, recordsPerSecond, bytesPerSecond, holders: [...holders].sort(), unassigned, stalled };
}

function holdersText(t: TopicTotals): string {
  const parts = [...t.holders];
  if (t.unassigned > 0) parts.push(`${t.unassigned} unassigned`);
  return parts.join(', ') || '-';
}

function flowState(f: FlowStatus): string {
  if (!f.enabled) return 'disabled';
  return f.paused ? 'paused' : 'running';
}

/**
 * The flow's checkpoints in a few words: the newest one's age, the group whose newest is oldest
 * (the one a failover would move furthest back), and how many groups have none yet. Empty when the
 * flow has no groups to checkpoint.
 */
export function checkpointSummary(f: FlowStatus): string {
  const known = f.groupCheckpoints.filter((g) => g.checkpointAgeMs >= 0n);
  const without = f.groupCheckpoints.length - known.length;
  if (f.groupCheckpoints.length === 0 && f.checkpointAgeMs < 0n) return '';
  if (known.length === 0) return 'no checkpoint yet';
  const parts = [`newest checkpoint ${formatCheckpointAge(f.checkpointAgeMs)}`];
  if (known.length > 1) {
    const oldest = known.reduce((a, b) => (b.checkpointAgeMs > a.checkpointAgeMs ? b : a));
    parts.push(`oldest ${formatDuration(Number(oldest.checkpointAgeMs))} ago (${oldest.group})`);
  }
  if (without > 0) parts.push(`${without} ${without === 1 ? 'group' : 'groups'} without one yet`);
  return parts.join(', ');
}

function coordinatorLines(status: GetStatusResponse): string[] {
  const replicas = status.coordinators.map((c) => `${c.instanceId} (${c.role}${c.address ? ` ${c.address}` : ''})`).join(', ');
  return [
    `coordinator  leader ${status.leaderAddress || 'unknown'}${status.answeredBy && status.answeredBy !== 'leader' ? ` (answered by a ${status.answeredBy} replica)` : ''}   config revision ${status.configRevision} (${status.configSource || '?'})` +
      (replicas ? `   replicas: ${replicas}` : ''),
    ...status.configWarnings.map((w) => `  warning: ${w.key ? `${w.key}: ` : ''}${w.message}${w.hint ? ` (${w.hint})` : ''}`),
  ];
}

function topicRows(f: FlowStatus): string[][] {
  return f.topics.map((t) => {
    const totals = topicTotals(t);
    const catchingUp = totals.lag !== undefined && totals.lag > 0n;
    return [
      `${t.sourceTopic} -> ${t.remoteTopic}`,
      String(t.partitions.length),
      formatCount(totals.mirrored),
      totals.lag === undefined ? '?' : formatCount(totals.lag),
      formatRate(totals.recordsPerSecond),
      `${formatBytes(totals.bytesPerSecond)}/s`,
      formatLatency(t.latencyP50Ms, t.latencyP99Ms, t.latencySamples),
      holdersText(totals),
      catchingUp ? progressBar(totals.mirrored, totals.mirrored + totals.lag!) : totals.stalled > 0 ? `${totals.stalled} stalled` : 'caught up',
    ];
  });
}

function partitionRows(f: FlowStatus): string[][] {
  return f.topics.flatMap((t) =>
    t.partitions.map((p) => [
      t.sourceTopic,
      String(p.partition),
      p.holder || '-',
      p.holder ? String(p.epoch) : '-',
      p.position < 0n ? '-' : formatCount(p.position),
      p.lag < 0n ? '?' : formatCount(p.lag),
      formatRate(p.recordsPerSecond),
      `${formatBytes(p.bytesPerSecond)}/s`,
      formatLatency(p.latencyP50Ms, p.latencyP99Ms, p.latencySamples),
      p.stalledReason || 'ok',
    ]),
  );
}

function flowLines(f: FlowStatus, now: Date, options: StatusScreenOptions): string[] {
  const checkpoints = checkpointSummary(f);
  const lines = [
    `flow ${flowName(f)}   ${flowState(f)}   discovered ${formatAge(f.lastDiscovery, now)} ago   ${f.topics.length} topics   ${f.groups.length} groups with checkpoints` +
      (checkpoints ? `   ${checkpoints}` : ''),
  ];
  if (f.topics.length > 0) {
    const table = renderTable(
      [
        { header: 'TOPIC -> REMOTE' },
        { header: 'PARTS', align: 'right' },
        { header: 'MIRRORED', align: 'right' },
        { header: 'LAG', align: 'right' },
        { header: 'REC/S', align: 'right' },
        { header: 'BYTES/S', align: 'right' },
        { header: 'LATENCY P50 / P99', align: 'right' },
        { header: 'HELD BY' },
        { header: 'PROGRESS' },
      ],
      topicRows(f),
    );
    lines.push(...table.map((l) => `  ${l}`));
  }
  if (options.partitions && f.topics.length > 0) {
    const table = renderTable(
      [
        { header: 'TOPIC' },
        { header: 'PART', align: 'right' },
        { header: 'HOLDER' },
        { header: 'EPOCH', align: 'right' },
        { header: 'POSITION', align: 'right' },
        { header: 'LAG', align: 'right' },
        { header: 'REC/S', align: 'right' },
        { header: 'BYTES/S', align: 'right' },
        { header: 'LATENCY P50 / P99', align: 'right' },
        { header: 'STATE' },
      ],
      partitionRows(f),
    );
    lines.push('', ...table.map((l) => `  ${l}`));
    if (f.groupCheckpoints.length > 0) {
      const groups = renderTable([{ header: 'GROUP' }, { header: 'NEWEST CHECKPOINT', align: 'right' }], f.groupCheckpoints.map((g) => [g.group, formatCheckpointAge(g.checkpointAgeMs)]));
      lines.push('', ...groups.map((l) => `  ${l}`));
    }
  } else {
    for (const t of f.topics) for (const p of t.partitions) if (p.stalledReason) lines.push(`  stalled ${t.sourceTopic}-${p.partition}: ${p.stalledReason}`);
  }
  for (const e of f.errors) lines.push(`  error ${e.unitId} ${e.cause}: ${e.message} (${formatAge(e.at, now)} ago)`);
  return lines;
}

/** Worker instances by kind: leases held, config revision applied (and the one in force when behind), last renewal. */
export function instancesTable(instances: readonly InstanceStatus[], configRevision: bigint, now: Date): string[] {
  if (instances.length === 0) return ['instances  none registered'];
  const rows = [...instances]
    .sort((a, b) => a.kind - b.kind || a.instanceId.localeCompare(b.instanceId))
    .map((i) => [
      i.instanceId,
      kindName(i.kind),
      String(i.unitIds.length),
      `${i.appliedConfigRevision}${i.appliedConfigRevision !== configRevision ? ` (of ${configRevision})` : ''}`,
      formatAge(i.lastRenewal, now),
      i.draining ? 'draining' : '',
      i.version,
    ]);
  const table = renderTable(
    [{ header: 'INSTANCE' }, { header: 'KIND' }, { header: 'LEASES', align: 'right' }, { header: 'CONFIG REV' }, { header: 'RENEWED' }, { header: 'STATE' }, { header: 'VERSION' }],
    rows,
  );
  return [...table, ...instances.filter((i) => i.configError).map((i) => `  ${i.instanceId} cannot apply the newest config: ${i.configError}`)];
}

/** The whole status as lines, for one print or one frame of the live view. */
export function statusScreen(status: GetStatusResponse, now: Date, options: StatusScreenOptions = {}): string[] {
  const lines = coordinatorLines(status);
  if (status.flows.length === 0) lines.push('', 'no enabled flow');
  for (const f of status.flows) lines.push('', ...flowLines(f, now, options));
  lines.push('', ...instancesTable(status.instances, status.configRevision, now));
  return lines;
}

/** One line per topic (and per stalled partition or error): the live view's output when it cannot redraw in place. */
export function statusSummary(status: GetStatusResponse, now: Date): string[] {
  const lines: string[] = [];
  for (const f of status.flows) {
    if (f.topics.length === 0) lines.push(`${flowName(f)} ${flowState(f)}: no topics yet`);
    for (const t of f.topics) {
      const totals = topicTotals(t);
      lines.push(
        `${flowName(f)} ${t.sourceTopic}: mirrored ${formatCount(totals.mirrored)}, lag ${totals.lag === undefined ? '?' : formatCount(totals.lag)}, ` +
          `${formatRate(totals.recordsPerSecond)} rec/s, ${formatBytes(totals.bytesPerSecond)}/s, ` +
          `latency p50/p99 ${formatLatency(t.latencyP50Ms, t.latencyP99Ms, t.latencySamples).replace(' / ', '/')}, held by ${holdersText(totals)}${f.paused ? ' (paused)' : ''}`,
      );
      for (const p of t.partitions) if (p.stalledReason) lines.push(`${flowName(f)} ${t.sourceTopic}-${p.partition} stalled: ${p.stalledReason}`);
    }
    const checkpoints = checkpointSummary(f);
    if (checkpoints) lines.push(`${flowName(f)} checkpoints: ${checkpoints}`);
    for (const e of f.errors) lines.push(`${flowName(f)} error ${e.unitId} ${e.cause}: ${e.message} (${formatAge(e.at, now)} ago)`);
  }
  if (lines.length === 0) lines.push('no enabled flow');
  return lines;
}
