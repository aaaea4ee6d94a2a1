/**
 * Failover fidelity (`npm run bench -- --failover-fidelity`): what a consumer group sees when it
 * moves from the source to the target. A producer writes numbered records (each value names its
 * source partition and offset) at a steady rate; the mirror copies them with checkpoints and group
 * offset sync on; a group reads on the source at the same rate, committing every half second, and
 * is stopped at a random moment. Once the mirror has copied past the group's position and the
 * group's offsets on the target have stopped changing, a consumer of the group on the target
 * starts at those offsets and reads to the end of what was copied. Its records divide into
 * re-reads (processed on the source already) and misses (copied, at or past the group's position,
 * never delivered). Repeated with a fresh group per failover, for Apache MM2 and for mirrormaker
 * on the same workload. The pure part is in fidelity-measures.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { IdleGroupOffsets, KafkaProducer, type ConsumedBatch, type GroupOffsetCommit, type KafkaAdmin, type PartitionConsumer, type ProducerRecord } from '@mirrormaker/kafka';
import type { CheckpointSettings, RunNames } from './bench-config';
import {
  CopiedRecords,
  RatePacer,
  SettleWatch,
  classifyPartition,
  identityValue,
  parseIdentity,
  stopMoments,
  sumOutcomes,
  summarizeFidelity,
  type FidelitySummary,
  type PartitionOutcome,
} from './fidelity-measures';
import { benchAdmin, benchClient, benchConsumer, endOffsets, sumOffsets, waitForTopic } from './kafka-helpers';
import { checkNotAborted, exitedProcess, Interrupted, waitUntil, type Started } from './processes';

export interface FidelitySettings {
  failovers: number;
  /** Records/s the producer writes, and the most the group reads. */
  ratePerSec: number;
  partitions: number;
  recordBytes: number;
  /** The group is stopped at a random moment this many seconds after it starts (uniform). */
  consumeSeconds: [number, number];
  /** The group commits its position this often while it reads (as auto-commit does). */
  commitEveryMs: number;
  /** The group's offsets on the target count as final once unchanged this long. */
  settleSeconds: number;
  /** Bound of each wait (copy past the position, offsets settling, the consumer on the target). */
  waitSeconds: number;
  /** emit.checkpoints.interval.seconds and sync.group.offsets.interval.seconds, for both mirrors. */
  syncSeconds: number;
}

export const FULL_FIDELITY: FidelitySettings = {
  failovers: 20,
  ratePerSec: 5000,
  partitions: 8,
  recordBytes: 100,
  consumeSeconds: [4, 10],
  commitEveryMs: 500,
  settleSeconds: 5,
  waitSeconds: 60,
  syncSeconds: 1,
};

/**
 * `--smoke`: two failovers at 1,000 records/s on 4 partitions. The settle time stays at 5 s (five
 * rounds of both mirrors): a shorter one could take a translation of an earlier commit for the
 * final one on a busy machine, which would show as re-reads.
 */
export const SMOKE_FIDELITY: FidelitySettings = { ...FULL_FIDELITY, failovers: 2, ratePerSec: 1000, partitions: 4, consumeSeconds: [2, 4], waitSeconds: 30 };

/** One stop of the group on the source and its start on the target. */
export interface FidelityFailover {
  index: number;
  group: string;
  /** How long the group read before it was stopped, and how many records it processed. */
  consumedMs: number;
  processed: number;
  /** Records the group read whose value did not name their own partition and offset. */
  mismatched: number;
  /** Per partition: the group's committed offset on the source when it stopped. */
  committed?: Record<string, number>;
  /** Per partition: the group's committed offset on the target the consumer started at. */
  targetOffsets?: Record<string, number>;
  /** Per partition: where the consumer on the target stopped reading (the end of the copy then). */
  targetEnd?: Record<string, number>;
  /** Partitions without an offset on the target: the consumer started at the end there, as auto.offset.reset=latest does. */
  noTargetOffset?: number[];
  /** From the stop until the mirror had copied past the group's position. */
  copiedAfterMs?: number;
  /** From the stop to the last change of the group's offsets on the target. */
  settledAfterMs?: number;
  /** Records the consumer on the target got, and how they divide. */
  delivered?: number;
  rereads?: number;
  missed?: number;
  partitions?: PartitionOutcome[];
  note?: string;
}

export interface FailoverFidelityRun extends FidelitySummary {
  contender: 'mm2' | 'mirrormaker';
  ratePerSec: number;
  partitions: number;
  /** Every planned failover was attempted. */
  complete: boolean;
  note?: string;
  /** Records on the source at the end. */
  produced: number;
  /** Records on the target without a bench identity of their partition. */
  foreign: number;
  /** Records the group read whose value did not name their own partition and offset. */
  mismatched: number;
  failovers: FidelityFailover[];
  dir?: string;
}

/** A running mirror of the bench (bench.ts starts it): its names, processes and how to stop it. */
export interface FidelityMirror {
  names: RunNames;
  dir: string;
  processes: Started[];
  /** Admin client on the target, closed by stop(). */
  targetAdmin: KafkaAdmin;
  /** Stops the processes and deletes the remote topic. */
  stop(): Promise<void>;
}

export interface FidelityContext {
  source: string;
  target: string;
  tag: string;
  startTimeoutMs: number;
  log: (m: string) => void;
  createSourceTopic(name: string, partitions: number): Promise<void>;
  dropSourceTopic(name: string): Promise<void>;
  launch(contender: 'mm2' | 'mirrormaker', topic: string, checkpoints: CheckpointSettings): Promise<FidelityMirror>;
}

/** The mirror settings of the run (the same for both contenders). */
export function fidelityCheckpoints(groupPrefix: string, s: FidelitySettings): CheckpointSettings {
  return { group: `${groupPrefix}-.*`, intervalSeconds: s.syncSeconds, refreshGroupsSeconds: 5, syncGroupOffsetsSeconds: s.syncSeconds };
}

const entries = (m: ReadonlyMap<number, number>): Record<string, number> => Object.fromEntries([...m].sort(([a], [b]) => a - b));
const sec = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
const int = (n: number) => n.toLocaleString('en-US');

/**
 * Writes `ratePerSec` records round-robin over the partitions of a fresh topic, one send at a
 * time, idempotent, so that each partition's offsets are known before the broker assigns them:
 * every value names its own partition and offset. The broker's answer (the base offset per
 * partition) is checked against the prediction.
 */
class IdentityProducer {
  written = 0;
  /** Why it stopped before being told to. */
  failure: string | undefined;
  private readonly producer: KafkaProducer;
  private next: number[] = [];
  private turn = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly bootstrap: string,
    private readonly topic: string,
    private readonly partitions: number,
    private readonly ratePerSec: number,
    private readonly recordBytes: number,
  ) {
    this.producer = new KafkaProducer(benchClient('source-fidelity-producer', bootstrap), { idempotent: true });
  }

  async start(): Promise<void> {
    await this.resync();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.producer.close();
  }

  private async resync(): Promise<void> {
    const admin = benchAdmin('source', this.bootstrap);
    try {
      const ends = await endOffsets(admin, this.topic);
      this.next = Array.from({ length: this.partitions }, (_, p) => Number(ends.get(p) ?? 0n));
    } finally {
      await admin.close();
    }
  }

  private async run(): Promise<void> {
    const started = Date.now();
    let failingSince: number | undefined;
    while (!this.stopped) {
      // At most a second's worth per send: after a stall the producer catches up in steps.
      const due = Math.min(Math.floor(((Date.now() - started) * this.ratePerSec) / 1000) - this.written, this.ratePerSec);
      if (due > 0) {
        const counts = new Array<number>(this.partitions).fill(0);
        const records: ProducerRecord[] = [];
        for (let i = 0; i < due; i++) {
          const partition = this.turn++ % this.partitions;
          const offset = (this.next[partition] as number) + (counts[partition] as number);
          counts[partition] = (counts[partition] as number) + 1;
          records.push({ partition, key: null, value: identityValue(partition, offset, this.recordBytes) });
        }
        try {
          const bases = await this.producer.send(this.topic, records);
          for (const [partition, base] of bases) {
            if (Number(base) !== this.next[partition]) {
              this.failure = `partition ${partition} took records at offset ${base}, not at ${this.next[partition]} as their values say`;
              return;
            }
            this.next[partition] = (this.next[partition] as number) + (counts[partition] as number);
          }
          this.written += due;
          failingSince = undefined;
        } catch (err) {
          // Idempotent and one send at a time: whatever was written sits at the offsets its values
          // name. Continue from the end offsets.
          failingSince ??= Date.now();
          if (Date.now() - failingSince > 30_000) {
            this.failure = `the producer failed for 30 s: ${(err as Error).message}`;
            return;
          }
          await this.resync().catch(() => undefined);
        }
      }
      await sleep(20);
    }
  }
}

/**
 * The group on the source: reads from `start` at most `ratePerSec` records/s (the records of a
 * fetched batch are processed a few at a time, paced), commits the position it processed to every
 * `commitEveryMs` (as auto-commit does), and on end() commits its final position and leaves.
 * As in the checkpoint-lag runs, the reading consumer is not a member of the group and the
 * commits go through IdleGroupOffsets: the mirrors see the committed offsets a member would commit.
 */
class PacedGroup {
  /** Per partition: the next offset to process. */
  readonly positions: Map<number, number>;
  processed = 0;
  mismatched = 0;
  commitErrors = 0;
  private stopping = false;
  private commits: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly consumer: PartitionConsumer;
  private readonly offsets: IdleGroupOffsets;
  private readonly pacer: RatePacer;
  private readonly chunk: number;

  constructor(
    bootstrap: string,
    readonly group: string,
    private readonly topic: string,
    private readonly start: ReadonlyMap<number, number>,
    ratePerSec: number,
    private readonly commitEveryMs: number,
  ) {
    this.positions = new Map(start);
    this.pacer = new RatePacer(ratePerSec, Date.now());
    // About 10 ms of records per step.
    this.chunk = Math.max(1, Math.round(ratePerSec / 100));
    this.offsets = new IdleGroupOffsets(benchClient(`source-${group}`, bootstrap));
    this.consumer = benchConsumer(benchClient(`source-${group}-reader`, bootstrap), (batch) => this.handle(batch), start.size);
  }

  async begin(): Promise<void> {
    await this.consumer.addPartitions([...this.start].map(([partition, offset]) => ({ topic: this.topic, partition, offset: BigInt(offset) })));
    this.timer = setInterval(() => void this.commit().catch(() => this.commitErrors++), this.commitEveryMs);
  }

  /** Stops reading, commits the position processed to, leaves; returns that position. */
  async end(): Promise<Map<number, number>> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.consumer.close().catch(() => undefined);
    await this.commits.catch(() => undefined);
    const final = new Map(this.positions);
    await this.commit();
    await this.offsets.close();
    return final;
  }

  async abandon(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.consumer.close().catch(() => undefined);
    await this.offsets.close();
  }

  private commit(): Promise<void> {
    const offsets: GroupOffsetCommit[] = [...this.positions].map(([partition, offset]) => ({ topic: this.topic, partition, offset: BigInt(offset), metadata: '' }));
    this.commits = this.commits.catch(() => undefined).then(() => this.offsets.commit(this.group, offsets));
    return this.commits;
  }

  private async handle(batch: ConsumedBatch): Promise<void> {
    for (let i = 0; i < batch.records.length && !this.stopping; i += this.chunk) {
      const step = batch.records.slice(i, i + this.chunk);
      const wait = this.pacer.take(step.length, Date.now());
      if (wait > 0) await sleep(wait);
      if (this.stopping) return;
      for (const r of step) {
        const id = parseIdentity(r.value);
        if (id?.partition !== batch.partition || id.offset !== Number(r.offset)) this.mismatched++;
      }
      this.processed += step.length;
      this.positions.set(batch.partition, Number((step[step.length - 1] as { offset: bigint }).offset) + 1);
    }
  }
}

/** Follows the remote topic from its start: which source record sits at each target offset. */
class CopyReader {
  readonly copied: CopiedRecords;
  private readonly consumer: PartitionConsumer;

  constructor(
    target: string,
    private readonly topic: string,
    partitions: number,
  ) {
    this.copied = new CopiedRecords(partitions);
    this.consumer = benchConsumer(
      benchClient('target-fidelity-copies', target),
      async (batch) => {
        for (const r of batch.records) this.copied.add(batch.partition, Number(r.offset), r.value);
      },
      partitions,
    );
  }

  attach(): Promise<void> {
    return this.consumer.addPartitions(Array.from({ length: this.copied.partitions }, (_, partition) => ({ topic: this.topic, partition, offset: 'earliest' as const })));
  }

  /** The target offset up to which the partition has been read. */
  position(partition: number): number {
    return Number(this.consumer.position(this.topic, partition) ?? 0n);
  }

  close(): Promise<void> {
    return this.consumer.close().catch(() => undefined);
  }
}

/**
 * What a consumer of the group gets on the target: per partition from `from` (the group's
 * committed offset there, where a Kafka consumer of the group starts) up to `to`, the source
 * offsets of the records (records without a bench identity of their partition are left out).
 */
async function readAsTheGroup(target: string, topic: string, from: ReadonlyMap<number, number>, to: ReadonlyMap<number, number>, timeoutMs: number): Promise<Map<number, number[]>> {
  const got = new Map<number, number[]>([...from.keys()].map((p) => [p, []]));
  const starts = [...from].filter(([p, offset]) => offset < (to.get(p) ?? 0));
  if (starts.length === 0) return got;
  const consumer = benchConsumer(
    benchClient('target-fidelity-failover', target),
    async (batch) => {
      const end = to.get(batch.partition) ?? 0;
      const list = got.get(batch.partition) as number[];
      for (const r of batch.records) {
        if (Number(r.offset) >= end) break;
        const id = parseIdentity(r.value);
        if (id?.partition === batch.partition) list.push(id.offset);
      }
    },
    from.size,
  );
  try {
    await consumer.addPartitions(starts.map(([partition, offset]) => ({ topic, partition, offset: BigInt(offset) })));
    const reached = () => starts.every(([p]) => Number(consumer.position(topic, p) ?? 0n) >= (to.get(p) ?? 0));
    await waitUntil(reached, timeoutMs, () => undefined, `the consumer on the target did not reach the end of the copy`);
  } finally {
    await consumer.close().catch(() => undefined);
  }
  return got;
}

/** The group's committed offsets on the remote topic, by partition. */
async function targetGroupOffsets(admin: KafkaAdmin, group: string, topic: string): Promise<Map<number, bigint>> {
  const committed = await admin.fetchCommittedOffsets(group, [topic]);
  return new Map([...(committed.get(topic) ?? new Map())].map(([p, c]) => [p, c.offset]));
}

/** The run for each mirror in turn, each on its own topic and groups. */
export async function failoverFidelity(ctx: FidelityContext, s: FidelitySettings, mirrors: readonly ('mm2' | 'mirrormaker')[]): Promise<FailoverFidelityRun[]> {
  const runs: FailoverFidelityRun[] = [];
  for (const contender of mirrors) {
    checkNotAborted();
    runs.push(await fidelityRun(ctx, s, contender));
  }
  return runs;
}

async function fidelityRun(ctx: FidelityContext, s: FidelitySettings, contender: 'mm2' | 'mirrormaker'): Promise<FailoverFidelityRun> {
  const log = ctx.log;
  const topic = `bench-fidelity-${ctx.tag}-${contender}`;
  const groupPrefix = topic;
  const partitions = Array.from({ length: s.partitions }, (_, p) => p);
  const run: FailoverFidelityRun = {
    contender,
    ratePerSec: s.ratePerSec,
    partitions: s.partitions,
    complete: false,
    produced: 0,
    foreign: 0,
    mismatched: 0,
    failovers: [],
    ...summarizeFidelity([]),
  };
  const sourceAdmin = benchAdmin('source', ctx.source);
  const commits = new IdleGroupOffsets(benchClient('source-fidelity-groups', ctx.source));
  let producer: IdentityProducer | undefined;
  let mirror: FidelityMirror | undefined;
  let reader: CopyReader | undefined;
  try {
    await ctx.createSourceTopic(topic, s.partitions);
    // Every group of the run exists before the mirror starts: both mirrors list the source groups
    // at start-up, and MM2 restarts its checkpoint tasks whenever the set of groups changes.
    for (let n = 1; n <= s.failovers; n++) {
      await commits.commit(`${groupPrefix}-${n}`, partitions.map((partition) => ({ topic, partition, offset: 0n, metadata: '' })));
    }
    const p = new IdentityProducer(ctx.source, topic, s.partitions, s.ratePerSec, s.recordBytes);
    producer = p;
    await p.start();
    log(`  ${contender}: ${s.failovers} failovers on ${topic} (${s.partitions} partitions, ${int(s.ratePerSec)} rec/s) ...`);
    const m = await ctx.launch(contender, topic, fidelityCheckpoints(groupPrefix, s));
    mirror = m;
    run.dir = m.dir;
    const failure = () => exitedProcess(m.processes) ?? p.failure;
    await waitForTopic('target', ctx.target, m.names.remoteTopic, ctx.startTimeoutMs, failure);
    const r = new CopyReader(ctx.target, m.names.remoteTopic, s.partitions);
    reader = r;
    await r.attach();
    const backlog = await endOffsets(sourceAdmin, topic);
    await waitUntil(() => [...backlog].every(([q, end]) => r.copied.highest(q) >= Number(end) - 1), ctx.startTimeoutMs, failure, `${contender} did not copy the records written before its start`);
    log(`    ${contender} copies (remote topic ${m.names.remoteTopic}, logs in ${m.dir})`);

    const moments = stopMoments(s.failovers, s.consumeSeconds[0], s.consumeSeconds[1]);
    for (const [i, moment] of moments.entries()) {
      checkNotAborted();
      const f = await failover(ctx, s, { index: i + 1, group: `${groupPrefix}-${i + 1}`, topic, moment, sourceAdmin, commits, mirror: m, reader: r, failure });
      run.failovers.push(f);
      run.mismatched += f.mismatched;
      const why = failure();
      if (why) throw new Error(why);
    }
    run.complete = true;
  } catch (err) {
    log(`    ${contender} failed: ${(err as Error).message}`);
    run.note = (err as Error).message.split('\n')[0];
  } finally {
    await producer?.stop();
    run.produced = sumOffsets(await endOffsets(sourceAdmin, topic).catch(() => new Map<number, bigint>()));
    await reader?.close();
    run.foreign = reader?.copied.foreign ?? 0;
    await mirror?.stop();
    await commits.close();
    await sourceAdmin.close();
    await ctx.dropSourceTopic(topic);
  }
  const notes = run.failovers.filter((f) => f.note).map((f) => `failover ${f.index}: ${f.note}`);
  if (notes.length) run.note = [run.note, ...notes].filter(Boolean).join('; ');
  Object.assign(run, summarizeFidelity(run.failovers));
  log(
    `    ${contender}: ${run.measured} failovers measured: re-reads p50 ${run.rereadsP50 ?? '—'}, max ${run.rereadsMax ?? '—'}, total ${run.rereadsTotal}; ` +
      `misses ${run.missedTotal}; ${run.exact} with neither`,
  );
  return run;
}

interface FailoverInput {
  index: number;
  group: string;
  topic: string;
  /** ms after the group's start at which it is stopped. */
  moment: number;
  sourceAdmin: KafkaAdmin;
  commits: IdleGroupOffsets;
  mirror: FidelityMirror;
  reader: CopyReader;
  failure: () => string | undefined;
}

/**
 * One failover: the group reads from the end of the topic on the source and is stopped; once the
 * mirror copied past its position and its target offsets settled, a consumer of it reads on the
 * target; its records are divided into re-reads and misses. A timeout ends only this failover
 * (noted); a stopped process ends the run.
 */
async function failover(ctx: FidelityContext, s: FidelitySettings, x: FailoverInput): Promise<FidelityFailover> {
  const f: FidelityFailover = { index: x.index, group: x.group, consumedMs: 0, processed: 0, mismatched: 0 };
  const waitMs = s.waitSeconds * 1000;
  const start = new Map([...(await endOffsets(x.sourceAdmin, x.topic))].map(([p, o]) => [p, Number(o)]));
  await x.commits.commit(x.group, [...start].map(([partition, offset]) => ({ topic: x.topic, partition, offset: BigInt(offset), metadata: '' })));
  const group = new PacedGroup(ctx.source, x.group, x.topic, start, s.ratePerSec, s.commitEveryMs);
  let committed: Map<number, number>;
  try {
    await group.begin();
    const began = Date.now();
    while (Date.now() - began < x.moment) {
      checkNotAborted();
      const why = x.failure();
      if (why) throw new Error(why);
      await sleep(Math.min(100, x.moment - (Date.now() - began)));
    }
    committed = await group.end();
    f.consumedMs = Date.now() - began;
  } catch (err) {
    await group.abandon();
    throw err;
  }
  const stoppedAt = Date.now();
  f.processed = group.processed;
  f.mismatched = group.mismatched;
  f.committed = entries(committed);
  if (group.commitErrors) f.note = `${group.commitErrors} of the group's periodic commits failed`;
  try {
    // The mirror has copied the record at the group's position (the first it did not process).
    await waitUntil(() => [...committed].every(([p, c]) => x.reader.copied.highest(p) >= c), waitMs, x.failure, 'the mirror did not copy past the group position');
    f.copiedAfterMs = Date.now() - stoppedAt;
    const watch = new SettleWatch(s.partitions, s.settleSeconds * 1000);
    let offsets = new Map<number, bigint>();
    const deadline = Date.now() + waitMs;
    for (;;) {
      checkNotAborted();
      offsets = await targetGroupOffsets(x.mirror.targetAdmin, x.group, x.mirror.names.remoteTopic).catch(() => offsets);
      const now = Date.now();
      watch.see(offsets, now);
      if (watch.settled(now)) break;
      const why = x.failure();
      if (why) throw new Error(why);
      if (now > deadline) {
        f.note = `the group's offsets on the target did not stay unchanged for ${s.settleSeconds} s within ${s.waitSeconds} s (${offsets.size} of ${s.partitions} partitions had one)`;
        break;
      }
      await sleep(200);
    }
    if (watch.changedAt !== undefined) f.settledAfterMs = Math.max(0, watch.changedAt - stoppedAt);
    const end = new Map([...(await endOffsets(x.mirror.targetAdmin, x.mirror.names.remoteTopic))].map(([p, o]) => [p, Number(o)]));
    const from = new Map([...end].map(([p, e]) => [p, offsets.has(p) ? Number(offsets.get(p)) : e]));
    const missing = [...end.keys()].filter((p) => !offsets.has(p));
    if (missing.length) f.noTargetOffset = missing;
    f.targetOffsets = entries(new Map([...offsets].map(([p, o]) => [p, Number(o)])));
    f.targetEnd = entries(end);
    // Everything up to the end is known, so that a miss anywhere below it is seen.
    await waitUntil(() => [...end].every(([p, e]) => x.reader.position(p) >= e), waitMs, x.failure, 'the reader of the remote topic did not reach its end');
    const delivered = await readAsTheGroup(ctx.target, x.mirror.names.remoteTopic, from, end, waitMs);
    const outcomes = [...committed].sort(([a], [b]) => a - b).map(([p, c]) => classifyPartition(p, c, delivered.get(p) ?? [], x.reader.copied.sourceOffsetsBelow(p, end.get(p) ?? 0)));
    Object.assign(f, sumOutcomes(outcomes), { partitions: outcomes });
    ctx.log(
      `    failover ${x.index}: stopped after ${sec(f.consumedMs)} (${int(f.processed)} records); copied past it after ${sec(f.copiedAfterMs)}, ` +
        `offsets on the target final after ${sec(f.settledAfterMs)}; ${int(f.delivered ?? 0)} records on the target: ${int(f.rereads ?? 0)} re-read, ${int(f.missed ?? 0)} missed`,
    );
  } catch (err) {
    if (err instanceof Interrupted || x.failure()) throw err;
    f.note = [f.note, (err as Error).message.split('\n')[0]].filter(Boolean).join('; ');
    ctx.log(`    failover ${x.index}: ${f.note}`);
  }
  return f;
}
