import { loadMirrorConfigOrThrow } from '@mirrormaker/config';
import { createLeaseTable } from '@mirrormaker/lease';
import { UnitProgress } from '@mirrormaker/proto';
import { flowStatuses, type StatusInputs } from './status-view';

const config = loadMirrorConfigOrThrow(['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true'].join('\n'));

function inputs(progress: UnitProgress[], reportedAt: number, now: number): StatusInputs {
  return {
    config,
    paused: new Set(),
    discoveries: new Map([['A->B', { flow: 'A->B', topics: [{ sourceTopic: 'orders', remoteTopic: 'A.orders', partitions: 3 }], groups: ['billing', 'shipping'] }]]),
    leases: createLeaseTable({ startedAt: 0 }),
    progress: new Map(progress.map((p) => [p.unitId, p])),
    reportedAt: new Map(progress.map((p) => [p.unitId, reportedAt])),
    now,
    errors: [],
    versionOf: () => undefined,
    configStateOf: () => undefined,
  };
}

const partition = (n: number, p50: number, p99: number, samples: bigint) =>
  UnitProgress.fromPartial({ unitId: `partition/A->B/orders/${n}`, position: 9n, sourceEndOffset: 10n, latencyP50Ms: p50, latencyP99Ms: p99, latencySamples: samples });

describe('flowStatuses', () => {
  it("shows a topic's latency as its slowest partition's p50 and p99, leaving out partitions that copied nothing lately", () => {
    const [flow] = flowStatuses(inputs([partition(0, 12, 40, 100n), partition(1, 30, 35, 50n), partition(2, 0, 0, 0n)], 1_000, 1_000));
    const topic = flow!.topics[0]!;
    expect(topic).toMatchObject({ latencyP50Ms: 30, latencyP99Ms: 40, latencySamples: 150n });
    expect(topic.partitions.map((p) => p.latencyP99Ms)).toEqual([40, 35, 0]);
  });

  it('has no latency for a topic none of whose partitions copied anything lately', () => {
    const [flow] = flowStatuses(inputs([], 0, 0));
    expect(flow!.topics[0]).toMatchObject({ latencyP50Ms: 0, latencyP99Ms: 0, latencySamples: 0n });
  });

  it('ages reported checkpoints by the time since the report, and tells groups without one apart', () => {
    const groups = UnitProgress.fromPartial({ unitId: 'groups/A->B/0', checkpoints: [{ group: 'billing', ageMs: 4_000n }, { group: 'legacy', ageMs: 0n }] });
    const [flow] = flowStatuses(inputs([groups], 10_000, 12_500));
    expect(flow!.groupCheckpoints).toEqual([
      { group: 'billing', checkpointAgeMs: 6_500n },
      { group: 'legacy', checkpointAgeMs: 2_500n }, // reported though discovery does not list it
      { group: 'shipping', checkpointAgeMs: -1n }, // no checkpoint yet
    ]);
    expect(flow!.checkpointAgeMs).toBe(2_500n);
  });

  it('reports no checkpoint age for a flow whose groups have none yet', () => {
    const [flow] = flowStatuses(inputs([UnitProgress.fromPartial({ unitId: 'groups/A->B/0' })], 0, 0));
    expect(flow!.checkpointAgeMs).toBe(-1n);
    expect(flow!.groupCheckpoints.map((g) => g.checkpointAgeMs)).toEqual([-1n, -1n]);
  });
});
