/**
 * mirrormaker as the benchmark runs it: coordinator + one data-mirror + topic-config-sync (plus
 * offset-sync in the checkpoint-lag phase), each its own Node process, started the way an operator
 * would (`node dist/apps/<app>/main.js --config ...`), from a bundle of the same build (the smoke
 * test), or straight from the TypeScript sources through tsx.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts } from '@mirrormaker/testing';
import { startProcess, type Started } from './processes';

/** Every app the bench builds; the coordinator must come first when starting. */
export const OUR_APPS = ['coordinator', 'data-mirror', 'topic-config-sync', 'offset-sync'] as const;
export type OurApp = (typeof OUR_APPS)[number];

/** What copies records: the copy and latency runs start only these. */
export const COPY_APPS: readonly OurApp[] = ['coordinator', 'data-mirror', 'topic-config-sync'];

/**
 * 'dist': dist/apps/<app>/main.js as `nx run <app>:build` makes it (the bench runs the nx build first);
 * 'bundle': the same esbuild bundle, written to the bench's own directory (fast, leaves dist alone:
 * the smoke test uses it); 'source': apps/<app>/src/main.ts through tsx (slow start).
 */
export type ServiceMode = 'dist' | 'bundle' | 'source';

export const repoRoot = join(__dirname, '../..');

/** Builds the apps with nx (cached when nothing changed). */
export function buildOurApps(log: (m: string) => void): void {
  log(`building ${OUR_APPS.join(', ')} with nx ...`);
  const res = spawnSync(join(repoRoot, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', '-p', OUR_APPS.join(','), '--outputStyle=static'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_ISOLATE_PLUGINS: 'false', NX_TUI: 'false' },
  });
  if (res.status !== 0) throw new Error('building the services failed (see above)');
}

/**
 * Bundles the apps like tools/scripts/build-app.mjs does, into `outDir/<app>/main.js` (npm
 * packages stay external and resolve from the repository's node_modules).
 */
export async function bundleOurApps(outDir: string, log: (m: string) => void): Promise<void> {
  const descriptor = join(repoRoot, 'libs/proto/src/gen/descriptor.binpb');
  if (!existsSync(descriptor)) throw new Error(`${descriptor} is missing: run \`npx nx run proto:generate\` first`);
  log(`bundling ${OUR_APPS.join(', ')} with esbuild into ${outDir} ...`);
  const { build } = await import('esbuild');
  await Promise.all(
    OUR_APPS.map(async (app) => {
      await build({
        entryPoints: [join(repoRoot, 'apps', app, 'src/main.ts')],
        outfile: join(outDir, app, 'main.js'),
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        sourcemap: true,
        packages: 'external',
        tsconfig: join(repoRoot, 'tsconfig.base.json'),
        logLevel: 'warning',
      });
      mkdirSync(join(outDir, app, 'gen'), { recursive: true });
      copyFileSync(descriptor, join(outDir, app, 'gen/descriptor.binpb'));
    }),
  );
}

/** Where bundle mode puts the apps of one invocation. */
export const bundleDirOf = (workDir: string) => join(workDir, 'build');

function entry(app: OurApp, mode: ServiceMode, bundleDir: string): string[] {
  if (mode === 'source') return ['--import', 'tsx', join(repoRoot, 'apps', app, 'src/main.ts')];
  const main = mode === 'bundle' ? join(bundleDir, app, 'main.js') : join(repoRoot, 'dist/apps', app, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build it (npx nx run ${app}:build) or run without --no-build`);
  return [main];
}

export interface ServiceLaunch {
  app: OurApp;
  configPath: string;
  grpcPort: number;
  metricsPort: number;
  instanceId: string;
  /** Coordinator address(es), comma separated; not for the coordinator itself. */
  coordinator?: string;
  /** stdout and stderr (JSON log lines), appended. */
  logFile: string;
  /** Process name in the registry; default the app. */
  name?: string;
  /** Extra Node options (e.g. the CPU profiler). */
  nodeOptions?: string[];
}

/** Starts one of our services as its own Node process, the way an operator would. */
export function launchOurService(mode: ServiceMode, bundleDir: string, l: ServiceLaunch): Started {
  const args = [...(l.nodeOptions ?? []), ...entry(l.app, mode, bundleDir), '--config', l.configPath, '--host', '127.0.0.1', '--grpc-port', String(l.grpcPort), '--metrics-port', String(l.metricsPort)];
  // Plaintext on loopback: the bench measures the data path (Kafka to Kafka); gRPC carries only leases.
  args.push('--instance-id', l.instanceId, '--insecure-plaintext');
  if (l.coordinator) args.push('--coordinator', l.coordinator);
  return startProcess(l.name ?? l.app, process.execPath, args, { cwd: repoRoot, logFile: l.logFile });
}

export interface OurMirror {
  processes: Started[];
  /** Stops the other services first, the coordinator last. */
  stop(): Promise<void>;
}

/** Resolves once the service answers /healthz on its metrics port; throws if it exits first or after `timeoutMs`. */
export async function waitHealthy(name: string, proc: Started, metricsPort: number, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.hasExited()) throw new Error(`${name} exited during start-up; see ${logFile}`);
    const ok = await fetch(`http://127.0.0.1:${metricsPort}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${name} not healthy after ${timeoutMs / 1000} s; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Writes the config and starts the services (`apps`, default COPY_APPS; the coordinator first) on
 * free ports; resolves once each answers /healthz. `onStart` is told each pid at once (so the
 * sampler sees start-up costs too).
 */
export async function startOurMirror(
  workDir: string,
  propertiesText: string,
  mode: ServiceMode,
  bundleDir: string,
  onStart: (p: Started) => void,
  options: { startTimeoutMs?: number; profile?: boolean; apps?: readonly OurApp[] } = {},
): Promise<OurMirror> {
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const apps = options.apps ?? COPY_APPS;
  if (apps[0] !== 'coordinator') throw new Error('the coordinator must be the first app started');
  const configPath = join(workDir, 'mm2.properties');
  writeFileSync(configPath, propertiesText);
  const ports = await freePorts(apps.length * 2);
  const processes: Started[] = [];
  const stop = async () => {
    const [coordinator, ...others] = processes;
    await Promise.allSettled(others.map((p) => p.stop()));
    await coordinator?.stop();
  };
  try {
    let coordinatorAddress = '';
    for (const [i, app] of apps.entries()) {
      const grpcPort = ports[2 * i] as number;
      const metricsPort = ports[2 * i + 1] as number;
      const nodeOptions = options.profile && app === 'data-mirror' ? ['--cpu-prof', `--cpu-prof-dir=${join(workDir, 'profiles')}`] : [];
      if (app === 'coordinator') coordinatorAddress = `127.0.0.1:${grpcPort}`;
      const logFile = join(workDir, `${app}.log`);
      const proc = launchOurService(mode, bundleDir, {
        app,
        configPath,
        grpcPort,
        metricsPort,
        instanceId: `bench-${app}`,
        coordinator: app === 'coordinator' ? undefined : coordinatorAddress,
        logFile,
        nodeOptions,
      });
      processes.push(proc);
      onStart(proc);
      // The others need the coordinator; they start together once it answers.
      if (app === 'coordinator') await waitHealthy(app, proc, metricsPort, startTimeoutMs, logFile);
    }
    await Promise.all(
      processes.slice(1).map((p, i) => waitHealthy(p.name, p, ports[2 * (i + 1) + 1] as number, startTimeoutMs, join(workDir, `${p.name}.log`))),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { processes, stop };
}
