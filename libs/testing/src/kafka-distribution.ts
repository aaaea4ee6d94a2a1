/**
 * The Apache Kafka jars, fetched once from Maven Central with `mvn` (tools/kafka/pom.xml) into a
 * git-ignored cache, and the Java runtime that runs them.
 *
 *   <cache>/<version>/libs/       broker + tools (profile "broker")
 *   <cache>/<version>/mm2-libs/   Connect MirrorMaker 2 (profile "mm2")
 *
 * <cache> is .cache/kafka at the repository root unless MM_KAFKA_CACHE says otherwise. A fetch goes
 * to a temporary directory that is renamed into place only once complete, with a marker file
 * (.complete.json) inside: a directory without the marker, or fetched from a different pom, is
 * fetched again.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { quietToolLog4j2Properties } from './kafka-config';
import { tailText } from './process-util';
import { KAFKA_VERSION, kafkaCacheRoot, kafkaPomFile } from './paths';
import { renderProperties } from './properties';

export type KafkaProfile = 'broker' | 'mm2';

export interface EnsureKafkaOptions {
  /** Which jars: the broker and its tools (default), or MirrorMaker 2 (Kafka Connect). */
  profile?: KafkaProfile;
  /** Cache root (default: MM_KAFKA_CACHE or <repo>/.cache/kafka). */
  cacheRoot?: string;
  /** Maven project listing the jars (default: MM_KAFKA_POM or <repo>/tools/kafka/pom.xml). */
  pomFile?: string;
  /** Fetch again even if the cache looks complete. */
  force?: boolean;
  /** Progress messages (default: silent). */
  log?: (message: string) => void;
}

export interface KafkaDistribution {
  version: string;
  profile: KafkaProfile;
  /** Directory holding every jar of the profile. */
  classpathDir: string;
  /** Java classpath for the directory (`<dir>/*`). */
  classpath: string;
  /** <cache>/<version>: also holds class-data archives and tool configs. */
  versionDir: string;
  /** True when this call downloaded the jars. */
  fetched: boolean;
  /** Time spent in this call. */
  elapsedMs: number;
}

interface CompleteMarker {
  version: string;
  profile: KafkaProfile;
  pomSha256: string;
  jars: number;
  fetchedAt: string;
}

const PROFILE_DIRS: Record<KafkaProfile, string> = { broker: 'libs', mm2: 'mm2-libs' };
const PROFILE_KEY_JAR: Record<KafkaProfile, (v: string) => string> = {
  broker: (v) => `kafka_2.13-${v}.jar`,
  mm2: (v) => `connect-mirror-${v}.jar`,
};
const MARKER = '.complete.json';

/** Java on PATH (or $JAVA_HOME/bin/java) and its major version. */
export interface JavaRuntime {
  command: string;
  major: number;
  /** The full `java -version` text. */
  versionText: string;
}

let javaCache: JavaRuntime | undefined;

/** Finds java and checks it is 17 or newer (Kafka 4 brokers need 17). Throws with a fix when not. */
export function findJava(): JavaRuntime {
  if (javaCache) return javaCache;
  const home = process.env.JAVA_HOME;
  const command = home && existsSync(join(home, 'bin', 'java')) ? join(home, 'bin', 'java') : 'java';
  const result = spawnSync(command, ['-version'], { encoding: 'utf8' });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(
        'java not found on PATH: install a JDK 17+ (e.g. `apt-get install openjdk-17-jre-headless`) or set JAVA_HOME',
      );
    }
    throw new Error(`cannot run ${command} -version: ${result.error.message}`);
  }
  const versionText = `${result.stderr}${result.stdout}`.trim();
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionText);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : NaN;
  if (!Number.isFinite(major)) throw new Error(`cannot tell the Java version from \`${command} -version\`:\n${versionText}`);
  if (major < 17) {
    throw new Error(`Kafka ${KAFKA_VERSION} needs Java 17 or newer, but ${command} is Java ${major}: install a JDK 17+ or point JAVA_HOME at one`);
  }
  javaCache = { command, major, versionText };
  return javaCache;
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

function readMarker(dir: string): CompleteMarker | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as CompleteMarker;
  } catch {
    return undefined;
  }
}

function isComplete(dir: string, profile: KafkaProfile, version: string, pomSha: string): boolean {
  const marker = readMarker(dir);
  return (
    marker !== undefined &&
    marker.version === version &&
    marker.profile === profile &&
    marker.pomSha256 === pomSha &&
    existsSync(join(dir, PROFILE_KEY_JAR[profile](version)))
  );
}

function mvnCommand(): string {
  return process.env.MM_MVN ?? 'mvn';
}

function runMaven(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(mvnCommand(), args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(
          new Error(
            `mvn not found on PATH: install Apache Maven 3.6+ (e.g. \`apt-get install maven\`) to fetch the Kafka jars, ` +
              `or set MM_MVN to its path`,
          ),
        );
      } else reject(err);
    });
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * Makes sure the jars of `profile` are in the cache, fetching them with Maven when missing or
 * incomplete. Also checks that a usable java exists.
 */
export async function ensureKafka(options: EnsureKafkaOptions = {}): Promise<KafkaDistribution> {
  const started = Date.now();
  const profile = options.profile ?? 'broker';
  if (!(profile in PROFILE_DIRS)) throw new Error(`unknown Kafka profile '${profile}' (use broker or mm2)`);
  const version = KAFKA_VERSION;
  const log = options.log ?? (() => undefined);
  findJava();
  const pomFile = options.pomFile ?? kafkaPomFile();
  if (!existsSync(pomFile)) throw new Error(`${pomFile} not found (it lists the Kafka jars to fetch)`);
  const pomSha = sha256(readFileSync(pomFile));
  const versionDir = join(options.cacheRoot ?? kafkaCacheRoot(), version);
  const classpathDir = join(versionDir, PROFILE_DIRS[profile]);
  const result = (fetched: boolean): KafkaDistribution => ({
    version,
    profile,
    classpathDir,
    classpath: join(classpathDir, '*'),
    versionDir,
    fetched,
    elapsedMs: Date.now() - started,
  });

  if (!options.force && isComplete(classpathDir, profile, version, pomSha)) return result(false);

  mkdirSync(versionDir, { recursive: true });
  const tmp = `${classpathDir}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  log(`fetching Apache Kafka ${version} jars (${profile}) with Maven into ${classpathDir} ...`);
  const args = [
    '-B',
    '-q',
    '-Dstyle.color=never',
    '-f',
    pomFile,
    `-P${profile}`,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${tmp}`,
    ...(process.env.MM_KAFKA_MVN_ARGS ? process.env.MM_KAFKA_MVN_ARGS.split(/\s+/).filter(Boolean) : []),
  ];
  try {
    const { code, output } = await runMaven(args, versionDir);
    if (code !== 0) {
      throw new Error(
        `mvn failed (exit ${code}) while fetching the Kafka ${version} jars (${profile}).\n` +
          `command: ${mvnCommand()} ${args.join(' ')}\n` +
          `last lines of its output:\n${tailText(output, 40)}`,
      );
    }
    const keyJar = PROFILE_KEY_JAR[profile](version);
    if (!existsSync(join(tmp, keyJar))) {
      throw new Error(`mvn finished but ${keyJar} is missing from ${tmp}; output:\n${tailText(output, 40)}`);
    }
    const jars = readdirSync(tmp).filter((f) => f.endsWith('.jar')).length;
    const marker: CompleteMarker = { version, profile, pomSha256: pomSha, jars, fetchedAt: new Date().toISOString() };
    writeFileSync(join(tmp, MARKER), JSON.stringify(marker, null, 2) + '\n');
    if (existsSync(classpathDir)) {
      if (!options.force && isComplete(classpathDir, profile, version, pomSha)) {
        // Someone else completed the same fetch meanwhile.
        return result(true);
      }
      rmSync(classpathDir, { recursive: true, force: true });
    }
    try {
      renameSync(tmp, classpathDir);
    } catch (err) {
      if (!isComplete(classpathDir, profile, version, pomSha)) throw err;
    }
    log(`fetched ${jars} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result(true);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Short names for the Kafka command line tools (as in bin/kafka-*.sh). */
export const KAFKA_TOOLS: Record<string, string> = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  acls: 'org.apache.kafka.tools.AclCommand',
  configs: 'kafka.admin.ConfigCommand',
  'consumer-groups': 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  'console-producer': 'org.apache.kafka.tools.ConsoleProducer',
  'console-consumer': 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  'producer-perf-test': 'org.apache.kafka.tools.ProducerPerformance',
  'consumer-perf-test': 'org.apache.kafka.tools.ConsumerPerformance',
  'broker-api-versions': 'org.apache.kafka.tools.BrokerApiVersionsCommand',
  'metadata-quorum': 'org.apache.kafka.tools.MetadataQuorumCommand',
  'get-offsets': 'org.apache.kafka.tools.GetOffsetShell',
  transactions: 'org.apache.kafka.tools.TransactionsCommand',
  storage: 'kafka.tools.StorageTool',
  'mirror-maker': 'org.apache.kafka.connect.mirror.MirrorMaker',
};

/** The main class for a tool alias, or the argument itself when it already is a class name. */
export function toolMainClass(nameOrClass: string): string {
  return KAFKA_TOOLS[nameOrClass] ?? nameOrClass;
}

/** JVM arguments to run a Kafka tool quietly from the cache (fast start, warnings only). */
export function toolJvmArgs(dist: KafkaDistribution): string[] {
  const log4j = join(dist.versionDir, 'tools-log4j2.properties');
  const content = renderProperties(quietToolLog4j2Properties(), ['log4j2 settings for Kafka command line tools']);
  if (!existsSync(log4j) || readFileSync(log4j, 'utf8') !== content) writeFileSync(log4j, content);
  return [
    '-Xms64m',
    '-Xmx512m',
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    ...planCds(dist, 'tool', false).args,
    `-Dlog4j2.configurationFile=${log4j}`,
    '-cp',
    dist.classpath,
  ];
}

export interface KafkaToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunKafkaToolOptions {
  profile?: KafkaProfile;
  /** Written to the tool's standard input (e.g. records for console-producer). */
  input?: string;
  timeoutMs?: number;
}

/** Runs a Kafka command line tool (alias from KAFKA_TOOLS or a main class) and collects its output. */
export async function runKafkaTool(tool: string, args: string[], options: RunKafkaToolOptions = {}): Promise<KafkaToolResult> {
  const dist = await ensureKafka({ profile: options.profile ?? (tool === 'mirror-maker' ? 'mm2' : 'broker') });
  const java = findJava();
  return new Promise((resolve, reject) => {
    const child = spawn(java.command, [...toolJvmArgs(dist), toolMainClass(tool), ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kafka tool ${tool} timed out after ${options.timeoutMs ?? 60_000} ms; output:\n${tailText(stdout + stderr, 30)}`));
    }, options.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Class-data sharing (AppCDS) for the broker JVM: the first broker started with a given Java and
 * classpath records the classes it loads into an archive when it exits normally; later JVMs map
 * that archive and start markedly faster. Best effort: disabled with MM_KAFKA_CDS=0, and a JVM that
 * cannot use an archive just warns and starts normally. Recording costs a few seconds at the first
 * stop, so it is skipped where the cache does not outlive the run (CI=true) unless MM_KAFKA_CDS=1.
 */
export interface CdsPlan {
  /** JVM arguments to add. */
  args: string[];
  /** Archive being recorded by this JVM; promote it after a clean exit. */
  recording?: string;
}

function cdsArchivePath(dist: KafkaDistribution, java: JavaRuntime, kind: string): string {
  const jars = readdirSync(dist.classpathDir)
    .filter((f) => f.endsWith('.jar'))
    .sort()
    .map((f) => `${f}:${statSync(join(dist.classpathDir, f)).size}`);
  const key = sha256([java.command, java.versionText, dist.classpathDir, ...jars].join(delimiter)).slice(0, 16);
  return join(dist.versionDir, 'cds', `${kind}-${key}.jsa`);
}

/**
 * JVM arguments for class-data sharing. Every JVM on the same classpath uses the broker's archive
 * once it exists; only a broker JVM (`record`) records it when it does not exist yet.
 */
export function planCds(dist: KafkaDistribution, kind: 'broker' | 'format' | 'tool', record: boolean): CdsPlan {
  if (process.env.MM_KAFKA_CDS === '0') return { args: [] };
  const java = findJava();
  const archive = cdsArchivePath(dist, java, 'broker');
  if (existsSync(archive) && statSync(archive).size > 0) return { args: [`-XX:SharedArchiveFile=${archive}`] };
  if (!record || kind !== 'broker') return { args: [] };
  if (process.env.CI && process.env.CI !== 'false' && process.env.MM_KAFKA_CDS !== '1') return { args: [] };
  mkdirSync(join(dist.versionDir, 'cds'), { recursive: true });
  const recording = `${archive}.rec-${process.pid}-${randomBytes(3).toString('hex')}`;
  return { args: [`-XX:ArchiveClassesAtExit=${recording}`], recording };
}

/** Keeps a recorded archive if its JVM exited cleanly; discards it otherwise. */
export function finishCdsRecording(recording: string | undefined, cleanExit: boolean): void {
  if (!recording) return;
  const archive = recording.replace(/\.rec-[^/\\]*$/, '');
  try {
    if (cleanExit && existsSync(recording) && statSync(recording).size > 0 && !existsSync(archive)) renameSync(recording, archive);
  } catch {
    // Best effort only.
  }
  rmSync(recording, { force: true });
}
