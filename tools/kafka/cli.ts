/**
 * Local Apache Kafka clusters for development, tests and benchmarks (no Docker needed).
 *
 *   npm run kafka -- <command> [options]        (same as: npx tsx tools/kafka/cli.ts <command>)
 *
 * See tools/kafka/README.md.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  DEFAULT_PORTS,
  KAFKA_TOOLS,
  KafkaCluster,
  TEST_CLUSTERS_ENV,
  buildTestClustersInfo,
  clusterStatus,
  defaultDataRoot,
  ensureKafka,
  findJava,
  listClusterDirs,
  portsFromBase,
  readClusterState,
  stopAll,
  stopClusterAt,
  toolJvmArgs,
  toolMainClass,
  writeTestClustersFile,
  type ClusterPorts,
  type JvmProfile,
  type KafkaProfile,
} from '@mirrormaker/testing';

const USAGE = `Local Apache Kafka clusters (single-node KRaft, run from Maven Central jars).

Usage: npm run kafka -- <command> [options]

Commands:
  fetch [--profile broker|mm2|all] [--force]
        Download the Kafka jars into the cache (done automatically by "up").
  up    Start clusters in the background. Without --name: "source" and "target".
        --name NAME             start one cluster only
        --port N                its PLAINTEXT port; SASL = N+1, CONTROLLER = N+2
        --sasl-port N, --controller-port N   override those
        --jit full              full JIT + 1 GiB heap (benchmarks) instead of fast start
        --keep-data             keep the data of the previous run
  down  [--name NAME]           Stop clusters (all of them by default).
  status [--json]               Show the clusters, their ports and pids.
  env                           Print the export line for ${TEST_CLUSTERS_ENV}.
  tool <name|main.Class> [args...]
        Run a Kafka command line tool with the cached jars, e.g.
        tool topics --bootstrap-server 127.0.0.1:19092 --list
        Tools: ${Object.keys(KAFKA_TOOLS).join(', ')}

Common options:
  --data-root DIR               where clusters live (default: MM_KAFKA_DATA or .cache/kafka/clusters)

Default ports:   PLAINTEXT  SASL_PLAINTEXT  CONTROLLER
  source         ${DEFAULT_PORTS.source.plaintext}      ${DEFAULT_PORTS.source.sasl}           ${DEFAULT_PORTS.source.controller}
  target         ${DEFAULT_PORTS.target.plaintext}      ${DEFAULT_PORTS.target.sasl}           ${DEFAULT_PORTS.target.controller}
SASL/PLAIN users: admin/admin-secret (super user), alice/alice-secret, bob/bob-secret.
`;

class UsageError extends Error {}

interface Parsed {
  command: string;
  flags: Map<string, string | true>;
  rest: string[];
}

const VALUE_FLAGS = new Set(['name', 'port', 'sasl-port', 'controller-port', 'jit', 'data-root', 'profile']);
const BOOLEAN_FLAGS = new Set(['keep-data', 'json', 'force', 'help']);

function parseArgs(argv: string[]): Parsed {
  const [command = 'help', ...args] = argv;
  const flags = new Map<string, string | true>();
  if (command === 'tool') return { command, flags, rest: args };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'`);
    const [rawName, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (BOOLEAN_FLAGS.has(rawName)) flags.set(rawName, true);
    else if (VALUE_FLAGS.has(rawName)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`--${rawName} needs a value`);
      flags.set(rawName, value);
    } else throw new UsageError(`unknown option --${rawName}`);
  }
  return { command, flags, rest: [] };
}

function str(flags: Parsed['flags'], name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

function num(flags: Parsed['flags'], name: string): number | undefined {
  const v = str(flags, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new UsageError(`--${name} must be a port number, got '${v}'`);
  return n;
}

const say = (message: string): void => {
  process.stderr.write(`[kafka] ${message}\n`);
};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function cmdFetch(p: Parsed): Promise<void> {
  const which = str(p.flags, 'profile') ?? 'broker';
  const profiles: KafkaProfile[] = which === 'all' ? ['broker', 'mm2'] : [which as KafkaProfile];
  for (const profile of profiles) {
    if (profile !== 'broker' && profile !== 'mm2') throw new UsageError(`--profile must be broker, mm2 or all`);
    const dist = await ensureKafka({ profile, force: p.flags.has('force'), log: say });
    console.log(`${profile}: Kafka ${dist.version} in ${dist.classpathDir} (${dist.fetched ? 'fetched' : 'cached'}, ${seconds(dist.elapsedMs)})`);
  }
}

/** Writes <dataRoot>/clusters.json when both source and target run; returns its path. */
function writeConnectionFile(dataRoot: string): string | undefined {
  const source = readClusterState(join(dataRoot, 'source'));
  const target = readClusterState(join(dataRoot, 'target'));
  if (!source?.pid || !target?.pid) return undefined;
  const file = join(dataRoot, 'clusters.json');
  writeTestClustersFile(file, buildTestClustersInfo(source, target, 'cli'));
  return file;
}

async function cmdUp(p: Parsed, dataRoot: string): Promise<void> {
  const name = str(p.flags, 'name');
  const jitFlag = str(p.flags, 'jit');
  if (jitFlag !== undefined && jitFlag !== 'full' && jitFlag !== 'fast') throw new UsageError(`--jit must be full or fast`);
  const jvm: JvmProfile = jitFlag === 'full' ? 'full-jit' : 'fast-start';
  const wanted: { name: string; ports: ClusterPorts }[] = [];
  if (name === undefined) {
    if (p.flags.has('port') || p.flags.has('sasl-port') || p.flags.has('controller-port')) {
      throw new UsageError('port options need --name (the two default clusters use the documented ports)');
    }
    wanted.push({ name: 'source', ports: { ...DEFAULT_PORTS.source } }, { name: 'target', ports: { ...DEFAULT_PORTS.target } });
  } else {
    const base = num(p.flags, 'port');
    const fallback = name === 'source' || name === 'target' ? DEFAULT_PORTS[name] : undefined;
    if (base === undefined && !fallback) throw new UsageError(`--port is required for cluster '${name}'`);
    const ports = base !== undefined ? portsFromBase(base) : { ...(fallback as ClusterPorts) };
    ports.sasl = num(p.flags, 'sasl-port') ?? ports.sasl;
    ports.controller = num(p.flags, 'controller-port') ?? ports.controller;
    wanted.push({ name, ports });
  }
  await ensureKafka({ profile: 'broker', log: say });
  const started = Date.now();
  const results = await Promise.allSettled(
    wanted.map(async (w) => {
      const status = await clusterStatus(join(dataRoot, w.name));
      if (status.state === 'running') {
        say(`cluster '${w.name}' is already running (pid ${status.info.pid}, ${status.info.bootstrap})`);
        return;
      }
      await new KafkaCluster({ name: w.name, ports: w.ports, dataRoot, jvm, keepData: p.flags.has('keep-data'), detached: true, log: say }).start();
    }),
  );
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length > 0) throw new Error(failed.map((f) => (f.reason as Error).message).join('\n\n'));
  say(`ready after ${seconds(Date.now() - started)}`);
  await printStatus(dataRoot, false);
  const file = writeConnectionFile(dataRoot);
  if (file) console.log(`\nFor tests against these clusters:\n  export ${TEST_CLUSTERS_ENV}=${file}`);
}

async function cmdDown(p: Parsed, dataRoot: string): Promise<void> {
  const name = str(p.flags, 'name');
  if (name !== undefined) {
    const stopped = await stopClusterAt(join(dataRoot, name), { log: say });
    console.log(stopped ? `stopped '${name}'` : `'${name}' was not running`);
    return;
  }
  const stopped = await stopAll(dataRoot, { log: say });
  console.log(stopped.length > 0 ? `stopped: ${stopped.join(', ')}` : 'no cluster was running');
}

async function printStatus(dataRoot: string, json: boolean): Promise<void> {
  const statuses = await Promise.all(listClusterDirs(dataRoot).map((dir) => clusterStatus(dir)));
  if (json) {
    console.log(JSON.stringify(statuses, null, 2));
    return;
  }
  if (statuses.length === 0) {
    console.log(`no clusters under ${dataRoot}`);
    return;
  }
  const rows = [['NAME', 'STATE', 'PLAINTEXT', 'SASL', 'CONTROLLER', 'PID', 'LOG']];
  for (const s of statuses) {
    if (s.state === 'unknown') {
      rows.push([s.dir, 'unknown', '', '', '', '', '']);
      continue;
    }
    const state = s.state === 'running' ? (s.answering ? 'running' : 'not answering') : 'stopped';
    const { ports } = s.info;
    rows.push([s.info.name, state, String(ports.plaintext), String(ports.sasl), String(ports.controller), s.state === 'running' ? String(s.info.pid) : '-', s.info.logFile]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

function cmdEnv(dataRoot: string): void {
  const file = writeConnectionFile(dataRoot);
  if (!file) throw new Error(`source and target are not both running under ${dataRoot}: run \`npm run kafka -- up\` first`);
  console.log(`export ${TEST_CLUSTERS_ENV}=${file}`);
}

async function cmdTool(p: Parsed): Promise<number> {
  const [tool, ...args] = p.rest;
  if (!tool) throw new UsageError(`tool needs a name (${Object.keys(KAFKA_TOOLS).join(', ')}) or a main class`);
  const dist = await ensureKafka({ profile: tool === 'mirror-maker' ? 'mm2' : 'broker', log: say });
  const java = findJava();
  const child = spawn(java.command, [...toolJvmArgs(dist), toolMainClass(tool), ...args], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, sig) => resolve(code ?? (sig ? 128 : 1)));
  });
}

async function main(argv: string[]): Promise<number> {
  const p = parseArgs(argv);
  const dataRoot = str(p.flags, 'data-root') ?? defaultDataRoot();
  if (p.flags.has('help')) p.command = 'help';
  switch (p.command) {
    case 'fetch':
      await cmdFetch(p);
      return 0;
    case 'up':
      await cmdUp(p, dataRoot);
      return 0;
    case 'down':
      await cmdDown(p, dataRoot);
      return 0;
    case 'status':
      await printStatus(dataRoot, p.flags.has('json'));
      return 0;
    case 'env':
      cmdEnv(dataRoot);
      return 0;
    case 'tool':
      return cmdTool(p);
    case 'help':
    case '-h':
    case '--help':
      console.log(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command '${p.command}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(`error: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
