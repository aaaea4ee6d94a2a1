import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@mirrormaker/testing';
import { checkHealth, listServicesByReflection } from './service-probe';
import { runServiceToExit, spawnService, type SpawnedService } from './spawn-service';
import { startTestCoordinator, type TestCoordinator } from './test-coordinator';
import { testSecurity } from './test-security';

export interface ServiceProcessContract {
  app: string;
  /** Our gRPC services the app must expose (besides health and reflection). */
  grpcServices: string[];
  /** Flags the app needs to start at all. */
  requiredArgs?: string[];
  /** A worker: it is given a test coordinator, and is healthy only while that answers. */
  worker?: boolean;
}

/**
 * What an operator expects of every service process: it starts on the given ports, serves TLS with
 * tokens, answers health (without credentials) and reflection (to a viewer), serves /metrics, stops
 * cleanly on SIGTERM, and refuses bad input (and a start without TLS or --insecure-plaintext) with
 * one line.
 */
export function describeServiceProcess(contract: ServiceProcessContract): void {
  const { app } = contract;
  const sec = testSecurity();
  const plain = [...(contract.requiredArgs ?? []), '--host', '127.0.0.1', '--grpc-port', '0', '--metrics-port', '0'];
  const local = [...plain, ...sec.serviceArgs()];
  // Flags of a worker whose coordinator answers; 127.0.0.1:1 where only the flag's presence matters.
  let base = contract.worker ? [...local, '--coordinator', '127.0.0.1:1'] : local;

  describe(`${app} process`, () => {
    let svc: SpawnedService;
    let coordinator: TestCoordinator | undefined;

    beforeAll(async () => {
      if (contract.worker) {
        coordinator = await startTestCoordinator([], {}, sec.server());
        base = [...local, '--coordinator', coordinator.address];
      }
      svc = await spawnService(app, base);
    }, 30_000);
    afterAll(async () => {
      if (svc?.process.exitCode === null) await svc.stop('SIGKILL');
      await coordinator?.stop();
    });

    it('logs JSON with its service name and the ports it listens on', () => {
      const started = svc.logs.find((l) => l.msg === `${app} started`)!;
      expect(started).toMatchObject({ service: app, level: 'info' });
      expect(svc.grpcPort).toBeGreaterThan(0);
      expect(svc.metricsPort).toBeGreaterThan(0);
    });

    it('reports SERVING through grpc.health.v1 for the server and each of its services', async () => {
      // A worker serves once its coordinator has answered; health follows within about a second.
      // Health needs TLS but no token: probes carry no credentials.
      const tls = sec.client();
      await eventually('the server SERVING', async () => (await checkHealth(`127.0.0.1:${svc.grpcPort}`, '', tls)) === 'SERVING', { timeoutMs: 15_000 });
      for (const name of contract.grpcServices) expect(await checkHealth(`127.0.0.1:${svc.grpcPort}`, name, tls)).toBe('SERVING');
    });

    it('lists its services through server reflection to a viewer', async () => {
      const services = await listServicesByReflection(`127.0.0.1:${svc.grpcPort}`, sec.client('viewer'));
      expect(services).toEqual(expect.arrayContaining([...contract.grpcServices, 'grpc.health.v1.Health']));
    });

    it('refuses reflection without a token, and any call over plaintext', async () => {
      await expect(listServicesByReflection(`127.0.0.1:${svc.grpcPort}`, sec.client())).rejects.toMatchObject({ code: 16 }); // UNAUTHENTICATED
      await expect(checkHealth(`127.0.0.1:${svc.grpcPort}`)).rejects.toMatchObject({ code: 14 }); // UNAVAILABLE: no TLS handshake
    });

    it('exits with code 2 and one line naming the TLS flags and --insecure-plaintext when given neither', async () => {
      const run = await runServiceToExit(app, contract.worker ? [...plain, '--coordinator', '127.0.0.1:1'] : plain);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain('--tls-cert and --tls-key');
      expect(run.stderr).toContain('--insecure-plaintext');
    });

    it('serves Prometheus metrics with its build info and process metrics', async () => {
      const text = await (await fetch(`http://127.0.0.1:${svc.metricsPort}/metrics`)).text();
      expect(text).toMatch(new RegExp(`mirrormaker_build_info\\{service="${app}",version="[^"]+"`));
      expect(text).toContain('mirrormaker_process_cpu_seconds_total');
    });

    it('stops on SIGTERM with exit code 0 within the shutdown bound', async () => {
      const { code, ms } = await svc.stop('SIGTERM');
      expect(code).toBe(0);
      expect(ms).toBeLessThan(10_000);
      expect(svc.logs.map((l) => l.msg)).toContain(`${app} stopped`);
    });

    it('exits with code 2 and one line naming an unknown flag', async () => {
      const run = await runServiceToExit(app, [...base, '--no-such-flag']);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain('--no-such-flag');
    });

    it('exits non-zero with one line naming the config file, the line, the key and the fix of a config error', async () => {
      const dir = mkdtempSync(join(tmpdir(), `${app}-config-`));
      const path = join(dir, 'mm2.properties');
      writeFileSync(path, ['clusters = A, B', 'A.bootstrap.servers = a:9092', 'B.bootstrap.servers = b:9092', 'A->B.topics = or\\u00Gders'].join('\n'));
      const run = await runServiceToExit(app, [...base, '--config', path]);
      expect(run.code).not.toBe(0);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain(path);
      expect(run.stderr).toMatch(/line 4 A->B\.topics: malformed \\uXXXX escape .*\(fix: /);
    });

    it('exits non-zero with one line naming an unreadable config file', async () => {
      const run = await runServiceToExit(app, [...base, '--config', '/nonexistent/mm2.properties']);
      expect(run.code).not.toBe(0);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain('/nonexistent/mm2.properties');
    });

    if (contract.worker) {
      it('exits with code 2 and one line naming --when-coordinators-unreachable and its choices for an unknown one', async () => {
        const run = await runServiceToExit(app, [...base, '--when-coordinators-unreachable', 'carry-on']);
        expect(run.code).toBe(2);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
        expect(run.stderr).toContain("--when-coordinators-unreachable (MM_WHEN_COORDINATORS_UNREACHABLE) must be one of stop, keep-working, got 'carry-on'");
      });

      it('starts without --config and reports 503 and NOT_SERVING while no coordinator answers', async () => {
        const alone = await spawnService(app, [...local, '--coordinator', '127.0.0.1:1']);
        try {
          const health = await fetch(`http://127.0.0.1:${alone.metricsPort}/healthz`);
          expect(health.status).toBe(503);
          expect(JSON.stringify(await health.json())).toContain('coordinator 127.0.0.1:1 has not answered');
          expect(await checkHealth(`127.0.0.1:${alone.grpcPort}`, '', sec.client())).toBe('NOT_SERVING');
        } finally {
          await alone.stop('SIGKILL');
        }
      });
    }
  });
}
