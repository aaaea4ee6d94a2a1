import { findFlow, heartbeatFlows, loadMirrorConfigOrThrow } from '@mirrormaker/config';
import type { FlowDiscovery } from './flow-discovery-result';
import { workUnits } from './work-units';

const config = loadMirrorConfigOrThrow(
  ['clusters = A, B', 'A.bootstrap.servers = a:1', 'B.bootstrap.servers = b:1', 'A->B.enabled = true', 'A->B.sync.topic.acls.enabled = false'].join('\n'),
  { env: {}, readFile: () => '' },
);
const discovered = new Map<string, FlowDiscovery>([
  ['A->B', { flow: 'A->B', topics: [{ sourceTopic: 'orders', remoteTopic: 'A.orders', partitions: 2 }], groups: [] }],
]);

describe('workUnits', () => {
  it('leases each partition, the flow-level units and heartbeats of every heartbeat pair', () => {
    expect(workUnits(config.flows, heartbeatFlows(config), discovered, new Set()).sort()).toEqual(
      ['topics/A->B', 'groups/A->B/0', 'partition/A->B/orders/0', 'partition/A->B/orders/1', 'heartbeat/A->B', 'heartbeat/B->A'].sort(),
    );
  });

  it('gives a paused flow no work', () => {
    const units = workUnits(config.flows, heartbeatFlows(config), discovered, new Set(['A->B']));
    expect(units).toEqual(['heartbeat/B->A']);
  });

  it('gives a disabled flow nothing but its heartbeats', () => {
    const flow = findFlow(config, 'B->A')!;
    expect(flow.enabled).toBe(false);
    expect(workUnits([flow], [], discovered, new Set())).toEqual([]);
  });

  it('leases no checkpoints, ACL sync or heartbeats when their MM2 intervals are negative', () => {
    const negative = loadMirrorConfigOrThrow(
      [
        'clusters = A, B',
        'A.bootstrap.servers = a:1',
        'B.bootstrap.servers = b:1',
        'A->B.enabled = true',
        'emit.checkpoints.interval.seconds = -1',
        'sync.topic.acls.interval.seconds = -1',
        'emit.heartbeats.interval.seconds = -1',
      ].join('\n'),
      { env: {}, readFile: () => '' },
    );
    expect(workUnits(negative.flows, heartbeatFlows(negative), discovered, new Set()).sort()).toEqual(
      ['topics/A->B', 'partition/A->B/orders/0', 'partition/A->B/orders/1'].sort(),
    );
  });
});
