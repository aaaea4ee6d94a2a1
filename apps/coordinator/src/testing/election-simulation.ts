import type { SeededRandom } from '@mirrormaker/lease/testing';
import {
  isOwnTakeoverRecord,
  mayAct,
  mayStartActing,
  rivalConfirmationSeenAt,
  shouldTakeOver,
  type ElectionTimings,
  type LeadershipView,
} from '../leadership/election-rules';

/**
 * A discrete-event model of coordinator replicas electing a leader through one Kafka partition, for
 * the election property test. Each replica runs what leader-election.ts runs, step for step, on the
 * pure rules of election-rules.ts; Kafka is reduced to what the election relies on:
 *
 * - one transactional id shared by all replicas: a producer's first transaction registers it
 *   (bumping the id's epoch), and a commit by a producer whose epoch is no longer the newest fails
 *   with PRODUCER_FENCED; its records are never visible;
 * - committed leader records form one log, read by every replica's consumer in log order after a
 *   random delay per record and replica (a slow fetch delays everything behind it);
 * - every request and answer takes a random time, sometimes long, and is sometimes lost (the
 *   client then sees a non-fenced error after a timeout, whether or not the broker acted on it).
 *
 * Processes are paused like SIGSTOP (no code runs, the monotonic clock keeps counting; on resume
 * the coalesced timer tick and the I/O that arrived meanwhile run in either order), killed (broker
 * work already requested still happens), restarted with a fresh state under the same instance id,
 * and stopped gracefully (resignation, then exit after the rest of the shutdown). Each process's
 * monotonic clock runs at a rate that changes at random within [1 - drift, 1 + drift] of real time,
 * and its wall clock (used only for the `at` of records) is off by a fixed skew.
 *
 * All times are simulated milliseconds: nothing here waits.
 */

/** A leader record as leader-record.ts defines it (the fields the election reads). */
export interface SimLeaderRecord {
  term: number;
  leaderId: string;
  /** Writer's wall clock at the write. */
  at: number;
  resigned?: boolean;
  takeover?: boolean;
}

export interface SimulationOptions {
  rnd: SeededRandom;
  timings: ElectionTimings;
  replicas: number;
  /** Bound of clock rate drift: each monotonic clock runs at 1 ± drift of real time. */
  drift: number;
  /** Bound of wall clock skew between processes, ms. */
  wallSkewMs: number;
  /** Invariant violations are thrown with this prefix (seed and settings). */
  label: string;
}

type TxnResult = 'ok' | 'fenced' | 'failed' | 'refused';

type Op =
  /** A transaction on the leader's chain; `producer` is read when its turn comes and may refuse (undefined). */
  | { kind: 'txn'; producer: () => SimProducer | undefined; records: SimLeaderRecord[]; config?: ConfigWrite }
  | { kind: 'send' }
  | { kind: 'sleep'; localMs: number };

type Routine = Generator<Op, void, TxnResult | undefined>;

interface SimProducer {
  readonly id: number;
  /** Epoch of the transactional id this producer registered; undefined until its first transaction. */
  epoch?: number;
}

interface ConfigWrite {
  writer: Replica;
  /** Real time the writer decided it may write (its mayAct held). */
  decidedAt?: number;
}

/**
 * Discrete events in real (simulated) time; ties run in the order they were scheduled. A sorted
 * array: only a few dozen events are ever pending.
 */
class Scheduler {
  now = 0;
  private seq = 0;
  private readonly queue: { at: number; seq: number; run: () => void }[] = [];

  at(time: number, run: () => void): void {
    const item = { at: Math.max(time, this.now), seq: this.seq++, run };
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.queue[mid]!.at <= item.at) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, item);
  }

  /** Runs the next event; false when none is left before `until`. */
  step(until: number): boolean {
    const next = this.queue[0];
    if (next === undefined || next.at > until) return false;
    this.queue.shift();
    this.now = next.at;
    next.run();
    return true;
  }
}

/** A monotonic clock whose rate drifts within a bound; piecewise linear in real time. */
class DriftingClock {
  private realBase: number;
  private localBase: number;

  constructor(
    realNow: number,
    private rate: number,
  ) {
    this.realBase = realNow;
    this.localBase = 1_000_000 + realNow * 3; // unrelated origins per process
  }

  read(real: number): number {
    return this.localBase + (real - this.realBase) * this.rate;
  }

  setRate(real: number, rate: number): void {
    this.localBase = this.read(real);
    this.realBase = real;
    this.rate = rate;
  }

  /** Real time from now until this clock has advanced by `localMs`, at its current rate. */
  realDelay(localMs: number): number {
    return Math.max(0, localMs) / this.rate;
  }
}

/** The shared Kafka cluster: the transactional id and the committed leader records. */
class Kafka {
  epoch = 0;
  /** Committed leader records, in log order. */
  readonly log: SimLeaderRecord[] = [];
  private nextProducer = 1;

  producer(): SimProducer {
    return { id: this.nextProducer++ };
  }
}

/** One process of one coordinator replica (a restart is a new Replica with the same id). */
export class Replica {
  state: 'running' | 'paused' | 'dead' = 'running';
  /** Stopped gracefully (LeaderElection.stop ran): no more ticks. */
  stopped = false;
  /** Whether mayAct held at the last check (to record when acting starts). */
  wasActing = false;

  // LeaderElection's fields, same names.
  view: LeadershipView = { role: 'follower', followingSince: Infinity };
  term = 0;
  maxTermSeen = 0;
  leaderRecord: SimLeaderRecord | undefined;
  producer: SimProducer | undefined;
  busy = false;
  caughtUp = false;
  lastHeartbeatAt = -Infinity;
  lastMemberWriteAt = -Infinity;
  endOffsetAtStart: number | undefined;
  ownRecordSeen = false;
  claimedTerm = 0;
  announced = false;
  tookOverAt = 0;
  rivalConfirmationSeenAt = -Infinity;

  /** Records read so far (the consumer position). */
  consumed = 0;
  consumerOpen = false;
  lastDeliveryAt = -Infinity;
  /** I/O that arrived while paused, and whether a timer tick is due. */
  pendingIo: (() => void)[] = [];
  tickDue = false;
  /** The transactions chain: one transaction at a time, in order. */
  txnQueue: { op: Extract<Op, { kind: 'txn' }>; done: (r: TxnResult) => void }[] = [];
  txnRunning = false;

  constructor(
    readonly id: string,
    readonly incarnation: number,
    readonly clock: DriftingClock,
    readonly wallSkewMs: number,
  ) {}

  local(real: number): number {
    return this.clock.read(real);
  }
}

export interface ElectionStats {
  takeovers: number;
  announcements: number;
  stepDowns: number;
  fencedCommits: number;
  configWrites: number;
  pauses: number;
  kills: number;
  stops: number;
}

export class ElectionSimulation {
  readonly sched = new Scheduler();
  readonly kafka = new Kafka();
  readonly replicas = new Map<string, Replica>();
  readonly stats: ElectionStats = { takeovers: 0, announcements: 0, stepDowns: 0, fencedCommits: 0, configWrites: 0, pauses: 0, kills: 0, stops: 0 };
  /** When each process began acting, in order (for the write check). */
  private readonly actingStarts: { replica: Replica; at: number }[] = [];
  /** Delivery and request delays: calm is bounded and short; chaos has long tails and losses. */
  calm = false;
  private incarnations = 0;
  private readonly rnd: SeededRandom;
  private readonly t: ElectionTimings;
  private readonly trace: string[] = [];

  constructor(private readonly options: SimulationOptions) {
    this.rnd = options.rnd;
    this.t = options.timings;
    for (let i = 0; i < options.replicas; i++) this.start(`c${i}`, this.rnd.int(0, 2 * this.t.heartbeatMs));
  }

  get now(): number {
    return this.sched.now;
  }

  /** Runs events until `until`, checking the invariants after each. */
  runUntil(until: number): void {
    while (this.sched.step(until)) this.check();
    this.sched.now = Math.max(this.sched.now, until);
  }

  live(): Replica[] {
    return [...this.replicas.values()].filter((r) => r.state !== 'dead');
  }

  /** LeaderElection.mayAct() of a process at the current real time. */
  acts(r: Replica): boolean {
    return r.state !== 'dead' && mayAct(r.view, r.local(this.now), this.t);
  }

  // ---- disturbances ----

  pause(r: Replica, forMs: number): void {
    if (r.state !== 'running') return;
    this.stats.pauses++;
    this.note(`${r.id} paused for ${forMs} ms`);
    r.state = 'paused';
    this.sched.at(this.now + forMs, () => this.resume(r));
  }

  kill(r: Replica): void {
    if (r.state === 'dead') return;
    this.stats.kills++;
    this.note(`${r.id} killed (role ${r.view.role}, term ${r.term})`);
    r.state = 'dead';
  }

  /** Graceful stop (SIGTERM): LeaderElection.stop, then the rest of the shutdown, then exit. */
  stopGracefully(r: Replica): void {
    if (r.state !== 'running' || r.stopped) return;
    this.stats.stops++;
    this.note(`${r.id} stopping gracefully (acting ${this.acts(r)})`);
    this.spawn(r, this.stopRoutine(r), () => {
      r.consumerOpen = false;
      this.sched.at(this.now + this.rnd.int(0, 2000), () => this.kill(r));
    });
  }

  /** A new process for a replica whose previous one is dead. */
  restart(id: string): void {
    if (this.replicas.get(id)?.state !== 'dead') return;
    this.start(id, 0);
  }

  /** A config change through the control API on a replica that believes it leads. */
  writeConfig(r: Replica): void {
    if (r.state !== 'running' || r.view.role !== 'leader') return;
    this.spawn(r, this.writeAsLeader(r, [], { writer: r }));
  }

  driftClocks(): void {
    for (const r of this.live()) if (this.rnd.chance(0.3)) r.clock.setRate(this.now, 1 + (this.rnd.next() * 2 - 1) * this.options.drift);
  }

  // ---- LeaderElection, step for step ----

  private start(id: string, afterMs: number): void {
    const rate = 1 + (this.rnd.next() * 2 - 1) * this.options.drift;
    const r = new Replica(id, ++this.incarnations, new DriftingClock(this.now, rate), (this.rnd.next() * 2 - 1) * this.options.wallSkewMs);
    this.replicas.set(id, r);
    this.note(`${id} starting (incarnation ${r.incarnation})`);
    // start(): list/create topic and list offsets, then the consumer from the earliest offset.
    this.sched.at(this.now + afterMs + this.requestDelay() + this.requestDelay(), () => {
      if (r.state === 'dead') return;
      const end = this.kafka.log.length;
      if (end === 0) this.markCaughtUp(r);
      r.consumerOpen = true;
      for (let offset = 0; offset < end; offset++) this.deliver(r, offset);
      r.endOffsetAtStart = end;
      this.scheduleTick(r);
    });
  }

  private scheduleTick(r: Replica): void {
    const every = Math.max(50, this.t.heartbeatMs / 4);
    this.sched.at(this.now + r.clock.realDelay(every), () => {
      if (r.state === 'dead' || r.stopped) return;
      if (r.state === 'paused') r.tickDue = true; // setInterval fires once on resume, not once per missed period
      else this.spawn(r, this.tick(r));
      this.scheduleTick(r);
    });
  }

  private resume(r: Replica): void {
    if (r.state !== 'paused') return;
    r.state = 'running';
    this.note(`${r.id} resumed`);
    const io = r.pendingIo;
    r.pendingIo = [];
    const tick = r.tickDue && !r.stopped;
    r.tickDue = false;
    // After SIGCONT the event loop may run the due timer before or after the I/O that arrived.
    const timerFirst = this.rnd.chance(0.5);
    if (tick && timerFirst) this.spawn(r, this.tick(r));
    for (const run of io) if (r.state === 'running') run();
    if (tick && !timerFirst && r.state === 'running') this.spawn(r, this.tick(r));
  }

  /** Runs `run` on the process: now if it runs, on resume if paused, never if dead. */
  private onProcess(r: Replica, run: () => void): void {
    if (r.state === 'dead') return;
    if (r.state === 'paused') r.pendingIo.push(run);
    else run();
  }

  private *tick(r: Replica): Routine {
    if (r.busy || r.stopped) return;
    r.busy = true;
    try {
      if (!r.caughtUp && r.endOffsetAtStart !== undefined && r.consumed >= r.endOffsetAtStart) this.markCaughtUp(r);
      const now = r.local(this.now);
      if (r.view.role === 'leader' && now - r.lastHeartbeatAt >= this.t.heartbeatMs) yield* this.heartbeat(r);
      else if (r.caughtUp && shouldTakeOver(r.view, now, this.t)) yield* this.takeOver(r);
      if (r.local(this.now) - r.lastMemberWriteAt >= this.t.heartbeatMs) yield* this.writeMember(r);
    } finally {
      r.busy = false;
    }
  }

  private markCaughtUp(r: Replica): void {
    if (r.caughtUp) return;
    r.caughtUp = true;
    if (r.view.role !== 'follower') return;
    const last = r.leaderRecord;
    const stale = last === undefined || last.resigned === true || this.wall(r) - last.at > this.t.takeoverAfterMs;
    r.view = { ...r.view, followingSince: stale ? -Infinity : r.local(this.now) };
  }

  private onLeaderRecord(r: Replica, record: SimLeaderRecord): void {
    r.maxTermSeen = Math.max(r.maxTermSeen, record.term);
    if (r.leaderRecord === undefined || record.term >= r.leaderRecord.term) r.leaderRecord = record;
    r.view = { ...r.view, lastLeaderSeenAt: record.resigned ? -Infinity : r.local(this.now) };
    r.rivalConfirmationSeenAt = rivalConfirmationSeenAt(r.rivalConfirmationSeenAt, record, r.id, r.local(this.now));
    if (record.resigned && r.view.role === 'follower') r.view = { ...r.view, followingSince: -Infinity };
    if (record.leaderId === r.id) {
      if (isOwnTakeoverRecord(record, r.id, r.claimedTerm)) r.ownRecordSeen = true;
      return;
    }
    if (r.view.role === 'leader' && (record.term > r.term || (record.term === r.term && r.ownRecordSeen))) {
      this.stepDown(r, `replica ${record.leaderId} leads with term ${record.term}`);
    }
  }

  private *heartbeat(r: Replica): Routine {
    const producer = r.producer;
    if (!producer) return;
    const sentAt = r.local(this.now);
    r.lastHeartbeatAt = sentAt;
    const result = yield { kind: 'txn', producer: () => producer, records: [this.record(r, r.term)] };
    if (result === 'ok') {
      if (r.view.role !== 'leader') return;
      if (r.announced) {
        r.view = { ...r.view, confirmedAt: sentAt };
      } else if (mayStartActing(r, sentAt, r.local(this.now), this.t)) {
        // announce(): onLead's synchronous part runs, then this replica may act.
        r.announced = true;
        this.stats.announcements++;
        this.note(`${r.id} leads with term ${r.term}`);
        r.view = { ...r.view, confirmedAt: sentAt };
        this.spawn(r, this.restOfAnnounce(r));
      }
    } else if (result === 'fenced') {
      this.stepDown(r, 'fenced');
    }
  }

  /** announce() after onLead's synchronous part: the member record, then the rest of onLead (sometimes slow). */
  private *restOfAnnounce(r: Replica): Routine {
    yield* this.writeMember(r);
    yield { kind: 'sleep', localMs: this.rnd.chance(0.05) ? this.rnd.int(200, 3000) : this.rnd.int(0, 100) };
  }

  private *takeOver(r: Replica): Routine {
    const term = r.maxTermSeen + 1;
    this.stats.takeovers++;
    this.note(`${r.id} takes over with term ${term}`);
    const producer = this.kafka.producer();
    r.ownRecordSeen = false;
    r.claimedTerm = term;
    const sentAt = r.local(this.now);
    const result = yield { kind: 'txn', producer: () => producer, records: [{ ...this.record(r, term), takeover: true }] };
    if (result !== 'ok') {
      r.view = { ...r.view, followingSince: r.local(this.now) };
      this.note(`${r.id} failed to take over (${result})`);
      return;
    }
    r.producer = producer;
    r.term = term;
    r.maxTermSeen = Math.max(r.maxTermSeen, term);
    r.leaderRecord = this.record(r, term);
    r.lastHeartbeatAt = sentAt;
    r.announced = false;
    r.tookOverAt = r.local(this.now);
    r.view = { role: 'leader', lastLeaderSeenAt: r.local(this.now), followingSince: r.view.followingSince };
  }

  private stepDown(r: Replica, reason: string): void {
    if (r.view.role !== 'leader') return;
    this.stats.stepDowns++;
    this.note(`${r.id} steps down (${reason})`);
    r.view = { role: 'follower', lastLeaderSeenAt: r.view.lastLeaderSeenAt, followingSince: r.local(this.now) };
    r.producer = undefined;
    r.announced = false;
  }

  private *writeMember(r: Replica): Routine {
    r.lastMemberWriteAt = r.local(this.now);
    yield { kind: 'send' };
  }

  private *writeAsLeader(r: Replica, records: SimLeaderRecord[], config?: ConfigWrite): Routine {
    const waitUntil = r.local(this.now) + this.t.takeoverAfterMs;
    while (r.view.role === 'leader' && !this.acts(r) && r.local(this.now) < waitUntil && !r.stopped) yield { kind: 'sleep', localMs: 50 };
    // Its turn on the chain: refused unless this replica may act and has a producer.
    const producer = () => {
      if (!this.acts(r) || !r.producer) return undefined;
      if (config) config.decidedAt = this.now;
      return r.producer;
    };
    const result = yield { kind: 'txn', producer, records, ...(config ? { config } : {}) };
    if (result === 'fenced') this.stepDown(r, 'fenced while writing');
  }

  private *stopRoutine(r: Replica): Routine {
    r.stopped = true;
    const acting = this.acts(r);
    const producer = r.producer;
    if (r.view.role === 'leader') this.stepDown(r, 'stopping');
    if (acting && producer) yield { kind: 'txn', producer: () => producer, records: [{ ...this.record(r, r.term), resigned: true }] };
  }

  private record(r: Replica, term: number): SimLeaderRecord {
    return { term, leaderId: r.id, at: this.wall(r) };
  }

  private wall(r: Replica): number {
    return this.now + r.wallSkewMs;
  }

  // ---- running routines against the model of Kafka ----

  private spawn(r: Replica, routine: Routine, done?: () => void): void {
    const step = (input: TxnResult | undefined) => {
      const next = routine.next(input);
      if (next.done) return done?.();
      const op = next.value;
      const resume = (result?: TxnResult) => this.onProcess(r, () => step(result));
      if (op.kind === 'sleep') this.sched.at(this.now + r.clock.realDelay(op.localMs), () => resume());
      else if (op.kind === 'send') this.sched.at(this.now + this.requestDelay() + this.requestDelay(), () => resume());
      else this.enqueueTxn(r, op, resume);
    };
    step(undefined);
  }

  private enqueueTxn(r: Replica, op: Extract<Op, { kind: 'txn' }>, done: (result: TxnResult) => void): void {
    r.txnQueue.push({ op, done });
    if (!r.txnRunning) this.nextTxn(r);
  }

  private nextTxn(r: Replica): void {
    const item = r.txnQueue.shift();
    if (!item) {
      r.txnRunning = false;
      return;
    }
    r.txnRunning = true;
    const finish = (result: TxnResult) => {
      this.onProcess(r, () => {
        item.done(result);
        this.nextTxn(r);
      });
    };
    const producer = item.op.producer();
    if (!producer) return finish('refused');
    this.transaction(r, producer, item.op, finish);
  }

  /** beginTransaction (registering the id on a producer's first one), send, commit. */
  private transaction(r: Replica, producer: SimProducer, op: Extract<Op, { kind: 'txn' }>, finish: (result: TxnResult) => void): void {
    const commit = () => {
      const lost = this.lost();
      this.sched.at(this.now + this.requestDelay(), () => {
        if (lost === 'request') return this.sched.at(this.now + this.timeout(), () => finish('failed'));
        let result: TxnResult;
        if (producer.epoch !== this.kafka.epoch) {
          result = 'fenced';
          this.stats.fencedCommits++;
        } else {
          result = 'ok';
          this.commit(op);
        }
        if (lost === 'answer') this.sched.at(this.now + this.timeout(), () => finish('failed'));
        else this.sched.at(this.now + this.requestDelay(), () => finish(result));
      });
    };
    if (producer.epoch !== undefined) return commit();
    const lost = this.lost();
    this.sched.at(this.now + this.requestDelay(), () => {
      if (lost === 'request') return this.sched.at(this.now + this.timeout(), () => finish('failed'));
      producer.epoch = ++this.kafka.epoch; // fences every earlier producer of the id
      if (lost === 'answer') return this.sched.at(this.now + this.timeout(), () => finish('failed'));
      this.sched.at(this.now + this.requestDelay(), () => this.onProcess(r, commit));
    });
  }

  private commit(op: Extract<Op, { kind: 'txn' }>): void {
    if (op.config) {
      this.stats.configWrites++;
      this.checkWrite(op.config);
    }
    for (const record of op.records) {
      const offset = this.kafka.log.length;
      this.kafka.log.push(record);
      for (const r of this.replicas.values()) if (r.consumerOpen && r.state !== 'dead') this.deliver(r, offset);
    }
  }

  /** Schedules the delivery of one record to a replica's consumer, after everything before it. */
  private deliver(r: Replica, offset: number): void {
    const at = Math.max(r.lastDeliveryAt, this.now + this.deliveryDelay());
    r.lastDeliveryAt = at;
    this.sched.at(at, () =>
      this.onProcess(r, () => {
        if (!r.consumerOpen) return;
        r.consumed = offset + 1;
        this.onLeaderRecord(r, this.kafka.log[offset]!);
      }),
    );
  }

  // ---- delays ----

  private requestDelay(): number {
    const rnd = this.rnd;
    if (this.calm) return rnd.int(1, 20);
    const roll = rnd.next();
    return roll < 0.9 ? rnd.int(1, 20) : roll < 0.98 ? rnd.int(20, 500) : rnd.int(500, 5000);
  }

  private deliveryDelay(): number {
    const rnd = this.rnd;
    if (this.calm) return rnd.int(1, 100);
    const roll = rnd.next();
    return roll < 0.9 ? rnd.int(1, 100) : roll < 0.98 ? rnd.int(100, 1000) : rnd.int(1000, 5000);
  }

  private lost(): 'request' | 'answer' | undefined {
    if (this.calm) return undefined;
    const roll = this.rnd.next();
    return roll < 0.01 ? 'request' : roll < 0.02 ? 'answer' : undefined;
  }

  private timeout(): number {
    return this.rnd.int(1000, 10_000);
  }

  // ---- invariants ----

  private check(): void {
    let acting: Replica | undefined;
    for (const r of this.replicas.values()) {
      if (r.state === 'dead') continue;
      const now = this.acts(r);
      if (now && !r.wasActing) this.actingStarts.push({ replica: r, at: this.now });
      r.wasActing = now;
      if (!now) continue;
      if (acting) this.fail(`two replicas may act at once: ${acting.id} (term ${acting.term}), ${r.id} (term ${r.term})`);
      acting = r;
    }
    if (this.actingStarts.length > 1000) this.actingStarts.splice(0, 500);
  }

  /** A committed write was decided by a replica while it acted, and nobody else began acting since. */
  private checkWrite(write: ConfigWrite): void {
    const decidedAt = write.decidedAt;
    if (decidedAt === undefined) return this.fail(`${write.writer.id} committed a write it never decided`);
    for (const start of this.actingStarts) {
      if (start.replica !== write.writer && start.at > decidedAt) {
        this.fail(`${write.writer.id} committed a write decided at ${decidedAt} after ${start.replica.id} began acting at ${start.at}`);
      }
    }
  }

  fail(message: string): never {
    throw new Error(`${this.options.label} at t=${this.now}: ${message}\nlast events:\n  ${this.trace.slice(-40).join('\n  ')}`);
  }

  private note(event: string): void {
    this.trace.push(`t=${this.now} ${event}`);
    if (this.trace.length > 200) this.trace.splice(0, 100);
  }
}
