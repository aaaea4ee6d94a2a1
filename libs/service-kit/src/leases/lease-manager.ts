import {
  assign,
  createLeaseTable,
  drain,
  leasesOf,
  registerInstance,
  release,
  removeInstance,
  renew,
  restoreLeases,
  setUnits,
  type HeldLease,
  type InstanceId,
  type InstanceRegistration,
  type Lease,
  type LeaseTable,
  type UnitId,
} from '@mirrormaker/lease';
import type { Logger, Registry } from '@mirrormaker/observability';
import type { ErrorReport, SessionResponse, ServiceKind, UnitProgress } from '@mirrormaker/proto';
import { Counter, Gauge } from 'prom-client';
import { leaseKindOf } from './service-kind-mapping';
import { sameLeases } from './same-leases';
import { workUnitMessage } from './work-unit-mapping';

export interface LeaseSettings {
  /** @default 10000 */
  ttlMs: number;
  /** @default 3000 */
  renewIntervalMs: number;
  /** Wait after an expiry before regranting, for clock skew and delays. @default 2000 */
  graceMs: number;
}

/** Where an instance's assignment is pushed: its open Session stream. */
export interface SessionSink {
  send(response: SessionResponse): void;
  /** Ends the session with an error the instance acts on (e.g. "not the leader; go to X"). */
  fail?(reason: string, leaderAddress?: string): void;
}

interface SessionState {
  sink: SessionSink;
  ackedSeq: bigint;
  version: string;
  advertisedAddress: string;
  /** What the instance registered as, so it can be registered again after being dropped. */
  registration: InstanceRegistration;
  /** The config revision last sent on this session, the one the instance runs, and why not the newest. */
  sentConfigRevision: bigint | undefined;
  appliedConfigRevision: bigint;
  configError: string;
  /** The leases the instance listed last on this session (a renewal may say it still holds them). */
  held: readonly PresentedLease[];
  /** The instance takes "grants unchanged" for the grants listed last on this session. */
  acceptsGrantsUnchanged: boolean;
  /** The grants listed last on this session. */
  sentGrants: readonly Lease[] | undefined;
}

interface PresentedLease {
  unitId: string;
  epoch: bigint;
}

/** A config revision as pushed to every instance over its session. */
export interface ConfigPush {
  revision: bigint;
  properties: string;
}

/** A renewal arrived on a session that is not (or no longer) the instance's current one. */
export class UnknownSessionError extends Error {
  readonly code = 'UNKNOWN_SESSION';
}

export interface InstanceReport {
  progress: Map<UnitId, UnitProgress>;
  errors: ErrorReport[];
}

/**
 * The coordinator's side of the lease protocol: one lease table (pure, from libs/lease), the open
 * sessions, and an assignment round after every change and on a timer (so expiries are noticed).
 * Each instance is sent its whole assignment whenever it changes and in answer to every message.
 */
export class LeaseManager {
  private table: LeaseTable;
  private readonly sessions = new Map<InstanceId, SessionState>();
  private readonly reports = new Map<InstanceId, InstanceReport>();
  private timer: NodeJS.Timeout | undefined;
  private config: ConfigPush | undefined;
  private readonly log: Logger;
  private readonly expired: Counter<string>;
  private readonly granted: Counter<string>;
  private readonly rejoined: Counter<string>;

  constructor(
    private readonly settings: LeaseSettings,
    logger: Logger,
    metrics: Registry,
    private readonly now: () => number = Date.now,
    /** Whether this process may grant now (a coordinator replica that leads and knows it). @default always */
    private readonly mayGrant: () => boolean = () => true,
  ) {
    this.table = createLeaseTable({ startedAt: now() });
    this.log = logger.child({ component: 'leases' });
    const registers = [metrics];
    const self = () => this.table;
    new Gauge({
      name: 'mirrormaker_coordinator_leases',
      help: 'Leases in the table, by state.',
      labelNames: ['state'],
      registers,
      collect() {
        let active = 0;
        let revoking = 0;
        for (const lease of self().leases.values()) {
          if (lease.state === 'active') active++;
          else revoking++;
        }
        this.set({ state: 'active' }, active);
        this.set({ state: 'revoking' }, revoking);
      },
    });
    new Gauge({
      name: 'mirrormaker_coordinator_units',
      help: 'Work units known to the coordinator.',
      registers,
      collect() {
        this.set(self().units.size);
      },
    });
    this.granted = new Counter({ name: 'mirrormaker_coordinator_leases_granted_total', help: 'Leases granted.', registers });
    this.expired = new Counter({ name: 'mirrormaker_coordinator_leases_expired_total', help: 'Leases that expired without a release.', registers });
    this.rejoined = new Counter({
      name: 'mirrormaker_coordinator_instances_rejoined_total',
      help: 'Instances registered again because they renewed on an open session after being dropped for missing renewals.',
      registers,
    });
  }

  start(): void {
    this.timer = setInterval(() => this.rebalance(), Math.max(100, Math.min(1000, this.settings.renewIntervalMs / 3)));
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get state(): LeaseTable {
    return this.table;
  }

  reportOf(instanceId: InstanceId): InstanceReport | undefined {
    return this.reports.get(instanceId);
  }

  versionOf(instanceId: InstanceId): string | undefined {
    return this.sessions.get(instanceId)?.version;
  }

  /** Where an instance serves gRPC, if it said so and its session is open. */
  addressOf(instanceId: InstanceId): string | undefined {
    return this.sessions.get(instanceId)?.advertisedAddress || undefined;
  }

  /** The config revision the instance runs and why it could not apply a newer one, if it said so. */
  configStateOf(instanceId: InstanceId): { appliedRevision: bigint; error: string } | undefined {
    const session = this.sessions.get(instanceId);
    return session && { appliedRevision: session.appliedConfigRevision, error: session.configError };
  }

  /** A new config revision: sent at once to every open session, and to every session that opens. */
  setConfig(config: ConfigPush): void {
    this.config = config;
    for (const id of this.sessions.keys()) this.push(id);
  }

  /**
   * This coordinator replica starts leading: a fresh table whose quiet period starts now, so the
   * holders of leases granted by the previous leader re-present them before anything unclaimed is
   * granted. Epochs continue above the highest seen here and the highest the previous leaders persisted.
   * `firstLeader`: no leader ever led before this one (and none persisted epochs), so nobody holds a
   * lease to re-present and there is no quiet period: units are granted at once.
   */
  beginLeadership(persistedEpochs: ReadonlyMap<UnitId, number> = new Map(), firstLeader = false): void {
    const units = [...this.table.units.keys()];
    const highestEpochs = new Map(this.table.highestEpochs);
    for (const [unit, epoch] of persistedEpochs) highestEpochs.set(unit, Math.max(epoch, highestEpochs.get(unit) ?? 0));
    const quietOver = firstLeader && persistedEpochs.size === 0;
    const startedAt = quietOver ? this.now() - this.settings.ttlMs - this.settings.graceMs : this.now();
    this.table = setUnits(createLeaseTable({ startedAt, highestEpochs }), units);
    for (const id of [...this.reports.keys()]) if (!this.sessions.has(id)) this.reports.delete(id);
  }

  /** This replica stops leading: every open session ends, sending its instance to the leader. */
  endLeadership(reason: string, leaderAddress?: string): void {
    for (const [id, session] of [...this.sessions]) {
      this.sessions.delete(id);
      session.sink.fail?.(reason, leaderAddress);
    }
    this.reports.clear();
  }

  /** Replaces the set of units to serve (after discovery or a config change). */
  setUnits(unitIds: Iterable<UnitId>): void {
    this.table = setUnits(this.table, unitIds);
    this.rebalance();
  }

  /** Opens or re-opens an instance's session; re-presented leases are kept when still valid. */
  register(
    request: {
      instanceId: string;
      kind: ServiceKind;
      capacity: number;
      version: string;
      held: PresentedLease[];
      seq: bigint;
      advertisedAddress: string;
      appliedConfigRevision?: bigint;
      acceptsGrantsUnchanged?: boolean;
    },
    sink: SessionSink,
  ): void {
    const kind = leaseKindOf(request.kind);
    if (!kind) throw new Error(`unknown service kind ${request.kind}: register as data-mirror, offset-sync, topic-config-sync or acl-sync`);
    if (!request.instanceId) throw new Error('instance id must not be empty');
    const registration: InstanceRegistration = { id: request.instanceId, serviceKind: kind, ...(request.capacity > 0 ? { capacity: request.capacity } : {}) };
    this.admit(registration, request.held);
    this.sessions.set(request.instanceId, {
      sink,
      ackedSeq: request.seq,
      version: request.version,
      advertisedAddress: request.advertisedAddress,
      registration,
      sentConfigRevision: undefined,
      appliedConfigRevision: request.appliedConfigRevision ?? 0n,
      configError: '',
      held: request.held,
      acceptsGrantsUnchanged: request.acceptsGrantsUnchanged ?? false,
      sentGrants: undefined,
    });
    this.log.info({ instance: request.instanceId, kind, held: request.held.length }, 'instance registered');
    this.rebalance(request.instanceId);
  }

  /**
   * A renewal on an open session. An instance dropped for missing renewals (it or the coordinator
   * was paused, the network stalled) while its session stayed open is registered again here, so it
   * rejoins by itself instead of renewing nothing forever.
   */
  renew(
    request: {
      instanceId: string;
      held: PresentedLease[];
      /** `held` is empty: the instance holds what it listed last on this session. */
      heldUnchanged?: boolean;
      /** Only units whose progress changed since the instance last reported them. */
      progress: UnitProgress[];
      errors: ErrorReport[];
      seq: bigint;
      appliedConfigRevision?: bigint;
      configError?: string;
    },
    sink: SessionSink,
  ): void {
    const session = this.sessions.get(request.instanceId);
    if (session?.sink !== sink) {
      throw new UnknownSessionError(`no open session of instance '${request.instanceId}' on this stream: open a new session and register again`);
    }
    session.ackedSeq = request.seq;
    session.appliedConfigRevision = request.appliedConfigRevision ?? session.appliedConfigRevision;
    session.configError = request.configError ?? '';
    if (!request.heldUnchanged) session.held = request.held;
    const heldNow = session.held;
    if (!this.table.instances.has(request.instanceId)) {
      this.admit(session.registration, heldNow);
      this.rejoined.inc();
      this.log.warn({ instance: request.instanceId, held: heldNow.length }, 'dropped instance renewed on its open session; registered it again');
    }
    const presented: HeldLease[] = heldNow.map((h) => ({ unitId: h.unitId, epoch: Number(h.epoch) }));
    const result = renew(this.table, request.instanceId, this.now(), this.settings.ttlMs, presented);
    this.table = result.nextState;
    const report = this.reports.get(request.instanceId) ?? { progress: new Map(), errors: [] };
    for (const p of request.progress) report.progress.set(p.unitId, p);
    // Units the instance gave up keep no report: they would pile up as leases move around.
    const held = new Set(heldNow.map((h) => h.unitId));
    for (const id of report.progress.keys()) if (!held.has(id)) report.progress.delete(id);
    report.errors = request.errors;
    this.reports.set(request.instanceId, report);
    this.rebalance(request.instanceId);
  }

  /** Adds (or refreshes) an instance and takes back the leases it re-presents, where still valid. */
  private admit(registration: InstanceRegistration, held: readonly PresentedLease[]): void {
    const now = this.now();
    this.table = registerInstance(this.table, registration, now);
    const presented = held.map((h) => ({ unitId: h.unitId, epoch: Number(h.epoch) }));
    const { nextState, results } = restoreLeases(this.table, registration.id, presented, now, this.settings.ttlMs);
    this.table = nextState;
    for (const r of results) if (!r.accepted) this.log.info({ instance: registration.id, unit: r.unitId, reason: r.reason }, 're-presented lease refused');
  }

  release(instanceId: InstanceId, unitId: UnitId, epoch: bigint): boolean {
    const result = release(this.table, unitId, instanceId, Number(epoch));
    this.table = result.nextState;
    if (result.released) this.rebalance();
    return result.released;
  }

  /** Moves every unit of an instance elsewhere, without waiting out TTLs when it releases them. */
  drain(instanceId: InstanceId): number {
    if (!this.table.instances.has(instanceId)) throw new Error(`no instance '${instanceId}' is registered`);
    const count = leasesOf(this.table, instanceId).length;
    this.table = drain(this.table, instanceId);
    this.rebalance();
    return count;
  }

  /** The session closed; leases stay until released or expired, the process may still be working. */
  disconnect(instanceId: InstanceId, sink: SessionSink): void {
    const session = this.sessions.get(instanceId);
    if (session?.sink !== sink) return;
    this.sessions.delete(instanceId);
    if (!this.table.instances.has(instanceId)) this.reports.delete(instanceId);
    this.log.info({ instance: instanceId }, 'instance session closed');
  }

  /**
   * The instance closed its session on purpose (a graceful stop): forget it at once so its share is
   * dealt to the others. Leases it did not release stay until they expire.
   */
  goodbye(instanceId: InstanceId, sink: SessionSink): void {
    if (this.sessions.get(instanceId)?.sink !== sink) return;
    this.table = removeInstance(this.table, instanceId);
    this.sessions.delete(instanceId);
    this.reports.delete(instanceId);
    this.log.info({ instance: instanceId }, 'instance left');
    this.rebalance();
  }

  private rebalance(alwaysNotify?: InstanceId): void {
    if (!this.mayGrant()) return;
    const result = assign(this.table, this.now(), { ttlMs: this.settings.ttlMs, graceMs: this.settings.graceMs });
    this.table = result.nextState;
    const changed = new Set<InstanceId>();
    for (const g of result.grants) changed.add(g.holder);
    for (const r of result.revocations) changed.add(r.holder);
    for (const e of result.expirations) {
      this.expired.inc();
      this.log.warn({ unit: e.unitId, holder: e.holder, epoch: e.epoch }, 'lease expired without release');
    }
    for (const id of result.removedInstances) {
      // An open session renews only what changed since: its report stays for when it rejoins.
      if (!this.sessions.has(id)) this.reports.delete(id);
      this.log.warn({ instance: id }, 'instance dropped: no renewal within one TTL');
    }
    this.granted.inc(result.grants.length);
    if (alwaysNotify) changed.add(alwaysNotify);
    for (const id of changed) this.push(id);
  }

  private push(instanceId: InstanceId): void {
    const session = this.sessions.get(instanceId);
    if (!session) return;
    const granted: Lease[] = [];
    const revocations = [];
    const now = this.now();
    for (const lease of leasesOf(this.table, instanceId)) {
      // A lease past its expiry is no longer the holder's, even before the table drops it after the
      // grace period: never present it as a grant (the holder would extend its own deadline).
      if (lease.expiresAt <= now) {
        revocations.push({ unitId: lease.unitId, epoch: BigInt(lease.epoch), reason: 'expired' });
      } else if (lease.state === 'active') {
        granted.push(lease);
      } else {
        revocations.push({ unitId: lease.unitId, epoch: BigInt(lease.epoch), reason: 'revoked' });
      }
    }
    // Thousands of grants in every answer, twice a second, kept a worker busy decoding them: an
    // instance that understands it is told "as before" when nothing changed.
    const grantsUnchanged = session.acceptsGrantsUnchanged && session.sentGrants !== undefined && sameLeases(session.sentGrants, granted);
    if (!grantsUnchanged) session.sentGrants = granted;
    const grants = grantsUnchanged ? [] : granted.map((l) => ({ unit: workUnitMessage(l.unitId), epoch: BigInt(l.epoch), expiresAt: new Date(l.expiresAt) }));
    // The config goes first in the message and is applied before its grants; it is sent once per
    // session and revision, not with every renewal.
    const config = this.config !== undefined && session.sentConfigRevision !== this.config.revision ? this.config : undefined;
    if (config) session.sentConfigRevision = config.revision;
    session.sink.send({
      grants,
      revocations,
      ttlMs: BigInt(this.settings.ttlMs),
      renewIntervalMs: BigInt(this.settings.renewIntervalMs),
      ackedSeq: session.ackedSeq,
      config,
      grantsUnchanged,
      acceptsHeldUnchanged: true,
    });
  }
}
