// `npm start`: the whole system on one machine. Starts two local Kafka clusters (source, target),
// builds and starts every service against them, produces demo orders on the source and shows one
// screen, redrawn every two seconds, of them arriving on the target with the coordinator's status
// (plain lines instead when stdout is not a terminal). Ctrl-C stops all. gRPC is TLS with tokens
// and listens on 127.0.0.1 only (demo-security.ts); the output says how to call it.
//   npm start -- --exit-after 20    stop by itself after 20 s (used by the smoke test)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@mirrormaker/observability';
import { ControlConnection, formatCount, LiveView, statusScreen, statusSummary } from '@mirrormaker/operator-console';
import { tlsClient } from '@mirrormaker/service-kit';
import { DEFAULT_PORTS, startTwoClusters, type TwoClusters } from '@mirrormaker/testing';
import { demoProperties } from './demo-config';
import { demoSecurity, type DemoSecurity } from './demo-security';
import { DEMO_SERVICES, waitHealthy, type DemoService } from './demo-services';
import { DEMO_REMOTE_TOPIC, DEMO_TOPIC, DemoTraffic } from './demo-traffic';

const root = join(__dirname, '../..');
const workDir = join(root, 'tmp/demo');

function say(message: string): void {
  process.stdout.write(`[demo] ${message}\n`);
}

function buildApps(): void {
  say('building the services ...');
  const res = spawnSync(join(root, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', '--outputStyle=static'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_ISOLATE_PLUGINS: 'false', NX_TUI: 'false' },
  });
  if (res.status !== 0) throw new Error('building the services failed (see above)');
}

function startService(service: DemoService, configPath: string, security: DemoSecurity): ChildProcess {
  const args = [join(root, 'dist/apps', service.app, 'main.js'), '--config', configPath, '--grpc-port', String(service.grpcPort), '--metrics-port', String(service.metricsPort)];
  args.push('--host', '127.0.0.1', ...security.serviceArgs);
  if (service.app !== 'coordinator') args.push('--coordinator', `localhost:${DEMO_SERVICES[0].grpcPort}`);
  const logFile = join(workDir, `${service.app}.log`);
  // The advertised address (offset-sync's, for forwarded calls) is a name the certificate holds.
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MM_ADVERTISED_HOST: 'localhost' } });
  const sink = createWriteStream(logFile);
  child.stdout!.pipe(sink);
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[${service.app}] ${d}`));
  return child;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'exit-after': { type: 'string' } } });
  const exitAfterSeconds = values['exit-after'] ? Number(values['exit-after']) : undefined;
  mkdirSync(workDir, { recursive: true });

  buildApps();
  const security = demoSecurity(workDir);
  say('starting two local Kafka clusters (the first run downloads Apache Kafka with Maven) ...');
  const clusters: TwoClusters = await startTwoClusters({ baseDir: join(workDir, 'kafka'), ports: DEFAULT_PORTS, log: (m) => say(m) });
  const children: ChildProcess[] = [];
  // Set once the services are up; the stop path may run before that.
  const demo: { traffic?: DemoTraffic; ticker?: NodeJS.Timeout; control?: ControlConnection } = {};
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    clearInterval(demo.ticker);
    demo.control?.close();
    await demo.traffic?.close();
    say('stopping the services and clusters ...');
    await Promise.all(
      children.map((c) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : (c.once('exit', () => resolve()), c.kill('SIGTERM'))))),
    );
    await clusters.stopAll();
    say('stopped');
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  try {
    const configPath = join(workDir, 'mm2.properties');
    writeFileSync(configPath, demoProperties(clusters.source.bootstrap, clusters.target.bootstrap));
    for (const service of DEMO_SERVICES) {
      const child = startService(service, configPath, security);
      children.push(child);
      child.once('exit', (code) => {
        if (!stopping) {
          say(`${service.app} exited with code ${code}; see ${join(workDir, `${service.app}.log`)}`);
          void stopAll(1);
        }
      });
    }
    await waitHealthy(DEMO_SERVICES, 30_000);
  } catch (err) {
    say(`failed: ${(err as Error).message}`);
    await stopAll(1);
    return;
  }

  say('');
  say(`source cluster  ${clusters.source.bootstrap}   (SASL ${clusters.source.saslBootstrap})`);
  say(`target cluster  ${clusters.target.bootstrap}   (SASL ${clusters.target.saslBootstrap})`);
  for (const s of DEMO_SERVICES) {
    say(`${s.app.padEnd(18)} healthy   gRPC 127.0.0.1:${s.grpcPort}   metrics http://127.0.0.1:${s.metricsPort}/metrics`);
  }
  say(`config ${join(workDir, 'mm2.properties')}, service logs in ${workDir}/`);
  say('');
  const ca = relative(root, security.caCert);
  const token = relative(root, security.operatorTokenFile);
  say('gRPC is TLS with bearer tokens (plaintext and calls without a token are refused). With mirrorctl:');
  say(`  npx mirrorctl --tls-ca ${ca} --token-file ${token} status --watch`);
  say(`  npx mirrorctl --tls-ca ${ca} --token-file ${token} flows list     (mirrorctl --help for more)`);
  say('With grpcurl:');
  say(`  grpcurl -cacert ${ca} -H "authorization: Bearer $(cat ${token})" \\`);
  say(`    localhost:${DEMO_SERVICES[0].grpcPort} mirrormaker.v1.ControlService/GetStatus`);
  say(`Any gRPC client: trust ${ca} and send the metadata "authorization: Bearer <operator token>".`);

  const traffic = new DemoTraffic(clusters.source.bootstrap, clusters.target.bootstrap, createLogger({ service: 'demo', level: 'silent' }));
  demo.traffic = traffic;
  await traffic.createTopic();
  await traffic.produce(1000);
  say(`produced 1000 orders to source:${DEMO_TOPIC}; mirroring to target:${DEMO_REMOTE_TOPIC} ...`);
  say(exitAfterSeconds ? `stopping in ${exitAfterSeconds} s` : 'press Ctrl-C to stop everything');
  say('');
  const control = new ControlConnection({
    coordinator: `localhost:${DEMO_SERVICES[0].grpcPort}`,
    security: tlsClient(readFileSync(security.caCert), readFileSync(security.operatorTokenFile, 'utf8').trim()),
    tokenSource: `--token-file ${token}`,
    deadlineMs: 5000,
  });
  demo.control = control;
  const view = new LiveView(process.stdout);
  const began = Date.now();
  const t = traffic;
  demo.ticker = setInterval(() => {
    void (async () => {
      await t.produce(10);
      const mirrored = await t.mirrored().catch(() => 0n);
      const now = new Date();
      const seconds = ((now.getTime() - began) / 1000).toFixed(0);
      const arrivals = `after ${seconds.padStart(3)} s: ${formatCount(t.produced)} produced on source:${DEMO_TOPIC}, ${formatCount(mirrored)} mirrored to target:${DEMO_REMOTE_TOPIC}`;
      const status = await control.status().catch((err: Error) => err);
      if (status instanceof Error) {
        view.show({ screen: [arrivals, '', `status: ${status.message}`], plain: [`[demo] ${arrivals}`, `[demo] status: ${status.message}`] });
      } else {
        view.show({ screen: [arrivals, '', ...statusScreen(status, now)], plain: [`[demo] ${arrivals}`, ...statusSummary(status, now).map((l) => `[demo] ${l}`)] });
      }
    })().catch((err: Error) => say(`traffic: ${err.message}`));
  }, 2000);
  if (exitAfterSeconds) setTimeout(() => void stopAll(0), exitAfterSeconds * 1000);
}

main().catch((err: Error) => {
  process.stderr.write(`[demo] ${err.message}\n`);
  process.exit(1);
});
