import { loadMirrorConfigOrThrow } from '@mirrormaker/config';
import { createLogger, createMetricsRegistry } from '@mirrormaker/observability';
import { DataMirror } from './data-mirror';
import { DEFAULT_TIMINGS } from './timings';

describe('DataMirror units', () => {
  const config = loadMirrorConfigOrThrow(['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.enabled = true'].join('\n'));
  const mirror = () =>
    new DataMirror({
      config,
      instanceId: 'i1',
      logger: createLogger({ service: 'data-mirror', level: 'silent' }),
      registry: createMetricsRegistry({ service: 'data-mirror', version: 'test' }),
      timings: DEFAULT_TIMINGS,
    });

  it('holds a unit of a flow it does not know, and reports why it does nothing', async () => {
    const m = mirror();
    const worker = await m.startUnit({ id: 'partition/A->C/orders/0', flow: { source: 'A', target: 'C' } }, 1n);
    const { progress, errors } = m.report();
    expect(progress).toEqual([expect.objectContaining({ unitId: 'partition/A->C/orders/0', position: -1n, stalledReason: expect.stringContaining('UNKNOWN_FLOW') })]);
    expect(errors.map((e) => e.cause)).toEqual(['UNKNOWN_FLOW']);
    await worker.stop('test');
    expect(m.report().progress).toEqual([]);
    await m.close();
  });

  it('refuses units of other services', async () => {
    const m = mirror();
    await expect(m.startUnit({ id: 'topics/A->B', flow: { source: 'A', target: 'B' } }, 1n)).rejects.toThrow(/not data-mirror work/);
    await expect(m.startUnit({ id: 'nonsense', flow: undefined }, 1n)).rejects.toThrow();
    await m.close();
  });

  it('is healthy with nothing to do', async () => {
    const m = mirror();
    expect(m.health()).toEqual({ healthy: true, details: { units: 0, stalled: 0 } });
    await m.close();
  });
});
