import { findFlow } from './flow-accessors';
import { loadMirrorConfig } from './mirror-config-loader';
import { offsetFlushIntervalMs, offsetStorageTopicLayout, WORKER_SETTINGS } from './worker-settings';

const BASE = ['clusters = A, B, C', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'C.bootstrap.servers = c:9092'];

function flushOf(flow: string, ...lines: string[]): number {
  const { config } = loadMirrorConfig([...BASE, ...lines].join('\n'));
  return offsetFlushIntervalMs(config, findFlow(config, flow)!);
}

describe('offsetFlushIntervalMs', () => {
  it('takes the target cluster’s value, so every flow into that cluster stores positions at that pace', () => {
    expect(flushOf('A->B', 'B.offset.flush.interval.ms = 1500')).toBe(1500);
    expect(flushOf('C->B', 'B.offset.flush.interval.ms = 1500')).toBe(1500);
    expect(flushOf('A->C', 'B.offset.flush.interval.ms = 1500')).toBe(WORKER_SETTINGS.offsetFlushIntervalMs.defaultValue);
  });

  it('ignores the key at top level, per flow and on the source cluster, as MM2 does', () => {
    const ours = WORKER_SETTINGS.offsetFlushIntervalMs.defaultValue;
    expect(flushOf('A->B', 'offset.flush.interval.ms = 1500', 'A->B.offset.flush.interval.ms = 1500', 'A.offset.flush.interval.ms = 1500')).toBe(ours);
  });

  it('defaults to a few seconds instead of MM2’s minute', () => {
    expect(WORKER_SETTINGS.offsetFlushIntervalMs.mm2Default).toBe(60_000);
    expect(WORKER_SETTINGS.offsetFlushIntervalMs.defaultValue).toBe(5_000);
  });
});

describe('offsetStorageTopicLayout', () => {
  const layoutOf = (flow: string, ...lines: string[]) => {
    const { config } = loadMirrorConfig([...BASE, ...lines].join('\n'));
    return offsetStorageTopicLayout(config, findFlow(config, flow)!);
  };

  it("lays the positions topic out as Connect does, but with the broker's default replication factor unless one is set", () => {
    expect(layoutOf('A->B')).toEqual({ name: 'mm2-offsets.A.internal', partitions: 25, replicationFactor: -1 });
    expect(layoutOf('A->B', 'B.offset.storage.partitions = 5', 'B.offset.storage.replication.factor = 2', 'B.offset.storage.topic = positions')).toEqual({
      name: 'positions',
      partitions: 5,
      replicationFactor: 2,
    });
  });

  it('takes top-level values for every flow, as MM2 hands offset.storage.* to each worker', () => {
    expect(layoutOf('C->A', 'offset.storage.replication.factor = 1')).toEqual({ name: 'mm2-offsets.C.internal', partitions: 25, replicationFactor: 1 });
  });

  it('refuses a value that is no replication factor or partition count at load, naming the key', () => {
    const { problems } = loadMirrorConfig([...BASE, 'offset.storage.replication.factor = three', 'B.offset.storage.partitions = 0'].join('\n'));
    expect(problems.filter((p) => p.severity === 'error').map((p) => p.key)).toEqual(['offset.storage.replication.factor', 'B.offset.storage.partitions']);
  });
});
