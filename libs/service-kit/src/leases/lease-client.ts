import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import type { Logger, Registry } from '@mirrormaker/observability';
import {
  LeaseServiceClient,
  type ErrorReport,
  type Grant,
  type SessionRequest,
  type SessionResponse,
  type ServiceKind,
  type UnitProgress,
  type WorkUnit,
} from '@mirrormaker/proto';
import { Counter, Gauge } from 'prom-client';
import { Backoff, type BackoffOptions } from '../backoff';
import { secureClient, type ClientSecurity } from '../security/grpc-security';
import { CoordinatorAddresses } from './coordinator-addresses';
import { ConcurrencyLimit } from './concurrency-limit';
import { ProgressChanges } from './progress-changes';
import { sameLeases } from './same-leases';
import type { WhenCoordinatorsUnreachable } from './when-coordinators-unreachable';

/** The work a service runs for one leased unit. `stop` must return only once the work has stopped. */
export interface UnitWorker {
  stop(reason: string): Promise<void>;
}

/** What applying a config revision means for the units an instance holds. */
export interface ConfigApplied {
  /** True for a held unit whose settings changed, so it must stop and start again to run them. */
  restart(unitId: string): boolean;
}

export interface LeaseClientOptions {
  /**
   * host:port of the coordinator, or of each of its replicas separated by commas. A replica that
   * does not lead names the leader, and the session moves there; otherwise the next one is tried.
   */
  coordinator: string;
  instanceId: string;
  /** TLS and the worker credential the session is opened with (without it the coordinator refuses to register this instance). */
  security: ClientSecurity;
  kind: ServiceKind;
  /** Most units this instance takes; 0 = no limit. @default 0 */
  capacity?: number;
  version: string;
  /** host:port where this instance serves gRPC, so the coordinator can forward calls to it. */
  advertisedAddress?: string;
  logger: Logger;
  metrics: Registry;
  /** Starts work on a granted unit. */
  startUnit(unit: WorkUnit, epoch: bigint): Promise<UnitWorker>;
  /**
   * Applies a config revision the coordinator pushed, before any grant that came with it starts.
   * Throws when the revision cannot be run here (the instance keeps the one it runs and reports
   * the error with its renewals). Without it, pushed revisions are ignored.
   */
  applyConfig?(revision: bigint, properties: string): ConfigApplied | Promise<ConfigApplied>;
  /** Asked for at each renewal: errors are sent as they are, progress only for units whose progress changed. */
  report?(): { progress?: UnitProgress[]; errors?: ErrorReport[] };
  /** Work stops this long before the holder's own view of the lease expiry. @default 1000 */
  fenceMarginMs?: number;
  /**
   * What held units do once their leases could have run out while no coordinator replica answers at
   * all (see when-coordinators-unreachable.ts). Revocations and refusals stop units either way.
   * @default 'stop'
   */
  whenCoordinatorsUnreachable?: WhenCoordinatorsUnreachable;
  /** Renew interval until the coordinator says otherwise. @default 3000 */
  renewIntervalMs?: number;
  backoff?: BackoffOptions;
  /** Monotonic clock in ms. @default performance.now */
  now?: () => number;
}

interface HeldUnit {
  unit: WorkUnit;
  epoch: bigint;
  /** Local monotonic time after which the lease may have expired at the coordinator. */
  deadline: number;
  worker: Promise<UnitWorker | undefined>;
}

/** How often held leases are checked against their deadlines and the session against silence. */
const FENCE_TICK_MS = 200;
/** Units restarting for a revision at once; the others wait their turn (a flow of a few hundred partitions restarts in one go). */
const RESTARTS_AT_ONCE = 256;
/** Units started from one answer before the process reads its sockets again. */
const STARTS_BETWEEN_READS = 64;

/**
 * The client half of the lease protocol, used by every service but the coordinator.
 *
 * Safety rests on one rule: a unit's deadline is measured from the moment the instance *sent* the
 * request whose processing renewed the lease (SessionResponse.acked_seq), never from when the
 * answer arrived. The coordinator renewed no earlier than that moment, so the holder's deadline is
 * never later than the coordinator's expiry; work stops `fenceMarginMs` before it. While the
 * coordinator is unreachable the client reconnects with backoff and keeps working until the
 * deadlines pass, then stops (self-fencing) and re-presents what it still holds on reconnect.
 *
 * With `whenCoordinatorsUnreachable: 'keep-working'` a unit whose deadline passed keeps running
 * instead, but only while no coordinator answers at all: this instance has been asking for at least
 * `silenceLimitMs` (so it was not merely paused itself) and no answer was handled in that time.
 * Such units are re-presented with every registration and renewal, and the first answer decides:
 * a grant renews them, a revocation or an assignment without them stops them. While any coordinator
 * answers, deadlines are enforced as in `stop`.
 */
export class LeaseClient {
  private readonly addresses: CoordinatorAddresses;
  private readonly clients = new Map<string, LeaseServiceClient>();
  private readonly held = new Map<string, HeldUnit>();
  /** Units restarted for a config revision, a few at a time. */
  private readonly restarts = new ConcurrencyLimit(RESTARTS_AT_ONCE);
  private readonly sentAt = new Map<bigint, number>();
  private readonly backoff: Backoff;
  private readonly now: () => number;
  private readonly fenceMarginMs: number;
  private readonly keepWorking: boolean;
  private readonly log: Logger;
  private stream: grpc.ClientDuplexStream<SessionRequest, SessionResponse> | undefined;
  private seq = 0n;
  /** Leases listed in this session's last message, and whether its coordinator takes "held unchanged". */
  private listedHeld: Array<{ unitId: string; epoch: bigint }> = [];
  private coordinatorTakesHeldUnchanged = false;
  private readonly progressChanges = new ProgressChanges();
  private appliedConfigRevision = 0n;
  private configError = '';
  /** Settles once the newest pushed revision was applied (or refused); grants wait for it. */
  private configReady: Promise<void> = Promise.resolve();
  private ttlMs = 10_000;
  private renewIntervalMs: number;
  private renewTimer: NodeJS.Timeout | undefined;
  private fenceTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private connected = false;
  /** Why the coordinator last refused this instance's credentials, until a session works again. */
  private credentialRefusal: string | undefined;
  /** Monotonic time the current session was opened, and of the coordinator's last answer on it. */
  private openedAt = 0;
  private lastAnswerAt: number | undefined;
  /** When the fence timer last ran, and when this process last came back from a stall of its own. */
  private lastTickAt: number | undefined;
  private listeningSince = 0;
  /** When an answer was last acted on (grants and revocations applied), on any session. */
  private lastHandledAnswerAt: number | undefined;
  /** Send time of the oldest request no coordinator has answered yet (undefined: all answered). */
  private firstUnansweredSentAt: number | undefined;
  /** Units are running past their lease deadlines because no coordinator answers (keep-working). */
  private keepingWithoutCoordinator = false;
  private readonly metrics: {
    fenced: Counter<string>;
    reconnects: Counter<string>;
    silent: Counter<string>;
    grants: Counter<string>;
    revocations: Counter<string>;
    configApplied: Counter<string>;
  };

  constructor(private readonly options: LeaseClientOptions) {
    // An address that did not answer is passed over for two renew intervals while others remain.
    this.addresses = new CoordinatorAddresses(options.coordinator, { now: () => this.now(), skipUnreachableForMs: () => 2 * this.renewIntervalMs });
    // Capped near the renew interval: during a change of coordinator leader a held unit has only
    // the rest of its lease to be re-presented, so retries must not drift apart.
    this.backoff = new Backoff(options.backoff ?? { initialMs: 100, maxMs: Math.max(500, (options.renewIntervalMs ?? 3000) / 2) });
    this.now = options.now ?? (() => performance.now());
    this.fenceMarginMs = options.fenceMarginMs ?? 1000;
    this.keepWorking = options.whenCoordinatorsUnreachable === 'keep-working';
    this.renewIntervalMs = options.renewIntervalMs ?? 3000;
    this.log = options.logger.child({ component: 'lease-client' });
    const registers = [options.metrics];
    const heldCount = () => this.held.size;
    const appliedRevision = () => Number(this.appliedConfigRevision);
    new Gauge({
      name: 'mirrormaker_config_revision_applied',
      help: 'The coordinator config revision this instance runs (0: only its own --config).',
      registers,
      collect() {
        this.set(appliedRevision());
      },
    });
    const working = () => (this.hasWorkingSession ? 1 : 0);
    new Gauge({
      name: 'mirrormaker_lease_session_up',
      help: '1 while the coordinator answers this instance\'s lease session, 0 otherwise (the instance gets no work then).',
      registers,
      collect() {
        this.set(working());
      },
    });
    new Gauge({
      name: 'mirrormaker_leases_held',
      help: 'Work units this instance holds a lease on.',
      registers,
      collect() {
        this.set(heldCount());
      },
    });
    const keptCount = () => this.keptUnits();
    new Gauge({
      name: 'mirrormaker_leases_held_without_coordinator',
      help: 'Units still running past their lease deadline because no coordinator answers (--when-coordinators-unreachable keep-working); always 0 otherwise.',
      registers,
      collect() {
        this.set(keptCount());
      },
    });
    this.metrics = {
      fenced: new Counter({ name: 'mirrormaker_leases_fenced_total', help: 'Units stopped because their lease could expire without a renewal.', registers }),
      reconnects: new Counter({ name: 'mirrormaker_lease_session_reconnects_total', help: 'Lease sessions re-opened after the coordinator was unreachable.', registers }),
      silent: new Counter({
        name: 'mirrormaker_lease_session_silent_total',
        help: 'Lease sessions abandoned because the coordinator answered nothing for one TTL (it hung or the link stalled).',
        registers,
      }),
      grants: new Counter({ name: 'mirrormaker_leases_granted_total', help: 'Units granted to this instance.', registers }),
      revocations: new Counter({ name: 'mirrormaker_leases_revoked_total', help: 'Units revoked from this instance.', registers }),
      configApplied: new Counter({
        name: 'mirrormaker_config_revisions_total',
        help: 'Config revisions pushed by the coordinator, by outcome (applied or refused).',
        labelNames: ['outcome'],
        registers,
      }),
    };
  }

  start(): void {
    this.openSession();
    this.fenceTimer = setInterval(() => {
      this.noteStall();
      this.fenceExpired();
      this.abandonSilentSession();
    }, FENCE_TICK_MS);
  }

  /**
   * True while the coordinator answers this instance: a session is open and its last answer came
   * within one TTL. Without one the instance is given no work and cannot keep what it holds, so its
   * health says so.
   */
  get hasWorkingSession(): boolean {
    return this.connected && this.lastAnswerAt !== undefined && this.now() - this.lastAnswerAt <= this.silenceLimitMs();
  }

  /** Unit ids currently held, with epochs. */
  heldUnits(): { unitId: string; epoch: bigint }[] {
    return [...this.held.values()].map((h) => ({ unitId: h.unit.id, epoch: h.epoch }));
  }

  /** Stops every unit, releases the leases (best effort) and closes the session. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.fenceTimer);
    clearTimeout(this.renewTimer);
    clearTimeout(this.reconnectTimer);
    const units = [...this.held.values()];
    this.held.clear();
    await Promise.all(units.map((h) => this.stopWorker(h, 'instance stopping')));
    // Goodbye first, so the coordinator deals nothing more to us; then the releases free our units.
    this.stream?.write({ message: { $case: 'goodbye', value: { instanceId: this.options.instanceId } } });
    this.stream?.end();
    this.stream = undefined;
    await Promise.all(units.map((h) => this.release(h)));
    for (const client of this.clients.values()) client.close();
  }

  /** For /healthz: whether the coordinator answers, and if not, what an operator should look at. */
  sessionState(): string {
    if (this.hasWorkingSession) return 'working';
    if (this.credentialRefusal !== undefined) {
      return `none: coordinator ${this.address} refused this instance: ${this.credentialRefusal}; no work is taken until the token it sends (--token-file or MM_TOKEN) has the worker role`;
    }
    const since = this.lastAnswerAt === undefined ? 'since this session opened' : `for ${Math.round(this.now() - this.lastAnswerAt)} ms`;
    const kept = this.keptUnits();
    const keeping = kept === 0 ? '' : `; ${kept} units keep running past their leases until a coordinator answers (--when-coordinators-unreachable keep-working)`;
    return `none: coordinator ${this.address} has not answered ${since}; no work is taken until it does (check that it runs and is reachable)${keeping}`;
  }

  private nextSeq(): bigint {
    this.seq += 1n;
    const now = this.now();
    this.sentAt.set(this.seq, now);
    this.firstUnansweredSentAt ??= now;
    return this.seq;
  }

  /** The leases held now, remembered as the ones this session's latest message lists. */
  private listHeld(): Array<{ unitId: string; epoch: bigint }> {
    this.listedHeld = [...this.held.values()].map((h) => ({ unitId: h.unit.id, epoch: h.epoch }));
    return this.listedHeld;
  }

  /** The coordinator address sessions go to now. */
  get address(): string {
    return this.addresses.current;
  }

  private client(): LeaseServiceClient {
    let client = this.clients.get(this.address);
    // Quick reconnects: during a change of leader a replica that is down must not hold the session back.
    if (!client) {
      client = secureClient(LeaseServiceClient, this.address, this.options.security, {
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 1000,
      });
      this.clients.set(this.address, client);
    }
    return client;
  }

  /** Where the next session goes: the leader a replica named, else the next address in the list. */
  private moveOn(err?: Error): { hinted: boolean } {
    return this.addresses.moveOn(err);
  }

  private openSession(): void {
    if (this.stopped) return;
    // Answers come only for requests of the session they were sent on: older send times are of no use.
    this.sentAt.clear();
    this.coordinatorTakesHeldUnchanged = false;
    this.progressChanges.reset();
    const stream = this.client().session();
    this.stream = stream;
    this.openedAt = this.now();
    this.lastAnswerAt = undefined;
    // Answers are handled concurrently, so "grants unchanged" is resolved here, in arrival order.
    let listedGrants: Grant[] = [];
    stream.on('data', (answer: SessionResponse) => {
      if (this.stream !== stream) return;
      this.lastAnswerAt = this.now();
      if (answer.acceptsHeldUnchanged) this.coordinatorTakesHeldUnchanged = true;
      const res = answer.grantsUnchanged ? { ...answer, grants: listedGrants } : answer;
      listedGrants = res.grants;
      if (!this.connected) {
        this.connected = true;
        this.credentialRefusal = undefined;
        this.backoff.reset();
        this.log.info({ coordinator: this.address }, 'lease session open');
      }
      void this.onResponse(res);
    });
    const onClosed = (err?: Error) => {
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.connected = false;
      clearTimeout(this.renewTimer);
      if (this.stopped) return;
      const from = this.address;
      const code = (err as grpc.ServiceError | undefined)?.code;
      if (code === grpc.status.UNAUTHENTICATED || code === grpc.status.PERMISSION_DENIED) this.credentialRefusal = (err as grpc.ServiceError).details;
      const { hinted } = this.moveOn(err);
      // Sent to a named leader: go at once. Otherwise back off (growing while nobody answers).
      const delay = hinted ? 0 : this.backoff.next();
      this.metrics.reconnects.inc();
      this.log.warn(
        { err: err?.message, from, to: this.address, retryInMs: delay, held: this.held.size },
        'lease session closed; reconnecting (held units keep running until their leases would expire)',
      );
      this.reconnectTimer = setTimeout(() => this.openSession(), delay);
    };
    stream.on('error', (err: Error) => onClosed(err));
    stream.on('end', () => onClosed());
    stream.write({
      message: {
        $case: 'register',
        value: {
          instanceId: this.options.instanceId,
          kind: this.options.kind,
          capacity: this.options.capacity ?? 0,
          version: this.options.version,
          held: this.listHeld(),
          seq: this.nextSeq(),
          advertisedAddress: this.options.advertisedAddress ?? '',
          appliedConfigRevision: this.appliedConfigRevision,
          acceptsGrantsUnchanged: true,
        },
      },
    });
    this.scheduleRenew();
  }

  private scheduleRenew(): void {
    clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(() => {
      if (!this.stream || this.stopped) return;
      // After a stall of this process, stop what may have expired before presenting it again.
      this.fenceExpired();
      const report = this.options.report?.() ?? {};
      const before = this.listedHeld;
      const held = this.listHeld();
      const heldUnchanged = this.coordinatorTakesHeldUnchanged && sameLeases(before, held);
      this.stream.write({
        message: {
          $case: 'renew',
          value: {
            instanceId: this.options.instanceId,
            held: heldUnchanged ? [] : held,
            heldUnchanged,
            // An older coordinator forgets the reports of an instance it drops, even while its
            // session stays open: it gets every unit's progress, as it expects.
            progress: this.coordinatorTakesHeldUnchanged ? this.progressChanges.take(report.progress ?? [], new Set(this.held.keys())) : (report.progress ?? []),
            errors: report.errors ?? [],
            seq: this.nextSeq(),
            appliedConfigRevision: this.appliedConfigRevision,
            configError: this.configError,
          },
        },
      });
      this.scheduleRenew();
    }, this.renewIntervalMs);
  }

  private async onResponse(res: SessionResponse): Promise<void> {
    this.ttlMs = Number(res.ttlMs) || this.ttlMs;
    const interval = Number(res.renewIntervalMs);
    if (interval > 0 && interval !== this.renewIntervalMs) {
      this.renewIntervalMs = interval;
      this.scheduleRenew();
    }
    const base = this.sentAt.get(res.ackedSeq);
    for (const seq of this.sentAt.keys()) if (seq < res.ackedSeq) this.sentAt.delete(seq);
    this.firstUnansweredSentAt = undefined;
    for (const [seq, sentAt] of this.sentAt) if (seq > res.ackedSeq) this.firstUnansweredSentAt = Math.min(sentAt, this.firstUnansweredSentAt ?? sentAt);
    const pushed = res.config;
    if (pushed) this.configReady = this.configReady.then(() => this.applyRevision(pushed.revision, pushed.properties));
    await this.configReady;

    const granted = new Set<string>();
    let started = 0;
    for (const grant of res.grants) {
      const unit = grant.unit;
      if (!unit) continue;
      granted.add(unit.id);
      const current = this.held.get(unit.id);
      if (current && current.epoch === grant.epoch) {
        if (base !== undefined) current.deadline = Math.max(current.deadline, base + this.ttlMs);
        continue;
      }
      if (base === undefined) continue; // cannot bound this lease locally; wait for the next answer
      // An answer to a renewal sent too long ago (a coordinator falling behind, or read late) would
      // start a unit only for the next fence tick to stop it: wait for a fresher answer instead.
      if (base + this.ttlMs - this.fenceMarginMs <= this.now()) continue;
      if (current) {
        this.held.delete(unit.id);
        await this.stopWorker(current, `re-granted with epoch ${grant.epoch}`);
      }
      this.metrics.grants.inc();
      this.log.info({ unit: unit.id, epoch: grant.epoch.toString() }, 'unit granted');
      const held: HeldUnit = { unit, epoch: grant.epoch, deadline: base + this.ttlMs, worker: Promise.resolve(undefined) };
      held.worker = this.options.startUnit(unit, grant.epoch).catch((err: Error) => {
        this.log.error({ unit: unit.id, err: err.message }, 'unit failed to start; releasing it');
        if (this.held.get(unit.id) === held) this.held.delete(unit.id);
        void this.release(held);
        return undefined;
      });
      this.held.set(unit.id, held);
      // An answer may grant thousands of units: let renewals and other answers through meanwhile.
      if (++started % STARTS_BETWEEN_READS === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    // Units stop side by side: one after another, each release waiting up to its deadline on a
    // link that just came back, the last of a dozen units stopped only after half a minute.
    const stopping: Array<Promise<void>> = [];
    for (const revocation of res.revocations) {
      const current = this.held.get(revocation.unitId);
      if (!current || current.epoch !== revocation.epoch) continue;
      this.held.delete(revocation.unitId);
      this.metrics.revocations.inc();
      this.log.info({ unit: revocation.unitId, reason: revocation.reason }, 'unit revoked; stopping and releasing');
      stopping.push(this.stopWorker(current, `revoked: ${revocation.reason}`).then(() => this.release(current)));
    }
    // Anything held but neither granted nor revoked is no longer ours as far as the coordinator knows.
    const revoked = new Set(res.revocations.map((r) => r.unitId));
    for (const [id, h] of [...this.held]) {
      if (granted.has(id) || revoked.has(id)) continue;
      this.held.delete(id);
      this.log.warn({ unit: id }, 'coordinator no longer lists this unit; stopping it');
      stopping.push(this.stopWorker(h, 'not in assignment'));
    }
    await Promise.all(stopping);
    this.lastHandledAnswerAt = this.now();
  }

  /** Applies a pushed revision and restarts the held units it changes, each under its own epoch. */
  private async applyRevision(revision: bigint, properties: string): Promise<void> {
    if (!this.options.applyConfig || revision === this.appliedConfigRevision) return;
    let applied: ConfigApplied;
    try {
      applied = await this.options.applyConfig(revision, properties);
    } catch (err) {
      this.configError = `revision ${revision}: ${(err as Error).message}`;
      this.metrics.configApplied.inc({ outcome: 'refused' });
      this.log.error({ revision: revision.toString(), err: (err as Error).message }, 'config revision refused; still running the previous one');
      return;
    }
    this.appliedConfigRevision = revision;
    this.configError = '';
    this.metrics.configApplied.inc({ outcome: 'applied' });
    const restarted = [...this.held.values()].filter((h) => applied.restart(h.unit.id));
    this.log.info({ revision: revision.toString(), restarted: restarted.length, held: this.held.size }, 'config revision applied');
    for (const h of restarted) this.restartWorker(h, `config revision ${revision}`);
  }

  /** Stops a held unit's worker and starts a new one under the same lease. */
  private restartWorker(h: HeldUnit, reason: string): void {
    const previous = h.worker;
    h.worker = this.restarts.run(async () => {
      const worker = await previous;
      try {
        await worker?.stop(reason);
      } catch (err) {
        this.log.error({ unit: h.unit.id, err: (err as Error).message }, 'unit did not stop cleanly');
      }
      if (this.held.get(h.unit.id) !== h) return undefined; // revoked or expired meanwhile
      return this.options.startUnit(h.unit, h.epoch);
    }).catch((err: Error) => {
      this.log.error({ unit: h.unit.id, err: err.message }, 'unit failed to restart; releasing it');
      if (this.held.get(h.unit.id) === h) this.held.delete(h.unit.id);
      void this.release(h);
      return undefined;
    });
  }

  /** Held units whose lease could have run out at the coordinator (less the fence margin). */
  private overdue(now: number): HeldUnit[] {
    return [...this.held.values()].filter((h) => now >= h.deadline - this.fenceMarginMs);
  }

  /** Units running past their lease deadlines right now because no coordinator answers (keep-working). */
  private keptUnits(): number {
    return this.keepingWithoutCoordinator ? this.overdue(this.now()).length : 0;
  }

  /**
   * No coordinator answers at all: this instance has asked for at least a silence limit and acted
   * on no answer in that time. Deliberately false right after this process was itself paused (it
   * asked nothing meanwhile), so a worker that was stopped does not take its own stall for an outage.
   */
  private noCoordinatorAnswers(now: number): boolean {
    const limit = this.silenceLimitMs();
    const answeredLately = this.lastHandledAnswerAt !== undefined && now - this.lastHandledAnswerAt <= limit;
    return !answeredLately && this.firstUnansweredSentAt !== undefined && now - this.firstUnansweredSentAt >= limit;
  }

  private fenceExpired(): void {
    const now = this.now();
    const overdue = this.overdue(now);
    if (this.keepWorking && overdue.length > 0 && this.noCoordinatorAnswers(now)) {
      if (!this.keepingWithoutCoordinator) {
        this.keepingWithoutCoordinator = true;
        this.log.warn(
          { units: overdue.length, held: this.held.size, coordinators: this.addresses.all },
          'no coordinator has answered for longer than a lease lasts; keeping the units running until one does (--when-coordinators-unreachable keep-working)',
        );
      }
      return;
    }
    for (const h of overdue) {
      this.held.delete(h.unit.id);
      this.metrics.fenced.inc();
      this.log.warn({ unit: h.unit.id, epoch: h.epoch.toString() }, 'lease could expire without a renewal; stopped work on the unit');
      void this.stopWorker(h, 'lease expiring');
    }
    if (this.keepingWithoutCoordinator) {
      this.keepingWithoutCoordinator = false;
      this.log.warn({ held: this.held.size }, 'units no longer run past their leases: a coordinator answered and renewed or stopped them');
    }
  }

  /**
   * How long a session may stay silent before it is given up: two renewals unanswered (at least
   * half a TTL, at most one). Short enough that units held can be re-presented to another
   * coordinator replica before they would have to stop.
   */
  private silenceLimitMs(): number {
    return Math.min(this.ttlMs, Math.max(2 * this.renewIntervalMs, this.ttlMs / 2));
  }

  /**
   * A fence tick that comes half a silence limit late means this process itself stalled (a long
   * synchronous stretch, a GC pause, a starved CPU): answers that arrived meanwhile are still
   * unread, and timers run before sockets are read. That time is not the coordinator's silence, so
   * silence is counted again from now. Lease deadlines still count it: the coordinator's clock ran.
   */
  private noteStall(): void {
    const now = this.now();
    if (this.lastTickAt !== undefined && now - this.lastTickAt > FENCE_TICK_MS + this.silenceLimitMs() / 2) this.listeningSince = now;
    this.lastTickAt = now;
  }

  /**
   * A coordinator that hangs (or a link that stalls) keeps the stream open but answers nothing:
   * after `silenceLimitMs` give the session up and open a new one (on the next replica), which
   * registers again and re-presents what is held.
   */
  private abandonSilentSession(): void {
    const stream = this.stream;
    if (!stream || this.stopped) return;
    const silentMs = this.now() - Math.max(this.lastAnswerAt ?? this.openedAt, this.listeningSince);
    if (silentMs <= this.silenceLimitMs()) return;
    this.metrics.silent.inc();
    this.log.warn({ coordinator: this.address, silentMs: Math.round(silentMs), held: this.held.size }, 'coordinator answered nothing lately; opening a new lease session');
    stream.cancel();
  }

  private async stopWorker(h: HeldUnit, reason: string): Promise<void> {
    const worker = await h.worker;
    if (!worker) return;
    try {
      await worker.stop(reason);
    } catch (err) {
      this.log.error({ unit: h.unit.id, err: (err as Error).message }, 'unit did not stop cleanly');
    }
  }

  private release(h: HeldUnit): Promise<void> {
    return new Promise((resolve) => {
      this.client().release(
        { instanceId: this.options.instanceId, unitId: h.unit.id, epoch: h.epoch },
        new grpc.Metadata(),
        { deadline: Date.now() + 2000 },
        (err) => {
          if (err) this.log.debug({ unit: h.unit.id, err: err.message }, 'release not confirmed; the lease will expire instead');
          resolve();
        },
      );
    });
  }
}
