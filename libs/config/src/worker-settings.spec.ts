import { findFlow } from './flow-accessors';
import { loadMirrorConfig } from './mirror-config-loader';
import { offsetFlushIntervalMs, WORKER_SETTINGS } from './worker-settings';

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
