import {
  findFlow,
  flowReplication,
  type FlowConfig,
  heartbeatFlows,
  inlineSecretProblems,
  loadMirrorConfig,
  redactProperties,
  type MirrorConfig,
  type Problem,
  type ProviderSources,
} from '@mirrormaker/config';
import { createKafkaClient, KafkaAdmin, type KafkaClient, type KafkaConnection } from '@mirrormaker/kafka';
import { parseUnitId } from '@mirrormaker/lease';
import { internalRecordsSkippedCounter, skippedRecordReporter, type Logger, type Registry, type SkippedRecordReporter } from '@mirrormaker/observability';
import type { ErrorReport, Flow, GetStatusResponse, InstanceStatus, UnitProgress } from '@mirrormaker/proto';
import { Backoff, kafkaConnectionFor, LeaseManager, PeriodicLoop, type LeaseServingGate } from '@mirrormaker/service-kit';
import { deleteFlowProperties, patchFlowProperties, type ConfigRevision } from './config/config-revision';
import { ConfigFileWatch } from './config/config-file-watch';
import { ConfigRejected } from './config/config-rejected';
import { ConfigStore } from './config/config-store';
import { storedFileText } from './config/stored-file-text';
import { DiscoveryLoop } from './discovery/discovery-loop';
import { workUnits } from './discovery/work-units';
import { electionTimings } from './leadership/election-rules';
import { LeaderElection } from './leadership/leader-election';
import { NotLeaderError } from './leadership/not-leader-error';
import { flowStatuses, instanceStatuses, toConfigProblem } from './status/status-view';
import type { ReplicatedPartition } from './failover/failover-plan';

export interface CoordinatorOptions {
  logger: Logger;
  metrics: Registry;
  /** The --config file, if given: its path (watched for edits) and the text read at start. */
  file?: { path: string; text: string };
  /** The file replaces a stored revision (otherwise the stored one wins). */
  fileReplacesStored: boolean;
  env: Record<string, string | undefined>;
  /** Reads files for `${file:…}`/`${dir:…}` references; only the allowed ones (providerFileReader). */
  readFile: (path: string) => string;
  /** How often the --config file is checked for edits. @default 2000 */
  fileWatchIntervalMs?: number;
  /** This replica's id (unique per process start). */
  instanceId: string;
  /** host:port other processes reach this replica's gRPC on; needed to send clients to the leader. */
  advertisedAddress?: string;
}

interface ActiveConfig {
  revision: ConfigRevision;
  config: MirrorConfig;
  warnings: Problem[];
  /** How this config came to be in force, for logs and status. */
  source: string;
}

const EMPTY = 'clusters = \n';

/**
 * The control plane: the replication config (revisions stored in Kafka before they are
 * acknowledged), discovery of what each flow replicates, and the units leased out from it.
 */
export class Coordinator {
  readonly leases: LeaseManager;
  private active: ActiveConfig | undefined;
  private store: ConfigStore | undefined;
  private readonly clients = new Map<string, { fingerprint: string; client: KafkaClient; admin: KafkaAdmin }>();
  private readonly discovery: DiscoveryLoop;
  private readonly log: Logger;
  private startError: string | undefined;
  private initTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private fileWatch: ConfigFileWatch | undefined;
  /** Serialises config changes: each one reads the revision it replaces. */
  private changes: Promise<unknown> = Promise.resolve();
  /** Replicas of one coordinator elect a leader through Kafka; none without a home cluster at start. */
  private election: LeaderElection | undefined;
  /** True once this replica's lease table, as leader, starts above the persisted epochs. */
  private epochsSeeded = false;
  /** The --config text to store as a new revision when this replica first leads (file wins). */
  private pendingFileText: string | undefined;
  /** A follower keeps the newest stored revision loaded, so it can lead at once. */
  private followerRefresh: PeriodicLoop | undefined;

  /** Counts and logs unreadable records of the internal topics the coordinator reads (config, checkpoints). */
  readonly skippedRecords: SkippedRecordReporter;

  constructor(private readonly options: CoordinatorOptions) {
    this.log = options.logger.child({ component: 'coordinator' });
    this.skippedRecords = skippedRecordReporter(internalRecordsSkippedCounter(options.metrics), this.log);
    const ours = this.parse(options.file?.text ?? EMPTY).ours;
    this.leases = new LeaseManager(
      { ttlMs: ours.leaseTtlMs, renewIntervalMs: ours.leaseRenewIntervalMs, graceMs: ours.leaseGraceMs },
      options.logger,
      options.metrics,
      Date.now,
      () => (this.election ? this.election.mayAct() : options.file === undefined),
    );
    this.discovery = new DiscoveryLoop({
      adminFor: (alias) => this.clientFor(alias).admin,
      logger: options.logger,
      metrics: options.metrics,
      onChange: () => this.updateUnits(),
    });
  }

  /** Validates the file (if any) and starts; the stored revision is looked up in the background. */
  start(): void {
    this.leases.start();
    const { file } = this.options;
    if (file === undefined) {
      this.log.info('no --config given: waiting for a config through the control API');
      this.activate({ revision: 0, properties: EMPTY, paused: [], writtenAt: '' }, 'empty (no --config)');
      return;
    }
    const problems = this.problemsOf(file.text);
    if (problems.length > 0) throw new ConfigRejected(problems);
    void this.initFromStore(storedFileText(file.text, file.path, this.log), new Backoff({ initialMs: 1000, maxMs: 15_000 }));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.initTimer);
    await this.followerRefresh?.stop(2000);
    await this.election?.stop();
    await this.fileWatch?.stop();
    this.discovery.stop();
    this.leases.stop();
    await this.store?.close();
    await Promise.allSettled([...this.clients.values()].map((c) => c.admin.close()));
  }

  get ready(): boolean {
    return this.active !== undefined;
  }

  health(): { healthy: boolean; details: Record<string, unknown> } {
    return {
      healthy: true,
      details: {
        config: this.active ? `revision ${this.active.revision.revision} (${this.active.source})` : `not loaded yet: ${this.startError ?? 'starting'}`,
        role: this.role(),
        ...(this.election?.leader ? { leader: this.election.leader.address } : {}),
      },
    };
  }

  /** How this replica stands in the election, as health and status show it. */
  private role(): 'standalone' | 'starting' | 'leader' | 'follower' {
    if (this.election === undefined) return this.options.file === undefined ? 'standalone' : 'starting';
    return this.election.mayAct() ? 'leader' : 'follower';
  }

  /** Lease sessions are served by the leader only; the others name it. */
  readonly leaseGate: LeaseServingGate = () => {
    // With --config this replica joins an election once the stored config is read: until then it
    // must neither grant nor renew (another replica may lead).
    if (this.election === undefined) {
      return this.options.file === undefined ? { serving: true } : { serving: false, reason: 'this coordinator replica is starting and has not joined the leader election yet' };
    }
    if (this.election.mayAct()) return { serving: true };
    if (this.election.role === 'leader') return { serving: false, pausing: true };
    const leader = this.freshLeaderAddress();
    return { serving: false, reason: 'this coordinator replica does not lead', ...(leader ? { leaderAddress: leader } : {}) };
  };

  /**
   * Throws unless this replica leads (or runs alone): changes and lease state live on the leader.
   * A leader confirming its leadership passes: its config writes wait for the confirmation.
   */
  requireLeader(): void {
    const gate = this.leaseGate();
    if (gate.serving || 'pausing' in gate) return;
    throw new NotLeaderError(`${gate.reason}: send control calls to the leader`, gate.leaderAddress);
  }

  /** The leader's address while it was heard of lately (not this replica's own stale view). */
  private freshLeaderAddress(): string | undefined {
    const leader = this.election?.leader;
    if (!leader || leader.leaderId === this.options.instanceId) return undefined;
    const live = this.election!.liveMembers().find((m) => m.id === leader.leaderId);
    return live ? leader.address || undefined : undefined;
  }

  private get sources(): ProviderSources {
    return { env: this.options.env, readFile: this.options.readFile };
  }

  private load(text: string): { config: MirrorConfig; problems: Problem[] } {
    return loadMirrorConfig(text, this.sources);
  }

  private parse(text: string): MirrorConfig {
    return this.load(text).config;
  }

  private problemsOf(text: string): Problem[] {
    return this.load(text).problems.filter((p) => p.severity === 'error');
  }

  /** `fileText`: the --config file as it is stored (secrets in it referred to, not copied). */
  private async initFromStore(fileText: string, backoff: Backoff): Promise<void> {
    const fileConfig = this.parse(fileText);
    try {
      const store = this.storeFor(fileConfig);
      await store.ensureTopic();
      const stored = await store.latest();
      if (stored && !this.options.fileReplacesStored) {
        this.log.info({ revision: stored.revision }, 'using the stored config revision; the --config file is ignored (pass --config-replaces-stored to make the file win)');
        this.activate(stored, `stored revision ${stored.revision}`);
      } else {
        // Loaded now; stored as the next revision by whichever replica leads first with it.
        this.pendingFileText = fileText;
        this.activate({ revision: stored?.revision ?? 0, properties: fileText, paused: stored?.paused ?? [], writtenAt: '' }, 'file, not stored yet');
      }
      await this.startElection(fileConfig);
      this.startError = undefined;
      this.watchFile();
    } catch (err) {
      if (this.stopped) return;
      const delay = backoff.next();
      this.startError = `cannot read the stored config on cluster ${fileConfig.ours.coordinatorHomeCluster}: ${(err as Error).message}`;
      this.log.warn({ retryInMs: delay }, this.startError);
      this.initTimer = setTimeout(() => void this.initFromStore(fileText, backoff), delay);
    }
  }

  /**
   * From now on an edit of the --config file is a config change like ApplyConfig, whichever config
   * won at start: saving the file is the operator's latest instruction.
   */
  private watchFile(): void {
    const { file } = this.options;
    if (file === undefined || this.stopped) return;
    this.fileWatch = new ConfigFileWatch({
      path: file.path,
      initialText: file.text,
      apply: (text) => this.change((current) => ({ ...current, properties: storedFileText(text, file.path, this.log) }), false, 'edit of the --config file'),
      currentRevision: () => this.active?.revision.revision,
      logger: this.options.logger,
      metrics: this.options.metrics,
      intervalMs: this.options.fileWatchIntervalMs,
    });
    this.fileWatch.start();
  }

  private homeClient(config: MirrorConfig): KafkaClient {
    const home = config.ours.coordinatorHomeCluster;
    const cluster = config.clusters[home];
    if (!cluster) throw new Error(`home cluster '${home}' is not among the clusters`);
    return createKafkaClient(kafkaConnectionFor(cluster, 'mirrormaker-coordinator|config', cluster.admin, 'admin'), this.options.logger);
  }

  private storeFor(config: MirrorConfig): ConfigStore {
    this.store ??= new ConfigStore(
      this.homeClient(config),
      config.ours.coordinatorConfigTopic,
      this.log,
      this.skippedRecords,
      // Once replicas elect a leader, only the leader's transactions may write revisions.
      () => this.election && ((topic, records) => this.election!.writeAsLeader(topic, records)),
    );
    return this.store;
  }

  /**
   * Joins the election among the replicas sharing this config topic. The leader serves lease
   * sessions and control changes; followers keep the newest revision loaded and send clients on.
   */
  private async startElection(config: MirrorConfig): Promise<void> {
    if (this.election || this.stopped) return;
    const topic = `${config.ours.coordinatorConfigTopic.replace(/\.internal$/, '')}.leader.internal`;
    const election = new LeaderElection({
      client: this.homeClient(config),
      topic,
      transactionalId: `mirrormaker-coordinator|${config.ours.coordinatorConfigTopic}`,
      instanceId: this.options.instanceId,
      address: this.options.advertisedAddress ?? '',
      timings: electionTimings({ ttlMs: config.ours.leaseTtlMs, renewIntervalMs: config.ours.leaseRenewIntervalMs }),
      logger: this.options.logger,
      metrics: this.options.metrics,
      configRevision: () => this.active?.revision.revision ?? 0,
      // None until this leader's table starts above the persisted epochs: a heartbeat sent between
      // the takeover and lead() would otherwise persist the empty table of a fresh replica.
      highestEpochs: () => (this.epochsSeeded ? this.leases.state.highestEpochs : undefined),
      onLead: (term) => this.lead(term),
      onFollow: (reason) => {
        this.epochsSeeded = false;
        this.leases.endLeadership(reason, this.freshLeaderAddress());
      },
    });
    this.election = election;
    await election.start();
    this.followerRefresh = PeriodicLoop.fixedRate(
      5000,
      async () => {
        if (election.mayAct() || !this.store) return;
        const stored = await this.store.latest();
        if (stored && stored.revision > (this.active?.revision.revision ?? 0)) this.activate(stored, `stored revision ${stored.revision} (follower)`);
      },
      (err) => this.log.warn({ err: (err as Error).message }, 'a follower could not read the newest config revision; retrying'),
    );
    this.followerRefresh.start();
  }

  /**
   * This replica now leads: a new lease table first (synchronously, before it may act: quiet
   * period, epochs above those persisted), then the newest revision and the pending file.
   */
  private async lead(term: number): Promise<void> {
    // Term 1: the first leader this leader topic ever had, so no lease of an earlier one exists.
    this.leases.beginLeadership(this.election?.persistedEpochs(), term === 1);
    this.epochsSeeded = true;
    const stored = await this.store?.latest();
    if (stored && stored.revision > (this.active?.revision.revision ?? 0)) this.activate(stored, `stored revision ${stored.revision}`);
    const fileText = this.pendingFileText;
    if (fileText !== undefined) {
      this.pendingFileText = undefined;
      await this.change((current) => ({ ...current, properties: fileText }), false, '--config file').catch((err: Error) => {
        this.pendingFileText = fileText;
        this.log.warn({ err: err.message }, 'could not store the --config file as a revision; the next leadership tries again');
      });
    } else {
      this.updateUnits();
    }
  }

  private clientFor(alias: string): { client: KafkaClient; admin: KafkaAdmin } {
    const cluster = this.active?.config.clusters[alias];
    if (!cluster) throw new Error(`cluster '${alias}' is not configured`);
    const fingerprint = JSON.stringify([cluster.bootstrapServers, cluster.security, cluster.admin]);
    const existing = this.clients.get(alias);
    if (existing?.fingerprint === fingerprint) return existing;
    void existing?.admin.close();
    const client = createKafkaClient(kafkaConnectionFor(cluster, `mirrormaker-coordinator|${alias}`, cluster.admin, 'admin'), this.options.logger);
    const entry = { fingerprint, client, admin: new KafkaAdmin(client) };
    this.clients.set(alias, entry);
    return entry;
  }

  private activate(revision: ConfigRevision, source: string): void {
    const { config, problems } = this.load(revision.properties);
    this.active = { revision, config, source, warnings: problems.filter((p) => p.severity === 'warning') };
    // Workers get the revision before any grant it leads to (revision 0 is "no config": nothing to send).
    if (revision.revision > 0) this.leases.setConfig({ revision: BigInt(revision.revision), properties: revision.properties });
    this.discovery.setFlows(config.flows);
    this.updateUnits();
  }

  private updateUnits(): void {
    if (!this.active) return;
    const { config, revision } = this.active;
    this.leases.setUnits(workUnits(config.flows, heartbeatFlows(config), this.discovery.all(), new Set(revision.paused)));
  }

  private requireActive(): ActiveConfig {
    if (!this.active) throw new Error(`the config is not loaded yet: ${this.startError ?? 'starting'}`);
    return this.active;
  }

  /** Validates, stores (acked by Kafka) and then applies a new config text. */
  private change(
    build: (current: ConfigRevision) => ConfigRevision,
    dryRun = false,
    source = 'control API',
  ): Promise<{ revision: ConfigRevision; warnings: Problem[] }> {
    const next = this.changes.then(async () => {
      if (!dryRun) this.requireLeader();
      const current = this.requireActive().revision;
      const candidate = build(current);
      const { config, problems } = this.load(candidate.properties);
      // Revisions are stored as written, so a secret in clear text is refused rather than stored.
      const errors = [...problems.filter((p) => p.severity === 'error'), ...inlineSecretProblems(candidate.properties)];
      if (errors.length > 0) throw new ConfigRejected(errors);
      const warnings = problems.filter((p) => p.severity !== 'error');
      if (dryRun) return { revision: current, warnings };
      const revision = { ...candidate, revision: current.revision + 1, writtenAt: new Date().toISOString() };
      await this.storeFor(config).ensureTopic();
      await this.storeFor(config).write(revision);
      this.log.info({ revision: revision.revision }, 'config revision stored and applied');
      this.activate(revision, `revision ${revision.revision} via ${source}`);
      return { revision, warnings };
    });
    this.changes = next.catch(() => undefined);
    return next;
  }

  applyConfig(properties: string, dryRun: boolean) {
    return this.change((current) => ({ ...current, properties }), dryRun);
  }

  patchFlow(flow: string, set: Record<string, string>, unset: string[]) {
    this.requireFlow(flow);
    return this.change((current) => ({ ...current, properties: patchFlowProperties(current.properties, flow, set, unset) }));
  }

  setPaused(flow: string, paused: boolean) {
    this.requireFlow(flow);
    return this.change((current) => ({
      ...current,
      paused: paused ? [...new Set([...current.paused, flow])] : current.paused.filter((f) => f !== flow),
    }));
  }

  deleteFlow(flow: string) {
    this.requireFlow(flow);
    return this.change((current) => ({
      ...current,
      properties: deleteFlowProperties(current.properties, flow),
      paused: current.paused.filter((f) => f !== flow),
    }));
  }

  private requireFlow(name: string) {
    const flow = findFlow(this.requireActive().config, name);
    if (!flow) throw new FlowNotFound(name, this.requireActive().config.flows.map((f) => f.name));
    return flow;
  }

  flows(): { flows: Flow[]; revision: number } {
    const active = this.requireActive();
    return { flows: active.config.flows.map((f) => this.flowView(f.name)), revision: active.revision.revision };
  }

  flowView(name: string): Flow {
    const { config, revision } = this.requireActive();
    const flow = this.requireFlow(name);
    return {
      ref: { source: flow.source, target: flow.target },
      enabled: flow.enabled,
      paused: revision.paused.includes(flow.name),
      settings: redactProperties(flow.raw, config),
    };
  }

  async refresh(flows: string[]): Promise<void> {
    this.requireLeader();
    for (const f of flows) this.requireFlow(f);
    await this.discovery.refresh(flows);
  }

  status(onlyFlows: string[]): GetStatusResponse {
    const active = this.requireActive();
    const coordinators = (this.election?.liveMembers() ?? []).map((m) => ({
      instanceId: m.id,
      address: m.address,
      role: m.id === this.options.instanceId ? (this.election!.mayAct() ? 'leader' : 'follower') : m.role,
      configRevision: BigInt(m.id === this.options.instanceId ? active.revision.revision : m.configRevision),
    }));
    const leaderAddress = this.election === undefined ? (this.options.advertisedAddress ?? '') : this.election.mayAct() ? (this.options.advertisedAddress ?? '') : (this.freshLeaderAddress() ?? '');
    if (this.election !== undefined && !this.election.mayAct()) {
      // Lease state and worker reports live on the leader: a follower says who it is and where the leader is.
      return {
        configRevision: BigInt(active.revision.revision),
        configSource: active.source,
        flows: [],
        instances: [],
        configWarnings: active.warnings.map(toConfigProblem),
        coordinators,
        leaderAddress,
        answeredBy: this.role(),
      };
    }
    const progress = new Map<string, UnitProgress>();
    const reportedAt = new Map<string, number>();
    const errors: ErrorReport[] = [];
    const table = this.leases.state;
    for (const instance of table.instances.values()) {
      const report = this.leases.reportOf(instance.id);
      for (const [unit, p] of report?.progress ?? []) {
        progress.set(unit, p);
        reportedAt.set(unit, instance.lastRenewalAt);
      }
      errors.push(...(report?.errors ?? []));
    }
    // A unit's current holder speaks for it, not an instance that held it before and still renews.
    for (const lease of table.leases.values()) {
      const p = lease.state === 'active' ? this.leases.reportOf(lease.holder)?.progress.get(lease.unitId) : undefined;
      if (p === undefined) continue;
      progress.set(lease.unitId, p);
      reportedAt.set(lease.unitId, table.instances.get(lease.holder)?.lastRenewalAt ?? Date.now());
    }
    const inputs = {
      reportedAt,
      now: Date.now(),
      config: active.config,
      paused: new Set(active.revision.paused),
      discoveries: this.discovery.all(),
      leases: this.leases.state,
      progress,
      errors,
      versionOf: (id: string) => this.leases.versionOf(id),
      configStateOf: (id: string) => this.leases.configStateOf(id),
    };
    return {
      configRevision: BigInt(active.revision.revision),
      configSource: active.source,
      flows: flowStatuses(inputs, new Set(onlyFlows)),
      instances: instanceStatuses(inputs),
      configWarnings: active.warnings.map(toConfigProblem),
      coordinators,
      leaderAddress,
      answeredBy: this.role(),
    };
  }

  instances(): InstanceStatus[] {
    this.requireLeader();
    return instanceStatuses({ leases: this.leases.state, versionOf: (id) => this.leases.versionOf(id), configStateOf: (id) => this.leases.configStateOf(id) });
  }

  /** A flow's config, for failover and failback; throws FlowNotFound. */
  flowConfig(name: string): FlowConfig {
    return this.requireFlow(name);
  }

  /** Connection settings of a configured cluster, for a client of `purpose`. */
  connectionOf(alias: string, purpose: string): KafkaConnection {
    const cluster = this.requireActive().config.clusters[alias];
    if (!cluster) throw new Error(`cluster '${alias}' is not configured`);
    return kafkaConnectionFor(cluster, `mirrormaker-coordinator|${purpose}|${alias}`);
  }

  /** The flow's source partitions with the last copied offset and lag the data mirror reported. */
  replicatedPartitions(flow: string): ReplicatedPartition[] {
    this.requireLeader();
    const status = this.status([flow]).flows[0];
    return (status?.topics ?? []).flatMap((t) => t.partitions.map((p) => ({ topic: t.sourceTopic, partition: p.partition, position: p.position, lag: p.lag })));
  }

  /**
   * Records the flow has still to copy (as last reported), and its partitions with no holder or no
   * report yet. Heartbeats topics are left out: written every second, they are never quite caught
   * up, and no consumer group waits for them.
   */
  flowLag(flow: string): { lag: bigint; unheld: number } {
    this.requireLeader();
    const { policy } = flowReplication(this.requireFlow(flow));
    const partitions = (this.status([flow]).flows[0]?.topics ?? []).filter((t) => !policy.isHeartbeatsTopic(t.sourceTopic)).flatMap((t) => t.partitions);
    return {
      lag: partitions.reduce((sum, p) => sum + (p.lag > 0n ? p.lag : 0n), 0n),
      unheld: partitions.filter((p) => p.holder === '' || p.lag < 0n).length,
    };
  }

  /** The instance holding a flow's groups unit and where it serves gRPC. */
  offsetSyncHolder(flow: string): { instance: string; address: string | undefined } | undefined {
    this.requireLeader();
    this.requireFlow(flow);
    for (const lease of this.leases.state.leases.values()) {
      const ref = parseUnitId(lease.unitId);
      if (lease.state === 'active' && ref.kind === 'groups' && ref.flow === flow) {
        return { instance: lease.holder, address: this.leases.addressOf(lease.holder) };
      }
    }
    return undefined;
  }
}

export class FlowNotFound extends Error {
  readonly code = 'FLOW_NOT_FOUND';

  constructor(flow: string, known: string[]) {
    super(`no flow '${flow}'; flows are written source->target, e.g. ${known.slice(0, 3).join(', ') || 'A->B'}`);
  }
}
