import { Counter } from 'prom-client';
import { startObservabilityServer, type ObservabilityServer } from './http-server';
import { createMetricsRegistry } from './metrics';

describe('observability HTTP server', () => {
  let server: ObservabilityServer | undefined;
  let healthy = true;
  const registry = createMetricsRegistry({ service: 'offset-sync', version: '1.2.3' });

  beforeAll(async () => {
    new Counter({ name: 'mirrormaker_test_total', help: 'test', registers: [registry] }).inc(3);
    server = await startObservabilityServer({
      port: 0,
      host: '127.0.0.1',
      registry,
      health: () => ({ healthy, details: { kafka: healthy ? 'ok' : 'unreachable' } }),
    });
  });
  afterAll(() => server?.close());

  const url = (path: string) => `http://127.0.0.1:${server!.port}${path}`;

  it('serves Prometheus text with build info, process metrics and service metrics', async () => {
    const res = await fetch(url('/metrics'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/mirrormaker_build_info\{service="offset-sync",version="1.2.3",node_version="v[\d.]+"\} 1/);
    expect(text).toContain('mirrormaker_process_resident_memory_bytes');
    expect(text).toContain('mirrormaker_test_total 3');
  });

  it('answers /healthz with 200 when healthy and 503 when not', async () => {
    healthy = true;
    expect((await fetch(url('/healthz'))).status).toBe(200);
    healthy = false;
    const res = await fetch(url('/healthz'));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ healthy: false, details: { kafka: 'unreachable' } });
  });

  it('says where to look on an unknown path', async () => {
    const res = await fetch(url('/nope'));
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('/metrics');
  });
});
