/**
 * One independent single-node Kafka cluster (KRaft, broker+controller in one JVM) on loopback ports.
 *
 * Layout of <dataRoot>/<name>/:
 *   cluster.json        state: pid, ports, paths, cluster id (lets another process stop it)
 *   server.properties   broker configuration
 *   log4j2.properties   logging configuration (everything goes to server.log)
 *   server.log          broker log
 *   stdout.log          JVM standard output/error (JVM errors, crashes)
 *   data/               Kafka log directory (wiped on start unless keepData)
 */
import { parseProperties } from '@mirrormaker/config';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import {
  BROKER_STARTED_LOG_LINE,
  checkClusterName,
  DEFAULT_SUPER_USERS,
  DEFAULT_USERS,
  LOOPBACK,
  brokerProperties,
  jvmOptions,
  log4j2Properties,
  newClusterId,
  tlsJvmOptions,
  type BrokerTls,
  type ClusterPorts,
  type JvmProfile,
  type SaslUser,
} from './kafka-config';
import { ensureKafka, findJava, finishCdsRecording, planCds, type KafkaDistribution } from './kafka-distribution';
import { brokerAnswers } from './kafka-protocol';
import { defaultDataRoot } from './paths';
import { isPortFree, isProcessAlive, processCommandLine, sleep, tailFile, tailText, waitForExit } from './process-util';
import { renderProperties } from './properties';

export interface KafkaClusterOptions {
  /** Directory name and label, e.g. "source". Letters, digits, '.', '_', '-'. */
  name: string;
  ports: ClusterPorts;
  /** Parent directory of the cluster directory (default: MM_KAFKA_DATA or <repo>/.cache/kafka/clusters). */
  dataRoot?: string;
  /** Additional SASL/PLAIN users (username -> password), on top of admin, alice and bob. */
  users?: Record<string, string>;
  /** SASL users that bypass ACLs (default: admin). ANONYMOUS (PLAINTEXT listener) always does. */
  superUsers?: string[];
  /** Keep the data directory of a previous run (default: wipe it and format a fresh cluster). */
  keepData?: boolean;
  /** JVM profile (default fast-start); see jvmOptions(). */
  jvm?: JvmProfile;
  /** Extra JVM arguments, appended (env MM_KAFKA_JVM_OPTS is appended too). */
  jvmArgs?: string[];
  /** SSL, SASL_SSL (and MISNAMED) listeners; their ports go in `ports`. */
  tls?: BrokerTls;
  /** Extra or overriding broker settings. */
  brokerOverrides?: Record<string, string | number | boolean | undefined>;
  /** Start the JVM in its own session so it outlives this process (CLI `up`). Default false. */
  detached?: boolean;
  /** Default 60 s. */
  startTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL on stop. Default 20 s. */
  stopTimeoutMs?: number;
  /** Progress messages (default: silent). */
  log?: (message: string) => void;
}

/** What cluster.json holds; also what start() returns. */
export interface ClusterInfo {
  name: string;
  kafkaVersion: string;
  clusterId: string;
  host: string;
  ports: ClusterPorts;
  /** PLAINTEXT bootstrap, e.g. 127.0.0.1:19092 (no authentication, super user). */
  bootstrap: string;
  /** SASL_PLAINTEXT bootstrap with mechanism PLAIN. */
  saslBootstrap: string;
  controllerBootstrap: string;
  saslMechanism: 'PLAIN';
  /** With TLS listeners: SSL (client certificate required), SASL_SSL, and MISNAMED (SSL, certificate not for 127.0.0.1). */
  sslBootstrap?: string;
  saslSslBootstrap?: string;
  misnamedSslBootstrap?: string;
  /** With a PROXIED listener: the address it advertises (where the proxy listens). */
  proxiedBootstrap?: string;
  users: Record<string, SaslUser>;
  superUsers: string[];
  /** Broker JVM pid; null once stopped. */
  pid: number | null;
  dir: string;
  dataDir: string;
  logFile: string;
  stdoutFile: string;
  propertiesFile: string;
  classpathDir: string;
  jvm: JvmProfile;
  detached: boolean;
  startedAt: string;
  /** Format + JVM start until the broker answered; null while starting. */
  startupMs: number | null;
  stoppedAt?: string;
  /** Class-data archive being recorded by this JVM (internal). */
  cdsRecording?: string;
}

export type ClusterStatus =
  | { state: 'running'; answering: boolean; info: ClusterInfo }
  | { state: 'stopped'; info: ClusterInfo }
  | { state: 'unknown'; dir: string };

const STATE_FILE = 'cluster.json';
const LOG_TAIL_LINES = 30;

/** Reads <dir>/cluster.json, or undefined. */
export function readClusterState(dir: string): ClusterInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8')) as ClusterInfo;
  } catch {
    return undefined;
  }
}

function writeClusterState(info: ClusterInfo): void {
  const file = join(info.dir, STATE_FILE);
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(info, null, 2) + '\n');
  // rename is atomic: a reader never sees half a file.
  renameSync(tmp, file);
}

/** True when the pid in the state is alive and (where /proc tells) is this cluster's broker JVM. */
export function isClusterProcess(info: ClusterInfo): boolean {
  if (info.pid === null || !isProcessAlive(info.pid)) return false;
  const cmdline = processCommandLine(info.pid);
  if (!cmdline) return true;
  return cmdline.includes('kafka.Kafka') && cmdline.includes(info.propertiesFile);
}

/** Directories under dataRoot that hold a cluster.json. */
export function listClusterDirs(dataRoot: string = defaultDataRoot()): string[] {
  if (!existsSync(dataRoot)) return [];
  return readdirSync(dataRoot)
    .map((name) => join(dataRoot, name))
    .filter((dir) => existsSync(join(dir, STATE_FILE)))
    .sort();
}

/** Running/stopped state of the cluster in dir; `answering` probes the PLAINTEXT listener. */
export async function clusterStatus(dir: string): Promise<ClusterStatus> {
  const info = readClusterState(dir);
  if (!info) return { state: 'unknown', dir };
  if (!isClusterProcess(info)) return { state: 'stopped', info };
  return { state: 'running', answering: await brokerAnswers(info.host, info.ports.plaintext, 1500), info };
}

/**
 * Stops the cluster whose state is in dir: SIGTERM, then SIGKILL after timeoutMs. Works from any
 * process. Resolves to false when it was not running.
 */
export async function stopClusterAt(dir: string, options: { timeoutMs?: number; log?: (m: string) => void } = {}): Promise<boolean> {
  const info = readClusterState(dir);
  if (!info) return false;
  const log = options.log ?? (() => undefined);
  // A JVM that records a class-data archive writes it (~50 MB, several seconds) while exiting.
  const timeoutMs = (options.timeoutMs ?? 20_000) + (info.cdsRecording ? 30_000 : 0);
  let wasRunning = false;
  let clean = false;
  if (info.pid !== null && isClusterProcess(info)) {
    wasRunning = true;
    const pid = info.pid;
    log(`stopping Kafka cluster '${info.name}' (pid ${pid}) ...`);
    signal(pid, 'SIGTERM');
    clean = await waitForExit(pid, timeoutMs);
    if (!clean) {
      log(`cluster '${info.name}' did not stop within ${timeoutMs / 1000} s after SIGTERM: sending SIGKILL`);
      signal(pid, 'SIGKILL');
      if (!(await waitForExit(pid, 10_000))) {
        throw new Error(`cluster '${info.name}' (pid ${pid}) survived SIGKILL for 10 s; check \`ps -p ${pid}\``);
      }
    }
  }
  finishCdsRecording(info.cdsRecording, clean);
  writeClusterState({ ...info, pid: null, cdsRecording: undefined, stoppedAt: info.pid === null ? info.stoppedAt : new Date().toISOString() });
  return wasRunning;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Reads a growing file incrementally and reports whether a text has appeared. */
class LogWatcher {
  private offset = 0;
  private carry = '';
  constructor(private readonly file: string) {}

  contains(text: string): boolean {
    if (!existsSync(this.file)) return false;
    const size = statSync(this.file).size;
    if (size < this.offset) this.offset = 0;
    if (size === this.offset) return false;
    const fd = openSync(this.file, 'r');
    try {
      const buf = Buffer.alloc(size - this.offset);
      readSync(fd, buf, 0, buf.length, this.offset);
      this.offset = size;
      const chunk = this.carry + buf.toString('utf8');
      const found = chunk.includes(text);
      this.carry = chunk.slice(-text.length);
      return found;
    } finally {
      closeSync(fd);
    }
  }
}

export class KafkaCluster {
  readonly name: string;
  readonly dir: string;
  private readonly options: KafkaClusterOptions;
  private child: ChildProcess | undefined;
  private current: ClusterInfo | undefined;

  constructor(options: KafkaClusterOptions) {
    checkClusterName(options.name);
    const { plaintext, sasl, controller, ssl, saslSsl, misnamedSsl, proxied, proxiedAdvertised } = options.ports;
    const ports = [plaintext, sasl, controller, ...[ssl, saslSsl, misnamedSsl, proxied, proxiedAdvertised].filter((p) => p !== undefined)];
    if (ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535) || new Set(ports).size !== ports.length) {
      throw new Error(`cluster '${options.name}' needs distinct ports in 1..65535, got ${ports.join(', ')}`);
    }
    this.options = options;
    this.name = options.name;
    this.dir = resolve(options.dataRoot ?? defaultDataRoot(), options.name);
  }

  /** Connection info once started (or as last recorded in cluster.json). */
  get info(): ClusterInfo | undefined {
    return this.current ?? readClusterState(this.dir);
  }

  get bootstrap(): string {
    return `${LOOPBACK}:${this.options.ports.plaintext}`;
  }

  get saslBootstrap(): string {
    return `${LOOPBACK}:${this.options.ports.sasl}`;
  }

  /**
   * Formats (unless keepData finds a formatted directory), starts the JVM and waits until the broker
   * answers. `keepData` overrides the constructor's setting for this start.
   */
  async start(override: { keepData?: boolean } = {}): Promise<ClusterInfo> {
    if (this.child && this.child.exitCode === null) throw new Error(`cluster '${this.name}' is already started by this process`);
    const opts = { ...this.options, ...override };
    const log = opts.log ?? (() => undefined);
    const started = Date.now();
    const dist = await ensureKafka({ profile: 'broker', log });
    const java = findJava();

    const previous = readClusterState(this.dir);
    if (previous && isClusterProcess(previous)) {
      throw new Error(
        `cluster '${this.name}' is already running (pid ${previous.pid}, ${previous.bootstrap}); ` +
          `stop it first: \`npm run kafka -- down --name ${this.name}\``,
      );
    }
    await this.checkPorts();

    const dataDir = join(this.dir, 'data');
    const logFile = join(this.dir, 'server.log');
    const stdoutFile = join(this.dir, 'stdout.log');
    const propertiesFile = join(this.dir, 'server.properties');
    const log4jFile = join(this.dir, 'log4j2.properties');
    const metaFile = join(dataDir, 'meta.properties');

    let clusterId: string | undefined;
    if (opts.keepData && existsSync(metaFile)) {
      clusterId = Object.fromEntries(parseProperties(readFileSync(metaFile, 'utf8')).entries.map((e) => [e.key, e.value]))['cluster.id'];
      if (previous && previous.ports.controller !== opts.ports.controller) {
        throw new Error(
          `cluster '${this.name}': ${dataDir} was formatted with controller port ${previous.ports.controller}, ` +
            `now ${opts.ports.controller}; start without keepData (--keep-data) to wipe it, or use the old ports`,
        );
      }
      log(`cluster '${this.name}': keeping data of cluster id ${clusterId}`);
      for (const f of [logFile, stdoutFile]) rmSync(f, { force: true });
    } else {
      // A fresh cluster: whatever a previous run left (other cluster id, other ports) goes.
      rmSync(this.dir, { recursive: true, force: true });
    }
    mkdirSync(this.dir, { recursive: true });

    const users: Record<string, string> = {};
    for (const u of Object.values(DEFAULT_USERS)) users[u.username] = u.password;
    Object.assign(users, opts.users ?? {});
    const superUsers = opts.superUsers ?? [...DEFAULT_SUPER_USERS];
    const props = brokerProperties({ ports: opts.ports, logDir: dataDir, users, superUsers, tls: opts.tls, overrides: opts.brokerOverrides });
    writeFileSync(propertiesFile, renderProperties(props, [`Kafka ${dist.version} single-node KRaft cluster '${this.name}'`]));
    writeFileSync(log4jFile, renderProperties(log4j2Properties(logFile)));

    const jvm = opts.jvm ?? 'fast-start';
    const extraJvm = [...tlsJvmOptions(opts.tls), ...(opts.jvmArgs ?? []), ...(process.env.MM_KAFKA_JVM_OPTS?.split(/\s+/).filter(Boolean) ?? [])];
    const baseJvm = [...jvmOptions(jvm), `-Dlog4j2.configurationFile=${log4jFile}`, `-Dkafka.logs.dir=${this.dir}`];

    if (!clusterId) {
      clusterId = newClusterId();
      this.format(java.command, dist, [...baseJvm, ...planCds(dist, 'format', false).args, ...extraJvm], clusterId, propertiesFile, logFile);
    }

    const cds = planCds(dist, 'broker', true);
    const out = openSync(stdoutFile, 'a');
    let child: ChildProcess;
    try {
      child = spawn(java.command, [...baseJvm, ...cds.args, ...extraJvm, '-cp', dist.classpath, 'kafka.Kafka', propertiesFile], {
        cwd: this.dir,
        detached: opts.detached ?? false,
        stdio: ['ignore', out, out],
      });
    } finally {
      closeSync(out);
    }
    child.unref();
    this.child = child;
    let exit: string | undefined;
    child.once('exit', (code, sig) => (exit = sig ? `signal ${sig}` : `exit code ${code}`));
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));

    const host = LOOPBACK;
    const userMap: Record<string, SaslUser> = {};
    for (const [username, password] of Object.entries(users)) userMap[username] = { username, password };
    const info: ClusterInfo = {
      name: this.name,
      kafkaVersion: dist.version,
      clusterId,
      host,
      ports: { ...opts.ports },
      bootstrap: `${host}:${opts.ports.plaintext}`,
      saslBootstrap: `${host}:${opts.ports.sasl}`,
      controllerBootstrap: `${host}:${opts.ports.controller}`,
      saslMechanism: 'PLAIN',
      ...(opts.tls && opts.ports.ssl !== undefined ? { sslBootstrap: `${host}:${opts.ports.ssl}` } : {}),
      ...(opts.tls && opts.ports.saslSsl !== undefined ? { saslSslBootstrap: `${host}:${opts.ports.saslSsl}` } : {}),
      ...(opts.tls && opts.ports.misnamedSsl !== undefined ? { misnamedSslBootstrap: `${host}:${opts.ports.misnamedSsl}` } : {}),
      ...(opts.ports.proxiedAdvertised !== undefined ? { proxiedBootstrap: `${host}:${opts.ports.proxiedAdvertised}` } : {}),
      users: userMap,
      superUsers,
      pid: child.pid ?? null,
      dir: this.dir,
      dataDir,
      logFile,
      stdoutFile,
      propertiesFile,
      classpathDir: dist.classpathDir,
      jvm,
      detached: opts.detached ?? false,
      startedAt: new Date(started).toISOString(),
      startupMs: null,
      cdsRecording: cds.recording,
    };
    this.current = info;
    writeClusterState(info);

    const timeoutMs = opts.startTimeoutMs ?? 60_000;
    const deadline = started + timeoutMs;
    const watcher = new LogWatcher(logFile);
    let logSaysStarted = false;
    let spawnFailure: Error | undefined;
    void spawnError.then((e) => (spawnFailure = e));
    for (;;) {
      if (spawnFailure) throw await this.abortStart(`cannot run ${java.command}: ${spawnFailure.message}`, info);
      if (exit !== undefined) throw await this.abortStart(`the broker JVM ended during startup (${exit})`, info);
      if (!logSaysStarted) logSaysStarted = watcher.contains(BROKER_STARTED_LOG_LINE);
      if (logSaysStarted) {
        const [plain, sasl] = await Promise.all([brokerAnswers(host, opts.ports.plaintext, 1000), brokerAnswers(host, opts.ports.sasl, 1000)]);
        if (plain && sasl) break;
      }
      if (Date.now() >= deadline) {
        const stage = logSaysStarted ? 'the log says it started but it does not answer ApiVersions' : `no "${BROKER_STARTED_LOG_LINE}" in its log`;
        throw await this.abortStart(`not ready after ${timeoutMs / 1000} s (${stage})`, info);
      }
      await sleep(100);
    }
    info.startupMs = Date.now() - started;
    writeClusterState(info);
    log(`cluster '${this.name}' up in ${(info.startupMs / 1000).toFixed(1)} s: ${info.bootstrap} (SASL ${info.saslBootstrap}), pid ${info.pid}`);
    return info;
  }

  /** Stops the broker (SIGTERM, SIGKILL after stopTimeoutMs). Safe to call when not running. */
  async stop(): Promise<void> {
    await stopClusterAt(this.dir, { timeoutMs: this.options.stopTimeoutMs, log: this.options.log });
    this.child = undefined;
    this.current = readClusterState(this.dir);
  }

  /**
   * Ends the broker JVM with SIGKILL, as a crash or a lost machine would: nothing is flushed or
   * handed over. `restart()` brings the same cluster back with its data.
   */
  async kill(): Promise<void> {
    const info = readClusterState(this.dir);
    if (info?.pid != null && isClusterProcess(info)) {
      this.options.log?.(`killing Kafka cluster '${this.name}' (pid ${info.pid}) with SIGKILL`);
      signal(info.pid, 'SIGKILL');
      if (!(await waitForExit(info.pid, 10_000))) throw new Error(`cluster '${this.name}' (pid ${info.pid}) survived SIGKILL for 10 s; check \`ps -p ${info.pid}\``);
      finishCdsRecording(info.cdsRecording, false);
      writeClusterState({ ...info, pid: null, cdsRecording: undefined, stoppedAt: new Date().toISOString() });
    }
    this.child = undefined;
    this.current = readClusterState(this.dir);
  }

  /** Starts the cluster again on the same ports with the data it had (after stop() or kill()). */
  restart(): Promise<ClusterInfo> {
    return this.start({ keepData: true });
  }

  private async checkPorts(): Promise<void> {
    const roles: [keyof ClusterPorts, string][] = [
      ['plaintext', 'PLAINTEXT'],
      ['sasl', 'SASL_PLAINTEXT'],
      ['controller', 'CONTROLLER'],
      ['ssl', 'SSL'],
      ['saslSsl', 'SASL_SSL'],
      ['misnamedSsl', 'MISNAMED'],
      ['proxied', 'PROXIED'],
    ];
    for (const [key, role] of roles) {
      const port = this.options.ports[key];
      if (port === undefined) continue;
      if (!(await isPortFree(port, LOOPBACK))) {
        throw new Error(
          `port ${port} (${role} listener of cluster '${this.name}') is already in use ` +
            `(another broker? run \`npm run kafka -- down\`, or see \`ss -ltnp 'sport = :${port}'\`)`,
        );
      }
    }
  }

  private format(java: string, dist: KafkaDistribution, jvmArgs: string[], clusterId: string, propertiesFile: string, logFile: string): void {
    const args = [...jvmArgs, '-cp', dist.classpath, 'kafka.tools.StorageTool', 'format', '--standalone', '-t', clusterId, '-c', propertiesFile];
    const result = spawnSync(java, args, { cwd: this.dir, encoding: 'utf8', timeout: 60_000 });
    if (result.error || result.status !== 0) {
      const why = result.error ? result.error.message : `exit code ${result.status}`;
      throw new Error(
        `formatting the storage of cluster '${this.name}' failed (${why}).\n` +
          `command: ${java} ${args.join(' ')}\n` +
          `output:\n${tailText(`${result.stdout ?? ''}${result.stderr ?? ''}`, LOG_TAIL_LINES)}\n` +
          `log (${logFile}):\n${tailFile(logFile, LOG_TAIL_LINES)}`,
      );
    }
  }

  /** Builds the error (with log tails), then makes sure the JVM is gone and the state says so. */
  private async abortStart(reason: string, info: ClusterInfo): Promise<Error> {
    const error = this.startFailure(reason, info);
    await stopClusterAt(this.dir, { timeoutMs: 5000 }).catch(() => undefined);
    this.child = undefined;
    return error;
  }

  private startFailure(reason: string, info: ClusterInfo): Error {
    const parts = [`Kafka cluster '${this.name}' failed to start: ${reason}.`];
    const stdout = tailFile(info.stdoutFile, LOG_TAIL_LINES);
    if (stdout.trim()) parts.push(`JVM output (${info.stdoutFile}):\n${stdout}`);
    parts.push(`last ${LOG_TAIL_LINES} lines of ${info.logFile}:\n${tailFile(info.logFile, LOG_TAIL_LINES) || '(empty)'}`);
    return new Error(parts.join('\n'));
  }
}
