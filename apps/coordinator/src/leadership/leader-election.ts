import { performance } from 'node:perf_hooks';
import { isKafkaError, KafkaAdmin, KafkaProducer, PartitionFetcher, withDecodedRecords, type KafkaClient } from '@mirrormaker/kafka';
import { internalRecordsSkippedCounter, skippedRecordReporter, type Logger, type Registry, type SkippedRecordReporter } from '@mirrormaker/observability';
import { Counter, Gauge } from 'prom-client';
import { NotLeaderError } from './not-leader-error';
import { isOwnTakeoverRecord, mayAct, mayStartActing, rivalConfirmationSeenAt, shouldTakeOver, type ElectionTimings, type LeadershipView, type TakeoverProgress } from './election-rules';
import {
  decodeEpochs,
  decodeLeader,
  decodeMember,
  encodeEpochs,
  encodeRecord,
  EPOCHS_KEY,
  LEADER_KEY,
  MEMBER_KEY_PREFIX,
  type LeaderRecord,
  type MemberRecord,
} from './leader-record';

export interface LeaderElectionOptions {
  client: KafkaClient;
  topic: string;
  /** Shared by every replica of one coordinator deployment: taking it over fences the previous leader. */
  transactionalId: string;
  instanceId: string;
  /** host:port this replica serves gRPC on, for clients sent here by a follower. */
  address: string;
  timings: ElectionTimings;
  logger: Logger;
  metrics: Registry;
  /** The config revision this replica runs, for the member records. */
  configRevision(): number;
  /**
   * The highest lease epoch per unit; persisted with the next heartbeat whenever the map is a new
   * one. Undefined while there is nothing to persist yet (this replica's table not seeded).
   */
  highestEpochs?(): ReadonlyMap<string, number> | undefined;
  /** This replica leads from now on (its first leader record is committed). */
  onLead(term: number): Promise<void> | void;
  /** This replica no longer leads (fenced, superseded or its writes failed). */
  onFollow(reason: string): void;
  /** Monotonic clock in ms. @default performance.now */
  now?: () => number;
}

export interface CoordinatorMember extends MemberRecord {
  /** Monotonic time this replica last heard of it. */
  seenAt: number;
}

/**
 * Leader election among coordinator replicas through Kafka itself (see election-rules.ts for the
 * timing rules). The leader proves it still leads by committing a leader record every heartbeat
 * with the shared transactional id; a follower that saw none for `takeoverAfterMs` registers that
 * id, which fences the old leader for good, and commits a record with a higher term. Config
 * revisions are written in the leader's transactions too (`writeAsLeader`), so a stale leader can
 * neither grant (its confirmation is stale) nor write (it is fenced).
 */
export class LeaderElection {
  private view: LeadershipView;
  private term = 0;
  private maxTermSeen = 0;
  private leaderRecord: LeaderRecord | undefined;
  private readonly members = new Map<string, CoordinatorMember>();
  private producer: KafkaProducer | undefined;
  private memberProducer: KafkaProducer | undefined;
  private consumer: PartitionFetcher | undefined;
  private readonly admin: KafkaAdmin;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private stopped = false;
  private caughtUp = false;
  private lastHeartbeatAt = -Infinity;
  private lastMemberWriteAt = -Infinity;
  private endOffsetAtStart: bigint | undefined;
  /** This replica's own leader record of its current term was read back from the topic. */
  private ownRecordSeen = false;
  /** Term of this replica's latest takeover, set before its commit (see isOwnTakeoverRecord). */
  private claimedTerm = 0;
  /** Leads and has said so (acts); false between a takeover and its first confirmation. */
  private announced = false;
  private tookOverAt = 0;
  /** When this replica last read another replica's record that may have confirmed it (see election-rules). */
  private rivalConfirmationSeenAt = -Infinity;
  private persisted: Map<string, number> = new Map();
  private lastEpochsWritten: ReadonlyMap<string, number> | undefined;
  /** Serialises the leader's transactions (heartbeats and config writes share one producer). */
  private transactions: Promise<unknown> = Promise.resolve();
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly skipped: SkippedRecordReporter;
  private readonly changes: Counter<string>;

  constructor(private readonly options: LeaderElectionOptions) {
    this.now = options.now ?? (() => performance.now());
    this.view = { role: 'follower', followingSince: Infinity };
    this.admin = new KafkaAdmin(options.client);
    this.log = options.logger.child({ component: 'leader-election' });
    this.skipped = skippedRecordReporter(internalRecordsSkippedCounter(options.metrics), this.log);
    const registers = [options.metrics];
    const self = () => this;
    new Gauge({
      name: 'mirrormaker_coordinator_leader',
      help: '1 while this coordinator replica leads (and may grant and write), 0 otherwise.',
      registers,
      collect() {
        this.set(self().mayAct() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'mirrormaker_coordinator_leader_silence_seconds',
      help: 'Seconds since this replica last saw a leader record (0 while it leads): time without a known leader.',
      registers,
      collect() {
        const e = self();
        this.set(e.mayAct() || e.view.lastLeaderSeenAt === undefined ? 0 : (e.now() - e.view.lastLeaderSeenAt) / 1000);
      },
    });
    this.changes = new Counter({
      name: 'mirrormaker_coordinator_leadership_changes_total',
      help: 'Times this replica became leader or stopped leading, by direction.',
      labelNames: ['to'],
      registers,
    });
  }

  async start(): Promise<void> {
    const topics = await this.admin.listTopics();
    if (!topics.includes(this.options.topic)) {
      await this.admin
        .createTopics([{ name: this.options.topic, partitions: 1, replicationFactor: -1, configs: { 'cleanup.policy': 'compact' } }])
        .catch((err: Error) => {
          if (!/already exists/i.test(err.message)) throw err;
        });
    }
    const end = (await this.admin.listOffsets(this.options.topic)).get(0);
    const endOffset = end?.latest ?? 0n;
    if (!end || end.latest <= end.earliest) this.markCaughtUp();
    this.consumer = new PartitionFetcher(this.options.client, {
      maxWaitTimeMs: 100,
      handler: withDecodedRecords(async (batch) => {
        for (const record of batch.records) {
          const key = record.key?.toString('utf8') ?? '';
          const where = { topic: batch.topic, partition: batch.partition, offset: record.offset };
          if (record.value === null) {
            this.skipped.skipped(where, 'no-key-or-value');
            continue;
          }
          let known = false;
          if (key === LEADER_KEY) {
            const leader = decodeLeader(record.value);
            known = leader !== undefined;
            this.onLeaderRecord(leader);
          } else if (key === EPOCHS_KEY) {
            const epochs = decodeEpochs(record.value);
            known = epochs !== undefined;
            // Epochs only grow: a record with fewer or lower ones never lowers what a new leader starts above.
            if (epochs) this.persisted = highestOf(this.persisted, epochs);
          } else if (key.startsWith(MEMBER_KEY_PREFIX)) {
            const member = decodeMember(record.value);
            known = member !== undefined;
            if (member) this.members.set(member.id, { ...member, seenAt: this.now() });
          }
          if (!known) this.skipped.skipped(where, 'undecodable');
        }
      }),
    });
    await this.consumer.addPartitions([{ topic: this.options.topic, partition: 0, offset: 'earliest' }]);
    this.endOffsetAtStart = endOffset;
    this.timer = setInterval(() => void this.tick(), Math.max(50, this.options.timings.heartbeatMs / 4));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    // A leader whose last confirmation lapsed a moment ago (a slow commit) still resigns and
    // persists its epochs: if another replica took over meanwhile, the shared transactional id
    // fences this write, so it can never overwrite a newer leader's records.
    const leading = this.view.role === 'leader';
    const producer = this.producer;
    // Taken before following: once it follows, this replica's table is no longer a leader's.
    const epochs = leading ? this.options.highestEpochs?.() : undefined;
    // Stop acting before resigning: a follower that reads the resignation takes over at once and
    // acts a heartbeat later, while this replica's own confirmation would still be fresh.
    if (leading) this.follow('this coordinator replica is stopping', 'info');
    if (leading && producer) {
      // Hand over at once: a resigned record lets a follower (or this replica restarted) lead without waiting.
      const records = [{ key: Buffer.from(LEADER_KEY), value: encodeRecord({ ...this.record(this.term), resigned: true }) }];
      if (epochs !== undefined) records.push({ key: Buffer.from(EPOCHS_KEY), value: encodeEpochs(epochs) });
      const run = this.transactions.then(() => this.inTransaction(producer, this.options.topic, records));
      this.transactions = run.catch(() => undefined);
      await run.catch((err: Error) => this.log.warn({ err: err.message }, 'could not resign; followers take over after the usual silence'));
    }
    await this.transactions.catch(() => undefined);
    await Promise.allSettled([producer?.close(), this.memberProducer?.close(), this.consumer?.close(), this.admin.close()]);
  }

  /** True while this replica leads and its leadership was confirmed recently enough to act on. */
  mayAct(): boolean {
    return mayAct(this.view, this.now(), this.options.timings);
  }

  get role(): 'leader' | 'follower' {
    return this.view.role;
  }

  /** The current leader as last seen (this replica when it leads). */
  get leader(): LeaderRecord | undefined {
    return this.leaderRecord;
  }

  /** The highest lease epochs the leaders so far persisted (a new leader starts above them). */
  persistedEpochs(): ReadonlyMap<string, number> {
    return this.persisted;
  }

  /** Replicas heard of within three heartbeats, this one included. */
  liveMembers(): CoordinatorMember[] {
    const horizon = this.now() - 3 * this.options.timings.heartbeatMs;
    return [...this.members.values()].filter((m) => m.seenAt >= horizon || m.id === this.options.instanceId).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Writes records in a transaction of the leader's producer; fails when this replica is not (or no longer) the leader. */
  async writeAsLeader(topic: string, records: { key: Buffer; value: Buffer }[]): Promise<void> {
    // A leader whose last confirmation aged (a slow commit, a short stall) waits for its next heartbeat.
    const waitUntil = this.now() + this.options.timings.takeoverAfterMs;
    while (this.view.role === 'leader' && !this.mayAct() && this.now() < waitUntil && !this.stopped) await new Promise((r) => setTimeout(r, 50));
    const run = this.transactions.then(async () => {
      if (!this.mayAct() || !this.producer) throw new NotLeaderError('this coordinator replica does not lead (or could not confirm it lately): send changes to the leader', undefined);
      try {
        await this.inTransaction(this.producer, topic, records);
      } catch (err) {
        if (isKafkaError(err, 'PRODUCER_FENCED')) this.stepDown(`another replica took the leadership over: ${(err as Error).message}`);
        throw err;
      }
    });
    this.transactions = run.catch(() => undefined);
    return run;
  }

  private markCaughtUp(): void {
    if (this.caughtUp) return;
    this.caughtUp = true;
    if (this.view.role !== 'follower') return;
    // No leader ever, or its last record is older than a takeover silence (by its writer's clock):
    // nobody to wait for. Taking over is safe either way: the shared transactional id fences any
    // live leader, and a new leader grants nothing unclaimed for a lease TTL plus grace.
    const last = this.leaderRecord;
    const stale = last === undefined || last.resigned === true || Date.now() - last.at > this.options.timings.takeoverAfterMs;
    this.view = { ...this.view, followingSince: stale ? -Infinity : this.now() };
  }

  private onLeaderRecord(record: LeaderRecord | undefined): void {
    if (!record) return;
    this.maxTermSeen = Math.max(this.maxTermSeen, record.term);
    if (this.leaderRecord === undefined || record.term >= this.leaderRecord.term) this.leaderRecord = record;
    // A resignation counts as a long silence: followers take over on their next round.
    this.view = { ...this.view, lastLeaderSeenAt: record.resigned ? -Infinity : this.now() };
    this.rivalConfirmationSeenAt = rivalConfirmationSeenAt(this.rivalConfirmationSeenAt, record, this.options.instanceId, this.now());
    if (record.resigned && this.view.role === 'follower') this.view = { ...this.view, followingSince: -Infinity };
    if (record.leaderId === this.options.instanceId) {
      // Our own record (possibly read back before the takeover's commit returned here).
      if (isOwnTakeoverRecord(record, this.options.instanceId, this.claimedTerm)) this.ownRecordSeen = true;
      return;
    }
    // Two followers can take over at once with the same term; the later one fenced the earlier, and
    // its record follows the earlier one's in the log. So a record of another replica with a term at
    // least ours, read after our own, means it leads now: step down at once, not at our next commit.
    if (this.view.role === 'leader' && (record.term > this.term || (record.term === this.term && this.ownRecordSeen))) {
      this.stepDown(`replica ${record.leaderId} leads with term ${record.term}`);
    }
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    try {
      // Caught up once the consumer's position passed the end seen at start (markers included).
      if (!this.caughtUp && this.endOffsetAtStart !== undefined && (this.consumer?.position(this.options.topic, 0) ?? -1n) >= this.endOffsetAtStart) this.markCaughtUp();
      const now = this.now();
      if (this.view.role === 'leader' && now - this.lastHeartbeatAt >= this.options.timings.heartbeatMs) await this.heartbeat();
      else if (this.caughtUp && shouldTakeOver(this.view, now, this.options.timings)) await this.takeOver();
      if (this.now() - this.lastMemberWriteAt >= this.options.timings.heartbeatMs) await this.writeMember();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'leader election round failed');
    } finally {
      this.busy = false;
    }
  }

  private record(term: number): LeaderRecord {
    return { term, leaderId: this.options.instanceId, address: this.options.address, at: Date.now() };
  }

  private async inTransaction(producer: KafkaProducer, topic: string, records: { key: Buffer; value: Buffer }[]): Promise<void> {
    await producer.beginTransaction();
    try {
      await producer.send(topic, records.map((r) => ({ partition: 0, key: r.key, value: r.value })));
      await producer.commitTransaction();
    } catch (err) {
      if (producer.inTransaction) await producer.abortTransaction().catch(() => undefined);
      throw err;
    }
  }

  private async heartbeat(): Promise<void> {
    const producer = this.producer;
    if (!producer) return;
    const sentAt = this.now();
    this.lastHeartbeatAt = sentAt;
    const records = [{ key: Buffer.from(LEADER_KEY), value: encodeRecord(this.record(this.term)) }];
    const epochs = this.options.highestEpochs?.();
    if (epochs !== undefined && epochs !== this.lastEpochsWritten) records.push({ key: Buffer.from(EPOCHS_KEY), value: encodeEpochs(epochs) });
    const run = this.transactions.then(() => this.inTransaction(producer, this.options.topic, records));
    this.transactions = run.catch(() => undefined);
    try {
      await run;
      if (epochs !== undefined) this.lastEpochsWritten = epochs;
      if (this.view.role !== 'leader') return;
      if (this.announced) {
        this.view = { ...this.view, confirmedAt: sentAt };
      } else if (mayStartActing(this.takeoverProgress(), sentAt, this.now(), this.options.timings)) {
        // onLead's synchronous start (a fresh lease table) runs before this replica may act. The rest
        // runs on its own: heartbeats must go on meanwhile, or a slow start (reading the config
        // topic, storing a revision) reads as silence to the followers, and one takes over.
        const leading = this.announce();
        this.view = { ...this.view, confirmedAt: sentAt };
        void leading.catch((err: Error) => this.log.warn({ err: err.message }, 'starting to lead did not complete'));
      }
    } catch (err) {
      // Fenced: another replica leads. Anything else (a slow or unreachable broker) is retried on
      // the next heartbeat; meanwhile the confirmation ages and this replica stops acting by itself.
      if (isKafkaError(err, 'PRODUCER_FENCED')) this.stepDown(`another replica took the leadership over: ${(err as Error).message}`);
      else this.log.warn({ err: (err as Error).message }, 'could not confirm leadership this heartbeat; retrying');
    }
  }

  private async takeOver(): Promise<void> {
    const term = this.maxTermSeen + 1;
    this.log.info({ term, lastLeader: this.leaderRecord?.leaderId }, 'no leader record seen lately; taking over');
    const producer = new KafkaProducer(this.options.client, { transactionalId: this.options.transactionalId });
    this.ownRecordSeen = false;
    this.claimedTerm = term;
    const sentAt = this.now();
    try {
      // Registering the shared transactional id fences whoever held it before.
      await this.inTransaction(producer, this.options.topic, [{ key: Buffer.from(LEADER_KEY), value: encodeRecord({ ...this.record(term), takeover: true }) }]);
    } catch (err) {
      await producer.close();
      this.view = { ...this.view, followingSince: this.now() };
      this.log.warn({ term, err: (err as Error).message }, 'taking over failed; following again');
      return;
    }
    this.producer = producer;
    this.term = term;
    this.maxTermSeen = Math.max(this.maxTermSeen, term);
    this.leaderRecord = this.record(term);
    this.lastHeartbeatAt = sentAt;
    // Leading, but not acting yet: another replica that took over at the same moment was fenced
    // by us and steps down when it reads our record, and a leader we fenced may still act on its
    // last confirmation until it learns of the fence (see mayStartActing, checked in heartbeat()).
    this.announced = false;
    this.tookOverAt = this.now();
    this.view = { role: 'leader', lastLeaderSeenAt: this.now(), followingSince: this.view.followingSince };
    this.log.info({ term }, 'took the leadership over; acting once no other replica can');
  }

  private takeoverProgress(): TakeoverProgress {
    return { tookOverAt: this.tookOverAt, ownRecordSeen: this.ownRecordSeen, rivalConfirmationSeenAt: this.rivalConfirmationSeenAt };
  }

  /**
   * The first confirmation after a takeover: from now on this replica acts as the leader. `onLead`
   * is called before anything is awaited, so what it does synchronously precedes every act.
   */
  private async announce(): Promise<void> {
    this.announced = true;
    this.changes.inc({ to: 'leader' });
    this.log.info({ term: this.term }, 'this coordinator replica leads');
    const led = this.options.onLead(this.term);
    await this.writeMember();
    await led;
  }

  private stepDown(reason: string): void {
    if (this.view.role !== 'leader') return;
    const producer = this.producer;
    this.follow(reason, 'warn');
    void producer?.close();
  }

  /** Leader to follower: from here on mayAct() is false. The producer is the caller's to close. */
  private follow(reason: string, level: 'info' | 'warn'): void {
    this.view = { role: 'follower', lastLeaderSeenAt: this.view.lastLeaderSeenAt, followingSince: this.now() };
    this.producer = undefined;
    if (!this.announced) {
      this.log.info({ term: this.term, reason }, 'gave the leadership up before acting on it');
      return;
    }
    this.announced = false;
    this.changes.inc({ to: 'follower' });
    this.log[level]({ term: this.term, reason }, 'this coordinator replica no longer leads');
    this.options.onFollow(reason);
  }

  private async writeMember(): Promise<void> {
    this.lastMemberWriteAt = this.now();
    this.memberProducer ??= new KafkaProducer(this.options.client, { idempotent: true });
    const member: MemberRecord = {
      id: this.options.instanceId,
      address: this.options.address,
      role: this.mayAct() ? 'leader' : 'follower',
      configRevision: this.options.configRevision(),
      at: Date.now(),
    };
    this.members.set(member.id, { ...member, seenAt: this.now() });
    await this.memberProducer.send(this.options.topic, [{ partition: 0, key: Buffer.from(`${MEMBER_KEY_PREFIX}${member.id}`), value: encodeRecord(member) }]);
  }
}

/** Per unit, the higher of the two epochs. */
function highestOf(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): Map<string, number> {
  const merged = new Map(a);
  for (const [unit, epoch] of b) merged.set(unit, Math.max(epoch, merged.get(unit) ?? 0));
  return merged;
}
