// What the end-to-end specs share: every service started as its own process against the two test
// clusters, a control API client, and the checks an operator makes after a change.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { ControlServiceClient } from '@mirrormaker/proto';
import { secureClient } from '@mirrormaker/service-kit';
import { spawnService, testSecurity, type SpawnedService } from '@mirrormaker/service-kit/testing';
import { eventually, freePorts, uniqueName } from '@mirrormaker/testing';

// Every service is its own process on a shared machine: give them time, and poll gently.
export const patiently = { timeoutMs: 60_000, intervalMs: 500 };

/** An alias of our own, so internal topics do not meet other tests' ones on the shared clusters. */
export function uniqueAlias(prefix: string): string {
  return uniqueName(prefix).replace(/[^a-z0-9]/gi, '');
}

/** Lines every end-to-end config needs on the single-broker test clusters, with short lease timings. */
export function testClusterDefaults(): string[] {
  return [
    'replication.factor = 1',
    'checkpoints.topic.replication.factor = 1',
    'offset-syncs.topic.replication.factor = 1',
    'heartbeats.topic.replication.factor = 1',
    'emit.heartbeats.interval.seconds = 1',
    `coordinator.config.topic = ${uniqueName('mm-config')}`,
    'lease.ttl.ms = 4000',
    'lease.renew.interval.ms = 500',
    'lease.grace.ms = 500',
  ];
}

export function rpc<Res>(client: ControlServiceClient, method: string, request: object): Promise<Res> {
  const fn = (client as unknown as Record<string, (...a: unknown[]) => void>)[method]!.bind(client);
  return new Promise((resolve, reject) =>
    fn(request, new grpc.Metadata(), { deadline: Date.now() + 15_000 }, (err: grpc.ServiceError | null, res: Res) => (err ? reject(err) : resolve(res))),
  );
}

export interface InstanceView {
  instanceId: string;
  unitIds: string[];
  appliedConfigRevision: bigint;
  configError: string;
}

export interface WorkerSpec {
  app: 'data-mirror' | 'offset-sync' | 'topic-config-sync' | 'acl-sync';
  /** Give the worker the coordinator's --config file too; otherwise it runs only from what the coordinator sends. */
  ownConfig?: boolean;
  /** Environment of the process, e.g. its own Kafka credentials for `${env:…}` references. */
  env?: Record<string, string>;
}

export interface SystemOptions {
  /** Environment of the coordinator process. */
  coordinatorEnv?: Record<string, string>;
}

export interface RunningSystem {
  services: SpawnedService[];
  control: ControlServiceClient;
  /** Every worker's instance as ListInstances shows it, once all of them report `revision` applied. */
  onRevision(revision: bigint): Promise<InstanceView[]>;
  /** The pid of every process and whether it still runs: unchanged when nothing was restarted. */
  processes(): Array<[number | undefined, number | null]>;
  /**
   * Stops every process of `app` with `signal`, runs `meanwhile` (while none of them runs), and
   * starts them again with the same flags.
   */
  restart(app: WorkerSpec['app'], signal: NodeJS.Signals, meanwhile?: () => Promise<void>): Promise<void>;
  /** Stops every process with SIGTERM; resolves with their exit codes. */
  stop(): Promise<Array<number | null>>;
}

/** Starts the coordinator with `properties` as its --config file, then the workers, each as its own process, all over TLS with tokens. */
export async function startSystem(properties: string[], workers: WorkerSpec[], options: SystemOptions = {}): Promise<RunningSystem> {
  const dir = mkdtempSync(join(tmpdir(), 'mm-e2e-'));
  const config = join(dir, 'mm2.properties');
  writeFileSync(config, [...properties, ''].join('\n'));
  const [controlPort] = await freePorts(1);
  // As in production: TLS everywhere, workers and the coordinator send the services token (worker
  // for leases, viewer for the forwarded TranslateOffsets), the test calls as an operator.
  const sec = testSecurity();
  const common = ['--host', '127.0.0.1', '--metrics-port', '0', ...sec.serviceArgs()];
  const services = [await spawnService('coordinator', ['--config', config, ...common, '--grpc-port', String(controlPort)], options.coordinatorEnv)];
  const ports = await freePorts(workers.length);
  const argsOf = workers.map((w, i) => [...(w.ownConfig ? ['--config', config] : []), ...common, '--grpc-port', String(ports[i]), '--coordinator', `127.0.0.1:${controlPort}`]);
  const started = await Promise.allSettled(workers.map((w, i) => spawnService(w.app, argsOf[i], w.env)));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    // Leave no process behind: the test's afterAll has no system to stop.
    const running = [...services, ...started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))];
    await Promise.allSettled(running.map((s) => s.stop('SIGTERM')));
    throw failed.reason;
  }
  services.push(...started.map((r) => (r as PromiseFulfilledResult<SpawnedService>).value));
  const control = secureClient(ControlServiceClient, `127.0.0.1:${controlPort}`, sec.client('operator'));
  return {
    services,
    control,
    onRevision: (revision) =>
      eventually(
        `every instance on config revision ${revision}`,
        async () => {
          const { instances } = await rpc<{ instances: InstanceView[] }>(control, 'listInstances', {});
          return instances.length === workers.length && instances.every((i) => i.appliedConfigRevision === revision) ? instances : undefined;
        },
        patiently,
      ),
    processes: () => services.map((s) => [s.process.pid, s.process.exitCode]),
    async restart(app, signal, meanwhile) {
      const which = [...workers.keys()].filter((i) => workers[i].app === app);
      for (const i of which) await services[i + 1].stop(signal);
      await meanwhile?.();
      for (const i of which) services[i + 1] = await spawnService(app, argsOf[i], workers[i].env);
    },
    async stop() {
      control.close();
      const exits = await Promise.all(services.map((s) => (s.process.exitCode === null ? s.stop('SIGTERM') : Promise.resolve({ code: s.process.exitCode }))));
      // A test expects every exit to be 0; when one is not, its last lines say why (a forced stop names what it waited on).
      exits.forEach((e, i) => {
        if (e.code === 0) return;
        const last = services[i]!.logs.slice(-8).map((l) => JSON.stringify(l).slice(0, 600));
        console.warn(`service ${i} exited with ${String(e.code)}; its last log lines:\n${last.join('\n')}\nstderr: ${services[i]!.stderr().slice(-2000)}`);
      });
      return exits.map((e) => e.code);
    },
  };
}
