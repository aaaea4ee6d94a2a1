/**
 * Cluster administration for one cluster: topics, partitions, topic configs, ACLs, consumer
 * groups and offsets, in this lib's types (offsets as bigint, names for every enum).
 *
 * Connects on first use; `connect()` only makes the first connection (and its errors) explicit.
 */
// Before kafkajs loads: see the module.
import './aborted-transactions-patch';
import type { AclBinding } from '@mirrormaker/replication-policy';
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import type { Logger } from 'pino';
import { aclBindingFromWire, aclBindingToWire, aclFilterToWire, type AclBindingFilter, type WireAcl } from './acl-wire';
import { kafkaJsOf, type KafkaClient } from './connection';
import { KafkaError, isKafkaError, STALE_LEADER_ERRORS, toKafkaError, type KafkaErrorContext } from './errors';
import { configSourceFromId, type ConfigEntry } from './topic-config';

/** About 3.6 s in all: a topic deleted a moment ago may stay listed, without leaders, that long on a loaded broker. */
const LEADER_ATTEMPTS = 8;

export interface NewTopic {
  name: string;
  partitions: number;
  /** -1 = the broker's default.replication.factor. */
  replicationFactor: number;
  /** Topic-level overrides, e.g. { 'cleanup.policy': 'compact' }. */
  configs?: Record<string, string>;
}

export interface TopicDescription {
  partitions: number;
}

export const GROUP_STATES = [
  'EMPTY',
  'STABLE',
  'PREPARING_REBALANCE',
  'COMPLETING_REBALANCE',
  'ASSIGNING',
  'RECONCILING',
  'DEAD',
  'UNKNOWN',
] as const;
export type GroupState = (typeof GROUP_STATES)[number];

export interface GroupListing {
  groupId: string;
  /** 'consumer' for consumer groups, '' for groups that only store offsets, 'connect' for Connect workers. */
  protocolType: string;
}

export interface GroupDescription {
  state: GroupState;
  /** Number of members currently in the group. */
  members: number;
  protocolType: string;
  /** The assignor in use (e.g. 'range'), '' when none. */
  protocol: string;
}

export interface CommittedOffset {
  offset: bigint;
  metadata: string | null;
}

export interface PartitionOffsets {
  /** Log start offset. */
  earliest: bigint;
  /**
   * End offset as the admin sees it: kafkajs asks with READ_COMMITTED, so while a transaction is
   * open this is the last stable offset, not the high watermark.
   */
  latest: bigint;
}

function toGroupState(state: string | undefined): GroupState {
  if (!state) return 'UNKNOWN';
  const snake = state.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
  return (GROUP_STATES as readonly string[]).includes(snake) ? (snake as GroupState) : 'UNKNOWN';
}

export class KafkaAdmin {
  private readonly logger: Logger;
  private admin: Admin | undefined;
  private connecting: Promise<Admin> | undefined;
  private closed = false;
  /** Calls running on each kafkajs client. */
  private readonly running = new Map<Admin, number>();
  /** Clients replaced by a fresh one while calls still ran on them: disconnected after their last call. */
  private readonly retired = new Set<Admin>();

  constructor(private readonly client: KafkaClient) {
    this.logger = client.logger.child({ component: 'kafka-admin' });
  }

  /** Opens the connection (idempotent). Later calls reuse it. */
  async connect(): Promise<void> {
    await this.ready({ operation: 'connect admin client' });
  }

  /** Closes the connection (idempotent, never throws). */
  async close(): Promise<void> {
    this.closed = true;
    const pending = this.connecting;
    this.admin = undefined;
    this.connecting = undefined;
    const all = new Set(this.retired);
    this.retired.clear();
    const current = await pending?.catch(() => undefined);
    if (current) all.add(current);
    await Promise.all([...all].map((a) => a.disconnect().catch(() => undefined)));
  }

  async listTopics(): Promise<string[]> {
    return this.call({ operation: 'list topics' }, (admin) => admin.listTopics());
  }

  /** Partition counts of the named topics that exist; names without a topic are left out. */
  async describeTopics(names: readonly string[]): Promise<Map<string, TopicDescription>> {
    const result = new Map<string, TopicDescription>();
    if (names.length === 0) return result;
    const ctx = { operation: 'describe topics', topic: names.length === 1 ? names[0] : undefined };
    const fetch = (topics: string[]) =>
      this.call(ctx, async (admin) => {
        const { topics: found } = await admin.fetchTopicMetadata({ topics });
        for (const t of found) result.set(t.name, { partitions: t.partitions.length });
      });
    try {
      await fetch([...new Set(names)]);
    } catch (err) {
      if (!isKafkaError(err, 'TOPIC_NOT_FOUND')) throw err;
      // One missing name fails the whole metadata request: ask again for those that exist.
      const existing = new Set(await this.listTopics());
      const present = [...new Set(names)].filter((n) => existing.has(n));
      if (present.length > 0) await fetch(present);
    }
    return result;
  }

  /**
   * Creates topics and waits for their leaders. Topics that already exist are skipped silently
   * (whatever their partitions or configs); any other failure throws, naming the topic.
   */
  async createTopics(topics: readonly NewTopic[]): Promise<void> {
    if (topics.length === 0) return;
    for (const t of topics) {
      if (!Number.isInteger(t.partitions) || t.partitions < 1) {
        throw new KafkaError('INVALID_CONFIG', `create topic '${t.name}': partitions must be a positive integer, got ${t.partitions}`);
      }
      if (!Number.isInteger(t.replicationFactor) || (t.replicationFactor < 1 && t.replicationFactor !== -1)) {
        throw new KafkaError(
          'INVALID_CONFIG',
          `create topic '${t.name}': replicationFactor must be a positive integer or -1 (broker default), got ${t.replicationFactor}`,
        );
      }
    }
    const request = topics.map((t) => ({
      topic: t.name,
      numPartitions: t.partitions,
      replicationFactor: t.replicationFactor,
      configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
    }));
    try {
      // kafkajs's own wait for leaders gives up on UNKNOWN_TOPIC_OR_PARTITION, which a loaded broker
      // answers for a moment after creating a topic; wait here instead (waitForTopics).
      await this.withAdmin({ operation: 'create topics' }, (admin) => admin.createTopics({ topics: request, waitForLeaders: false }));
      await this.waitForTopics(topics.map((t) => t.name));
    } catch (err) {
      const failures = createTopicFailures(err).filter((f) => f.type !== 'TOPIC_ALREADY_EXISTS');
      if (failures.length === 0 && createTopicFailures(err).length > 0) return;
      const first = failures[0];
      const mapped = toKafkaError(first?.error ?? err, this.context({ operation: 'create topic', topic: first?.topic }));
      if (failures.length > 1) {
        throw new KafkaError(
          mapped.code,
          `${mapped.message} (also failed: ${failures
            .slice(1)
            .map((f) => `${f.topic}: ${f.type}`)
            .join(', ')})`,
          { cause: err, protocolError: mapped.protocolError },
        );
      }
      throw mapped;
    }
  }

  /**
   * Polls metadata until every named topic is visible with a leader for each partition, for at
   * most `timeoutMs`; never throws (producers retry a missing leader anyway).
   */
  private async waitForTopics(names: readonly string[], timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const ready = await this.call({ operation: 'describe topics' }, async (admin) => {
        const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
        return names.every((n) => {
          const t = topics.find((x) => x.name === n);
          return t !== undefined && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0);
        });
      }).catch(() => false);
      if (ready) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    this.logger.warn({ topics: names }, 'created topics have no leader in metadata yet; continuing');
  }

  /**
   * Grows `topic` to `totalCount` partitions and waits (up to 5 s) until the broker's metadata
   * shows them, so a describe or produce right after sees the new count. Throws
   * INVALID_PARTITIONS when the topic already has that many or more.
   */
  async createPartitions(topic: string, totalCount: number): Promise<void> {
    await this.call({ operation: 'create partitions', topic }, (admin) =>
      admin.createPartitions({ topicPartitions: [{ topic, count: totalCount }] }),
    );
    const deadline = Date.now() + 5_000;
    while (((await this.describeTopics([topic])).get(topic)?.partitions ?? 0) < totalCount) {
      if (Date.now() > deadline) {
        this.logger.warn({ topic, totalCount }, 'new partitions not visible in metadata after 5 s');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async deleteTopics(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    await this.call({ operation: 'delete topics', topic: names.length === 1 ? names[0] : undefined }, (admin) =>
      admin.deleteTopics({ topics: [...names] }),
    );
  }

  /**
   * Deletes the records of `topic` below the given offset of each partition (Kafka's DeleteRecords:
   * the partition's log start moves up to it, as retention would). Offsets past a partition's end
   * fail the call.
   */
  async deleteRecords(topic: string, before: ReadonlyMap<number, bigint>): Promise<void> {
    if (before.size === 0) return;
    await this.call({ operation: 'delete records', topic }, (admin) =>
      admin.deleteTopicRecords({ topic, partitions: [...before].map(([partition, offset]) => ({ partition, offset: offset.toString() })) }),
    );
  }

  /** All config entries of each topic, with their source and synonyms. */
  async describeTopicConfigs(names: readonly string[]): Promise<Map<string, ConfigEntry[]>> {
    const result = new Map<string, ConfigEntry[]>();
    if (names.length === 0) return result;
    const response = await this.call({ operation: 'describe topic configs', topic: names.length === 1 ? names[0] : undefined }, (admin) =>
      admin.describeConfigs({
        resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
        includeSynonyms: true,
      }),
    );
    for (const resource of response.resources) {
      result.set(
        resource.resourceName,
        resource.configEntries.map((e) => ({
          name: e.configName,
          value: e.configValue ?? null,
          isDefault: e.isDefault,
          isReadOnly: e.readOnly,
          isSensitive: e.isSensitive,
          source: configSourceFromId(e.configSource),
          synonyms: (e.configSynonyms ?? []).map((s) => ({
            name: s.configName,
            value: s.configValue ?? null,
            source: configSourceFromId(s.configSource),
          })),
        })),
      );
    }
    return result;
  }

  /**
   * Replaces the topic's overrides with `fullSet`. kafkajs has no IncrementalAlterConfigs: this is
   * the legacy AlterConfigs, which resets every override NOT in `fullSet` to its default. Callers
   * read the current overrides (describeTopicConfigs, source DYNAMIC_TOPIC_CONFIG), merge, and pass
   * the complete result.
   */
  async alterTopicConfigs(topic: string, fullSet: Readonly<Record<string, string>>): Promise<void> {
    await this.call({ operation: 'alter topic configs', topic }, (admin) =>
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: Object.entries(fullSet).map(([name, value]) => ({ name, value })),
          },
        ],
      }),
    );
  }

  async describeAcls(filter: AclBindingFilter): Promise<AclBinding[]> {
    const wire = aclFilterToWire(filter);
    const response = await this.call({ operation: 'describe ACLs' }, (admin) => admin.describeAcls(wire as never));
    const bindings: AclBinding[] = [];
    for (const resource of response.resources) {
      for (const acl of resource.acls) {
        const wireAcl: WireAcl = {
          resourceType: resource.resourceType,
          resourceName: resource.resourceName,
          resourcePatternType: resource.resourcePatternType,
          principal: acl.principal,
          host: acl.host,
          operation: acl.operation,
          permissionType: acl.permissionType,
        };
        const binding = aclBindingFromWire(wireAcl);
        if (binding) bindings.push(binding);
        else this.logger.warn({ acl: wireAcl }, 'skipping an ACL binding with a type this client does not know');
      }
    }
    return bindings;
  }

  /** Creates the bindings (existing identical bindings are not an error). */
  async createAcls(bindings: readonly AclBinding[]): Promise<void> {
    if (bindings.length === 0) return;
    const acl = bindings.map(aclBindingToWire);
    await this.call({ operation: 'create ACLs' }, (admin) => admin.createAcls({ acl: acl as never }));
  }

  /** Deletes every binding matching any filter; returns the deleted bindings. */
  async deleteAcls(filters: readonly AclBindingFilter[]): Promise<AclBinding[]> {
    if (filters.length === 0) return [];
    const wire = filters.map(aclFilterToWire);
    const response = await this.call({ operation: 'delete ACLs' }, (admin) => admin.deleteAcls({ filters: wire as never }));
    const deleted: AclBinding[] = [];
    for (const filterResponse of response.filterResponses) {
      for (const m of filterResponse.matchingAcls) {
        const binding = aclBindingFromWire(m);
        if (binding) deleted.push(binding);
      }
    }
    return deleted;
  }

  async listGroups(): Promise<GroupListing[]> {
    const { groups } = await this.call({ operation: 'list consumer groups' }, (admin) => admin.listGroups());
    const seen = new Map<string, GroupListing>();
    for (const g of groups) seen.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType ?? '' });
    return [...seen.values()];
  }

  async describeGroups(groupIds: readonly string[]): Promise<Map<string, GroupDescription>> {
    const result = new Map<string, GroupDescription>();
    if (groupIds.length === 0) return result;
    const { groups } = await this.call(
      { operation: 'describe consumer groups', group: groupIds.length === 1 ? groupIds[0] : undefined },
      (admin) => admin.describeGroups([...groupIds]),
    );
    for (const g of groups) {
      result.set(g.groupId, {
        state: toGroupState(g.state),
        members: g.members?.length ?? 0,
        protocolType: g.protocolType ?? '',
        protocol: g.protocol ?? '',
      });
    }
    return result;
  }

  /**
   * Committed offsets of a group: topic -> partition -> offset and metadata. Partitions without a
   * committed offset are left out. Without `topics`, every topic the group committed for.
   */
  async fetchCommittedOffsets(groupId: string, topics?: readonly string[]): Promise<Map<string, Map<number, CommittedOffset>>> {
    const responses = await this.call({ operation: 'fetch committed offsets', group: groupId }, (admin) =>
      admin.fetchOffsets(topics ? { groupId, topics: [...topics] } : { groupId }),
    );
    const result = new Map<string, Map<number, CommittedOffset>>();
    for (const { topic, partitions } of responses) {
      for (const p of partitions) {
        const offset = BigInt(p.offset);
        if (offset < 0n) continue;
        let byPartition = result.get(topic);
        if (!byPartition) result.set(topic, (byPartition = new Map()));
        byPartition.set(p.partition, { offset, metadata: p.metadata ?? null });
      }
    }
    return result;
  }

  /** Earliest and latest offset of every partition of `topic`. */
  async listOffsets(topic: string): Promise<Map<number, PartitionOffsets>> {
    // A topic created (or deleted) a moment ago may have no leader in the metadata kafkajs cached,
    // and kafkajs does not refresh it on NOT_LEADER: start from a fresh client and ask again, a few
    // times, looking again whether the topic exists at all.
    let offsets: Awaited<ReturnType<Admin['fetchTopicOffsets']>>;
    for (let attempt = 1; ; attempt++) {
      const described = await this.describeTopics([topic]);
      if (!described.has(topic)) {
        throw new KafkaError('TOPIC_NOT_FOUND', `list offsets, topic '${topic}' on cluster '${this.client.clusterAlias}': the topic does not exist`);
      }
      let found: typeof offsets | undefined;
      try {
        found = await this.call({ operation: 'list offsets', topic }, (admin) => offsetsIfKnown(admin, topic));
      } catch (err) {
        if (attempt >= LEADER_ATTEMPTS || !isKafkaError(err) || !STALE_LEADER_ERRORS.has(err.protocolError ?? '')) throw err;
        await this.dropConnection();
      }
      if (found) {
        offsets = found;
        break;
      }
      if (attempt >= LEADER_ATTEMPTS) {
        throw new KafkaError('UNKNOWN', `list offsets, topic '${topic}' on cluster '${this.client.clusterAlias}': its partitions were missing from the cluster metadata at each of ${attempt} attempts`, {
          retriable: true,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
    const result = new Map<number, PartitionOffsets>();
    for (const o of offsets) result.set(o.partition, { earliest: BigInt(o.low), latest: BigInt(o.high) });
    return result;
  }

  private context(ctx: KafkaErrorContext): KafkaErrorContext {
    return { ...ctx, cluster: this.client.clusterAlias, principal: this.client.principal };
  }

  private async ready(ctx: KafkaErrorContext): Promise<Admin> {
    if (this.closed) throw new KafkaError('CLOSED', `${ctx.operation} on cluster '${this.client.clusterAlias}': the admin client is closed`);
    if (this.admin) return this.admin;
    if (!this.connecting) {
      const admin = kafkaJsOf(this.client).admin();
      this.connecting = admin
        .connect()
        .then(() => {
          this.admin = admin;
          return admin;
        })
        .catch(async (err: unknown) => {
          this.connecting = undefined;
          await admin.disconnect().catch(() => undefined);
          throw toKafkaError(err, this.context({ operation: 'connect admin client' }));
        });
    }
    return this.connecting;
  }

  /** Runs `fn` with a connected kafkajs admin; errors stay kafkajs errors (the caller maps them). */
  private async withAdmin<T>(ctx: KafkaErrorContext, fn: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = await this.ready(ctx);
    this.running.set(admin, (this.running.get(admin) ?? 0) + 1);
    try {
      return await fn(admin);
    } catch (err) {
      // kafkajs remembers every topic it was asked about and refreshes metadata for all of them on
      // each call: one topic deleted since then fails every later call. Start from a clean client.
      if (toKafkaError(err, ctx).code === 'TOPIC_NOT_FOUND') this.retire(admin);
      throw err;
    } finally {
      const left = (this.running.get(admin) ?? 1) - 1;
      if (left > 0) this.running.set(admin, left);
      else {
        this.running.delete(admin);
        if (this.retired.delete(admin)) void admin.disconnect().catch(() => undefined);
      }
    }
  }

  private async call<T>(ctx: KafkaErrorContext, fn: (admin: Admin) => Promise<T>): Promise<T> {
    try {
      return await this.withAdmin(ctx, fn);
    } catch (err) {
      throw toKafkaError(err, this.context(ctx));
    }
  }

  /** Later calls go to a fresh client; the current one is disconnected once no call runs on it. */
  private async dropConnection(): Promise<void> {
    const pending = this.connecting;
    this.admin = undefined;
    this.connecting = undefined;
    const admin = await pending?.catch(() => undefined);
    if (admin) this.retire(admin);
  }

  /**
   * Replaces `admin` (if it is still the current client) for later calls. Disconnecting it at once
   * would break the calls still running on it: kafkajs then writes their next request to a closed
   * socket ('write after end'), and such a request may never be answered nor time out.
   */
  private retire(admin: Admin): void {
    if (this.admin === admin) {
      this.admin = undefined;
      this.connecting = undefined;
    }
    if ((this.running.get(admin) ?? 0) > 0) this.retired.add(admin);
    else void admin.disconnect().catch(() => undefined);
  }
}

interface CreateTopicFailure {
  topic: string | undefined;
  type: string | undefined;
  error: unknown;
}

/** Per-topic errors of a failed CreateTopics (kafkajs reports them in a KafkaJSAggregateError). */
function createTopicFailures(err: unknown): CreateTopicFailure[] {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    const errors = (current as { errors?: unknown[] }).errors;
    if (Array.isArray(errors)) {
      return errors.map((e) => ({
        topic: (e as { topic?: string }).topic,
        type: (e as { type?: string }).type,
        error: e,
      }));
    }
    current = (current as { cause?: unknown }).cause;
  }
  return [];
}

/**
 * kafkajs's offsets of a topic, or undefined when the metadata it cached lacked the topic's
 * partitions: a metadata refresh for other topics, run concurrently, can replace the one that
 * added this topic, and kafkajs then fails on an empty answer with a TypeError. Asking again
 * refreshes the metadata, as the topic is still one of the client's targets.
 */
async function offsetsIfKnown(admin: Admin, topic: string): Promise<Awaited<ReturnType<Admin['fetchTopicOffsets']>> | undefined> {
  try {
    return await admin.fetchTopicOffsets(topic);
  } catch (err) {
    if (err instanceof TypeError && /partitions/.test(err.message)) return undefined;
    throw err;
  }
}
