import { ServiceKind, type GetStatusResponse } from '@mirrormaker/proto';
import { statusScreen, statusSummary, topicTotals } from './status-screen';

const now = new Date('2026-12-01T10:00:00Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);

function status(): GetStatusResponse {
  return {
    configRevision: 4n,
    configSource: 'stored',
    leaderAddress: 'localhost:7000',
    answeredBy: 'leader',
    coordinators: [{ instanceId: 'coord-0', address: 'localhost:7000', role: 'leader', configRevision: 4n }],
    configWarnings: [],
    flows: [
      {
        flow: { source: 'source', target: 'target' },
        enabled: true,
        paused: false,
        lastDiscovery: ago(3),
        groups: ['billing', 'shipping', 'audit-reader'],
        checkpointAgeMs: 4_200n,
        groupCheckpoints: [
          { group: 'audit-reader', checkpointAgeMs: -1n },
          { group: 'billing', checkpointAgeMs: 4_200n },
          { group: 'shipping', checkpointAgeMs: 720_000n },
        ],
        errors: [{ unitId: 'partition/source->target/orders/1', cause: 'RECORD_TOO_LARGE', message: 'record of 2 MiB at offset 7', at: ago(10) }],
        topics: [
          {
            sourceTopic: 'orders',
            remoteTopic: 'source.orders',
            latencyP50Ms: 12,
            latencyP99Ms: 1450,
            latencySamples: 3600n,
            partitions: [
              { partition: 0, holder: 'dm-1', epoch: 3n, position: 599n, lag: 400n, recordsPerSecond: 120, bytesPerSecond: 61_440, stalledReason: '', latencyP50Ms: 12, latencyP99Ms: 1450, latencySamples: 3600n },
              {
                partition: 1,
                holder: 'dm-2',
                epoch: 1n,
                position: 6n,
                lag: 0n,
                recordsPerSecond: 0,
                bytesPerSecond: 0,
                stalledReason: 'record too large at offset 7',
                latencyP50Ms: 0,
                latencyP99Ms: 0,
                latencySamples: 0n,
              },
            ],
          },
          {
            sourceTopic: 'audit',
            remoteTopic: 'source.audit',
            latencyP50Ms: 0,
            latencyP99Ms: 0,
            latencySamples: 0n,
            partitions: [{ partition: 0, holder: '', epoch: 0n, position: -1n, lag: -1n, recordsPerSecond: 0, bytesPerSecond: 0, stalledReason: '', latencyP50Ms: 0, latencyP99Ms: 0, latencySamples: 0n }],
          },
        ],
      },
    ],
    instances: [
      { instanceId: 'dm-2', kind: ServiceKind.SERVICE_KIND_DATA_MIRROR, unitIds: ['a'], lastRenewal: ago(1), draining: false, version: '0.1.0', appliedConfigRevision: 3n, configError: 'bad key' },
      { instanceId: 'os-1', kind: ServiceKind.SERVICE_KIND_OFFSET_SYNC, unitIds: ['g'], lastRenewal: ago(2), draining: true, version: '0.1.0', appliedConfigRevision: 4n, configError: '' },
      { instanceId: 'dm-1', kind: ServiceKind.SERVICE_KIND_DATA_MIRROR, unitIds: ['b', 'c'], lastRenewal: ago(1), draining: false, version: '0.1.0', appliedConfigRevision: 4n, configError: '' },
    ],
  };
}

describe('topicTotals', () => {
  it('sums offsets mirrored, lag and rate over partitions, and counts unassigned and stalled ones', () => {
    const [orders, audit] = status().flows[0]!.topics;
    expect(topicTotals(orders!)).toEqual({ mirrored: 607n, lag: 400n, recordsPerSecond: 120, bytesPerSecond: 61_440, holders: ['dm-1', 'dm-2'], unassigned: 0, stalled: 1 });
    expect(topicTotals(audit!)).toEqual({ mirrored: 0n, lag: undefined, recordsPerSecond: 0, bytesPerSecond: 0, holders: [], unassigned: 1, stalled: 0 });
  });
});

describe('statusScreen', () => {
  const lines = statusScreen(status(), now);
  const text = lines.join('\n');

  it('names the leader and the config revision in force', () => {
    expect(lines[0]).toBe('coordinator  leader localhost:7000   config revision 4 (stored)   replicas: coord-0 (leader localhost:7000)');
  });

  it('shows a topic line with its totals, holders and a progress bar while a backlog is caught up', () => {
    const orders = lines.find((l) => l.includes('orders -> source.orders'))!;
    expect(orders).toMatch(/orders -> source\.orders\s+2\s+607\s+400\s+120\s+60\.0 KiB\/s\s+12 ms \/ 1\.4 s\s+dm-1, dm-2\s+\[#{12}-{8}\]\s+60%/);
    const audit = lines.find((l) => l.includes('audit -> source.audit'))!;
    expect(audit).toMatch(/audit -> source\.audit\s+1\s+0\s+\?\s+0\s+0 B\/s\s+-\s+1 unassigned\s+caught up/);
    expect(lines.find((l) => l.includes('TOPIC -> REMOTE'))).toMatch(/BYTES\/S\s+LATENCY P50 \/ P99\s+HELD BY/);
  });

  it("shows the flow's newest checkpoint age, its most behind group and the groups without one", () => {
    expect(text).toContain(
      'flow source->target   running   discovered 3 s ago   2 topics   3 groups with checkpoints   ' +
        'newest checkpoint 4.2 s ago, oldest 12 min ago (shipping), 1 group without one yet',
    );
  });

  it('tells a flow whose groups have no checkpoint yet from one with a fresh checkpoint', () => {
    const flow = status().flows[0]!;
    const none = { ...flow, checkpointAgeMs: -1n, groupCheckpoints: flow.groupCheckpoints.map((g) => ({ ...g, checkpointAgeMs: -1n })) };
    expect(statusScreen({ ...status(), flows: [none] }, now)[2]).toMatch(/groups with checkpoints {3}no checkpoint yet$/);
    const fresh = { ...flow, checkpointAgeMs: 0n, groupCheckpoints: [{ group: 'billing', checkpointAgeMs: 0n }] };
    expect(statusScreen({ ...status(), flows: [fresh] }, now)[2]).toMatch(/newest checkpoint 0 ms ago$/);
    const noGroups = { ...flow, groups: [], checkpointAgeMs: -1n, groupCheckpoints: [] };
    expect(statusScreen({ ...status(), flows: [noGroups] }, now)[2]).toMatch(/0 groups with checkpoints$/);
  });

  it('lists stalled partitions and reported errors under their flow', () => {
    expect(text).toContain('  stalled orders-1: record too large at offset 7');
    expect(text).toContain('  error partition/source->target/orders/1 RECORD_TOO_LARGE: record of 2 MiB at offset 7 (10 s ago)');
  });

  it('lists instances by kind with their lease count and flags one behind the config revision', () => {
    const start = lines.findIndex((l) => l.startsWith('INSTANCE'));
    expect(lines.slice(start, start + 4).map((l) => l.split(/\s{2,}/).slice(0, 4))).toEqual([
      ['INSTANCE', 'KIND', 'LEASES', 'CONFIG REV'],
      ['dm-1', 'data-mirror', '2', '4'],
      ['dm-2', 'data-mirror', '1', '3 (of 4)'],
      ['os-1', 'offset-sync', '1', '4'],
    ]);
    expect(lines[start + 3]).toContain('draining');
    expect(text).toContain('  dm-2 cannot apply the newest config: bad key');
  });

  it('shows a row per partition when asked', () => {
    const rows = statusScreen(status(), now, { partitions: true }).filter((l) => /^\s+orders\s+\d/.test(l));
    expect(rows.map((l) => l.trim().split(/\s{2,}/))).toEqual([
      ['orders', '0', 'dm-1', '3', '599', '400', '120', '60.0 KiB/s', '12 ms / 1.4 s', 'ok'],
      ['orders', '1', 'dm-2', '1', '6', '0', '0', '0 B/s', '-', 'record too large at offset 7'],
    ]);
  });

  it('shows a row per group with the age of its newest checkpoint when asked', () => {
    const lines = statusScreen(status(), now, { partitions: true });
    const start = lines.findIndex((l) => l.trim().startsWith('GROUP'));
    expect(lines.slice(start, start + 4).map((l) => l.trim().split(/\s{2,}/))).toEqual([
      ['GROUP', 'NEWEST CHECKPOINT'],
      ['audit-reader', 'none yet'],
      ['billing', '4.2 s ago'],
      ['shipping', '12 min ago'],
    ]);
  });

  it('says so when no flow is enabled', () => {
    expect(statusScreen({ ...status(), flows: [], instances: [] }, now)).toContain('no enabled flow');
  });
});

describe('statusSummary', () => {
  it('gives one plain line per topic, stalled partition, flow checkpoints and error', () => {
    expect(statusSummary(status(), now)).toEqual([
      'source->target orders: mirrored 607, lag 400, 120 rec/s, 60.0 KiB/s, latency p50/p99 12 ms/1.4 s, held by dm-1, dm-2',
      'source->target orders-1 stalled: record too large at offset 7',
      'source->target audit: mirrored 0, lag ?, 0 rec/s, 0 B/s, latency p50/p99 -, held by 1 unassigned',
      'source->target checkpoints: newest checkpoint 4.2 s ago, oldest 12 min ago (shipping), 1 group without one yet',
      'source->target error partition/source->target/orders/1 RECORD_TOO_LARGE: record of 2 MiB at offset 7 (10 s ago)',
    ]);
  });
});

describe('statusScreen from a replica that does not lead', () => {
  it('says which kind of replica answered', () => {
    expect(statusScreen({ ...status(), answeredBy: 'starting', flows: [], instances: [] }, now)[0]).toContain('leader localhost:7000 (answered by a starting replica)');
  });
});
