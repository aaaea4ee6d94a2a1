export interface DemoService {
  app: string;
  grpcPort: number;
  metricsPort: number;
}

/** Every service, coordinator first, on its default ports. */
export const DEMO_SERVICES: readonly DemoService[] = [
  { app: 'coordinator', grpcPort: 7000, metricsPort: 9400 },
  { app: 'data-mirror', grpcPort: 7001, metricsPort: 9401 },
  { app: 'offset-sync', grpcPort: 7002, metricsPort: 9402 },
  { app: 'topic-config-sync', grpcPort: 7003, metricsPort: 9403 },
  { app: 'acl-sync', grpcPort: 7004, metricsPort: 9404 },
];

/** Polls each service's /healthz until all answer 200, or throws naming the ones that did not. */
export async function waitHealthy(services: readonly DemoService[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = new Set(services.map((s) => s.app));
  while (pending.size > 0) {
    for (const s of services.filter((x) => pending.has(x.app))) {
      const ok = await fetch(`http://127.0.0.1:${s.metricsPort}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) pending.delete(s.app);
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) throw new Error(`not healthy after ${timeoutMs / 1000} s: ${[...pending].join(', ')}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
