/**
 * What the benchmark runs and with which settings: workloads, names, the mm2.properties given to
 * Apache MM2 and to mirrormaker, and the client tuning shared by every contender. Pure functions,
 * unit tested in bench-config.spec.ts.
 */
import { FLOW_SETTINGS } from '@mirrormaker/config';

export interface Workload {
  /** Short name used in topic names and the report, e.g. "100b". */
  name: string;
  records: number;
  recordBytes: number;
  partitions: number;
}

/** The full-size workloads: a backlog large enough that each copy takes tens of seconds. */
export const FULL_WORKLOADS: readonly Workload[] = [
  { name: '100b', records: 2_000_000, recordBytes: 100, partitions: 8 },
  { name: '1kb', records: 500_000, recordBytes: 1024, partitions: 8 },
];

/** `--smoke`: one tiny workload, a few seconds per contender. */
export const SMOKE_WORKLOADS: readonly Workload[] = [{ name: '100b', records: 20_000, recordBytes: 100, partitions: 8 }];

/** Workloads with their record counts multiplied by `scale` (at least 1000 records each). */
export function scaleWorkloads(workloads: readonly Workload[], scale: number): Workload[] {
  if (!(scale > 0)) throw new Error(`--scale must be a positive number, got ${scale}`);
  return workloads.map((w) => ({ ...w, records: Math.max(1000, Math.round(w.records * scale)) }));
}

/** Payload bytes of a workload (what Kafka's perf tools count as MB). */
export function workloadBytes(w: Workload): number {
  return w.records * w.recordBytes;
}

export const MIB = 1024 * 1024;

/**
 * Producer settings for every writer of benchmark data: the preloading producer, the physical
 * limit's producer and Apache MM2's producer (`<target>.producer.*`). mirrormaker sends whole
 * fetched batches (up to 512 KiB per request), so it has no linger of its own.
 */
let workloadCompression = 'none';

/** `--compression`: the codec every writer of benchmark data uses (MM2's producer too). */
export function setWorkloadCompression(codec: string): void {
  if (!['none', 'gzip', 'snappy', 'lz4', 'zstd'].includes(codec)) throw new Error(`--compression must be none, gzip, snappy, lz4 or zstd, got '${codec}'`);
  workloadCompression = codec;
}

export function producerTuning(): Readonly<Record<string, string>> {
  return { 'batch.size': '262144', 'linger.ms': '10', 'compression.type': workloadCompression };
}

/** Java heap of Apache MM2 (bin/connect-mirror-maker.sh uses -Xms256M -Xmx2G). */
export const MM2_HEAP = ['-Xms256m', '-Xmx1g'];

/** JVM options kafka-run-class.sh adds to every Kafka JVM (the "performance options"). */
export const KAFKA_RUN_CLASS_JVM = [
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
];

/** Cluster aliases and names of one contender run. Fresh per run, so every run starts from nothing. */
export interface RunNames {
  sourceAlias: string;
  targetAlias: string;
  /** The topic on the source. */
  topic: string;
  /** Where a mirror writes it on the target (DefaultReplicationPolicy: `<source alias>.<topic>`). */
  remoteTopic: string;
  /** mirrormaker's config revisions topic (one per run, so no stored revision is reused). */
  configTopic: string;
  /** Where both mirrors write checkpoints on the target: `<source alias>.checkpoints.internal`. */
  checkpointsTopic: string;
}

const NAME = /^[a-zA-Z0-9_-]+$/;

/** Names for run number `run` of an invocation tagged `tag` that copies `topic`. */
export function runNames(tag: string, run: number, topic: string): RunNames {
  if (!NAME.test(tag)) throw new Error(`run tag '${tag}' must be letters, digits, '-' or '_'`);
  // No dots: the topic goes into a regular expression (topics = ...) unescaped.
  if (!NAME.test(topic)) throw new Error(`benchmark topic '${topic}' must be letters, digits, '-' or '_'`);
  const sourceAlias = `s${tag}r${run}`;
  return {
    sourceAlias,
    targetAlias: `t${tag}r${run}`,
    topic,
    remoteTopic: `${sourceAlias}.${topic}`,
    configTopic: `mirrormaker-config.bench-${tag}-r${run}.internal`,
    checkpointsTopic: `${sourceAlias}.checkpoints.internal`,
  };
}

/** Checkpoints of the bench's source groups (checkpoint-lag phase, failover-fidelity run). */
export interface CheckpointSettings {
  /**
   * The groups checkpointed (`groups`): one group, or a name prefix followed by `.*` for a family
   * of groups. It goes into a regular expression as it is.
   */
  group: string;
  /** `emit.checkpoints.interval.seconds`; left out to get the mirror's default. */
  intervalSeconds?: number;
  /** `refresh.groups.interval.seconds`. */
  refreshGroupsSeconds: number;
  /**
   * `sync.group.offsets.interval.seconds`: given, the group offset sync is on (the translated
   * offsets are committed to the groups on the target); left out, it is off.
   */
  syncGroupOffsetsSeconds?: number;
}

export interface MirrorConfigInput {
  names: RunNames;
  sourceBootstrap: string;
  targetBootstrap: string;
  /** tasks.max: one task per partition. */
  tasks: number;
  /** Checkpoints on (checkpoint-lag phase); without, checkpoints are off. */
  checkpoints?: CheckpointSettings;
}

/** A group name, or a name prefix followed by `.*`. */
const GROUPS = /^[a-zA-Z0-9_-]+(\.\*)?$/;

function checkpointLines(input: MirrorConfigInput): string[] {
  const c = input.checkpoints;
  if (!c) return ['# Consumer groups are not part of the copy and latency runs.', 'emit.checkpoints.enabled = false', 'sync.group.offsets.enabled = false'];
  if (!GROUPS.test(c.group)) throw new Error(`checkpoint group '${c.group}' must be letters, digits, '-' or '_' (optionally followed by '.*')`);
  const { sourceAlias: s, targetAlias: t } = input.names;
  return [
    '# Checkpoints for the bench groups only.',
    'emit.checkpoints.enabled = true',
    `${s}->${t}.groups = ${c.group}`,
    `refresh.groups.interval.seconds = ${c.refreshGroupsSeconds}`,
    c.intervalSeconds === undefined ? "# emit.checkpoints.interval.seconds: the mirror's default" : `emit.checkpoints.interval.seconds = ${c.intervalSeconds}`,
    ...(c.syncGroupOffsetsSeconds === undefined
      ? ['sync.group.offsets.enabled = false']
      : ['# The translated offsets are committed to the groups on the target.', 'sync.group.offsets.enabled = true', `sync.group.offsets.interval.seconds = ${c.syncGroupOffsetsSeconds}`]),
  ];
}

/** Lines shared by both contenders' mm2.properties (MM2's own keys only). */
function commonLines(input: MirrorConfigInput): string[] {
  const { sourceAlias: s, targetAlias: t, topic } = input.names;
  return [
    `clusters = ${s}, ${t}`,
    `${s}.bootstrap.servers = ${input.sourceBootstrap}`,
    `${t}.bootstrap.servers = ${input.targetBootstrap}`,
    `${s}->${t}.enabled = true`,
    `${s}->${t}.topics = ${topic}`,
    `# No reverse heartbeats: only the ${s}->${t} flow is measured.`,
    `${t}->${s}.emit.heartbeats.enabled = false`,
    `tasks.max = ${input.tasks}`,
    ...checkpointLines(input),
    '# No ACL sync: not measured.',
    'sync.topic.acls.enabled = false',
    '# Single-broker clusters.',
    'replication.factor = 1',
    'offset-syncs.topic.replication.factor = 1',
    'heartbeats.topic.replication.factor = 1',
    'checkpoints.topic.replication.factor = 1',
    'offset.storage.replication.factor = 1',
    'status.storage.replication.factor = 1',
    'config.storage.replication.factor = 1',
  ];
}

/** mm2.properties for Apache MM2 in dedicated mode (connect-mirror-maker.sh). */
export function apacheMm2Properties(input: MirrorConfigInput): string {
  const t = input.names.targetAlias;
  return [
    '# Apache MirrorMaker 2, dedicated mode; written by tools/bench.',
    ...commonLines(input),
    '# Producer tuning (the same values the physical-limit producer uses).',
    ...Object.entries(producerTuning()).map(([k, v]) => `${t}.producer.${k} = ${v}`),
    '# What MM2 itself advises at start-up when every plugin has a ServiceLoader manifest:',
    '# skips the reflective scan of the whole classpath.',
    'plugin.discovery = service_load',
    `${t}.plugin.discovery = service_load`,
    '',
  ].join('\n');
}

/** mm2.properties for mirrormaker: the same file plus our own key for the config revisions topic. */
export function mirrormakerProperties(input: MirrorConfigInput): string {
  return [
    `# mirrormaker (coordinator + data-mirror + topic-config-sync${input.checkpoints ? ' + offset-sync' : ''}); written by tools/bench.`,
    ...commonLines(input),
    `coordinator.config.topic = ${input.names.configTopic}`,
    '',
  ].join('\n');
}

/**
 * The mirror that copies the first backlog once, unmeasured, before the measured runs; none when
 * the limit is measured first (its tools warm the brokers), when everything runs at once (smoke),
 * or when nothing is copied. Brokers warm up on the requests a mirror sends: on fresh clusters a
 * mirror's first run copied 1 KiB records at 54,000 rec/s, the next two at 106,000 and 136,000
 * (the same command), so `--only` runs would otherwise compare a cold first run with warm ones.
 */
export function warmUpContender<T extends string>(o: { throughput: boolean; parallel: boolean; limit: boolean }, mirrors: readonly T[]): T | undefined {
  return o.throughput && !o.parallel && !o.limit ? mirrors[0] : undefined;
}

/** Alternating contender order: the physical limit first, then MM2 and mirrormaker in turn. */
export function contenderOrder<T extends string>(limit: T | undefined, mirrors: readonly T[], index: number): T[] {
  const m = index % 2 === 0 ? [...mirrors] : [...mirrors].reverse();
  return limit === undefined ? m : [limit, ...m];
}

/** A short random tag for the names of one invocation. */
export function newTag(random: () => number = Math.random): string {
  return Math.floor(random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
}

/** A contender of the checkpoint-lag phase: a mirror and the checkpoint interval it runs with. */
export interface CheckpointContender {
  id: 'mm2-default' | 'mm2-1s' | 'mirrormaker';
  mirror: 'mm2' | 'mirrormaker';
  /** Written as `emit.checkpoints.interval.seconds`; absent: the mirror's default applies. */
  intervalSetting?: number;
  /** The interval in effect. */
  intervalSeconds: number;
}

/**
 * Apache MM2 at its default interval (60 s) and at 1 s; mirrormaker at its own default (taken from
 * libs/config, so the bench follows a change of it).
 */
export const CHECKPOINT_CONTENDERS: readonly CheckpointContender[] = [
  { id: 'mm2-default', mirror: 'mm2', intervalSeconds: 60 },
  { id: 'mm2-1s', mirror: 'mm2', intervalSetting: 1, intervalSeconds: 1 },
  { id: 'mirrormaker', mirror: 'mirrormaker', intervalSeconds: FLOW_SETTINGS.emitCheckpointsIntervalSeconds.defaultValue },
];

/** Sizes and pacing of the checkpoint-lag phase. */
export interface CheckpointPhase {
  /** Records per second produced into the phase's topic for its whole duration. */
  ratePerSec: number;
  recordBytes: number;
  partitions: number;
  /** Measured commits per contender, at least (see commitsFor). */
  commits: number;
  commitEverySeconds: number;
  /** Pause between the first checkpoint on the target and the first measured commit. */
  warmupSeconds: number;
  refreshGroupsSeconds: number;
}

export const FULL_CHECKPOINT_PHASE: CheckpointPhase = {
  ratePerSec: 2000,
  recordBytes: 100,
  partitions: 8,
  commits: 25,
  commitEverySeconds: 2,
  warmupSeconds: 10,
  refreshGroupsSeconds: 5,
};

export const SMOKE_CHECKPOINT_PHASE: CheckpointPhase = { ...FULL_CHECKPOINT_PHASE, ratePerSec: 1000, commits: 3, warmupSeconds: 0 };

/**
 * Measured commits for a contender: the phase's count, but spanning at least two checkpoint
 * intervals, so that commits land at every point of the mirror's checkpoint cycle.
 */
export function commitsFor(phase: CheckpointPhase, intervalSeconds: number): number {
  return Math.max(phase.commits, Math.ceil((2 * intervalSeconds) / phase.commitEverySeconds));
}

/**
 * When to commit, in ms after the first commit: every commitEverySeconds, each moved later by a
 * random part of half that spacing. The mirrors poll on a fixed timer, so evenly spaced commits
 * would all meet the same point of a 1 s cycle; with the jitter they meet every point of it.
 */
export function commitSchedule(phase: CheckpointPhase, count: number, random: () => number = Math.random): number[] {
  const every = phase.commitEverySeconds * 1000;
  return Array.from({ length: count }, (_, i) => i * every + Math.floor((random() * every) / 2));
}

/**
 * The checkpoint-lag contenders for the chosen mirrors. The smoke run leaves out MM2 at its
 * default interval: its first checkpoint comes a whole interval (60 s) after start, and it runs
 * the same code as the 1 s variant.
 */
export function checkpointContenders(mirrors: readonly ('mm2' | 'mirrormaker')[], smoke: boolean): CheckpointContender[] {
  return CHECKPOINT_CONTENDERS.filter((c) => mirrors.includes(c.mirror) && !(smoke && c.intervalSeconds > 10));
}

/**
 * The steady producer of the checkpoint-lag phase. Small batches: the producer's sticky
 * partitioner moves on after batch.size bytes, so with 256 KiB batches each partition would get
 * a burst of ~2,600 records every few seconds instead of a steady flow.
 */
export const STEADY_PRODUCER_PROPS: Readonly<Record<string, string>> = { 'batch.size': '16384', 'linger.ms': '5' };
