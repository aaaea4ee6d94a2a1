/**
 * Kafka's own Java programs, run from the jars that `ensureKafka` fetched from Maven Central:
 * ProducerPerformance, ConsumerPerformance and Apache MirrorMaker 2 in dedicated mode. Unlike
 * `runKafkaTool` (tuned for fast start: C1 only, serial GC), these run with the normal JIT and the
 * JVM options of kafka-run-class.sh, as they would in a Kafka installation.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ensureKafka, findJava, quietToolLog4j2Properties, renderProperties, toolMainClass, type KafkaDistribution, type Properties } from '@mirrormaker/testing';
import { KAFKA_RUN_CLASS_JVM, MM2_HEAP, producerTuning } from './bench-config';
import { startProcess, type Started } from './processes';

export interface Distributions {
  broker: KafkaDistribution;
  mm2: KafkaDistribution;
}

/** Broker/tools jars and MirrorMaker 2 jars (fetched with mvn on first use). */
export async function ensureDistributions(log?: (m: string) => void): Promise<Distributions> {
  const broker = await ensureKafka({ profile: 'broker', log });
  const mm2 = await ensureKafka({ profile: 'mm2', log });
  return { broker, mm2 };
}

function quietLog4j(dist: KafkaDistribution): string {
  const file = join(dist.versionDir, 'bench-tools-log4j2.properties');
  const content = renderProperties(quietToolLog4j2Properties(), ['log4j2 settings for the benchmark tools']);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== content) writeFileSync(file, content);
  return file;
}

export interface JavaRunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a Kafka main class (alias or class name) on the broker classpath and collects its output. */
/** JVM options of a Kafka tool run by the bench: kafka-run-class.sh's, quiet logging. */
function toolJvm(dist: KafkaDistribution): string[] {
  return ['-Xms256m', '-Xmx1g', ...KAFKA_RUN_CLASS_JVM, `-Dlog4j2.configurationFile=${quietLog4j(dist)}`, '-cp', dist.classpath];
}

export async function runJava(dist: KafkaDistribution, tool: string, args: string[], timeoutMs: number): Promise<JavaRunResult> {
  const java = findJava();
  const jvm = toolJvm(dist);
  const started = Date.now();
  let stdout = '';
  let stderr = '';
  const proc = startProcess(tool, java.command, [...jvm, toolMainClass(tool), ...args], { onStdout: (c) => (stdout += c) });
  proc.child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => void proc.stop(2000), timeoutMs);
  const { code } = await proc.exited;
  clearTimeout(timer);
  const ms = Date.now() - started;
  if (ms >= timeoutMs) throw new Error(`${tool} did not finish within ${timeoutMs / 1000} s; output:\n${tail(stdout + stderr)}`);
  return { code, stdout, stderr, ms };
}

function tail(text: string, lines = 25): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

function props(p: Readonly<Record<string, string>>): string[] {
  return Object.entries(p).map(([k, v]) => `${k}=${v}`);
}

export interface ProducerPerfResult {
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p99Ms: number;
}

/** The final summary line of ProducerPerformance (the last matching line, after any warm-up line). */
export function parseProducerPerf(stdout: string): ProducerPerfResult | undefined {
  const re =
    /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th/g;
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(stdout); m; m = re.exec(stdout)) last = m;
  if (!last) return undefined;
  const n = (i: number) => Number(last?.[i]);
  return { records: n(1), recordsPerSec: n(2), mbPerSec: n(3), avgLatencyMs: n(4), maxLatencyMs: n(5), p50Ms: n(6), p99Ms: n(8) };
}

export interface ProduceOptions {
  bootstrap: string;
  topic: string;
  records: number;
  recordBytes: number;
  /** Records per second; -1 (default) for as fast as possible. */
  throughput?: number;
  /** Producer settings on top of producerTuning() and acks. */
  producerProps?: Record<string, string>;
  acks?: 'all' | '1';
  timeoutMs?: number;
}

/**
 * ProducerPerformance's arguments; a throughput of -1 means as fast as it can. A record size of
 * 'monotonic' makes each value the record's number (0, 1, 2, ... as text: `--payload-monotonic`).
 */
function producerPerfArgs(bootstrap: string, topic: string, records: number, recordBytes: number | 'monotonic', throughput: number, settings: Record<string, string>): string[] {
  return [
    '--bootstrap-server', bootstrap,
    '--topic', topic,
    '--num-records', String(records),
    ...(recordBytes === 'monotonic' ? ['--payload-monotonic'] : ['--record-size', String(recordBytes)]),
    '--throughput', String(throughput),
    '--reporting-interval', '600000',
    '--command-property', ...props(settings),
  ];
}

/** Kafka's ProducerPerformance (kafka-producer-perf-test). Records carry CreateTime = send time. */
export async function producePerf(dist: KafkaDistribution, o: ProduceOptions): Promise<ProducerPerfResult> {
  const settings = { acks: o.acks ?? 'all', ...producerTuning(), ...o.producerProps };
  const args = producerPerfArgs(o.bootstrap, o.topic, o.records, o.recordBytes, o.throughput ?? -1, settings);
  const res = await runJava(dist, 'producer-perf-test', args, o.timeoutMs ?? 600_000);
  const parsed = parseProducerPerf(res.stdout);
  if (res.code !== 0 || !parsed || parsed.records !== o.records) {
    throw new Error(`ProducerPerformance failed (exit ${res.code}):\n${tail(res.stdout + res.stderr)}`);
  }
  return parsed;
}

/**
 * ProducerPerformance at a fixed rate until stopped (the checkpoint-lag phase's steady flow):
 * `--num-records` covers `maxSeconds`, the caller stops it earlier.
 */
export function startSteadyProducer(
  dist: KafkaDistribution,
  o: { bootstrap: string; topic: string; ratePerSec: number; recordBytes: number | 'monotonic'; maxSeconds: number; producerProps?: Record<string, string>; logFile: string },
): Started {
  const java = findJava();
  const settings = { acks: 'all', ...producerTuning(), ...o.producerProps };
  const args = producerPerfArgs(o.bootstrap, o.topic, Math.ceil(o.ratePerSec * o.maxSeconds), o.recordBytes, o.ratePerSec, settings);
  return startProcess('steady-producer', java.command, [...toolJvm(dist), toolMainClass('producer-perf-test'), ...args], { logFile: o.logFile });
}

export interface ConsumerPerfResult {
  records: number;
  mb: number;
  /** Rate over the whole run, group join included. */
  recordsPerSec: number;
  mbPerSec: number;
  /** Rate while fetching (ConsumerPerformance's fetch.* columns: group join excluded). */
  fetchRecordsPerSec: number;
  fetchMbPerSec: number;
  fetchMs: number;
}

/** The CSV line of ConsumerPerformance, by its header names. */
export function parseConsumerPerf(stdout: string): ConsumerPerfResult | undefined {
  const lines = stdout.split('\n').map((l) => l.trim());
  const h = lines.findIndex((l) => l.startsWith('start.time'));
  if (h < 0 || !lines[h + 1]) return undefined;
  const header = (lines[h] as string).split(',').map((s) => s.trim());
  const values = (lines[h + 1] as string).split(',').map((s) => s.trim());
  const get = (name: string) => Number(values[header.indexOf(name)]);
  const result = {
    records: get('data.consumed.in.nMsg'),
    mb: get('data.consumed.in.MB'),
    recordsPerSec: get('nMsg.sec'),
    mbPerSec: get('MB.sec'),
    fetchRecordsPerSec: get('fetch.nMsg.sec'),
    fetchMbPerSec: get('fetch.MB.sec'),
    fetchMs: get('fetch.time.ms'),
  };
  return Object.values(result).every((v) => Number.isFinite(v)) ? result : undefined;
}

/** Kafka's ConsumerPerformance (kafka-consumer-perf-test) reading `records` records of `topic`. */
export async function consumePerf(
  dist: KafkaDistribution,
  o: { bootstrap: string; topic: string; records: number; group: string; timeoutMs?: number },
): Promise<ConsumerPerfResult> {
  const args = ['--bootstrap-server', o.bootstrap, '--include', o.topic, '--num-records', String(o.records), '--group', o.group, '--timeout', '30000'];
  const res = await runJava(dist, 'consumer-perf-test', args, o.timeoutMs ?? 600_000);
  const parsed = parseConsumerPerf(res.stdout);
  if (res.code !== 0 || !parsed || parsed.records < o.records) {
    throw new Error(`ConsumerPerformance failed (exit ${res.code}):\n${tail(res.stdout + res.stderr)}`);
  }
  return parsed;
}

/** log4j2 for Apache MM2: INFO into one file, as connect-log4j2 does (minus the console). */
export function mm2Log4jProperties(logFile: string): Properties {
  return {
    status: 'error',
    'appender.file.type': 'File',
    'appender.file.name': 'FILE',
    'appender.file.fileName': logFile,
    'appender.file.layout.type': 'PatternLayout',
    'appender.file.layout.pattern': '[%d] %p %m (%c)%n',
    'rootLogger.level': 'INFO',
    'rootLogger.appenderRef.file.ref': 'FILE',
  };
}

/**
 * The classpath of a Kafka installation's libs/ directory: the broker and tools jars plus the
 * MirrorMaker 2 jars that are not among them already (the same jar twice would be scanned twice
 * for Connect plugins).
 */
export function installationClasspath(d: Distributions): string {
  const jars = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.jar')).sort();
  const broker = jars(d.broker.classpathDir);
  const have = new Set(broker);
  const extra = jars(d.mm2.classpathDir).filter((f) => !have.has(f));
  return [...broker.map((f) => join(d.broker.classpathDir, f)), ...extra.map((f) => join(d.mm2.classpathDir, f))].join(delimiter);
}

/** The JVM command line of Apache MM2 in dedicated mode (what connect-mirror-maker.sh runs). */
export function mm2CommandLine(d: Distributions, propertiesFile: string, log4jFile: string, targetAlias: string): string[] {
  return [
    ...MM2_HEAP,
    ...KAFKA_RUN_CLASS_JVM,
    `-Dlog4j2.configurationFile=${log4jFile}`,
    '-cp',
    installationClasspath(d),
    'org.apache.kafka.connect.mirror.MirrorMaker',
    propertiesFile,
    // Only the flows into the target: what a deployment next to the target cluster runs.
    '--clusters',
    targetAlias,
  ];
}

/** Starts Apache MM2 in dedicated mode; output and log go to files in workDir. */
export function startApacheMm2(d: Distributions, workDir: string, propertiesText: string, targetAlias: string): Started {
  const propertiesFile = join(workDir, 'mm2.properties');
  const log4jFile = join(workDir, 'log4j2.properties');
  writeFileSync(propertiesFile, propertiesText);
  writeFileSync(log4jFile, renderProperties(mm2Log4jProperties(join(workDir, 'mm2.log'))));
  return startProcess('apache-mm2', findJava().command, mm2CommandLine(d, propertiesFile, log4jFile, targetAlias), {
    cwd: workDir,
    logFile: join(workDir, 'stdout.log'),
  });
}
